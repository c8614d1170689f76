"""run_guarded: guard first, then a capped, time-limited run on a read-only connection."""

import threading
import time

import duckdb
import pandas as pd
import pytest

from nlq.guard import GuardError
from nlq.runner import QueryFailed, QueryTimeout, RunResult, _execute, run_guarded

SLOW = (
    "SELECT count(*) FROM crimes a, crimes b, crimes c "
    "WHERE a.latitude * b.longitude > c.latitude * c.longitude"
)


def test_answers_come_back_as_a_frame(con):
    result = run_guarded(con, "SELECT count(*) AS n FROM crimes")
    assert isinstance(result, RunResult)
    assert result.frame["n"].iloc[0] > 0
    assert result.elapsed_ms > 0 and not result.truncated
    assert result.sql.startswith("SELECT")


def test_row_cap_truncates_and_says_so(con):
    result = run_guarded(con, "SELECT crime_id FROM crimes", row_cap=5)
    assert len(result.frame) == 5 and result.truncated


def test_a_smaller_limit_is_not_truncation(con):
    result = run_guarded(con, "SELECT crime_id FROM crimes LIMIT 5", row_cap=5)
    assert len(result.frame) == 5 and not result.truncated


def test_parameters_fill_placeholders(con):
    result = run_guarded(con, "SELECT count(*) AS n FROM crimes WHERE crime_type = ?", params=["Burglary"])
    assert result.frame["n"].iloc[0] > 0


def test_slow_query_is_stopped_at_the_time_limit(con):
    start = time.perf_counter()
    with pytest.raises(QueryTimeout, match="longer than 0.5 s"):
        run_guarded(con, SLOW, timeout_s=0.5)
    assert time.perf_counter() - start < 1.5


def test_connection_still_works_after_a_timeout(con):
    with pytest.raises(QueryTimeout):
        run_guarded(con, SLOW, timeout_s=0.2)
    assert run_guarded(con, "SELECT 1 AS one FROM venues LIMIT 1").frame["one"].tolist() == [1]


def test_interrupting_one_query_leaves_concurrent_ones_alone(con):
    outcomes = {}

    def slow():
        try:
            run_guarded(con, SLOW, timeout_s=0.6)
        except QueryTimeout:
            outcomes["slow"] = "timeout"

    def fast(i):
        time.sleep(0.05 * i)
        outcomes[i] = len(run_guarded(con, "SELECT crime_id FROM crimes LIMIT 10").frame)

    threads = [threading.Thread(target=slow)] + [threading.Thread(target=fast, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert outcomes == {"slow": "timeout", 0: 10, 1: 10, 2: 10, 3: 10}


def test_writes_are_refused_by_the_guard(con):
    with pytest.raises(GuardError):
        run_guarded(con, "DELETE FROM crimes")


def test_writes_fail_cleanly_on_the_read_only_connection(con):
    with pytest.raises(QueryFailed, match="could not run the query") as err:
        _execute(con, "CREATE TABLE scratch AS SELECT 1", timeout_s=5)
    assert not isinstance(err.value, QueryTimeout)
    assert "\n" not in str(err.value)


def test_file_access_is_off_on_the_connection(con):
    with pytest.raises(QueryFailed):
        _execute(con, "SELECT * FROM read_csv('/etc/passwd')", timeout_s=5)


def test_sql_errors_are_plain_failures(con):
    with pytest.raises(QueryFailed, match="could not run"):
        run_guarded(con, "SELECT no_such_column FROM crimes")


def test_the_connection_has_memory_and_thread_limits_it_cannot_change(con):
    from warehouse.connect import MEMORY_LIMIT, THREADS

    threads, memory = con.execute(
        "SELECT current_setting('threads'), current_setting('memory_limit')"
    ).fetchone()
    assert int(threads) == THREADS and memory != con.execute("SELECT '0'").fetchone()[0]
    assert MEMORY_LIMIT and int(con.execute("SELECT current_setting('max_execution_time')").fetchone()[0]) > 0
    for setting in ("SET memory_limit = '100GB'", "SET threads = 64", "SET max_execution_time = 0"):
        with pytest.raises(duckdb.Error, match="locked"):
            con.cursor().execute(setting)


def test_one_time_limit_covers_every_statement_of_an_answer(engine, monkeypatch):
    from nlq import runner

    per_statement = 0.3

    def slow_execute(con, sql, *, timeout_s, params=None):
        time.sleep(min(per_statement, timeout_s))
        if timeout_s < per_statement:
            raise runner.QueryTimeout("stopped")
        return pd.DataFrame({"crimes": [1]}), per_statement * 1000

    monkeypatch.setattr(runner, "_execute", slow_execute)
    monkeypatch.setattr(engine, "timeout_s", 0.4)
    start = time.perf_counter()
    reply = engine.ask("burglary in Camden last month")  # the number, then the previous month's
    assert reply.frame is not None
    assert time.perf_counter() - start < 0.55
