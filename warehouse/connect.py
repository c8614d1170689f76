"""Read-only warehouse connections for everything outside the build."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

# Per-connection limits (environment overrides for bigger machines). The time limit here is a
# backstop: nlq.runner interrupts each answer at its own, shorter limit.
MEMORY_LIMIT = os.environ.get("UB_DUCKDB_MEMORY", "2GB")
THREADS = int(os.environ.get("UB_DUCKDB_THREADS", "4"))
MAX_EXECUTION_MS = int(os.environ.get("UB_DUCKDB_MAX_MS", "30000"))

# No writes, no files or network, and no "replacement scans": DuckDB would otherwise let
# SQL read a Python variable of the caller by naming it as a table. Memory, threads and time
# are capped, and the configuration is locked so no statement can lift the limits.
READONLY_CONFIG = {
    "enable_external_access": False,
    "python_enable_replacements": False,
    "memory_limit": MEMORY_LIMIT,
    "threads": THREADS,
    "max_execution_time": MAX_EXECUTION_MS,
    "lock_configuration": True,
}


def connect_readonly(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only: external access (files, network) off, limits set and locked."""
    return duckdb.connect(str(path), read_only=True, config=dict(READONLY_CONFIG))
