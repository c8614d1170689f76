"""Back-tests of the insights on the Met's published recorded-crime figures (../shared, OGL v2.0).

usage: python benchmarks/bench_insights.py [--raw DIR] [--months 36] [--lsoa-months 6]

What changed: rolling origin over the last --months months of the borough × offence series
(April 2010 – February 2026): fit on the months before t, predict t. Where next: the last
--lsoa-months months of the LSOA counts (February 2024 – February 2026).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from insights.backtest import what_changed_backtest, where_next_backtest  # noqa: E402
from insights.data import CREDIT, RAW, mps_borough_counts, mps_lsoa_counts  # noqa: E402
from insights.where_next import forecastable_types  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raw", type=Path, default=RAW)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--lsoa-months", type=int, default=6)
    args = parser.parse_args(argv)
    if not (args.raw / "recorded-crime-borough-historical.parquet").exists():
        print(f"no Met recorded-crime files at {args.raw}: nothing to back-test")
        return 1
    pd.set_option("display.width", 200)
    print(f"Source: {CREDIT}\n")
    started = time.perf_counter()
    boroughs = mps_borough_counts(args.raw)
    first, last = min(boroughs["month"]), max(boroughs["month"])
    print(f"== What changed: borough × offence × month, {first:%b %Y} – {last:%b %Y} ==")
    result = what_changed_backtest(boroughs, months=args.months)
    print("\n".join(result.lines()))
    print("\nper crime type:")
    print(result.per_type.round(3).to_string())
    print(f"({time.perf_counter() - started:.1f} s)\n")

    started = time.perf_counter()
    counts, units = mps_lsoa_counts(args.raw)
    types = forecastable_types(sorted(counts["crime_type"].unique()))
    print(
        f"== Where next: {len(units):,} LSOAs, top 5% = {round(len(units) * 0.05)} LSOAs, last {args.lsoa_months} months =="
    )
    wn = where_next_backtest(counts, units, types, months=args.lsoa_months)
    cols = [
        "hit_model",
        "hit_last_month",
        "hit_last_12",
        "pai_model",
        "pai_last_month",
        "pai_last_12",
        "coverage",
    ]
    per_type = wn.table.groupby("crime_type")[cols].mean()
    per_type["beats_last_month"] = per_type["hit_model"] > per_type["hit_last_month"]
    per_type["beats_last_12"] = per_type["hit_model"] > per_type["hit_last_12"]
    print(per_type.round(3).to_string())
    print(f"\nall types: {wn.table[cols].mean().round(3).to_dict()}")
    print("\nby month (all types):")
    print(wn.table.groupby("month")[cols].mean().round(3).to_string())
    print("\n== Fairness: how stable is the top 5%, and who gets it ==")
    print("month-to-month overlap (Jaccard) of the selected LSOAs, per type:")
    print(wn.stability.groupby("crime_type")["jaccard"].mean().round(3).to_string())
    print("\nborough share of selected LSOAs vs share of crime (last 12 months), most over-selected first:")
    print(wn.fairness.round(3).to_string())
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
