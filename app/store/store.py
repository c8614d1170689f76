"""The Store: one object with the whole state-store API (see app/store/__init__.py)."""

from __future__ import annotations

from app.store.boards import BoardsMixin
from app.store.dashboards import DashboardsMixin
from app.store.sessions import SessionsMixin


class Store(BoardsMixin, DashboardsMixin, SessionsMixin):
    """Users, boards, dashboards, sign-in sessions and the audit log in one SQLite file or
    PostgreSQL database.

    ``Store(path, clock=None)``: creates the file and its folder if needed (or, for a
    ``postgresql://`` URL, uses that database) and applies pending migrations. Safe to share
    between threads and processes, and, on PostgreSQL, between app instances. ``clock`` returns
    an aware datetime (for tests); it defaults to the system clock.
    """
