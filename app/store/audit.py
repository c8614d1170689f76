"""The append-only audit log: who did what, when, and whether it worked.

Rows are only ever inserted; triggers in the schema abort any UPDATE, DELETE or an INSERT
over an existing id (INSERT OR REPLACE). Each row also stores a hash of the previous row's
hash and its own content, so a row changed behind the triggers' back (with the file and
``DROP TRIGGER``) is found by ``Store.verify_audit`` / ``python -m app.users verify-audit``.
Store methods that change boards, dashboards or accounts write their row in the
same transaction as the change. The app logs the rest with ``Store.audit``
(questions, exports, downloads, views).

Supervisors and admins may search everyone's rows; officers and sergeants only
their own. The store enforces this.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from app.sanitize import csv_text
from app.store.access import load_actor
from app.store.db import Database, dialect, from_text, to_text
from app.store.errors import Forbidden, ValidationError
from app.store.models import AuditEntry, User

ACTIONS = frozenset(
    {
        "sign_in",
        "sign_in_failed",
        "sign_out",
        "question",
        "export",
        "download",
        "board_view",
        "board_create",
        "board_change",
        "board_share",
        "board_delete",
        "dashboard_view",
        "dashboard_create",
        "dashboard_change",
        "dashboard_share",
        "dashboard_delete",
        "pin",
        "user_change",
    }
)
SYSTEM = "(system)"  # the username on rows written by the CLI or seeding, not by a signed-in user
MAX_LIMIT = 100_000
CSV_COLUMNS = ("id", "at", "username", "action", "target_kind", "target_id", "ok", "detail")


HASHED = ("id", "at", "username", "action", "target_kind", "target_id", "detail", "ok")


@dataclass(frozen=True)
class BrokenLink:
    """The first audit row whose hash chain does not hold, and why."""

    id: int
    reason: str


def chain_hash(prev_hash: str, row) -> str:
    """The hash of an audit row: SHA-256 of the previous row's hash and this row's columns."""
    content = json.dumps([row[k] for k in HASHED], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def verify_chain(con: sqlite3.Connection) -> BrokenLink | None:
    """Walk the audit log in id order; the first broken link, or None when it is intact."""
    previous = ""
    last_id = 0
    for row in con.execute("SELECT * FROM audit_log ORDER BY id"):
        last_id = row["id"]
        if row["prev_hash"] != previous:
            return BrokenLink(
                row["id"], "it does not follow the previous row (a row was removed or re-ordered)"
            )
        if row["row_hash"] != chain_hash(previous, row):
            return BrokenLink(row["id"], "its content was changed after it was written")
        previous = row["row_hash"]
    if high_water(con) > last_id:
        return BrokenLink(last_id + 1, "rows at the end of the log were removed")
    return None


def high_water(con) -> int:
    """The highest audit id ever written, even if that row is gone (0 for none)."""
    if dialect(con) == "postgres":
        row = con.execute("SELECT id FROM audit_log_high_water").fetchone()
    else:
        row = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    return row[0] if row else 0


def write_audit(
    con: sqlite3.Connection,
    at: datetime,
    username: str | None,
    action: str,
    target_kind: str | None = None,
    target_id: str | None = None,
    detail: dict[str, Any] | None = None,
    ok: bool = True,
) -> int:
    """Insert one audit row inside the caller's transaction; return its id."""
    if action not in ACTIONS:
        raise ValidationError(f"Unknown audit action '{action}'")
    if detail is not None and not isinstance(detail, dict):
        raise ValidationError("Audit detail must be a dictionary")
    # default=str: the app may log dates, decimals or paths; the audit must not fail on them.
    encoded = json.dumps(detail or {}, ensure_ascii=False, default=str, sort_keys=True)
    # Callers hold the write lock (db.begin_write), so the last row cannot change under us.
    last = con.execute("SELECT id, row_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    row = {
        "id": max(last[0] if last else 0, high_water(con)) + 1,
        "at": to_text(at),
        "username": username,
        "action": action,
        "target_kind": target_kind,
        "target_id": target_id,
        "detail": encoded,
        "ok": int(bool(ok)),
    }
    prev_hash = last[1] if last else ""
    con.execute(
        "INSERT INTO audit_log (id, at, username, action, target_kind, target_id, detail, ok, prev_hash, row_hash)"
        " VALUES (:id, :at, :username, :action, :target_kind, :target_id, :detail, :ok, :prev_hash, :row_hash)",
        {**row, "prev_hash": prev_hash or "", "row_hash": chain_hash(prev_hash or "", row)},
    )
    return row["id"]


