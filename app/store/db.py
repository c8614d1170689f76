"""SQLite connections, transactions, schema migrations and the clock.

Each call opens its own connection and closes it when done: Streamlit runs every
session in its own thread, and a connection per call is correct without locks.
The file is in WAL mode, so readers never wait for the writer. Reads run in one
(deferred) transaction for a consistent snapshot; writes start with
``BEGIN IMMEDIATE`` so two writers queue on the lock instead of failing halfway
(a deferred read that upgrades to a write can fail with "locked" at once).

Waiting for the write lock (``begin_immediate``): SQLite's own busy handler sleeps ever
longer (up to 100 ms a try) the longer a writer has waited, so under many writers a
newcomer polling every millisecond keeps beating writers that have waited for seconds.
We let SQLite wait only briefly per attempt and retry with short jittered sleeps until
``BUSY_TIMEOUT_MS``, so every waiter keeps trying at about the same rate. Transactions are
kept short: the schema is read before the lock is taken, password hashing happens
outside it (accounts.py), and commits do not fsync the WAL (``synchronous = NORMAL``: a
power cut may lose the last commits, never corrupt the file or half-write one).

Migrations are ``migrations/NNNN_name.sql`` (statements) or ``NNNN_name.py`` (an
``upgrade(con)`` function, for steps SQL cannot do, such as hashing), applied in order,
each in its own transaction, and recorded in ``schema_migrations``. Where SQLite and
PostgreSQL truly differ (identity columns, triggers) a version has one file per dialect,
``NNNN_name.sqlite.sql`` and ``NNNN_name.postgres.sql``; a ``.py`` step asks ``dialect(con)``.

A ``postgresql://`` URL in place of a path opens the same store on PostgreSQL
(postgres.py): the same migrations, transactions and plain-message errors.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.request import pathname2url

from app.store.errors import StoreError, StoreUnavailable

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30_000  # the longest a write waits for the lock before saying "busy"
LOCK_ATTEMPT_MS = 20  # SQLite's own wait per attempt at the write lock
RETRY_SLEEP_S = 0.02  # the most a writer sleeps between attempts (jittered)

Clock = Callable[[], datetime]

FULL_OR_READ_ONLY = (
    "The state store is full or read-only, so this was not saved. "
    "Ask an administrator to free disk space or make the store writable."
)
BUSY = "The state store is busy; please try again in a moment."
UNUSABLE = "The state store could not be read or written; please try again, or ask an administrator."
_FULL_OR_READ_ONLY_CODES = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN}


def _cannot_write(e: sqlite3.Error) -> bool:
    code = getattr(e, "sqlite_errorcode", None)
    text = str(e).lower()
    return (
        (code is not None and code & 0xFF in _FULL_OR_READ_ONLY_CODES) or "full" in text or "readonly" in text
    )


def plain_error(e: sqlite3.Error) -> StoreUnavailable:
    """A StoreError with a message for the user in place of SQLite's own (which is logged)."""
    log.warning("state store error: %s: %s", type(e).__name__, e)
    if _cannot_write(e):
        return StoreUnavailable(FULL_OR_READ_ONLY)
    if "locked" in str(e).lower() or "busy" in str(e).lower():
        return StoreUnavailable(BUSY)
    return StoreUnavailable(UNUSABLE)


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


def connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """Open a connection with foreign keys on; transactions are managed by hand."""
    target, uri = (f"file:{pathname2url(str(path))}?mode=ro", True) if read_only else (path, False)
    con = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=uri)
    con.row_factory = sqlite3.Row
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA foreign_keys = ON")
    if not read_only:
        con.execute("PRAGMA synchronous = NORMAL")  # safe in WAL mode; see the module docstring
    return con


def is_postgres_url(location: str | Path) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) URL, False for a file path."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def dialect(con) -> str:
    """'sqlite' or 'postgres': which database a connection talks to."""
    return getattr(con, "dialect", "sqlite")


def begin_write(con, timeout_ms: int | None = None) -> None:
    """Begin a write transaction holding the store's only write lock, on either database."""
    if dialect(con) == "postgres":
        from app.store import postgres

        postgres.begin_write(con, BUSY_TIMEOUT_MS if timeout_ms is None else timeout_ms)
    else:
        begin_immediate(con, timeout_ms)


def _is_busy(e: sqlite3.Error) -> bool:
    text = str(e).lower()
    return "locked" in text or "busy" in text


def begin_immediate(con: sqlite3.Connection, timeout_ms: int | None = None) -> None:
    """``BEGIN IMMEDIATE``, waiting up to ``timeout_ms`` (default BUSY_TIMEOUT_MS) for the
    write lock in short attempts with jittered sleeps between them (see the module docstring).
    Raises SQLite's "database is locked" when the time is up."""
    timeout_ms = BUSY_TIMEOUT_MS if timeout_ms is None else timeout_ms
    deadline = time.monotonic() + timeout_ms / 1000
    # Read the schema now, outside the lock, rather than in the first statement under it.
    con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    con.execute(f"PRAGMA busy_timeout = {LOCK_ATTEMPT_MS}")
    try:
        attempt = 0
        while True:
            try:
                con.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as e:
                if not _is_busy(e) or time.monotonic() >= deadline:
                    raise
            attempt += 1
            time.sleep(random.uniform(0, min(RETRY_SLEEP_S, 0.001 * 2**attempt)))
    finally:
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


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


def migrations(for_dialect: str = "sqlite") -> list[tuple[int, str, Path]]:
    """(version, name, path) of every migration for that dialect, in order: a version's
    ``NNNN_name.<dialect>.sql`` if it has one, else its shared file."""
    found: dict[int, tuple[str, Path]] = {}
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*")):
        if path.suffix not in (".sql", ".py"):
            continue
        name, *variant = path.name.removesuffix(path.suffix).split(".")
        if variant and variant != [for_dialect]:
            continue
        if variant or int(name[:4]) not in found:
            found[int(name[:4])] = (name, path)
    return sorted((version, name, path) for version, (name, path) in found.items())


