"""Where the warehouse and the state store live (env UB_WAREHOUSE / UB_STATE override)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The repository's seeds/ in a checkout; the copy installed as warehouse/seeds from a wheel.
SEEDS_DIR = (
    REPO_ROOT / "seeds" if (REPO_ROOT / "seeds").is_dir() else Path(__file__).resolve().parent / "seeds"
)


def _resolve(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def warehouse_path() -> Path:
    """The DuckDB warehouse file: $UB_WAREHOUSE or data/warehouse.duckdb (relative to the repo root)."""
    return _resolve(os.environ.get("UB_WAREHOUSE") or "data/warehouse.duckdb")


def state_path() -> Path | str:
    """The state store (users, boards, audit): $UB_STATE or data/state.sqlite (relative to the repo root).
    A ``postgresql://`` URL (a shared store on PostgreSQL) is returned as it is."""
    value = os.environ.get("UB_STATE") or "data/state.sqlite"
    return value if value.startswith(("postgresql://", "postgres://")) else _resolve(value)


def borough_outlines_path() -> Path:
    """Simplified GeoJSON outlines of the 33 London authorities (properties: borough, borough_code)."""
    return SEEDS_DIR / "borough_outlines.geojson"
