"""Command line: python -m warehouse build [--out PATH] [--police-uk DIR]... [--seed N] [--scale X]
and python -m warehouse export --parquet DIR [--warehouse PATH]."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warehouse.build import build_warehouse
from warehouse.logs import configure_logging
from warehouse.paths import warehouse_path


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m warehouse``; returns the exit status."""
    configure_logging()
    ap = argparse.ArgumentParser(prog="python -m warehouse", description="Build the Utility Belt warehouse.")
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the DuckDB warehouse atomically")
    b.add_argument(
        "--out", type=Path, default=None, help="output file (default: $UB_WAREHOUSE or data/warehouse.duckdb)"
    )
    b.add_argument(
        "--police-uk",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="import data.police.uk street-level CSV files (folders, files or zips; repeatable) instead of synthetic data",
    )
    b.add_argument("--seed", type=int, default=42, help="random seed of the synthetic generator (default 42)")
    b.add_argument("--scale", type=float, default=1.0, help="synthetic volume multiplier (default 1.0)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    x = sub.add_parser(
        "export", help="export the warehouse as Parquet (crimes partitioned by month) for Spark"
    )
    x.add_argument("--parquet", type=Path, required=True, metavar="DIR", help="output folder")
    x.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="DuckDB file (default: $UB_WAREHOUSE or data/warehouse.duckdb)",
    )
    args = ap.parse_args(argv)
    if args.command == "export":
        return _export(args)

    if args.scale <= 0:
        ap.error("--scale must be positive")
    missing = [str(p) for p in args.police_uk if not p.exists()]
    if missing:
        ap.error(f"no such file or folder: {', '.join(missing)}")
    out = args.out or warehouse_path()
    try:
        report = build_warehouse(
            out, args.police_uk, seed=args.seed, scale=args.scale, progress=not args.quiet
        )
    except Exception as exc:  # a clear message, never a traceback; the previous warehouse is untouched
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    print(
        f"{report.rows:,} crimes over {report.months} months ({report.source}) -> {report.path} in {report.seconds:.1f}s"
    )
    files = [r for r in report.rejects if r.line == 0]
    rows = [r for r in report.rejects if r.line > 0]
    for r in files:
        print(f"  file: {r.file}: {r.error}", file=sys.stderr)
    for r in rows[:20]:
        print(f"  malformed: {r.file}:{r.line}: {r.error}", file=sys.stderr)
    if len(rows) > 20:
        print(f"  ... and {len(rows) - 20} more malformed rows", file=sys.stderr)
    return 0


def _export(args) -> int:
    from warehouse.export import export_parquet

    try:
        report = export_parquet(args.warehouse or warehouse_path(), args.parquet)
    except Exception as exc:  # a clear message, never a traceback
        print(f"export failed: {exc}", file=sys.stderr)
        return 1
    rows = ", ".join(f"{t} {n:,}" for t, n in report.tables.items())
    print(f"{rows} -> {report.path} in {report.seconds:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
