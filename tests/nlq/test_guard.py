"""The SQL guard refuses anything but one capped SELECT over the warehouse tables."""

import tomllib
from pathlib import Path

import pytest
import sqlglot

from nlq.guard import WAREHOUSE_TABLES, GuardError, check_sql

DEV_CASES = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.toml"
if not DEV_CASES.exists():
    DEV_CASES = Path("/work/shared/eval/dev.toml")

HOSTILE = [
    ("DROP TABLE crimes", "only SELECT"),
    ("DELETE FROM crimes WHERE borough = 'Camden'", "only SELECT"),
    ("UPDATE crimes SET borough = 'x'", "only SELECT"),
    ("INSERT INTO crimes SELECT * FROM crimes", "only SELECT"),
    ("CREATE TABLE t AS SELECT * FROM crimes", "only SELECT"),
    ("SELECT * FROM crimes; DROP TABLE crimes", "exactly one statement"),
    ("SELECT 1; SELECT 2", "exactly one statement"),
    ("SELECT 1 /* hide */; DELETE FROM crimes -- trailing", "exactly one statement"),
    ("COPY crimes TO '/tmp/out.csv'", "only SELECT"),
    ("COPY (SELECT * FROM crimes) TO '/tmp/out.parquet' (FORMAT parquet)", "only SELECT"),
    ("ATTACH '/tmp/other.duckdb' AS other", "only SELECT"),
    ("DETACH other", "only SELECT"),
    ("PRAGMA database_list", "only SELECT"),
    ("SET enable_external_access = true", "only SELECT"),
    ("INSTALL httpfs", "only SELECT"),
    ("LOAD httpfs", "only SELECT"),
    ("CALL pragma_version()", "only SELECT"),
    ("EXPLAIN SELECT * FROM crimes", "only SELECT"),
    ("DESCRIBE crimes", "only SELECT"),
    ("USE other", "only SELECT"),
    ("SELECT * FROM read_csv('/etc/passwd')", "table functions"),
    ("SELECT * FROM read_csv_auto('/etc/passwd')", "table functions"),
    ("SELECT * FROM read_parquet('s3://bucket/x.parquet')", "table functions"),
    ("SELECT * FROM read_json('x.json')", "table functions"),
    ("SELECT * FROM read_text('/etc/passwd')", "table functions"),
    ("SELECT * FROM glob('/*')", "table functions"),
    ("SELECT * FROM range(1000000000)", "table functions"),
    ("SELECT * FROM duckdb_settings()", "table functions"),
    ("SELECT * FROM query_table('crimes')", "table functions"),
    ("SELECT * FROM '/etc/passwd'", "unknown table"),
    ("SELECT * FROM 'data.csv'", "unknown table"),
    ('SELECT * FROM "x.parquet"', "unknown table"),
    ("SELECT * FROM users", "unknown table"),
    ("SELECT * FROM audit_log", "unknown table"),
    ("SELECT * FROM information_schema.tables", "only the warehouse tables"),
    ("SELECT * FROM other.main.crimes", "only the warehouse tables"),
    ("SELECT getenv('HOME')", "getenv"),
    ("SELECT current_setting('threads')", "current_setting"),
    ("SELECT getvariable('x')", "getvariable"),
    ("SELECT * FROM crimes WHERE borough IN (SELECT * FROM read_csv('/etc/passwd'))", "table functions"),
    ("SELECT * FROM crimes, LATERAL read_csv('x')", "table functions"),
    ("SELECT * FROM crimes c JOIN read_csv('/etc/passwd') p ON true", "table functions"),
    ("SELECT borough FROM crimes UNION SELECT * FROM read_csv('/etc/passwd')", "table functions"),
    ("SELECT borough FROM crimes UNION ALL SELECT * FROM secrets", "unknown table"),
    ("WITH crimes AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM crimes", "table functions"),
    ("WITH crimes AS (SELECT 1 AS x) SELECT * FROM crimes", "reuse the table name"),
    # names outside a CTE's scope would be looked up as Python variables (DuckDB replacement scans)
    ("SELECT * FROM (WITH df AS (SELECT 1) SELECT * FROM df) AS a, df", "unknown table 'df'"),
    ("WITH a AS (SELECT * FROM df), df AS (SELECT 1) SELECT * FROM a", "unknown table 'df'"),
    ("WITH df AS (SELECT * FROM df) SELECT * FROM df", "unknown table 'df'"),
    ("WITH x AS (SELECT 1) SELECT * FROM main.x", "unknown table 'x'"),
    ("WITH x AS (DELETE FROM crimes RETURNING *) SELECT * FROM x", "not allowed"),
    ("SELECT * INTO copy_of_crimes FROM crimes", "not allowed"),
    ("SELECT * FROM crimes FOR UPDATE", "not allowed"),
    ("SELECT * FROM crimes LIMIT ALL", "LIMIT"),
    ("SELECT * FROM crimes LIMIT (SELECT 5)", "LIMIT"),
    ("SELECT * FROM crimes LIMIT 10%", "LIMIT"),
    ("", "no SQL"),
    ("   ", "no SQL"),
    (";", "exactly one statement"),
    ("SELEC * FROM crimes", "could not be read"),
    ("SELECT * FROM crimes WHERE (", "could not be read"),
]


