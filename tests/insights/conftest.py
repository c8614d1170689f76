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