def _entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=from_text(row["at"]),
        username=row["username"],
        action=row["action"],
        target_kind=row["target_kind"],
        target_id=row["target_id"],
        detail=json.loads(row["detail"]),
        ok=bool(row["ok"]),
    )


def _moment(value: date | datetime | None, end_of_day: bool = False) -> str | None:
    """Datetimes as given (naive means UTC); a bare date means that whole day."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_text(value if value.tzinfo else value.replace(tzinfo=UTC))
    if isinstance(value, date):
        day = value + timedelta(days=1) if end_of_day else value
        return to_text(datetime.combine(day, time(), tzinfo=UTC))
    raise ValidationError("Dates must be dates or datetimes")


class AuditMixin(Database):
    def audit(
        self,
        actor: User,
        action: str,
        target_kind: str | None = None,
        target_id: str | None = None,
        detail: dict[str, Any] | None = None,
        ok: bool = True,
    ) -> int:
        """Log something the app did for ``actor``, e.g. a question:
        ``store.audit(user, "question", detail={"text": q, "sql": sql, "rows": n, "duration_ms": ms})``.
        Returns the row id."""
        if not isinstance(actor, User):
            raise TypeError("actor must be a User")
        with self._write() as con:
            return write_audit(con, self.now(), actor.username, action, target_kind, target_id, detail, ok)

    def verify_audit(self) -> BrokenLink | None:
        """Check the audit log's hash chain: the first broken link, or None when intact."""
        with self._read() as con:
            return verify_chain(con)

    def search_audit(
        self,
        actor: User,
        username: str | None = None,
        action: str | None = None,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        text: str | None = None,
        limit: int = 500,
    ) -> list[AuditEntry]:
        """Audit rows, newest first. ``since`` is inclusive, ``until`` exclusive (a date
        includes that whole day, UTC). ``text`` matches the action, target and detail.
        Officers and sergeants may only search their own rows."""
        with self._read() as con:
            actor = load_actor(con, actor)
            return self._search(con, actor, username, action, since, until, text, limit)

    def export_audit_csv(
        self,
        actor: User,
        username: str | None = None,
        action: str | None = None,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        text: str | None = None,
        limit: int = MAX_LIMIT,
    ) -> str:
        """The same search as CSV text (columns: id, at, username, action, target_kind,
        target_id, ok, detail); the export itself is audited."""
        with self._write() as con:
            actor = load_actor(con, actor)
            entries = self._search(con, actor, username, action, since, until, text, limit)
            filters = {"username": username, "action": action, "since": since, "until": until, "text": text}
            detail = {"what": "audit_log", "rows": len(entries), "filters": filters}
            write_audit(con, self.now(), actor.username, "export", "audit_log", None, detail)
        rows = [
            (e.id, to_text(e.at), e.username, e.action, e.target_kind, e.target_id, int(e.ok))
            + (json.dumps(e.detail, ensure_ascii=False),)
            for e in entries
        ]
        return csv_text([CSV_COLUMNS, *rows])

    def _search(self, con, actor, username, action, since, until, text, limit) -> list[AuditEntry]:
        if not actor.sees_all_audit:
            if username is not None and username.strip().casefold() != actor.username.casefold():
                raise Forbidden("You can only see your own activity")
            username = actor.username
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValidationError("Limit must be a positive whole number")
        where, params = [], []
        if username:
            where.append("username = ? COLLATE NOCASE")
            params.append(username.strip())
        if action:
            where.append("action = ?")
            params.append(action)
        if since is not None:
            where.append("at >= ?")
            params.append(_moment(since))
        if until is not None:
            where.append("at < ?")
            params.append(_moment(until, end_of_day=True))
        if text:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            # lower() on both sides: SQLite's LIKE ignores case, PostgreSQL's does not.
            where.append(
                "(lower(detail) LIKE lower(?) ESCAPE '\\' OR lower(target_id) LIKE lower(?) ESCAPE '\\'"
                " OR lower(action) LIKE lower(?) ESCAPE '\\')"
            )
            params += [pattern] * 3
        sql = "SELECT * FROM audit_log"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(min(limit, MAX_LIMIT))
        return [_entry(r) for r in con.execute(sql, params)]
