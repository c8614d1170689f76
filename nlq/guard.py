"""The SQL guard: every statement is checked here before it reaches the warehouse.

`check_sql` accepts one read-only query over the warehouse tables and returns it
as DuckDB SQL with a row cap; anything else raises `GuardError` with a plain reason.

>>> check_sql("SELECT borough, count(*) FROM crimes GROUP BY borough", row_cap=10)
'SELECT borough, COUNT(*) FROM crimes GROUP BY borough LIMIT 10'
>>> try:
...     check_sql("DROP TABLE crimes")
... except GuardError as e:
...     print(e.reason)
only SELECT queries are allowed, not DROP
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

WAREHOUSE_TABLES = frozenset({"crimes", "boroughs", "crime_types", "venues", "events", "lsoas", "build_info"})

# Functions that read files, reach the network, run dynamic SQL or reveal the
# system. Table functions are already refused as FROM sources; this list also
# catches their scalar cousins and anything nested in expressions.
DENIED_FUNCTIONS = frozenset(
    {
        "glob",
        "getenv",
        "getvariable",
        "current_setting",
        "query",
        "query_table",
        "sniff_csv",
        "delta_scan",
        "iceberg_scan",
        "json_execute_serialized_sql",
        "load_aws_credentials",
        "which_secret",
        "checkpoint",
        "force_checkpoint",
        "export_database",
        "import_database",
        "system",
        "shell",
        # Generators, padding and sleeps: one call can take minutes or gigabytes that neither
        # the memory limit nor an interrupt stops (list_sum(range(3e8)), repeat('x', 3e9)).
        "range",
        "generate_series",
        "generate_subscripts",
        "repeat",
        "repeat_row",
        "lpad",
        "pad",  # sqlglot reads lpad and rpad as PAD
        "rpad",
        "list_resize",
        "array_resize",
        "sleep",
        "sleep_ms",
        "pg_sleep",
        "pg_sleep_for",
        "pg_sleep_until",
        "make_list",
        "array_fill",
        "unfold",
        # Spark: calling Java methods, reading file names, sessions and configuration
        "reflect",
        "java_method",
        "try_reflect",
        "input_file_name",
        "input_file_block_start",
        "input_file_block_length",
        "current_catalog",
        "current_database",
        "current_schema",
        "current_user",
        "session_user",
        "user",
        "version",
        "spark_partition_id",
        "assert_true",
        "raise_error",
    }
)
DENIED_PREFIXES = (
    "read_",
    "write_",
    "parquet_",
    "sqlite_",
    "postgres_",
    "mysql_",
    "duckdb_",
    "pragma_",
    "iceberg_",
    "delta_",
    "http",
    "s3",
    "json_execute",
)

# Statement kinds (and clauses) that must never appear anywhere in the tree.
_FORBIDDEN_NODES = tuple(
    getattr(exp, name)
    for name in (
        "DML",
        "DDL",
        "Command",
        "Pragma",
        "Set",
        "Attach",
        "Detach",
        "Install",
        "Use",
        "Describe",
        "Summarize",
        "Copy",
        "Drop",
        "Alter",
        "Into",
        "Lock",
    )
    if hasattr(exp, name)
)
_SOURCES = (exp.Table, exp.Subquery, exp.Values, exp.Unnest)


class GuardError(ValueError):
    """A statement the guard refuses; `reason` says why in plain words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_sql(sql: str, *, row_cap: int = 100_000, dialect: str = "duckdb") -> str:
    """Check one query, read and written in *dialect* (the engine that will run it: "duckdb" or
    "spark"), and return it capped at `row_cap` rows.

    >>> check_sql("SELECT * FROM venues LIMIT 5", row_cap=3)
    'SELECT * FROM venues LIMIT 3'
    >>> try:
    ...     check_sql("SELECT * FROM read_csv('/etc/passwd')")
    ... except GuardError as e:
    ...     print(e.reason)
    reading files or calling table functions is not allowed
    >>> check_sql("SELECT `crime_type` FROM crimes", row_cap=5, dialect="spark")
    'SELECT `crime_type` FROM crimes LIMIT 5'
    >>> try:
    ...     check_sql("SELECT reflect('java.lang.Runtime', 'getRuntime')", dialect="spark")
    ... except GuardError as e:
    ...     print(e.reason)
    the function reflect() is not allowed
    """
    if not isinstance(sql, str) or not sql.strip():
        raise GuardError("there is no SQL to run")
    if row_cap < 1:
        raise GuardError("the row cap must be at least 1")
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except SqlglotError as e:
        raise GuardError(f"the SQL could not be read: {str(e).splitlines()[0]}") from None
    if len(statements) != 1:
        raise GuardError(f"exactly one statement is allowed, found {len(statements)}")
    root = statements[0]
    _check(root)
    _cap_rows(root, row_cap)
    return root.sql(dialect=dialect, comments=False)


