"""What boards and dashboards share: ordered items, versions, sharing, soft delete.

Every change checks permission and the expected version inside one
``BEGIN IMMEDIATE`` transaction, bumps the version and writes its audit row.
When the saved version differs from the one the user opened, nothing is written
and ``Conflict`` carries the saved object, so the UI can show it and let the
user re-apply their change.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable
from typing import Any

from app.store import validate
from app.store.access import Kind, load_actor, load_shares, require, visible_ids
from app.store.accounts import AccountsMixin
from app.store.audit import write_audit
from app.store.db import from_text, to_text
from app.store.errors import Conflict, NotFound, ValidationError
from app.store.models import User

Apply = Callable[[sqlite3.Connection], dict[str, Any] | None]


def new_id(nbytes: int = 8) -> str:
    """A short url-safe random id that starts with a letter or digit (safe in CSV cells)."""
    while True:
        value = secrets.token_urlsafe(nbytes)
        if value[0].isalnum():
            return value


class DocumentsMixin(AccountsMixin):
    """Generic operations; boards.py and dashboards.py give them names and models."""

    def _build(self, con: sqlite3.Connection, kind: Kind, row: sqlite3.Row, access: str) -> Any:
        raise NotImplementedError

    # -- reading ---------------------------------------------------------------

    def _load(self, con: sqlite3.Connection, kind: Kind, object_id: str, access: str) -> Any:
        row = con.execute(f"SELECT * FROM {kind.table} WHERE id = ?", (object_id,)).fetchone()
        return self._build(con, kind, row, access)

    def _get(self, kind: Kind, actor: User, object_id: str) -> Any:
        with self._read() as con:
            actor = load_actor(con, actor)
            access = require(con, kind, actor, object_id, "view")
            return self._load(con, kind, object_id, access)

    def _list(self, kind: Kind, actor: User, everything: bool) -> list[Any]:
        with self._read() as con:
            actor = load_actor(con, actor)
            if everything and not actor.is_admin:
                everything = False
            found = []
            for object_id in visible_ids(con, kind, actor, everything):
                access = require(con, kind, actor, object_id, "view")
                found.append(self._load(con, kind, object_id, access))
            return found

    def _common_fields(self, con: sqlite3.Connection, kind: Kind, row: sqlite3.Row, access: str) -> dict:
        """The fields every board and dashboard model has, read from its row."""
        return {
            "id": row["id"],
            "owner": row["owner"],
            "title": row["title"],
            "version": row["version"],
            "created_at": from_text(row["created_at"]),
            "updated_at": from_text(row["updated_at"]),
            "shares": load_shares(con, kind, row["id"]),
            "access": access,
            "deleted": bool(row["deleted"]),
        }

    def _items(self, con: sqlite3.Connection, kind: Kind, object_id: str) -> list[sqlite3.Row]:
        return con.execute(
            f"SELECT * FROM {kind.items} WHERE {kind.item_fk} = ? ORDER BY position, id", (object_id,)
        ).fetchall()

    # -- writing ---------------------------------------------------------------

    def _create(
        self, kind: Kind, actor: User, columns: dict[str, Any], items: list[dict[str, Any]], detail
    ) -> Any:
        with self._write() as con:
            return self._insert_document(con, kind, load_actor(con, actor), columns, items, detail)

    def _insert_document(self, con, kind: Kind, actor: User, columns: dict[str, Any], items, detail) -> Any:
        object_id, now = new_id(), to_text(self.now())
        columns = {"id": object_id, "owner": actor.username, "created_at": now, "updated_at": now, **columns}
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        # Column names come from the calling module, never from input.
        con.execute(f"INSERT INTO {kind.table} ({names}) VALUES ({marks})", list(columns.values()))
        for fields in items:
            self._insert_item(con, kind, object_id, fields)
        write_audit(con, self.now(), actor.username, f"{kind.name}_create", kind.name, object_id, detail)
        return self._load(con, kind, object_id, "owner")

    def _change(
        self,
        kind: Kind,
        actor: User,
        object_id: str,
        expected_version: int,
        apply: Apply,
        need: str = "edit",
        action: str | None = None,
    ) -> Any:
        """Run ``apply(con)`` if the actor may and the version matches; bump the version.
        ``apply`` returns the audit detail."""
        validate.expected_version(expected_version)
        with self._write() as con:
            actor = load_actor(con, actor)
            access = require(con, kind, actor, object_id, need, "do that")
            saved = con.execute(f"SELECT version FROM {kind.table} WHERE id = ?", (object_id,)).fetchone()[0]
            if saved != expected_version:
                raise Conflict(
                    f"This {kind.name} changed since you opened it: your change was not saved."
                    " Here is the latest version; please re-apply your change.",
                    current=self._load(con, kind, object_id, access),
                )
            detail = apply(con) or {}
            con.execute(
                f"UPDATE {kind.table} SET version = version + 1, updated_at = ? WHERE id = ?",
                (to_text(self.now()), object_id),
            )
            detail = {"version": expected_version + 1, **detail}
            write_audit(
                con, self.now(), actor.username, action or f"{kind.name}_change", kind.name, object_id, detail
            )
            return self._load(con, kind, object_id, access)

    def _update_document(
        self, kind: Kind, actor: User, object_id: str, expected_version: int, columns: dict[str, Any]
    ) -> Any:
        """Set the document's ``columns`` (already validated) as one versioned change."""

        def apply(con):
            for column, value in columns.items():
                # Column names come from the calling module, never from input.
                con.execute(f"UPDATE {kind.table} SET {column} = ? WHERE id = ?", (value, object_id))
            return {"changed": sorted(columns)}

        return self._change(kind, actor, object_id, expected_version, apply)

    def _insert_item(
        self, con: sqlite3.Connection, kind: Kind, object_id: str, fields: dict[str, Any]
    ) -> str:
        item_id = new_id(6)
        position = len(self._items(con, kind, object_id))
        columns = {kind.item_fk: object_id, "id": item_id, "position": position, **fields}
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        con.execute(f"INSERT INTO {kind.items} ({names}) VALUES ({marks})", list(columns.values()))
        return item_id

    def _item_ids(self, con: sqlite3.Connection, kind: Kind, object_id: str, item_id: str) -> list[str]:
        """The item ids in order; NotFound unless ``item_id`` is one of them."""
        ids = [r["id"] for r in self._items(con, kind, object_id)]
        if item_id not in ids:
            raise NotFound(f"There is no {kind.item_name} '{item_id}' on this {kind.name}")
        return ids

    def _renumber(self, con: sqlite3.Connection, kind: Kind, object_id: str, ids: list[str]) -> None:
        for position, item_id in enumerate(ids):
            con.execute(
                f"UPDATE {kind.items} SET position = ? WHERE {kind.item_fk} = ? AND id = ?",
                (position, object_id, item_id),
            )

    def _update_item(self, kind, actor, object_id, item_id, expected_version, changes: dict[str, Any]) -> Any:
        def apply(con):
            self._item_ids(con, kind, object_id, item_id)
            for column, value in changes.items():
                con.execute(
                    f"UPDATE {kind.items} SET {column} = ? WHERE {kind.item_fk} = ? AND id = ?",
                    (value, object_id, item_id),
                )
            return {kind.item_name: item_id, "changed": sorted(changes)}

        return self._change(kind, actor, object_id, expected_version, apply)

    def _move_item(self, kind, actor, object_id, item_id, new_position, expected_version) -> Any:
        if isinstance(new_position, bool) or not isinstance(new_position, int):
            raise ValidationError("Position must be a whole number")

        def apply(con):
            ids = self._item_ids(con, kind, object_id, item_id)
            ids.remove(item_id)
            position = max(0, min(new_position, len(ids)))
            ids.insert(position, item_id)
            self._renumber(con, kind, object_id, ids)
            return {kind.item_name: item_id, "moved_to": position}

        return self._change(kind, actor, object_id, expected_version, apply)

    def _remove_item(self, kind, actor, object_id, item_id, expected_version) -> Any:
        def apply(con):
            ids = self._item_ids(con, kind, object_id, item_id)
            con.execute(f"DELETE FROM {kind.items} WHERE {kind.item_fk} = ? AND id = ?", (object_id, item_id))
            ids.remove(item_id)
            self._renumber(con, kind, object_id, ids)
            return {"removed": item_id}

        return self._change(kind, actor, object_id, expected_version, apply)

    # -- sharing and deleting (owner or admin) ----------------------------------

    def _share(
        self, kind: Kind, actor: User, object_id: str, principal_kind: str, principal: str, role: str
    ) -> Any:
        principal_kind = validate.principal_kind(principal_kind)
        role = validate.share_role(role)
        with self._write() as con:
            actor = load_actor(con, actor)
            access = require(con, kind, actor, object_id, "manage", "share it")
            owner = con.execute(f"SELECT owner FROM {kind.table} WHERE id = ?", (object_id,)).fetchone()[0]
            if principal_kind == "user":
                principal = self._user_row(con, principal)["username"]
                if principal == owner:
                    raise ValidationError(f"The owner can already see this {kind.name}")
            else:
                principal = validate.team(principal)
                if principal is None:
                    raise ValidationError("Choose a team to share with")
            con.execute(
                "INSERT INTO shares (object_kind, object_id, principal_kind, principal, role, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (object_kind, object_id, principal_kind, principal) DO UPDATE SET role = excluded.role",
                (kind.name, object_id, principal_kind, principal, role, to_text(self.now())),
            )
            detail = {"share": principal_kind, "with": principal, "role": role}
            write_audit(con, self.now(), actor.username, f"{kind.name}_share", kind.name, object_id, detail)
            return self._load(con, kind, object_id, access)

    def _unshare(self, kind: Kind, actor: User, object_id: str, principal_kind: str, principal: str) -> Any:
        principal_kind = validate.principal_kind(principal_kind)
        with self._write() as con:
            actor = load_actor(con, actor)
            access = require(con, kind, actor, object_id, "manage", "change who it is shared with")
            before = load_shares(con, kind, object_id)
            con.execute(
                "DELETE FROM shares WHERE object_kind = ? AND object_id = ? AND principal_kind = ? AND principal = ?",
                (kind.name, object_id, principal_kind, str(principal).strip()),
            )
            if load_shares(con, kind, object_id) == before:
                raise NotFound(f"This {kind.name} is not shared with {principal_kind} '{principal}'")
            detail = {"unshare": principal_kind, "with": principal}
            write_audit(con, self.now(), actor.username, f"{kind.name}_share", kind.name, object_id, detail)
            return self._load(con, kind, object_id, access)

    def _delete(self, kind: Kind, actor: User, object_id: str, expected_version: int | None) -> None:
        with self._write() as con:
            actor = load_actor(con, actor)
            access = require(con, kind, actor, object_id, "manage", "delete it")
            saved = con.execute(f"SELECT version FROM {kind.table} WHERE id = ?", (object_id,)).fetchone()[0]
            if expected_version is not None and saved != validate.expected_version(expected_version):
                raise Conflict(
                    f"This {kind.name} changed since you opened it: it was not deleted. Check the latest version.",
                    current=self._load(con, kind, object_id, access),
                )
            con.execute(
                f"UPDATE {kind.table} SET deleted = 1, version = version + 1, updated_at = ? WHERE id = ?",
                (to_text(self.now()), object_id),
            )
            write_audit(con, self.now(), actor.username, f"{kind.name}_delete", kind.name, object_id)
