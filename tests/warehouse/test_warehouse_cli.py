"""python -m warehouse build: arguments, messages, and atomic replacement."""

from __future__ import annotations

import shutil

import pytest

from warehouse.__main__ import main
from warehouse.build import build_warehouse
from warehouse.connect import connect_readonly
from warehouse.paths import SEEDS_DIR


def test_cli_builds_a_tiny_warehouse(tmp_path, capsys):
    out = tmp_path / "tiny.duckdb"
    assert main(["build", "--out", str(out), "--scale", "0.002", "--seed", "3", "--quiet"]) == 0
    assert "crimes over 24 months (synthetic)" in capsys.readouterr().out
    with connect_readonly(out) as con:
        assert con.execute("SELECT seed, scale, source FROM build_info").fetchone() == (3, 0.002, "synthetic")


def test_cli_rejects_bad_arguments(tmp_path):
    with pytest.raises(SystemExit):
        main(["build", "--scale", "0"])
    with pytest.raises(SystemExit):
        main(["build", "--police-uk", str(tmp_path / "missing")])


def test_cli_reports_a_failure_without_a_traceback(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert (
        main(
            ["build", "--out", str(tmp_path / "w.duckdb"), "--police-uk", str(tmp_path / "empty"), "--quiet"]
        )
        == 1
    )
    assert "build failed: no police.uk street-level CSV files" in capsys.readouterr().err


def test_a_failed_synthetic_build_keeps_the_previous_warehouse(tmp_path, small_warehouse):
    out = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse, out)
    broken = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, broken)
    (broken / "calibration.csv").write_text("borough,crime_type,month,count\nCamden,Burglary,2024-01,lots\n")
    with pytest.raises(ValueError):
        build_warehouse(out, seeds_dir=broken, progress=False)
    assert out.read_bytes() == small_warehouse.read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["w.duckdb"]


def test_export_parquet_while_the_warehouse_is_open(small_warehouse, tmp_path):
    """The app and the tests hold the warehouse open read-only (locked configuration): the export
    still works, from a copy, and writes crimes partitioned by month with a manifest."""
    import json

    from warehouse.__main__ import main
    from warehouse.connect import connect_readonly

    con = connect_readonly(small_warehouse)
    try:
        assert main(["export", "--parquet", str(tmp_path / "pq"), "--warehouse", str(small_warehouse)]) == 0
    finally:
        con.close()
    manifest = json.loads((tmp_path / "pq" / "manifest.json").read_text())
    assert manifest["tables"]["crimes"]["columns"][:3] == ["crime_id", "month", "occurred_at"]
    assert len(list((tmp_path / "pq" / "crimes").glob("month=*"))) == 24
    assert not list(tmp_path.glob(".pq*"))  # no temporary folder or copy left behind
