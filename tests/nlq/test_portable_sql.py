"""Portable SQL (issue 14): every statement is one sqlglot tree written for the engine's dialect.

Spark and PostgreSQL have no DuckDB `hour()`, `dayname()`, `dayofweek()` (Sunday 0 there, 1 on
Spark) or `haversine_m` macro; sqlglot's own Spark rendering of an ISO weekday is two days off.
These tests need no Spark: they check the text of the SQL and run the DuckDB side.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlglot

from nlq.guard import check_sql
from nlq.intent import Intent
from nlq.planning import PARTS, bounding_box, build_sql
from nlq.sql import haversine, iso_day, lit, render, to_sql, transpile

QUESTIONS = [
    "robberies by day of week in 2025",
    "burglary at the weekend by hour last month",
    "robbery near Wembley Stadium on Friday nights",
    "theft by week last month",
    "weekend vs weekday robbery",
    "burglary by quarter in Camden",
    "ASB rate by BCU in 2025",
    "violence in Westminster on Saturday nights last year",
    "crime within 1km of The O2 during Taylor Swift",
    "share of robbery in the evening in Ealing",
    "map of all crime in London last year",  # hexagon cells sized by percentiles
]
DUCKDB_ONLY = re.compile(
    r"\b(ISODOW|DAYNAME|DAYOFWEEK|HAVERSINE_M|TO_WEEKS|TO_MINUTES|HOUR|QUANTILE_CONT|PERCENTILE_APPROX)\s*\(",
    re.I,
)


@pytest.mark.parametrize("dialect", ["spark", "postgres"])
@pytest.mark.parametrize("question", QUESTIONS)
def test_sql_for_other_engines_has_no_duckdb_functions(engine, question, dialect):
    parsed = engine.parse(question)
    if parsed.intent is None:
        pytest.skip(f"not a question on this warehouse: {parsed.error}")
    sql = to_sql(parsed.intent, dialect=dialect, facts=engine.facts)
    assert not DUCKDB_ONLY.search(sql), sql
    check_sql(sql, dialect=dialect)  # the guard reads it in that dialect
    sqlglot.parse_one(sql, read=dialect)


def test_spark_weekday_is_iso_not_sqlglots_dayofweek_formula():
    sql = to_sql(Intent(group_by=("weekday",)), dialect="spark")
    assert "EXTRACT(DAYOFWEEK_ISO FROM c.occurred_at)" in sql
    assert "DAYOFWEEK(" not in sql  # sqlglot writes ((DAYOFWEEK(x) % 7) + 1): Monday would be 3


@pytest.mark.parametrize(
    "dialect,written",
    [
        ("duckdb", "QUANTILE_CONT(x, 0.99)"),
        ("spark", "PERCENTILE(x, CAST(0.99 AS DOUBLE))"),
        ("postgres", "PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY x"),
    ],
)
def test_an_exact_percentile_in_every_dialect(dialect, written):
    q = sqlglot.exp.select(
        sqlglot.exp.PercentileCont(this=sqlglot.exp.column("x"), expression=lit(0.99))
    ).from_("t")
    assert written in render(q, dialect)


def test_weekday_numbers_are_iso():
    assert [iso_day(d) for d in ("Monday", "Friday", "Saturday", "Sunday")] == [1, 5, 6, 7]
    weekend = to_sql(Intent(day_type="weekend"), dialect="spark")
    assert "IN (6, 7)" in weekend


def test_day_names_and_weekend_agree_with_duckdb_calendar(con):
    """The CASE of day names and the ISO weekend give DuckDB's own dayname() on every day of a fortnight."""
    from nlq.sql import WEEKEND_ISO, day_name, iso_weekday

    ts = sqlglot.exp.column("d")
    q = sqlglot.exp.select(
        sqlglot.exp.alias_(day_name(ts), "ours"),
        sqlglot.exp.alias_(iso_weekday(ts).isin(*map(lit, WEEKEND_ISO)), "weekend"),
        "dayname(d) AS theirs",
        "dayofweek(d) IN (0, 6) AS their_weekend",
    ).from_("(SELECT DATE '2024-06-17' + CAST(i AS INTEGER) AS d FROM range(14) AS t(i)) AS days")
    for ours, weekend, theirs, their_weekend in con.execute(q.sql("duckdb")).fetchall():
        assert (ours, weekend) == (theirs, their_weekend)


def test_haversine_written_out_equals_the_macro(con):
    args = [lit(51.556), lit(-0.2796), lit(51.5033), lit(0.0032)]
    ours = con.execute(f"SELECT {haversine(*args).sql('duckdb')}").fetchone()[0]
    macro = con.execute("SELECT haversine_m(51.556, -0.2796, 51.5033, 0.0032)").fetchone()[0]
    assert ours == pytest.approx(macro, rel=1e-12)


def _plan_values():
    return {
        "venue": "Wembley Stadium",
        "weeks": 8,
        "start_minute": 1080,
        "end_minute": 1410,
        "radius": 500,
        "smoothing": 0.5,
        "hours": [18, 19, 20, 21, 22, 23],
        "start_hour": 18,
        "top_streets": 10,
        "reach": 1000,
        **bounding_box(51.556, -0.2796, 500),
        **{f"wide_{k}": v for k, v in bounding_box(51.556, -0.2796, 1500).items()},
    }


@pytest.mark.parametrize("part", PARTS)
def test_planner_sql_is_portable(part):
    sql = build_sql(part, _plan_values(), dialect="spark")
    assert not DUCKDB_ONLY.search(sql), sql
    check_sql(sql, dialect="spark")


def test_planner_duckdb_sql_runs(con):
    for part in PARTS:
        con.execute(build_sql(part, _plan_values())).fetchall()


def test_transpile_keeps_duckdb_text():
    assert transpile("SELECT 1", "duckdb") == "SELECT 1"
    assert transpile("SELECT hour(occurred_at) FROM crimes ORDER BY 1", "spark").endswith("NULLS LAST")


def test_literal_dates_stay_literals(engine):
    """Relative periods come inlined from the warehouse's facts, on every dialect (zone maps, pruning)."""
    parsed = engine.parse("burglary in Camden last month")
    sql = to_sql(parsed.intent, dialect="spark", facts=engine.facts)
    assert "MAX(" not in sql.upper() and dt.date(2025, 12, 1).isoformat() in sql