def _apply(con, path: Path) -> None:
    """Run one migration file inside the caller's transaction."""
    if path.suffix == ".py":
        spec = importlib.util.spec_from_file_location(f"app_store_migration_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.upgrade(con)
        return
    script = path.read_text(encoding="utf-8")
    if dialect(con) == "postgres":
        con.execute(script)  # PostgreSQL runs a whole script (with $$-quoted bodies) at once
        return
    for statement in split_statements(script):
        con.execute(statement)


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


def schema_version(con) -> int:
    """The highest migration applied to this store (0 for a new one)."""
    if dialect(con) == "postgres":
        from app.store import postgres

        exists = postgres.table_exists(con, "schema_migrations")
    else:
        exists = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(con, now: datetime, upto: int | None = None) -> int:
    """Apply pending migrations (up to ``upto``); return the schema version."""
    known = migrations(dialect(con))
    latest = known[-1][0] if known else 0
    if schema_version(con) > latest:
        raise StoreError("The state store was written by a newer version of the app; please upgrade the app")
    if not schema_version(con):
        begin_write(con)  # under the lock: PostgreSQL's IF NOT EXISTS is not safe against a race
        try:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
    for version, name, path in known:
        if upto is not None and version > upto:
            break
        begin_write(con)
        try:
            # Another process may have applied it while we waited for the lock.
            done = con.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)).fetchone()
            if not done:
                _apply(con, path)
                con.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, to_text(now)),
                )
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
    return schema_version(con)


def _probe_write(con: sqlite3.Connection) -> None:
    """Raise SQLite's error if the file cannot be written; changes nothing."""
    begin_immediate(con)
    try:
        con.execute("CREATE TABLE write_probe (x)")
    finally:
        con.execute("ROLLBACK")


def _create_private(path: Path) -> None:
    """Create the file readable and writable by its owner only (0600); SQLite gives its
    -wal and -shm files the same mode."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


class Database:
    """Owns the store's location (a file path or a ``postgresql://`` URL) and the clock;
    gives read and write transactions.

    Database errors leave as ``StoreUnavailable`` with a plain message. A SQLite store that
    cannot be written (a read-only file or mount) opens read-only: reads work, writes say so.
    """

    def __init__(self, path: str | Path, *, clock: Clock | None = None):
        self._clock = clock or utc_now
        self.read_only = False
        if is_postgres_url(path):
            self.path, self.dialect = path, "postgres"
            self._open_postgres()
            return
        self.path, self.dialect = Path(path), "sqlite"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _create_private(self.path)
            con = connect(self.path)
            try:
                use_wal(con)
                migrate(con, self.now())
                _probe_write(con)
            finally:
                con.close()
        except (sqlite3.Error, OSError) as e:
            if not self.path.exists() or (isinstance(e, sqlite3.Error) and not _cannot_write(e)):
                raise plain_error(e) if isinstance(e, sqlite3.Error) else StoreUnavailable(UNUSABLE) from e
            self._open_read_only(e)

    def _open_postgres(self) -> None:
        try:
            from app.store import postgres
        except ImportError as e:
            raise StoreUnavailable(
                "The state store is on PostgreSQL, but psycopg is not installed: pip install '.[postgres]'"
            ) from e
        self._errors, self._plain = postgres.psycopg.Error, postgres.plain_error
        self._pool = postgres.Pool(self.path)
        with self._connection() as con:
            migrate(con, self.now())

    def _open_read_only(self, cause: Exception) -> None:
        """Serve reads from a store that cannot be written, if its schema is current."""
        log.warning("the state store %s cannot be written (%s): opening it read-only", self.path, cause)
        known = migrations()
        try:
            con = connect(self.path, read_only=True)
            try:
                version = schema_version(con)
            finally:
                con.close()
        except sqlite3.Error as e:
            raise plain_error(e) from e
        if version != (known[-1][0] if known else 0):
            raise StoreUnavailable(FULL_OR_READ_ONLY) from cause
        self.read_only = True

    def now(self) -> datetime:
        """The current time in UTC, from the injected clock."""
        return self._clock().astimezone(UTC)

    @property
    def schema_version(self) -> int:
        with self._connection() as con:
            return schema_version(con)

    @contextmanager
    def _connection(self) -> Iterator:
        """An open connection (closed afterwards); database errors become StoreUnavailable."""
        if self.dialect == "postgres":
            errors, plain = self._errors, lambda e: self._plain(e, FULL_OR_READ_ONLY, BUSY, UNUSABLE)
        else:
            errors, plain = sqlite3.Error, plain_error
        try:
            con = self._connect()
            try:
                yield con
            finally:
                if self.dialect == "postgres":
                    self._pool.give(con)
                else:
                    con.close()
        except errors as e:
            raise plain(e) from e

    def _connect(self):
        if self.dialect == "postgres":
            return self._pool.take()
        return connect(self.path, read_only=self.read_only)

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction on one consistent snapshot."""
        with self._connection() as con:
            if self.dialect == "postgres":
                from app.store import postgres

                postgres.begin_read(con)
            else:
                con.execute("BEGIN")
            try:
                yield con
            finally:
                if con.in_transaction:
                    con.execute("ROLLBACK")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: commits on success, rolls back on any exception."""
        if self.read_only:
            raise StoreUnavailable(FULL_OR_READ_ONLY)
        with self._connection() as con:
            begin_write(con)
            try:
                yield con
            except BaseException:
                if con.in_transaction:  # SQLite rolls back by itself on a full disk
                    con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