def check_tree(
    root: exp.Expression, *, row_cap: int = 100_000, dialect: str = "duckdb", sql: str | None = None
) -> str:
    """`check_sql` for a statement the engine built as a sqlglot tree (no SQL text to read back).
    *sql* is the tree as written for *dialect*, when the caller has it: a query without a LIMIT is
    then capped by appending one, as sqlglot would write it, instead of writing the tree again.
    The tree itself is not changed.

    >>> tree = sqlglot.parse_one("SELECT venue FROM venues")
    >>> check_tree(tree, row_cap=3), check_tree(tree, row_cap=3, sql="SELECT venue FROM venues")
    ('SELECT venue FROM venues LIMIT 3', 'SELECT venue FROM venues LIMIT 3')
    """
    if row_cap < 1:
        raise GuardError("the row cap must be at least 1")
    if sql is not None and (checked := _VERDICTS.get((sql, row_cap, dialect))) is not None:
        return checked  # this very statement passed before (the caller vouches that *sql* is *root*)
    _check(root)
    if sql is not None:
        limit = root.args.get("limit")
        if limit is None:
            return _remember((sql, row_cap, dialect), f"{sql} LIMIT {int(row_cap)}")
        if _whole_rows(limit) is not None and _whole_rows(limit) <= row_cap:
            return _remember((sql, row_cap, dialect), sql)  # a ranking's own LIMIT is within the cap
    root = root.copy()
    _cap_rows(root, row_cap)
    return root.sql(dialect=dialect, comments=False)


# Statements that passed check_tree, as they run: asking the same question again (a dashboard tile,
# a repeated question) does not walk its tree again. Only refusals raise, so only passes are kept.
_VERDICTS: OrderedDict[tuple[str, int, str], str] = OrderedDict()
VERDICTS_KEPT = 1024
_verdicts_lock = threading.Lock()


def _remember(key: tuple[str, int, str], checked: str) -> str:
    with _verdicts_lock:
        _VERDICTS[key] = checked
        while len(_VERDICTS) > VERDICTS_KEPT:
            _VERDICTS.popitem(last=False)
    return checked


def _check(root: exp.Expression) -> None:
    """Refuse anything but one read-only query over the warehouse tables."""
    if not isinstance(root, (exp.Select, exp.SetOperation)):
        kind = root.key.upper() if not isinstance(root, exp.Command) else str(root.this).upper()
        raise GuardError(f"only SELECT queries are allowed, not {kind}")

    ctes, tables = set(), []
    for node in root.walk():  # one pass over the tree
        if isinstance(node, _FORBIDDEN_NODES):
            raise GuardError(f"{node.key.upper()} is not allowed in a query")
        if isinstance(node, (exp.From, exp.Join, exp.Lateral)):
            _check_source(node)
        elif isinstance(node, exp.Func):
            _check_function(node)
        elif isinstance(node, exp.CTE):
            ctes.add(node.alias_or_name.lower())
        elif isinstance(node, exp.Table):
            tables.append(node)

    if shadowed := ctes & WAREHOUSE_TABLES:
        raise GuardError(f"a WITH clause may not reuse the table name {sorted(shadowed)[0]!r}")
    for table in tables:
        _check_table(table)


