"""Who is acting, and what they may do with a board or dashboard (one rule for both).

A board or dashboard is private to its owner unless shared with a user or a team
(a team is a BCU: every user whose ``team`` matches). Owners and admins may do
everything; editors may change content; viewers may view and duplicate.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from app.store.db import from_text
from app.store.errors import Forbidden, NotFound
from app.store.models import Share, User


@dataclass(frozen=True)
class Kind:
    """Names that differ between boards and dashboards. SQL identifiers come only from here."""

    name: str  # also shares.object_kind and audit target_kind
    table: str
    items: str
    item_fk: str
    item_name: str


BOARD = Kind("board", "boards", "tiles", "board_id", "tile")
DASHBOARD = Kind("dashboard", "dashboards", "pins", "dashboard_id", "pin")


def user_from_row(row: sqlite3.Row) -> User:
    """A ``User`` from a row of the users table."""
    return User(
        username=row["username"],
        display_name=row["display_name"],
        role=row["role"],
        team=row["team"],
        disabled=bool(row["disabled"]),
        created_at=from_text(row["created_at"]),
        locked_until=from_text(row["locked_until"]),
    )


def load_actor(con: sqlite3.Connection, actor: User) -> User:
    """The acting user as saved now: a role change or a disabled account takes effect at once."""
    if not isinstance(actor, User):
        raise TypeError("actor must be a User")
    row = con.execute("SELECT * FROM users WHERE username = ?", (actor.username,)).fetchone()
    if row is None:
        raise Forbidden("Your account no longer exists")
    if row["disabled"]:
        raise Forbidden("Your account is disabled")
    return user_from_row(row)


def load_shares(con: sqlite3.Connection, kind: Kind, object_id: str) -> tuple[Share, ...]:
    """Who the board or dashboard is shared with: users first, then teams, by name."""
    rows = con.execute(
        "SELECT principal_kind, principal, role FROM shares WHERE object_kind = ? AND object_id = ?"
        " ORDER BY principal_kind DESC, principal",
        (kind.name, object_id),
    )
    return tuple(Share(r["principal_kind"], r["principal"], r["role"]) for r in rows)


def access_of(actor: User, owner: str, shares: tuple[Share, ...]) -> str | None:
    """'owner', 'admin', 'editor', 'viewer', or None when the actor may not see it."""
    if actor.username.casefold() == owner.casefold():
        return "owner"
    if actor.is_admin:
        return "admin"
    best = None
    for share in shares:
        if share.principal_kind == "user":
            mine = share.principal.casefold() == actor.username.casefold()
        else:
            mine = actor.team is not None and share.principal.casefold() == actor.team.casefold()
        if mine and (best is None or share.role == "editor"):
            best = share.role
    return best


def require(
    con: sqlite3.Connection, kind: Kind, actor: User, object_id: str, need: str, doing: str = ""
) -> str:
    """Check that ``actor`` may ``need`` ('view', 'edit' or 'manage') the object; return its access."""
    row = con.execute(f"SELECT owner, deleted FROM {kind.table} WHERE id = ?", (object_id,)).fetchone()
    if row is None or row["deleted"]:
        raise NotFound(f"There is no {kind.name} with id '{object_id}' (it may have been deleted)")
    access = access_of(actor, row["owner"], load_shares(con, kind, object_id))
    if access is None:
        raise Forbidden(f"This {kind.name} is not shared with you")
    if need == "edit" and access == "viewer":
        raise Forbidden(f"You can view this {kind.name} but not change it: ask its owner for editor access")
    if need == "manage" and access not in ("owner", "admin"):
        raise Forbidden(f"Only the {kind.name}'s owner can {doing or 'do that'}")
    return access


def visible_ids(con: sqlite3.Connection, kind: Kind, actor: User, everything: bool = False) -> list[str]:
    """Ids of live objects the actor owns or that are shared with them (all of them for ``everything``)."""
    if everything:
        rows = con.execute(f"SELECT id FROM {kind.table} WHERE deleted = 0 ORDER BY updated_at DESC")
        return [r["id"] for r in rows]
    rows = con.execute(
        f"SELECT id FROM {kind.table} WHERE deleted = 0 AND (owner = :user OR id IN ("
        "  SELECT object_id FROM shares WHERE object_kind = :kind AND ("
        "    (principal_kind = 'user' AND principal = :user)"
        "    OR (principal_kind = 'team' AND principal = :team))))"
        " ORDER BY updated_at DESC, id",
        {"user": actor.username, "kind": kind.name, "team": actor.team},
    )
    return [r["id"] for r in rows]
