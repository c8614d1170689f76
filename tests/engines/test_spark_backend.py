"""The Spark backend on its own: the guard in Spark's dialect, time limits by job-group cancellation,
row caps, the vocabulary, and the Parquet export it reads."""

from __future__ import annotations

import json
import time

import pytest

from nlq.guard import GuardError
from nlq.runner import QueryTimeout

pytestmark = pytest.mark.spark


def test_export_is_partitioned_by_month(parquet_warehouse):
    manifest = json.loads((parquet_warehouse / "manifest.json").read_text())
    assert {"crimes", "boroughs", "crime_types", "venues", "events"} <= set(manifest["tables"])
    months = sorted(p.name for p in (parquet_warehouse / "crimes").iterdir())
    assert months[0] == "month=2024-01-01" and len(months) == 24


def test_vocabulary_is_the_same_as_duckdb(engines):
    duck, spark = engines
    a, b = duck.vocabulary, spark.vocabulary
    assert (a.anchor_month, a.anchor_day, a.first_month) == (b.anchor_month, b.anchor_day, b.first_month)
    assert a.boroughs == b.boroughs and a.crime_types == b.crime_types and a.outcomes == b.outcomes
    assert a.streets == b.streets and a.events == b.events and a.venue_aliases == b.venue_aliases
    assert duck.facts == spark.facts


def test_row_cap_holds(spark_backend):
    result = spark_backend.run("SELECT crime_id FROM crimes", row_cap=7)
    assert len(result.frame) == 7 and result.truncated
    assert result.sql.endswith("LIMIT 8")


def test_time_limit_cancels_the_job_group(spark_backend):
    slow = "SELECT count(*) AS n FROM crimes AS a CROSS JOIN crimes AS b WHERE a.latitude + b.longitude > a.longitude"
    start = time.perf_counter()
    with pytest.raises(QueryTimeout):
        spark_backend.run(slow, timeout_s=1.0)
    assert time.perf_counter() - start < 20
    # the session is still usable afterwards
    assert spark_backend.run("SELECT count(*) AS n FROM venues").frame["n"].iat[0] > 0


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM parquet.`/etc`",
        "SELECT reflect('java.lang.Runtime', 'getRuntime')",
        "SELECT input_file_name() FROM crimes",
        "DROP VIEW crimes",
        "SELECT * FROM crimes; SELECT 1",
    ],
)
def test_guard_refuses_in_spark_dialect(spark_backend, sql):
    with pytest.raises(GuardError):
        spark_backend.run(sql)


def test_engine_on_spark_answers_with_spark_sql(engines):
    _, spark = engines
    reply = spark.ask("robberies by day of week in 2025")
    assert reply.error is None, reply.error
    assert "DAYOFWEEK_ISO" in reply.sql and "ISODOW(" not in reply.sql
    assert list(reply.frame["day_of_week"])[:2] == ["Monday", "Tuesday"]


def test_a_failed_statement_is_one_plain_message_not_a_java_stack_trace(spark_backend, capfd):
    capfd.readouterr()
    with pytest.raises(Exception) as failed:  # a DuckDB-only function: Spark cannot resolve it
        spark_backend.run("SELECT quantile_cont(latitude, 0.5) AS q FROM crimes")
    out, err = capfd.readouterr()
    assert "QUANTILE_CONT" in str(failed.value).upper() and "\tat org.apache" not in str(failed.value)
    assert "at org.apache.spark" not in out + err and "Traceback" not in out + err


def test_map_cells_are_sized_by_exact_percentiles_on_spark(engines):
    """The hexagon size comes from the 1st and 99th percentiles: DuckDB's QUANTILE_CONT, Spark's
    exact PERCENTILE (sqlglot would write PERCENTILE_APPROX, which can differ)."""
    duck, spark = engines
    a, b = duck.ask("map of all crime in London last year"), spark.ask("map of all crime in London last year")
    assert "QUANTILE_CONT(" in a.sql and "PERCENTILE(" in b.sql and "APPROX" not in b.sql.upper()
    assert b.error is None and a.frame["cell_m"].iloc[0] == b.frame["cell_m"].iloc[0] > 0
    assert a.frame["crimes"].sum() == b.frame["crimes"].sum()


def test_the_uncached_backend_reads_the_parquet_files_with_the_same_answers(parquet_warehouse, engines):
    """The app's default (UB_SPARK_CACHE unset) reads the files for every statement; the tests'
    backend caches the tables once read. Both give the same answers."""
    from nlq import Engine
    from nlq.backends import SparkBackend

    _, cached = engines
    plain = SparkBackend.open(parquet_warehouse, cache=False)
    try:
        engine = Engine(plain, plain.vocabulary(), timeout_s=120)
        assert not plain.session.catalog.isCached("crimes") and cached.backend.session.catalog.isCached(
            "crimes"
        )
        for question in ("robberies by borough in 2025", "burglary near Wembley Stadium by hour last year"):
            a, b = engine.ask(question), cached.ask(question)
            assert a.error is None and a.frame.equals(b.frame), question
    finally:
        plain.close()