@pytest.mark.parametrize(("sql", "why"), HOSTILE)
def test_hostile_statements_are_refused(sql, why):
    with pytest.raises(GuardError) as err:
        check_sql(sql)
    assert why in err.value.reason
    assert isinstance(err.value, ValueError)


ALLOWED = [
    "SELECT count(*) FROM crimes",
    "FROM crimes SELECT borough",
    "SELECT * FROM main.crimes",
    "SELECT * FROM CRIMES",
    "SELECT c.borough, b.population FROM crimes c JOIN boroughs b ON b.borough = c.borough",
    "WITH a AS (SELECT max(month) AS m FROM crimes) SELECT count(*) FROM crimes, a WHERE month = a.m",
    "SELECT borough FROM crimes UNION SELECT borough FROM boroughs",
    "SELECT venue FROM venues EXCEPT SELECT venue FROM events",
    "SELECT * FROM (VALUES (1), (2)) AS t(x)",
    "SELECT * FROM build_info",
    "SELECT * FROM lsoas",
    "SELECT * FROM crimes WHERE borough = ?",
    "WITH a AS (SELECT 1 AS n), b AS (SELECT n FROM a) SELECT * FROM b, a",
    "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT * FROM t",
    "SELECT * FROM (WITH a AS (SELECT borough FROM crimes) SELECT * FROM a) AS s",
    "WITH a AS (SELECT 1 AS n) SELECT n FROM a UNION SELECT n FROM a",
    "SELECT * FROM crimes WHERE month IN (WITH m AS (SELECT max(month) AS x FROM crimes) SELECT x FROM m)",
]


@pytest.mark.parametrize("sql", ALLOWED)
def test_plain_queries_pass_and_stay_one_select(sql):
    out = check_sql(sql)
    (tree,) = sqlglot.parse(out, read="duckdb")
    assert tree.find(sqlglot.exp.Limit) is not None


def _gold_sql():
    if not DEV_CASES.exists():
        return []
    cases = tomllib.loads(DEV_CASES.read_text())["case"]
    return [pytest.param(c["sql"], id=c["question"][:40]) for c in cases if c.get("sql")]


@pytest.mark.parametrize("sql", _gold_sql() or [pytest.param("", marks=pytest.mark.skip("no dev.toml"))])
def test_every_gold_query_passes_the_guard(sql):
    assert check_sql(sql).upper().startswith(("SELECT", "WITH"))


@pytest.mark.parametrize(
    ("sql", "cap", "want"),
    [
        ("SELECT * FROM crimes", 50, 50),
        ("SELECT * FROM crimes LIMIT 10", 50, 10),
        ("SELECT * FROM crimes LIMIT 500", 50, 50),
        ("SELECT * FROM crimes ORDER BY month LIMIT 500 OFFSET 3", 50, 50),
        ("SELECT borough FROM crimes UNION SELECT borough FROM boroughs LIMIT 80", 50, 50),
        ("SELECT borough FROM crimes UNION SELECT borough FROM boroughs", 50, 50),
    ],
)
def test_row_cap_applies_to_the_outermost_query(sql, cap, want):
    tree = sqlglot.parse_one(check_sql(sql, row_cap=cap), read="duckdb")
    assert int(tree.args["limit"].expression.this) == want


