"""Dashboards: pinned answers that stay live, with dashboard-wide filters.

Same permission model, sharing and optimistic versioning as boards (see
documents.py): the owner and admins may do everything, editors may pin, unpin,
move and change settings, viewers may view. Argument order: ids, then the new
values, then ``expected_version``; optional fields are keyword-only.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from app.store import validate
from app.store.access import DASHBOARD, Kind, load_actor
from app.store.documents import DocumentsMixin
from app.store.errors import Forbidden, ValidationError
from app.store.models import Dashboard, Pin, User

OVERVIEW_KEY = "supervisor_overview"


def _pin(row: sqlite3.Row) -> Pin:
    return Pin(
        id=row["id"],
        title=row["title"],
        question=row["question"],
        intent=json.loads(row["intent"]),
        chart=row["chart"],
        position=row["position"],
        source=row["source"],
    )


def _pin_fields(pin: Pin | dict, default_source: str) -> dict[str, Any]:
    """A Pin, or a dict with title, question, intent, chart and optionally source."""
    get = pin.get if isinstance(pin, dict) else lambda key, default=None: getattr(pin, key, default)
    fields = validate.item_fields(get("title", ""), get("question", ""), get("intent"), get("chart"))
    fields["source"] = validate.source(get("source") or default_source)
    return fields


class DashboardsMixin(DocumentsMixin):
    def _build(self, con: sqlite3.Connection, kind: Kind, row: sqlite3.Row, access: str) -> Any:
        if kind is not DASHBOARD:
            return super()._build(con, kind, row, access)
        return Dashboard(
            **self._common_fields(con, DASHBOARD, row, access),
            filters=json.loads(row["filters"]),
            refresh_seconds=row["refresh_seconds"],
            pins=tuple(_pin(r) for r in self._items(con, DASHBOARD, row["id"])),
            system_key=row["system_key"],
        )

    def create_dashboard(
        self,
        actor: User,
        title: str,
        *,
        filters: dict | None = None,
        refresh_seconds: int | None = None,
        pins: Iterable[Pin | dict] = (),
    ) -> Dashboard:
        """A new private dashboard. ``filters`` keys: borough, bcu, period (all optional);
        ``refresh_seconds``: None (no auto refresh) or 10..86400."""
        columns = {
            "title": validate.line(title, "Title"),
            "filters": json.dumps(validate.filters(filters)),
            "refresh_seconds": validate.refresh_seconds(refresh_seconds),
        }
        items = [_pin_fields(p, "ask") for p in pins]
        return self._create(DASHBOARD, actor, columns, items, {"title": columns["title"]})

    def get_dashboard(self, actor: User, dashboard_id: str) -> Dashboard:
        """The dashboard; NotFound if unknown or deleted, Forbidden if not shared with ``actor``."""
        return self._get(DASHBOARD, actor, dashboard_id)

    def list_dashboards(self, actor: User, *, everything: bool = False) -> list[Dashboard]:
        """Dashboards ``actor`` owns or that are shared with them (or their team), newest
        change first. Admins may pass ``everything=True``."""
        return self._list(DASHBOARD, actor, everything)

    def update_dashboard(
        self,
        actor: User,
        dashboard_id: str,
        expected_version: int,
        *,
        title: str | None = None,
        filters: dict | None = None,
        refresh_seconds: int | None = None,
    ) -> Dashboard:
        """Change the title, filters and/or refresh (None leaves a field as it is;
        ``refresh_seconds=0`` turns auto refresh off)."""
        columns: dict[str, Any] = {}
        if title is not None:
            columns["title"] = validate.line(title, "Title")
        if filters is not None:
            columns["filters"] = json.dumps(validate.filters(filters))
        if refresh_seconds is not None:
            columns["refresh_seconds"] = (
                None if refresh_seconds == 0 else validate.refresh_seconds(refresh_seconds)
            )
        return self._update_document(DASHBOARD, actor, dashboard_id, expected_version, columns)

    def pin(
        self,
        actor: User,
        dashboard_id: str,
        expected_version: int,
        *,
        title: str = "",
        question: str = "",
        intent: dict | None = None,
        chart: str | None = None,
        source: str = "ask",
    ) -> Dashboard:
        """Pin an answer to the end of the dashboard (the new pin is ``dashboard.pins[-1]``).
        ``source`` is 'ask' or 'board:<board id>'."""
        fields = _pin_fields(
            {"title": title, "question": question, "intent": intent, "chart": chart, "source": source}, "ask"
        )

        def apply(con):
            pin_id = self._insert_item(con, DASHBOARD, dashboard_id, fields)
            return {"added": pin_id, "title": fields["title"], "source": fields["source"]}

        return self._change(DASHBOARD, actor, dashboard_id, expected_version, apply, action="pin")

    def update_pin(
        self,
        actor: User,
        dashboard_id: str,
        pin_id: str,
        expected_version: int,
        *,
        title: str | None = None,
        question: str | None = None,
        intent: dict | None = None,
        chart: str | None = None,
    ) -> Dashboard:
        """Change a pin's title, question, intent and/or chart (None leaves a field as it is)."""
        changes = validate.item_changes(title, question, intent, chart)
        return self._update_item(DASHBOARD, actor, dashboard_id, pin_id, expected_version, changes)

    def unpin(self, actor: User, dashboard_id: str, pin_id: str, expected_version: int) -> Dashboard:
        """Take a pin off the dashboard."""
        return self._remove_item(DASHBOARD, actor, dashboard_id, pin_id, expected_version)

    def move_pin(
        self, actor: User, dashboard_id: str, pin_id: str, new_position: int, expected_version: int
    ) -> Dashboard:
        """Move a pin to ``new_position`` (0 is first; out-of-range values go to either end)."""
        return self._move_item(DASHBOARD, actor, dashboard_id, pin_id, new_position, expected_version)

    def share_dashboard(
        self, actor: User, dashboard_id: str, principal_kind: str, principal: str, role: str = "viewer"
    ) -> Dashboard:
        """Share with a user or a team as 'viewer' or 'editor'. Owner or admin only."""
        return self._share(DASHBOARD, actor, dashboard_id, principal_kind, principal, role)

    def unshare_dashboard(
        self, actor: User, dashboard_id: str, principal_kind: str, principal: str
    ) -> Dashboard:
        """Stop sharing with that user or team. Owner or admin only."""
        return self._unshare(DASHBOARD, actor, dashboard_id, principal_kind, principal)

    def delete_dashboard(self, actor: User, dashboard_id: str, expected_version: int | None = None) -> None:
        """Soft delete. Owner or admin only."""
        self._delete(DASHBOARD, actor, dashboard_id, expected_version)

    def ensure_supervisor_overview(self, actor: User, pins: Iterable[Pin | dict]) -> Dashboard | None:
        """The supervisor's "Supervisor overview" dashboard for their BCU, created on the first
        call with ``pins`` (dicts with title, question, intent, chart), filtered to their team.
        Later calls return it unchanged; None if the supervisor has deleted it (it is not
        recreated). For supervisors (and admins) with a team."""
        items = [_pin_fields(p, "default") for p in pins]
        with self._write() as con:
            me = load_actor(con, actor)
            if me.role not in ("supervisor", "admin"):
                raise Forbidden("The supervisor overview is for supervisors")
            if not me.team:
                raise ValidationError("Your account has no team (BCU): ask an admin to set one")
            row = con.execute(
                "SELECT * FROM dashboards WHERE owner = ? AND system_key = ?", (me.username, OVERVIEW_KEY)
            ).fetchone()
            if row is not None:
                return None if row["deleted"] else self._build(con, DASHBOARD, row, "owner")
            columns = {
                "title": f"Supervisor overview: {me.team}",
                "filters": json.dumps(validate.filters({"bcu": me.team})),
                "system_key": OVERVIEW_KEY,
            }
            return self._insert_document(con, DASHBOARD, me, columns, items, {"title": columns["title"]})
