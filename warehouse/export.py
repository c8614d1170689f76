"""Export the warehouse as Parquet for other engines (Apache Spark): one folder per table, `crimes`
partitioned by month (hive style, ``crimes/month=2024-01-01/``), and a ``manifest.json`` naming each
table's columns in order. Written to a temporary folder beside the target, then renamed over it.

    python -m warehouse export --parquet DIR [--warehouse data/warehouse.duckdb]
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

MANIFEST = "manifest.json"


@dataclass
class ExportReport:
    path: Path
    tables: dict[str, int]  # table -> rows
    seconds: float


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_parquet(warehouse: Path, out: Path) -> ExportReport:
    """Write every table of *warehouse* (a DuckDB file) as Parquet under *out*."""
    start = time.perf_counter()
    warehouse, out = Path(warehouse), Path(out)
    if not warehouse.is_file():
        raise FileNotFoundError(f"no warehouse at {warehouse} (build it first: python -m warehouse build)")
    if out.exists() and not (out / MANIFEST).exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not a Parquet export: refusing to replace it")
    tmp = out.with_name(f".{out.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    tables: dict[str, int] = {}
    manifest: dict = {"source": str(warehouse.resolve()), "tables": {}}
    # A plain read-only connection: this trusted command writes files, user SQL never runs here.
    copy = None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.ConnectionException:
        # this process already holds the file open with the locked-down configuration
        # (warehouse.connect): export from a copy of it instead
        copy = tmp.with_name(f".{out.name}.source.duckdb")
        shutil.copyfile(warehouse, copy)
        con = duckdb.connect(str(copy), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "AND table_type = 'BASE TABLE' ORDER BY table_name"
            ).fetchall()
        ]
        for name in names:
            columns = [r[0] for r in con.execute(f"DESCRIBE {_quote(name)}").fetchall()]
            target = tmp / name
            if name == "crimes":
                # within a month, bands of latitude each by longitude (as the build writes them), so
                # that a venue's bounding box skips most of a month's row groups on Spark too
                con.execute(
                    "COPY (SELECT * FROM crimes ORDER BY month, floor(latitude * 20), longitude) "
                    f"TO {_literal(target)} "
                    "(FORMAT PARQUET, PARTITION_BY (month), COMPRESSION ZSTD)"
                )
            else:
                target.mkdir()
                con.execute(
                    f"COPY (SELECT * FROM {_quote(name)}) TO {_literal(target / 'data.parquet')} (FORMAT PARQUET)"
                )
            rows = con.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]
            tables[name] = rows
            manifest["tables"][name] = {"columns": columns, "rows": rows}
    finally:
        con.close()
        if copy is not None:
            copy.unlink(missing_ok=True)
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.rename(out)
    return ExportReport(out, tables, time.perf_counter() - start)
