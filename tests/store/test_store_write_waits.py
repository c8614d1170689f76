"""Write waits under many writer processes (hardening item 14).

Twenty separate processes, each with its own Store on one file, do mixed writes at once
(board saves with optimistic versioning, audit rows, dashboard pins). None may fail with
"busy", none may wait long, and the audit hash chain must come out intact and complete.
Before the fix the slowest write here took 1.6-4 s (SQLite's busy handler starving writers
that had waited longest); after it, about 0.2 s. The same runs on PostgreSQL, where writers
queue on one advisory lock.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store import Store
from app.store.db import begin_write, connect
from tests.store.conftest import BACKENDS
from tests.store.databases import Raw, errors, store_connection
from tests.store.writers import run

WRITERS = 20
OPS = 15
# Starvation shows as a slowest write far beyond the rest: before the fix the slowest took 33x the
# 95th percentile (1.9 s against 58 ms); after it about 3x. A ratio holds on a busy CI machine,
# where every write slows down together; the absolute bound is the old "locked" timeout's region.
MAX_TAIL_RATIO = 8
MAX_WAIT_S = 10.0


@pytest.fixture(scope="module", params=BACKENDS)
def outcome(request, tmp_path_factory):
    if request.param == "postgres":
        path = request.getfixturevalue("postgres_server").new_database()
    else:
        path = tmp_path_factory.mktemp("waits") / "state.sqlite"
    return path, run(path, WRITERS, OPS)


def test_many_writer_processes_never_fail_busy(outcome):
    _, result = outcome
    assert len(result.latencies) == WRITERS * OPS * 3
    assert result.failures == []


def test_many_writer_processes_wait_briefly(outcome):
    _, result = outcome
    latencies = sorted(result.latencies)
    slowest, p95 = latencies[-1], latencies[int(0.95 * (len(latencies) - 1))]
    assert slowest < MAX_WAIT_S, result.summary()
    assert slowest < MAX_TAIL_RATIO * p95, result.summary()  # no writer starved behind the others


def test_audit_chain_intact_after_concurrent_writes(outcome):
    path, result = outcome
    store = Store(path)
    assert store.verify_audit() is None
    con = Raw(path)
    try:
        rows = con.one("SELECT count(*) FROM audit_log")[0]
        if con.dialect == "sqlite":
            assert con.one("PRAGMA integrity_check") == ("ok",)
    finally:
        con.close()
    # Every write that did not conflict left exactly one audit row (setup: user, boards, dashboard).
    setup = 1 + (WRITERS + 1) + 1
    assert rows == setup + len(result.latencies) - result.conflicts


def test_store_is_wal_with_normal_sync(outcome):
    path, _ = outcome
    if not isinstance(path, Path):
        pytest.skip("a SQLite file setting")
    con = connect(path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    finally:
        con.close()


def test_write_lock_wait_gives_up_with_locked_after_the_timeout(state_location):
    store = Store(state_location)
    holder, waiter = store_connection(store.path), store_connection(store.path)
    try:
        begin_write(holder)
        with pytest.raises(errors(), match="locked|lock timeout"):
            begin_write(waiter, timeout_ms=200)
        holder.execute("ROLLBACK")
        waiter.execute("ROLLBACK") if waiter.in_transaction else None
        begin_write(waiter, timeout_ms=200)  # free again: taken at once
        waiter.execute("ROLLBACK")
    finally:
        holder.close()
        waiter.close()
