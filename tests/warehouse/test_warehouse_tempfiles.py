"""A build sweeps the temporary files that killed builds left behind (issue 10, item 15)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.warehouse.test_warehouse_policeuk import GOOD, write
from warehouse.build import build_warehouse


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temp_files_of_dead_builds_are_swept(tmp_path):
    src = write(tmp_path / "in" / "2024-01-metropolitan-street.csv", GOOD)
    out = tmp_path / "w.duckdb"
    dead = _dead_pid()
    stale = [tmp_path / f".w.duckdb.{dead}.tmp", tmp_path / f".w.duckdb.{dead}.tmp.wal"]
    alive = tmp_path / f".w.duckdb.{os.getppid()}.tmp"  # a build still running in another process
    other = tmp_path / f".other.duckdb.{dead}.tmp"  # another warehouse's: not ours to judge
    for p in [*stale, alive, other]:
        p.write_bytes(b"half a warehouse")
    build_warehouse(out, [src], progress=False)
    assert not any(p.exists() for p in stale)
    assert alive.exists() and other.exists() and out.exists()
