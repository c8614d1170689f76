"""A full-size synthetic warehouse (volumes as in the app), built once per source version and cached.

The what-changed tests need real volumes: at the 2% scale of ``small_warehouse`` a borough's
burglary is a handful a month, and a +60% month is not unusual at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import _source_hash


@pytest.fixture(scope="session")
def full_warehouse(pytestconfig, tmp_path_factory) -> Path:
    from warehouse.build import build_warehouse

    cache = getattr(pytestconfig, "cache", None)
    folder = Path(cache.mkdir("full_warehouse")) if cache else tmp_path_factory.mktemp("full_warehouse")
    path = folder / f"full-{_source_hash()}.duckdb"
    if not path.exists():
        build_warehouse(path, seed=42, progress=False)
        for old in folder.glob("full-*.duckdb"):
            if old != path:
                old.unlink(missing_ok=True)
    return path


@pytest.fixture(scope="session")
def counts(full_warehouse):
    from insights.data import warehouse_counts

    return warehouse_counts(full_warehouse)


INJECTED = ("Camden", "Burglary", "2025-12-01")  # about +60% (rows whose id hashes into 6 of 10 buckets)


@pytest.fixture(scope="session")
def anomaly_warehouse(full_warehouse, tmp_path_factory) -> Path:
    """A copy of the full warehouse with a known anomaly: Camden's burglary in December 2025
    raised by about 60% (copies of existing records with new ids)."""
    import shutil

    import duckdb

    path = tmp_path_factory.mktemp("anomaly") / "warehouse.duckdb"
    shutil.copy(full_warehouse, path)
    borough, crime_type, month = INJECTED
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "INSERT INTO crimes SELECT * REPLACE (crime_id || '-injected' AS crime_id) FROM crimes "
            "WHERE borough = ? AND crime_type = ? AND month = ?::DATE AND hash(crime_id) % 10 < 6",
            [borough, crime_type, month],
        )
    finally:
        con.close()
    return path
