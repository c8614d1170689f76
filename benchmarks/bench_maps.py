"""Map answers: rows and bytes sent to the browser, and the server-side time, per map question.

    .venv/bin/python benchmarks/bench_maps.py [--warehouse data/warehouse.duckdb] [--runs 5]

For each question: the engine's answer (parse, SQL, guard, DuckDB) and the pydeck map built from
it exactly as the Ask page builds it (app.maps.deck over the same outlines, borough names and
venues), serialised to the JSON that Streamlit sends to the browser. Prints the rows in the
answer, the rows drawn (points or cells), the JSON size and the median server time of N runs
after one warm-up. The browser's own drawing time is measured by the Chromium test
tests/e2e/test_maps_browser.py.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUESTIONS = (
    "burglary last year as a map",
    "Lambeth in 2024 as a map",
    "map of crime in Lambeth in 2024",
    "robberies near Oxford Circus last year as a map",
    "map of robberies in Westminster last month",
)


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--warehouse", default="data/warehouse.duckdb")
    args.add_argument("--runs", type=int, default=5)
    opts = args.parse_args()

    from app import maps, render
    from nlq import Engine
    from warehouse.connect import connect_readonly

    engine = Engine.open(opts.warehouse)
    con = connect_readonly(Path(opts.warehouse))
    boroughs = con.table("boroughs").df()
    venues = con.table("venues").df()
    con.close()
    outlines = json.loads(
        (Path(__file__).resolve().parents[1] / "seeds" / "borough_outlines.geojson").read_text()
    )

    def answer(question: str):
        reply = engine.ask(question)
        names = getattr(reply.intent, "venues", ()) or ()
        found = venues[venues["venue"].isin(names)]
        spots = [(r.venue, float(r.latitude), float(r.longitude)) for r in found.itertuples()]
        radius = float(reply.intent.radius_m or 500) if spots else None
        kwargs = {"areas": render._areas(reply.intent, boroughs)} if hasattr(render, "_areas") else {}
        deck = maps.deck(
            reply.frame, venues=spots, radius_m=radius, outlines=outlines, boroughs=boroughs, **kwargs
        )
        return reply, deck.to_json()

    print(f"{'question':<52} {'records':>8} {'rows sent':>9} {'JSON':>9} {'server':>8}")
    for q in QUESTIONS:
        answer(q)  # warm-up
        times = []
        for _ in range(opts.runs):
            start = time.perf_counter()
            reply, payload = answer(q)
            times.append((time.perf_counter() - start) * 1000)
        rows = len(reply.frame) if reply.frame is not None else 0
        records = reply.rows_scanned if reply.rows_scanned is not None else rows
        print(
            f"{q:<52} {records:>8,} {rows:>9,} {len(payload) / 1024:>7,.0f} KB {statistics.median(times):>6,.0f} ms"
        )


if __name__ == "__main__":
    main()
