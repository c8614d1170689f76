"""Fixtures for the cross-engine tests: the small warehouse on DuckDB and, exported as Parquet, on a
local Apache Spark. Skipped, saying why, when pyspark or Java is absent."""

from __future__ import annotations

import os

import pytest

from nlq import Engine
from nlq.backends import DuckDBBackend, SparkBackend, spark_available


@pytest.fixture(scope="session")
def parquet_warehouse(small_warehouse, tmp_path_factory):
    from warehouse.export import export_parquet

    return export_parquet(small_warehouse, tmp_path_factory.mktemp("parquet") / "warehouse").path


@pytest.fixture(scope="session")
def spark_backend(parquet_warehouse):
    why = spark_available()
    if why:
        pytest.skip(f"Spark tests need pyspark and Java: {why}")
    # two cores in CI; local[2] whatever the machine so the timings are comparable
    # the tables cached once read: every question of every set is asked (tests/engines/test_cross_engine.py)
    backend = SparkBackend.open(parquet_warehouse, os.environ.get("UB_SPARK_MASTER", "local[2]"), cache=True)
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def engines(small_warehouse, spark_backend):
    """(DuckDB engine, Spark engine) over the same data, with a time limit generous for a cold JVM."""
    duck = DuckDBBackend.open(small_warehouse)
    pair = (
        Engine(duck, duck.vocabulary(), timeout_s=120),
        Engine(spark_backend, spark_backend.vocabulary(), timeout_s=120),
    )
    yield pair
    duck.close()
