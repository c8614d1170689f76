"""Fixtures for the state store tests: a fresh store, a fake clock, a cast of users.

Every test that uses ``store`` (or ``new_state``/``state_location``) runs twice: on a SQLite
file and on a fresh database of one throwaway PostgreSQL server per session (``postgres_server``
in tests/conftest.py). The postgres runs skip, with the reason, where psycopg or PostgreSQL's
binaries are missing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from app import auth
from app.store import Store, User, passwords
from tests.store import databases

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def new_state(backend, tmp_path, request) -> Callable[[], object]:
    """Makes a fresh, empty store location: a file path, or a PostgreSQL database URL."""
    if backend == "postgres":
        return request.getfixturevalue("postgres_server").new_database
    numbers = itertools.count(1)
    return lambda: tmp_path / f"state{next(numbers)}" / "state.sqlite"


@pytest.fixture
def state_location(new_state):
    return new_state()


@pytest.fixture
def raw(store):
    """A raw connection to the store's database (for tampering like an attacker would)."""
    con = databases.Raw(store.path)
    yield con
    con.close()


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    # The real cost (n=2**17) is checked in test_store_accounts; tests add many users.
    monkeypatch.setattr(auth, "SCRYPT_N", 2**10)
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**10)  # where hashing lives


class FakeClock:
    def __init__(self, start: datetime = datetime(2025, 6, 1, 11, 0, tzinfo=UTC)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(backend, tmp_path, request, clock) -> Store:
    """A new store; on PostgreSQL a copy of an already migrated database (opening it migrates
    nothing: tests of migrations use ``state_location``, which is always empty)."""
    if backend == "postgres":
        return Store(request.getfixturevalue("postgres_server").new_database(migrated=True), clock=clock)
    return Store(tmp_path / "state" / "state.sqlite", clock=clock)


@dataclass
class Cast:
    officer: User  # no team
    sergeant: User  # Central West
    colleague: User  # officer in Central West
    stranger: User  # officer in South East
    supervisor: User  # North West
    admin: User


PASSWORD = "correct horse"


@pytest.fixture
def people(store) -> Cast:
    add = store.add_user
    return Cast(
        officer=add(None, "officer", PASSWORD, role="officer"),
        sergeant=add(None, "sergeant", PASSWORD, role="sergeant", team="Central West"),
        colleague=add(None, "colleague", PASSWORD, role="officer", team="Central West"),
        stranger=add(None, "stranger", PASSWORD, role="officer", team="South East"),
        supervisor=add(None, "supervisor", PASSWORD, role="supervisor", team="North West"),
        admin=add(None, "admin", PASSWORD, role="admin"),
    )


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def event() -> dict:
    return dict(EVENT)


EVENT = {
    "venue": "Wembley Stadium",
    "event_name": "Taylor Swift | The Eras Tour",
    "date": "2024-06-21",
    "start_time": "17:00",
    "end_time": "23:30",
    "radius_m": 500,
}