def test_inner_limits_are_left_alone():
    out = check_sql("SELECT * FROM (SELECT * FROM crimes LIMIT 7) LIMIT 3", row_cap=5)
    assert "LIMIT 7" in out and out.endswith("LIMIT 3")


def test_comments_are_dropped_so_they_cannot_smuggle_a_statement():
    out = check_sql("SELECT 1 -- */; DROP TABLE crimes; /*")
    assert "DROP" not in out and "--" not in out and "/*" not in out


def test_known_tables_match_the_contract():
    assert {"crimes", "boroughs", "crime_types", "venues", "events"} <= WAREHOUSE_TABLES


def test_bad_row_cap_is_refused():
    with pytest.raises(GuardError):
        check_sql("SELECT 1", row_cap=0)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT list_sum(range(300000000))",
        "SELECT length(repeat('x', 3000000000))",
        "SELECT sleep_ms(100000)",
        "SELECT pg_sleep(100)",
        "SELECT count(*) FROM crimes WHERE length(generate_series(1, 1000000000)) > 0",
        "SELECT lpad('x', 300000000, 'y')",
        "SELECT rpad(location, 1000000000, 'y') FROM crimes",
        "SELECT list_resize([1], 1000000000)",
        "SELECT array_resize([1], 1000000000)",
        "SELECT unnest(generate_subscripts([1, 2], 1))",
    ],
)
def test_generators_and_sleeps_are_refused(sql):
    with pytest.raises(GuardError, match="not allowed"):
        check_sql(sql)


def test_a_short_series_of_literals_is_allowed():
    assert "GENERATE_SERIES" in check_sql("SELECT UNNEST(GENERATE_SERIES(-8, 8)) AS k").upper()
    with pytest.raises(GuardError, match="not allowed"):
        check_sql("SELECT UNNEST(GENERATE_SERIES(-8, 80000000)) AS k")


TREE_INTENTS = [
    dict(crime_types=("Burglary",), boroughs=("Camden",)),
    dict(crime_types=("Robbery",), group_by=("borough",), top_n=5),
    dict(group_by=("weekday",), measure="share"),
    dict(crime_types=("Burglary",), chart="map"),
    dict(venues=("Wembley Stadium",), radius_m=500, group_by=("hour",)),
]


@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
@pytest.mark.parametrize("fields", TREE_INTENTS)
def test_a_built_tree_is_checked_as_its_sql_would_be(fields, dialect):
    """check_tree (the engine's own statements, not read back) caps and refuses as check_sql does."""
    from nlq.guard import check_tree
    from nlq.intent import Intent
    from nlq.sql import build, portable

    tree = portable(build(Intent(**fields)), dialect)
    sql = tree.sql(dialect=dialect)
    for cap in (3, 100_001):
        want = check_sql(sql, row_cap=cap, dialect=dialect)
        assert check_tree(tree, row_cap=cap, dialect=dialect, sql=sql) == want
        assert check_tree(tree, row_cap=cap, dialect=dialect) == want
    assert tree.sql(dialect=dialect) == sql  # the tree itself is left as it was


def test_a_built_tree_with_a_file_read_is_refused():
    from nlq.guard import check_tree

    tree = sqlglot.parse_one("SELECT * FROM read_csv('/etc/passwd')")
    with pytest.raises(GuardError, match="table functions"):
        check_tree(tree, sql=tree.sql())


def test_check_tree_keeps_passes_and_refuses_every_time():
    import sqlglot

    from nlq import guard

    ok = sqlglot.parse_one("SELECT venue FROM venues")
    first = guard.check_tree(ok, row_cap=7, sql="SELECT venue FROM venues")
    assert ("SELECT venue FROM venues", 7, "duckdb") in guard._VERDICTS
    assert (
        guard.check_tree(ok, row_cap=7, sql="SELECT venue FROM venues")
        == first
        == "SELECT venue FROM venues LIMIT 7"
    )
    bad_sql = "SELECT * FROM read_csv('/etc/passwd')"
    for _ in range(2):  # a refusal is never remembered as a pass
        with pytest.raises(guard.GuardError):
            guard.check_tree(sqlglot.parse_one(bad_sql), row_cap=7, sql=bad_sql)
    assert not any(key[0] == bad_sql for key in guard._VERDICTS)
