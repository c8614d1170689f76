"""SQLite connections, transactions, schema migrations and the clock.

Each call opens its own connection and closes it when done: Streamlit runs every
session in its own thread, and a connection per call is correct without locks.
The file is in WAL mode, so readers never wait for the writer. Reads run in one
(deferred) transaction for a consistent snapshot; writes start with
``BEGIN IMMEDIATE`` so two writers queue on the lock instead of failing halfway.

Migrations are ``migrations/NNNN_name.sql``, applied in order, each in its own
transaction, and recorded in ``schema_migrations``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from app.store.errors import StoreError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 15_000

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    """Fixed-width UTC text, so timestamps sort as strings."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str | None) -> datetime | None:
    """The inverse of ``to_text``; None stays None."""
    return None if text is None else datetime.fromisoformat(text)


def connect(path: Path) -> sqlite3.Connection:
    """Open a connection with foreign keys on; transactions are managed by hand."""
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    con.row_factory = sqlite3.Row
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA foreign_keys = ON")
    return con


def use_wal(con: sqlite3.Connection) -> None:
    """Put the file in WAL mode. Switching needs an exclusive lock that SQLite does not wait
    for, so several processes opening a new file at once are told 'locked': retry then."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                con.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def migrations() -> list[tuple[int, str, Path]]:
    """(version, name, path) of every migration file, in order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        found.append((int(path.name[:4]), path.stem, path))
    return found


def split_statements(script: str) -> list[str]:
    """Split a script into statements (trigger bodies contain semicolons too)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    leftover = [line for line in buffer.splitlines() if line.strip() and not line.strip().startswith("--")]
    if leftover:
        raise ValueError("migration ends with an incomplete statement")
    return statements


def schema_version(con: sqlite3.Connection) -> int:
    """The highest migration applied to this file (0 for a new file)."""
    exists = con.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(con: sqlite3.Connection, now: datetime, upto: int | None = None) -> int:
    """Apply pending migrations (up to ``upto``); return the schema version."""
    known = migrations()
    latest = known[-1][0] if known else 0
    if schema_version(con) > latest:
        raise StoreError("The state store was written by a newer version of the app; please upgrade the app")
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    for version, name, path in known:
        if upto is not None and version > upto:
            break
        con.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have applied it while we waited for the lock.
            done = con.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)).fetchone()
            if not done:
                for statement in split_statements(path.read_text(encoding="utf-8")):
                    con.execute(statement)
                con.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, to_text(now)),
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return schema_version(con)


class Database:
    """Owns the file path and the clock; gives read and write transactions."""

    def __init__(self, path: str | Path, *, clock: Clock | None = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock or utc_now
        con = connect(self.path)
        try:
            use_wal(con)
            migrate(con, self.now())
        finally:
            con.close()

    def now(self) -> datetime:
        """The current time in UTC, from the injected clock."""
        return self._clock().astimezone(UTC)

    @property
    def schema_version(self) -> int:
        con = connect(self.path)
        try:
            return schema_version(con)
        finally:
            con.close()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        con = connect(self.path)
        try:
            con.execute("BEGIN")
            yield con
        finally:
            if con.in_transaction:
                con.execute("ROLLBACK")
            con.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: commits on success, rolls back on any exception."""
        con = connect(self.path)
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()
