"""Run a guarded query on a read-only DuckDB connection, with a row cap and a time limit.

>>> import duckdb
>>> con = duckdb.connect()
>>> con.execute("CREATE TABLE venues AS SELECT 'Wembley Stadium' AS venue")  # doctest: +ELLIPSIS
<...>
>>> result = run_guarded(con, "SELECT venue FROM venues")
>>> result.frame["venue"].tolist(), result.truncated
(['Wembley Stadium'], False)
"""

from __future__ import annotations

import contextvars
import heapq
import itertools
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import pandas as pd

from nlq.guard import check_sql, check_tree


class QueryFailed(RuntimeError):
    """The warehouse could not answer the query; the message is plain English."""


class QueryTimeout(QueryFailed):
    """The query ran past its time limit and was stopped."""


# (deadline on time.monotonic(), seconds allowed) of the answer being computed in this thread.
_budget: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar("budget", default=None)


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Every statement run inside shares one time limit of ``seconds`` (an outer budget wins)."""
    if _budget.get() is not None:
        yield
        return
    token = _budget.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _budget.reset(token)


def _time_left(timeout_s: float) -> float:
    """The time this statement may take: its own limit, or less when the answer's budget is nearly spent."""
    budget = _budget.get()
    if budget is None:
        return timeout_s
    deadline, seconds = budget
    left = deadline - time.monotonic()
    if left <= 0:
        raise QueryTimeout(f"the answer took longer than {seconds:g} s and was stopped")
    return min(timeout_s, left)


@dataclass(frozen=True)
class RunResult:
    frame: pd.DataFrame
    elapsed_ms: float
    truncated: bool  # True when more than row_cap rows matched and the rest were dropped
    sql: str = ""  # the SQL that ran, as returned by the guard


def run_guarded(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    *,
    timeout_s: float = 5.0,
    row_cap: int = 100_000,
    params: Sequence | Mapping | None = None,
    tree=None,
) -> RunResult:
    """Check `sql` with the guard, then run it with a time limit and a row cap.

    Raises `nlq.guard.GuardError` when the guard refuses, `QueryTimeout` when it runs
    too long and `QueryFailed` for any other database error. `params` fill `?` / `$name`
    placeholders. Inside ``time_budget`` the statement also stops when the budget runs out.
    Safe to call from several threads on one shared connection. `tree` is the sqlglot tree `sql`
    was written from, when the caller built it: the guard checks it without reading the text back.
    """
    # One extra row tells a capped answer apart from one that fits exactly.
    if tree is not None:
        checked = check_tree(tree, row_cap=row_cap + 1, sql=sql)
    else:
        checked = check_sql(sql, row_cap=row_cap + 1)
    frame, elapsed_ms = _execute(con, checked, timeout_s=_time_left(timeout_s), params=params)
    truncated = len(frame) > row_cap
    if truncated:
        frame = frame.iloc[:row_cap]
    return RunResult(frame=frame, elapsed_ms=elapsed_ms, truncated=truncated, sql=checked)


def run_stoppable(run, stop, timeout_s: float, describe=None) -> tuple[pd.DataFrame, float]:
    """Call `run()` (it returns a frame) with a watchdog that calls `stop()` after `timeout_s`;
    a failure becomes QueryTimeout when the watchdog fired, else QueryFailed in plain words.
    Shared by every warehouse backend: DuckDB interrupts a cursor, Spark cancels a job group."""
    timed_out = threading.Event()

    def fire():
        timed_out.set()
        stop()

    start = time.perf_counter()
    alarm = _WATCHDOG.set(timeout_s, fire)
    try:
        frame = run()
    except Exception as e:
        if timed_out.is_set():
            raise QueryTimeout(f"the query took longer than {timeout_s:g} s and was stopped") from None
        raise QueryFailed(f"the warehouse could not run the query: {(describe or _first_line)(e)}") from None
    finally:
        _WATCHDOG.cancel(alarm)
    return frame, (time.perf_counter() - start) * 1000


class _Watchdog:
    """One thread that calls each alarm's function when its time comes: starting a timer thread
    per statement cost as much as planning a small query."""

    def __init__(self):
        self._cond = threading.Condition()
        self._alarms: list[list] = []  # heap of [deadline, sequence, function or None if cancelled]
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def set(self, seconds: float, fn) -> list:
        alarm = [time.monotonic() + seconds, next(self._seq), fn]
        with self._cond:
            heapq.heappush(self._alarms, alarm)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="query-watchdog", daemon=True)
                self._thread.start()
            elif self._alarms[0] is alarm:  # earlier than the one it waits for
                self._cond.notify()
        return alarm

    def cancel(self, alarm: list) -> None:
        alarm[2] = None  # dropped when it reaches the top of the heap

    def _loop(self) -> None:
        with self._cond:
            while True:
                while self._alarms and self._alarms[0][2] is None:
                    heapq.heappop(self._alarms)
                if not self._alarms:
                    self._cond.wait()
                    continue
                wait = self._alarms[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                fn = heapq.heappop(self._alarms)[2]
                self._cond.release()
                try:
                    fn()
                except Exception:  # a failed stop must not end the watchdog
                    pass
                finally:
                    self._cond.acquire()


_WATCHDOG = _Watchdog()


def _execute(con, sql: str, *, timeout_s: float, params=None) -> tuple[pd.DataFrame, float]:
    """Run already-checked SQL on its own cursor, interrupting it after `timeout_s`."""
    # A cursor is a separate connection to the same database: interrupting it stops only
    # this query, and concurrent callers (Streamlit sessions) do not share result state.
    cursor = con.cursor()

    def stop():
        try:
            cursor.interrupt()
        except duckdb.Error:  # the query finished and the cursor closed meanwhile
            pass

    def run():
        return cursor.execute(sql, params).df() if params is not None else cursor.execute(sql).df()

    try:
        return run_stoppable(run, stop, timeout_s)
    finally:
        cursor.close()


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