def _check_source(node: exp.Expression) -> None:
    """FROM, JOIN and LATERAL may only name a table, a subquery, VALUES or UNNEST."""
    source = node.this
    allowed = (exp.Subquery,) if isinstance(node, exp.Lateral) else (*_SOURCES, exp.Lateral)
    if not isinstance(source, allowed) or (
        isinstance(source, exp.Table) and not isinstance(source.this, exp.Identifier)
    ):
        raise GuardError("reading files or calling table functions is not allowed")


def _check_table(table: exp.Table) -> None:
    if not isinstance(table.this, exp.Identifier) or not table.name:
        raise GuardError("reading files or calling table functions is not allowed")
    if table.catalog or table.db.lower() not in ("", "main"):
        raise GuardError(f"only the warehouse tables can be queried, not {table.sql('duckdb')}")
    name = table.name.lower()
    if name not in WAREHOUSE_TABLES and not (not table.db and name in _ctes_in_scope(table)):
        raise GuardError(f"unknown table {table.name!r}")


def _ctes_in_scope(table: exp.Table) -> set[str]:
    """CTE names that `table` can see: DuckDB looks any other name up as a Python variable.

    Inside the i-th CTE of a WITH only the earlier ones are visible (and itself, if RECURSIVE).
    """
    names: set[str] = set()
    child, node = table, table.parent
    while node is not None:
        if isinstance(node, exp.With):
            ctes = node.expressions
            i = next(k for k, cte in enumerate(ctes) if cte is child)
            visible = ctes[: i + 1] if node.args.get("recursive") else ctes[:i]
            names.update(cte.alias_or_name.lower() for cte in visible)
        elif isinstance(node, exp.Query):
            # the arg is "with_" in sqlglot 30 and "with" in older versions
            with_ = node.args.get("with_") or node.args.get("with")
            if with_ is not None and with_ is not child:
                names.update(cte.alias_or_name.lower() for cte in with_.expressions)
        child, node = node, node.parent
    return names


MAX_SERIES = 10_000  # a series between two whole-number literals at most this long is allowed
_SERIES = frozenset({"range", "generate_series"})


def _int_literal(node: exp.Expression | None) -> int | None:
    if isinstance(node, exp.Paren):
        return _int_literal(node.this)
    if isinstance(node, exp.Neg):
        value = _int_literal(node.this)
        return None if value is None else -value
    if isinstance(node, exp.Literal) and node.is_int:
        return int(node.this)
    return None


def _small_series(func: exp.Func) -> bool:
    """A range/generate_series over whole-number literals with at most MAX_SERIES values
    (the event planner's ``GENERATE_SERIES(-8, 8)``)."""
    if isinstance(func, exp.GenerateSeries):
        bounds = [func.args.get("start"), func.args.get("end")]
        step = func.args.get("step")
    else:
        bounds, step = list(func.expressions[:2]), (func.expressions[2:] or [None])[0]
    values = [_int_literal(b) for b in bounds]
    if len(values) != 2 or None in values or (step is not None and _int_literal(step) is None):
        return False
    return abs(values[1] - values[0]) <= MAX_SERIES


def _check_function(func: exp.Func) -> None:
    if isinstance(func, exp.Anonymous):
        names = [func.name]
    else:
        names = list(type(func).sql_names())
    for name in (n.lower() for n in names):
        if name in _SERIES and _small_series(func):
            continue
        if name in DENIED_FUNCTIONS or name.startswith(DENIED_PREFIXES):
            raise GuardError(f"the function {name}() is not allowed")


def _whole_rows(limit: exp.Expression) -> int | None:
    """The number of rows a LIMIT keeps, or None unless it is a plain whole number."""
    value = limit.expression if isinstance(limit, exp.Limit) else None
    options = limit.args.get("limit_options") if isinstance(limit, exp.Limit) else None
    if not (isinstance(value, exp.Literal) and value.is_int) or (options and options.args.get("percent")):
        return None
    return int(value.this)


def _cap_rows(root: exp.Expression, row_cap: int) -> None:
    limit = root.args.get("limit")
    if limit is None:
        root.set("limit", exp.Limit(expression=exp.Literal.number(row_cap)))
        return
    rows = _whole_rows(limit)
    if rows is None:
        raise GuardError("LIMIT must be a whole number of rows")
    limit.set("expression", exp.Literal.number(min(rows, row_cap)))
