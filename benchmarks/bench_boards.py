"""Boards latency on the default warehouse: building the starter board and opening a shared board.

    .venv/bin/python benchmarks/bench_boards.py [--warehouse data/warehouse.duckdb] [--runs 5]

"Starter board" = plan_board (the planning report, the starter tiles, saving) for Wembley Stadium
with the Eras Tour, a fresh date each run; "open board" = what the board page does on opening a
board shared with someone else: load it, the planning report, the forecast and every tile run side
by side. Each is timed cold (the planning cache cleared first, so every report is computed) and
warm (as on a second opening); median of N runs. The engine is opened once, as the app does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--warehouse", default="data/warehouse.duckdb")
    args.add_argument("--runs", type=int, default=5)
    opts = args.parse_args()

    from app.boards import service
    from app.store import Store
    from nlq import Engine

    start = time.perf_counter()
    engine = Engine.open(opts.warehouse)
    print(f"engine open (once per app process): {time.perf_counter() - start:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "state.sqlite")
        store.add_user(None, "sarge", "password-123", role="sergeant", team="North West")
        store.add_user(None, "pc", "password-123", role="officer", team="North West")
        sarge, pc = store.get_user("sarge"), store.get_user("pc")

        def plan(i: int):
            return service.plan_board(
                engine, store, sarge, "Wembley Stadium", dt.date(2026, 6, 1) + dt.timedelta(days=i),
                dt.time(18), dt.time(23, 30), 500, "Taylor Swift | The Eras Tour",
            )  # fmt: skip

        def open_(board_id: str):
            board = store.get_board(pc, board_id)
            report, _ = service.plan_report(engine, board.event)
            service.forecast_for(report)
            results = service.run_tiles(engine, board.tiles)
            assert not [r.error for r in results if r.error]
            return results

        plan(0)  # warm-up: spaCy, DuckDB and the first queries
        timings = {"starter board, cold": [], "starter board, warm": [], "open board, cold": [],
                   "open board, warm": []}  # fmt: skip
        for i in range(opts.runs):
            service.clear_cache()
            t = time.perf_counter()
            board = plan(i + 1)
            timings["starter board, cold"].append(time.perf_counter() - t)
            t = time.perf_counter()
            plan(100 + i)
            timings["starter board, warm"].append(time.perf_counter() - t)
            store.share_board(sarge, board.id, "user", "pc", "viewer")
            service.clear_cache()
            t = time.perf_counter()
            open_(board.id)
            timings["open board, cold"].append(time.perf_counter() - t)
            t = time.perf_counter()
            open_(board.id)
            timings["open board, warm"].append(time.perf_counter() - t)
        for name, values in timings.items():
            print(f"{name}: median {statistics.median(values):.2f} s over {len(values)} runs "
                  f"(min {min(values):.2f}, max {max(values):.2f}); under 3 s: {statistics.median(values) < 3}")  # fmt: skip


if __name__ == "__main__":
    main()
