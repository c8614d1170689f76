"""Read-only warehouse connections for everything outside the build."""

from __future__ import annotations

from pathlib import Path

import duckdb


def connect_readonly(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only with external access (files, network) switched off."""
    return duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})
