"""Read-only warehouse connections for everything outside the build."""

from __future__ import annotations

from pathlib import Path

import duckdb

# No writes, no files or network, and no "replacement scans": DuckDB would otherwise let
# SQL read a Python variable of the caller by naming it as a table.
READONLY_CONFIG = {"enable_external_access": False, "python_enable_replacements": False}


def connect_readonly(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only with external access (files, network) switched off."""
    return duckdb.connect(str(path), read_only=True, config=dict(READONLY_CONFIG))
