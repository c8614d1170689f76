"""Warehouse backends: where a guarded statement runs.

One small interface, two implementations:

- `DuckDBBackend` (the embedded default): the read-only DuckDB file, as before;
- `SparkBackend`: Apache Spark (PySpark; a local session or ``UB_SPARK_MASTER``) over the warehouse
  exported as Parquet by ``python -m warehouse export --parquet DIR``.

Every backend offers the same three things: ``run(sql, timeout_s=, row_cap=)`` checks the statement
with the guard *in its own dialect* and runs it with a time limit and a row cap; ``vocabulary()``
reads the vocabulary; ``close()``. SQL is built once as a sqlglot tree and written for
``backend.dialect`` (nlq.sql.render), so the same question means the same on either engine.

``open_backend()`` picks one from the environment: ``UB_ENGINE`` (``duckdb``, the default, or
``spark``), ``UB_WAREHOUSE`` (the DuckDB file) and ``UB_PARQUET`` (the Parquet folder; default
``data/parquet``).

>>> import duckdb
>>> con = duckdb.connect()
>>> _ = con.execute("CREATE TABLE venues AS SELECT 'Wembley Stadium' AS venue")
>>> DuckDBBackend(con).run("SELECT venue FROM venues").frame["venue"].tolist()
['Wembley Stadium']
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from pathlib import Path
from typing import Protocol, runtime_checkable

import pandas as pd

from nlq.guard import check_sql, check_tree
from nlq.runner import (
    RunResult,
    _first_line,
    _time_left,
    run_guarded,
    run_stoppable,
)

ENGINES = ("duckdb", "spark")
MANIFEST = "manifest.json"


@runtime_checkable
class Backend(Protocol):
    """What the engine and the planner need from a warehouse."""

    dialect: str  # the sqlglot dialect the backend's SQL is written in

    def run(self, sql: str, *, timeout_s: float = 5.0, row_cap: int = 100_000, tree=None) -> RunResult: ...

    def vocabulary(self): ...

    def close(self) -> None: ...


class DuckDBBackend:
    """The read-only DuckDB warehouse (the embedded default, unchanged for users)."""

    dialect = "duckdb"
    name = "duckdb"

    def __init__(self, con):
        self.con = con

    @classmethod
    def open(cls, path: str | Path) -> DuckDBBackend:
        from warehouse.connect import connect_readonly

        return cls(connect_readonly(path))

    def run(
        self, sql: str, *, timeout_s: float = 5.0, row_cap: int = 100_000, params=None, tree=None
    ) -> RunResult:
        """*tree*: the sqlglot tree *sql* was written from (see nlq.runner.run_guarded)."""
        return run_guarded(self.con, sql, timeout_s=timeout_s, row_cap=row_cap, params=params, tree=tree)

    def vocabulary(self):
        from nlq.vocabulary import Vocabulary

        return Vocabulary.from_connection(self.con)

    def close(self) -> None:
        self.con.close()


class SparkBackend:
    """Apache Spark over the Parquet export: each table a temporary view of its own session.

    Time limits: every statement runs in its own job group, cancelled (threads interrupted) when the
    limit passes. Row caps: the guard's LIMIT (one row more than the cap tells a capped answer).
    """

    dialect = "spark"
    name = "spark"

    def __init__(self, session, parquet_dir: str | Path):
        self.session = session
        self.parquet_dir = Path(parquet_dir)
        self.con = _SparkConnection(self)

    @classmethod
    def open(
        cls, parquet_dir: str | Path, master: str | None = None, cache: bool | None = None
    ) -> SparkBackend:
        """*cache* (default $UB_SPARK_CACHE, off) keeps the tables in the executors' memory once
        read: for a warehouse that fits, each answer then skips the Parquet files' footers and
        tasks (about 1.4× faster per question on the small test warehouse)."""
        parquet_dir = Path(parquet_dir)
        if cache is None:
            cache = os.environ.get("UB_SPARK_CACHE", "").lower() in ("1", "true", "yes")
        manifest = _manifest(parquet_dir)
        root = spark_session(master)
        # the engine reports failures itself, in plain words; Spark's own log would repeat each one
        level = os.environ.get("UB_SPARK_LOG_LEVEL", "OFF")
        root.sparkContext.setLogLevel(level)
        if level.upper() == "OFF":  # PySpark's own Python loggers print a Java stack trace per failure
            for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
                logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        session = root.newSession()  # temp views of its own
        for table, info in manifest["tables"].items():
            frame = session.read.parquet(str(parquet_dir / table))
            columns = info["columns"]
            if table == "crimes" and "month" in columns:  # the partition column, read back as a DATE
                from pyspark.sql import functions as F

                frame = frame.withColumn("month", F.col("month").cast("date"))
            frame = frame.select(*columns)
            if cache:
                # one in-memory partition per core: a scan is then one wave of tasks
                frame = frame.coalesce(root.sparkContext.defaultParallelism).cache()
                frame.count()
            frame.createOrReplaceTempView(table)
        return cls(session, parquet_dir)

    def run(
        self, sql: str, *, timeout_s: float | None = None, row_cap: int = 100_000, tree=None
    ) -> RunResult:
        """As DuckDB's, with a longer default time limit ($UB_SPARK_TIMEOUT_S, 60 s): a cluster
        schedules each statement as jobs, and the planner's statements join months of records."""
        if tree is not None:
            checked = check_tree(tree, row_cap=row_cap + 1, dialect="spark", sql=sql)
        else:
            checked = check_sql(sql, row_cap=row_cap + 1, dialect="spark")
        limit = float(os.environ.get("UB_SPARK_TIMEOUT_S", "60")) if timeout_s is None else timeout_s
        frame, elapsed_ms = self._execute(checked, _time_left(limit))
        truncated = len(frame) > row_cap
        if truncated:
            frame = frame.iloc[:row_cap]
        return RunResult(frame=frame, elapsed_ms=elapsed_ms, truncated=truncated, sql=checked)

    def _execute(self, sql: str, timeout_s: float) -> tuple[pd.DataFrame, float]:
        sc = self.session.sparkContext
        group = f"ub-{uuid.uuid4().hex}"
        sc.setJobGroup(group, "utility-belt answer", interruptOnCancel=True)
        try:
            return run_stoppable(
                lambda: _to_pandas(self.session.sql(sql)),
                lambda: sc.cancelJobGroup(group),
                timeout_s,
                describe=_spark_message,
            )
        finally:
            sc.setLocalProperty("spark.jobGroup.id", None)

    def vocabulary(self):
        from nlq.vocabulary import Vocabulary

        return Vocabulary.from_connection(self.con)

    def close(self) -> None:
        for table in _manifest(self.parquet_dir)["tables"]:
            try:
                self.session.catalog.dropTempView(table)
            except Exception:  # the JVM is already gone at interpreter exit
                pass


