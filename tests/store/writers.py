"""Many writer processes on one state-store file: the harness behind
``test_store_write_waits.py`` and ``benchmarks/bench_store_writes.py``.

Each writer is its own process (from a fork server, as separate app servers would be) with its own
``Store`` on the same file. After a common start signal, each does ``ops`` mixed writes
through the public API: a board save with optimistic versioning (on ``Conflict`` it
re-applies onto the saved version, as the UI would), an audit row, and a dashboard pin;
half the board saves go to one board every writer shares. Every call is timed;
a ``StoreError`` (e.g. "busy") is a failure. ``Conflict`` is a normal answer, not a failure.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from pathlib import Path

USERNAME = "loadcheck"


def _worker(path: str, index: int, ops: int, board_ids: list[str], dashboard_id: str, start, out) -> None:
    from app.store import Conflict, Store, StoreError

    store = Store(path)
    me = store.get_user(USERNAME)
    latencies: list[float] = []
    failures: list[str] = []
    conflicts = 0

    def timed(call, *args, **kwargs):
        nonlocal conflicts
        began = time.perf_counter()
        try:
            return call(*args, **kwargs)
        except Conflict as conflict:
            conflicts += 1
            return conflict.current
        except StoreError as error:
            failures.append(str(error))
            return None
        finally:
            latencies.append(time.perf_counter() - began)

    own, shared = board_ids[index], board_ids[-1]
    versions = {own: store.get_board(me, own).version, shared: store.get_board(me, shared).version}
    dash_version = store.get_dashboard(me, dashboard_id).version
    start.wait()
    for op in range(ops):
        board_id = shared if op % 2 else own
        saved = timed(store.update_board, me, board_id, versions[board_id], notes=f"writer {index} op {op}")
        if saved is not None:
            versions[board_id] = saved.version
        timed(store.audit, me, "question", detail={"writer": index, "op": op})
        pinned = timed(store.pin, me, dashboard_id, dash_version, title=f"w{index}o{op}", question="burglary")
        if pinned is not None:
            dash_version = pinned.version
    out.put((latencies, failures, conflicts))


@dataclass
class Result:
    writers: int
    latencies: list[float]
    failures: list[str]
    conflicts: int

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0

    def summary(self) -> str:
        return (
            f"{self.writers:>3} writers: {len(self.latencies):>5} writes, p50 {self.percentile(50) * 1000:7.1f} ms,"
            f" p95 {self.percentile(95) * 1000:7.1f} ms, max {max(self.latencies, default=0) * 1000:7.1f} ms,"
            f" failures {len(self.failures)}, conflicts {self.conflicts}"
        )


def run(path: Path, writers: int, ops: int) -> Result:
    """Set up the store at ``path``, run ``writers`` processes of ``ops`` rounds each."""
    from app.store import Store, passwords

    cost, passwords.SCRYPT_N = passwords.SCRYPT_N, 2**10  # only setup signs up; keep it quick
    try:
        store = Store(path)
        me = store.add_user(None, USERNAME, "load-check-password", role="officer")
    finally:
        passwords.SCRYPT_N = cost
    board_ids = [store.create_board(me, f"board {i}").id for i in range(writers + 1)]
    dashboard_id = store.create_dashboard(me, "pins").id
    # A fork server: one clean process that imports the store once and forks each writer from it,
    # so starting twenty writers costs one import, not twenty (each a separate process, as separate
    # app servers would be, with nothing inherited from the test process).
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["app.store", "tests.store.writers"])
    start, out = ctx.Barrier(writers + 1), ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(str(path), i, ops, board_ids, dashboard_id, start, out))
        for i in range(writers)
    ]
    for proc in procs:
        proc.start()
    start.wait(timeout=600)  # every writer has opened its Store: all begin together
    results = [out.get(timeout=600) for _ in procs]
    for proc in procs:
        proc.join()
    latencies = [x for r in results for x in r[0]]
    failures = [x for r in results for x in r[1]]
    return Result(writers, latencies, failures, sum(r[2] for r in results))
