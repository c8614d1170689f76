"""Shared fixtures: a small synthetic warehouse built once and cached between test runs."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL_SCALE = 0.02
PYTEST_MAIN = sys.modules["__main__"]


def _source_hash() -> str:
    """Hash of everything that shapes the generated warehouse: warehouse/ code and seeds/."""
    h = hashlib.sha256()
    files = sorted((ROOT / "warehouse").glob("*.py")) + sorted((ROOT / "warehouse").glob("*.sql"))
    files += sorted(p for p in (ROOT / "seeds").rglob("*") if p.is_file())
    for p in files:
        h.update(p.relative_to(ROOT).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


# The longest files first (scripts/run-tests.sh keeps this order: --no-loadscope-reorder), so that
# with two workers the Spark comparison (CPU-bound, minutes) starts at once beside the browser
# tests (which wait on the browser half the time), and the many short files fill in at the end.
LONGEST_FIRST = ("tests/engines/", "tests/e2e/")


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        return next((k for k, p in enumerate(LONGEST_FIRST) if item.nodeid.startswith(p)), len(LONGEST_FIRST))

    items.sort(key=rank)  # stable: the order within each group is kept


if importlib.util.find_spec("xdist") is not None:

    def pytest_xdist_make_scheduler(config, log):
        """A file to a worker at a time, but every Spark test in one worker: one Spark session
        (a JVM and its warm-up) for all of them."""
        from xdist.scheduler import LoadFileScheduling

        if config.getvalue("dist") != "loadfile":
            return None  # another distribution asked for: xdist's own

        class SparkTogether(LoadFileScheduling):
            def _split_scope(self, nodeid: str) -> str:
                return (
                    "tests/engines/" if nodeid.startswith("tests/engines/") else super()._split_scope(nodeid)
                )

        return SparkTogether(config, log)


@pytest.fixture(autouse=True)
def _pytests_own_main_module():
    """Put pytest's ``__main__`` back after each test: Streamlit's AppTest leaves the app's script
    there, and every spawned or fork-server process would run that script first (see
    tests/test_main_module.py)."""
    yield
    if sys.modules.get("__main__") is not PYTEST_MAIN:
        sys.modules["__main__"] = PYTEST_MAIN


@pytest.fixture(scope="session")
def small_warehouse(pytestconfig, tmp_path_factory) -> Path:
    """Path of a synthetic warehouse at scale 0.02 (all 24 months, same seeds, venues and events)."""
    from warehouse.build import build_warehouse

    cache = getattr(pytestconfig, "cache", None)
    folder = Path(cache.mkdir("small_warehouse")) if cache else tmp_path_factory.mktemp("small_warehouse")
    path = folder / f"small-{_source_hash()}.duckdb"
    if not path.exists():
        # build_warehouse writes a temporary file and renames it, so parallel pytest runs are safe.
        build_warehouse(path, seed=42, scale=SMALL_SCALE, progress=False)
        for old in folder.glob("small-*.duckdb"):
            if old != path:
                old.unlink(missing_ok=True)
    return path


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the session (tests/store/databases.py); skips, saying
    why, where psycopg or PostgreSQL's binaries are missing."""
    from tests.store import databases

    why = databases.missing()
    if why:
        pytest.skip(why)
    server = databases.PostgresServer().start()
    yield server
    server.stop()