class _SparkConnection:
    """Just enough of a DB-API connection for trusted, fixed reads (the vocabulary): DuckDB SQL
    in, transpiled to Spark; ``execute(sql).fetchall()`` / ``.fetchone()``."""

    def __init__(self, backend: SparkBackend):
        self._backend = backend
        self._rows: list[tuple] = []

    def execute(self, sql: str, params=None):
        if params:
            raise TypeError("the Spark connection takes no parameters")
        from nlq.sql import transpile

        self._rows = [tuple(r) for r in self._backend.session.sql(transpile(sql, "spark")).collect()]
        return self

    def fetchall(self) -> list[tuple]:
        return list(self._rows)

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def cursor(self):
        return _SparkConnection(self._backend)

    def close(self) -> None:
        self._backend.close()


_SESSION_LOCK = threading.Lock()


def spark_session(master: str | None = None):
    """The process's Spark session (created once): UTC, ANSI off (x / 0 is NULL, as in DuckDB), no
    SQL over files, no UI, few shuffle partitions (the data of one force is small for Spark)."""
    from pyspark.sql import SparkSession

    master = master or os.environ.get("UB_SPARK_MASTER") or "local[*]"
    with _SESSION_LOCK:
        return (
            SparkSession.builder.master(master)
            .appName("utility-belt")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
            .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
            .config("spark.sql.ansi.enabled", "false")
            .config("spark.sql.runSQLOnFiles", "false")
            .config("spark.sql.shuffle.partitions", os.environ.get("UB_SPARK_SHUFFLE_PARTITIONS", "4"))
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", os.environ.get("UB_SPARK_DRIVER_MEMORY", "2g"))
            .getOrCreate()
        )


