"""PostgreSQL connections for the state store (``UB_STATE=postgresql://...``).

The store's SQL is written once, with SQLite's placeholders (``?`` and ``:name``);
``Connection.execute`` rewrites them for psycopg, and rows read by position or by name
as ``sqlite3.Row`` does. Case-insensitive names (``COLLATE NOCASE``) and ``json_valid()``
exist on PostgreSQL too: the first migration creates them.

Writers are serialised as SQLite's single writer is: every write transaction first takes
one transaction-scoped advisory lock (a fair queue), so version checks and the audit hash
chain read the latest committed rows (READ COMMITTED) and never interleave. Reads run in
one REPEATABLE READ snapshot, as SQLite's deferred read transactions do.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

import psycopg
from psycopg import errors, pq

from app.store.errors import StoreUnavailable

log = logging.getLogger(__name__)
WRITE_LOCK = 0x55425354  # the advisory lock every writer takes ("UBST")
CONNECT_TIMEOUT_S = 10

_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|::|:(\w+)|\?|%")


def to_pyformat(sql: str) -> str:
    """SQLite placeholders to psycopg's: ``?`` to ``%s``, ``:name`` to ``%(name)s``, ``%`` to ``%%``
    (outside quoted strings, identifiers and comments)."""

    def swap(match: re.Match) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if match.group(1):
            return f"%({match.group(1)})s"
        return token.replace("%", "%%") if token[0] == "'" else token

    return _TOKEN.sub(swap, sql)


class Row(tuple):
    """A row read by position or by column name, like ``sqlite3.Row``."""

    _index: dict[str, int]

    def __getitem__(self, key):
        return tuple.__getitem__(self, self._index[key] if isinstance(key, str) else key)


def _rows(cursor: psycopg.Cursor):
    index = {column.name: i for i, column in enumerate(cursor.description or ())}

    def make(values) -> Row:
        row = Row(values)
        row._index = index
        return row

    return make


class Connection:
    """A psycopg connection with the part of ``sqlite3.Connection``'s surface the store uses."""

    dialect = "postgres"

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw

    def execute(self, sql: str, params: Any = None) -> psycopg.Cursor:
        if params is None:  # sent as written: a whole migration script may run at once
            return self.raw.execute(sql)
        return self.raw.execute(to_pyformat(sql), params)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


def connect(url: str) -> Connection:
    """A connection in autocommit mode: transactions are begun and ended by hand, as with SQLite."""
    raw = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, row_factory=_rows)
    return Connection(raw)


class Pool:
    """Idle connections kept for reuse: a new one costs a server process and a round trip
    or two. ``take()`` one for a transaction, ``give()`` it back when done."""

    def __init__(self, url: str, keep: int = 8):
        self.url, self.keep = url, keep
        self._idle: list[Connection] = []
        self._lock = threading.Lock()

    def take(self) -> Connection:
        """An idle connection that still answers (one cheap round trip: the server may have
        restarted since), else a new one."""
        while True:
            with self._lock:
                con = self._idle.pop() if self._idle else None
            if con is None:
                return connect(self.url)
            try:
                con.raw.execute("SELECT 1")
                return con
            except psycopg.Error:
                con.close()

    def give(self, con: Connection) -> None:
        """Keep a healthy, idle connection; close any other (broken, or still in a transaction)."""
        healthy = not con.raw.closed and con.raw.info.transaction_status == pq.TransactionStatus.IDLE
        if healthy:
            with self._lock:
                if len(self._idle) < self.keep:
                    self._idle.append(con)
                    return
        con.close()


def begin_write(con: Connection, timeout_ms: int) -> None:
    """Begin a write transaction holding the store's write lock; waits up to ``timeout_ms``."""
    con.execute("BEGIN")
    con.execute(f"SET LOCAL lock_timeout = {int(timeout_ms)}")
    con.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))


def begin_read(con: Connection) -> None:
    """Begin a read-only transaction on one snapshot."""
    con.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")


def table_exists(con: Connection, name: str) -> bool:
    return con.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0]


_FULL_OR_READ_ONLY = (errors.DiskFull, errors.ReadOnlySqlTransaction, errors.InsufficientPrivilege)
_BUSY = (
    errors.LockNotAvailable,
    errors.DeadlockDetected,
    errors.SerializationFailure,
    errors.TooManyConnections,
)


def plain_error(e: psycopg.Error, full: str, busy: str, unusable: str) -> StoreUnavailable:
    """A StoreUnavailable with the user's message in place of PostgreSQL's own (which is logged)."""
    log.warning("state store error: %s: %s", type(e).__name__, e)
    if isinstance(e, _FULL_OR_READ_ONLY):
        return StoreUnavailable(full)
    if isinstance(e, _BUSY):
        return StoreUnavailable(busy)
    return StoreUnavailable(unusable)
