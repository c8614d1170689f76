"""The objects the store returns. All are frozen: change them through the Store.

``access`` on a Board or Dashboard is what the acting user may do with it:
'owner', 'admin' (an admin who is not the owner: full rights), 'editor' or 'viewer'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ROLES = ("officer", "sergeant", "supervisor", "admin")
SHARE_ROLES = ("viewer", "editor")
PRINCIPAL_KINDS = ("user", "team")
CHARTS = ("number", "line", "bar", "map", "table")


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    team: str | None = None
    disabled: bool = False
    created_at: datetime | None = None
    locked_until: datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def sees_all_audit(self) -> bool:
        """Supervisors and admins read everyone's audit rows; others only their own."""
        return self.role in ("supervisor", "admin")


@dataclass(frozen=True)
class Share:
    principal_kind: str  # 'user' | 'team'
    principal: str  # a username or a team (BCU) name
    role: str  # 'viewer' | 'editor'


@dataclass(frozen=True)
class Tile:
    id: str
    title: str
    question: str = ""
    intent: dict[str, Any] = field(default_factory=dict)
    chart: str | None = None
    position: int = 0


@dataclass(frozen=True)
class Pin:
    id: str
    title: str
    question: str = ""
    intent: dict[str, Any] = field(default_factory=dict)
    chart: str | None = None
    position: int = 0
    source: str = "ask"  # 'ask' | 'board:<id>' | 'default'


@dataclass(frozen=True)
class _Shared:
    """What boards and dashboards have in common."""

    @property
    def can_edit(self) -> bool:
        return self.access in ("owner", "admin", "editor")

    @property
    def can_manage(self) -> bool:
        """May share, unshare and delete."""
        return self.access in ("owner", "admin")


@dataclass(frozen=True)
class Board(_Shared):
    id: str
    owner: str
    title: str
    event: dict[str, Any]  # venue, event_name, date, start_time, end_time, radius_m (None when unset)
    notes: str
    tiles: tuple[Tile, ...]
    version: int
    created_at: datetime
    updated_at: datetime
    shares: tuple[Share, ...] = ()
    access: str = "owner"
    deleted: bool = False


@dataclass(frozen=True)
class Dashboard(_Shared):
    id: str
    owner: str
    title: str
    filters: dict[str, Any]  # borough, bcu, period (None when unset)
    refresh_seconds: int | None
    pins: tuple[Pin, ...]
    version: int
    created_at: datetime
    updated_at: datetime
    shares: tuple[Share, ...] = ()
    access: str = "owner"
    deleted: bool = False
    system_key: str | None = None  # e.g. 'supervisor_overview' for defaults the app created


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    username: str | None
    action: str
    target_kind: str | None
    target_id: str | None
    detail: dict[str, Any]
    ok: bool