def spark_available() -> str | None:
    """None when Spark can run here, else why not (no pyspark, no Java)."""
    import shutil

    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -e '.[spark]')"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "no Java runtime (apt-get install -y default-jdk-headless)"
    return None


def _manifest(parquet_dir: Path) -> dict:
    path = parquet_dir / MANIFEST
    if not path.exists():
        raise FileNotFoundError(
            f"no Parquet warehouse at {parquet_dir} (make one with: python -m warehouse export --parquet DIR)"
        )
    return json.loads(path.read_text())


def _to_pandas(result) -> pd.DataFrame:
    """Spark rows as the frame DuckDB would give: DATE and TIMESTAMP as datetime64, integers as int64,
    decimals as floats, so the app renders both engines' answers alike."""
    import warnings

    from pyspark.sql import types as T

    with warnings.catch_warnings():  # "PySpark does not yet fully support pandas >= 3.0.0", copy=...
        warnings.simplefilter("ignore")
        frame = result.toPandas()
    for f in result.schema.fields:
        col = f.name
        if isinstance(f.dataType, (T.DateType, T.TimestampType, T.TimestampNTZType)):
            frame[col] = pd.to_datetime(frame[col])
        elif isinstance(f.dataType, (T.IntegerType, T.ShortType, T.ByteType, T.LongType)):
            if not frame[col].isna().any():
                frame[col] = frame[col].astype("int64")
        elif isinstance(f.dataType, T.DecimalType):
            frame[col] = frame[col].astype("float64")
    return frame


def _spark_message(error: Exception) -> str:
    text = _first_line(error)
    return text.removeprefix("[") if text else type(error).__name__


def engine_name() -> str:
    name = os.environ.get("UB_ENGINE", "duckdb").strip().lower() or "duckdb"
    if name not in ENGINES:
        raise ValueError(f"UB_ENGINE must be one of {', '.join(ENGINES)}, not {name!r}")
    return name


def parquet_path() -> Path:
    return Path(os.environ.get("UB_PARQUET", "data/parquet"))


def open_backend(path: str | Path | None = None, engine: str | None = None) -> Backend:
    """The warehouse backend the environment asks for (see the module docstring). With the Spark
    engine, *path* may name the Parquet folder."""
    from warehouse.paths import warehouse_path

    engine = engine or engine_name()
    if engine == "spark":
        folder = Path(path) if path is not None and Path(path).is_dir() else parquet_path()
        return SparkBackend.open(folder)
    return DuckDBBackend.open(path or warehouse_path())


def as_backend(source) -> Backend:
    """A backend for a DuckDB connection, an engine or a backend."""
    if isinstance(source, (DuckDBBackend, SparkBackend)):
        return source
    inner = getattr(source, "backend", None)
    if inner is not None:
        return inner
    import duckdb

    if isinstance(source, duckdb.DuckDBPyConnection):
        return DuckDBBackend(source)
    for name in ("con", "connection", "_con"):
        con = getattr(source, name, None)
        if isinstance(con, duckdb.DuckDBPyConnection):
            return DuckDBBackend(con)
    raise TypeError("expected a DuckDB connection, a warehouse backend or an nlq.Engine")
