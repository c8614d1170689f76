"""Engine.ask against the same SQL on a raw read-only DuckDB connection, interleaved, plus an
in-memory pandas baseline and a concurrency run. Ratios matter, not raw times: machines are noisy.

usage: python benchmarks/bench_vs_raw.py [--warehouse PATH] [--questions N] [--repeat R]
                                          [--pandas] [--concurrency 1,4,8] [--no-compare]

Questions come from the project's own question sets (tests/nlq/fixtures/*.toml, answerable cases).
Printed: p50/p95 of ask and raw (per-question medians), the per-question ratio ask/raw (median,
p95), the slowest single answer and every question with an answer over 1 s, the slowest questions
and those with the highest ratio; then (with --pandas) pandas load time and memory and ask vs
pandas on ten questions; then throughput, p95 and failures with 1, 4 and 8 concurrent askers.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
import tomllib
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlq import Engine  # noqa: E402
from warehouse.connect import connect_readonly  # noqa: E402

FIXTURES = ROOT / "tests" / "nlq" / "fixtures"


def project_questions(n: int, seed: int = 7) -> list[str]:
    """Answerable questions from the project's own sets (never a built-in list)."""
    found = []
    for path in sorted(FIXTURES.glob("*.toml")):
        for case in tomllib.loads(path.read_text())["case"]:
            if not case.get("refuse"):
                found.append(case["question"].replace("\n", " "))
    if not found:
        sys.exit(f"no question sets under {FIXTURES}")
    random.Random(seed).shuffle(found)
    return found[:n]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def ask_vs_raw(engine: Engine, raw, questions: list[str], repeat: int) -> None:
    ask_ms: dict[str, list[float]] = {q: [] for q in questions}
    raw_ms: dict[str, list[float]] = {q: [] for q in questions}
    sqls = {}
    for q in questions:  # warm-up, and the SQL each answer runs
        reply = engine.ask(q)
        sqls[q] = reply.sql
    answered = [q for q in questions if sqls[q]]
    for r in range(repeat):
        for q in answered:
            pair = [("ask", lambda q=q: engine.ask(q)), ("raw", lambda q=q: raw.execute(sqls[q]).fetchall())]
            if r % 2:  # interleaved, alternating which goes first
                pair.reverse()
            for kind, fn in pair:
                (ask_ms if kind == "ask" else raw_ms)[q].append(timed(fn))
    ask_med = {q: statistics.median(v) for q, v in ask_ms.items() if v}
    raw_med = {q: statistics.median(v) for q, v in raw_ms.items() if v}
    ratios = [ask_med[q] / max(raw_med[q], 0.05) for q in ask_med]
    print(f"questions answered: {len(answered)} of {len(questions)}, {repeat} interleaved passes")
    print(
        f"Engine.ask:  p50 {pct(list(ask_med.values()), 0.5):7.1f} ms   p95 {pct(list(ask_med.values()), 0.95):7.1f} ms"
    )
    print(
        f"raw DuckDB:  p50 {pct(list(raw_med.values()), 0.5):7.1f} ms   p95 {pct(list(raw_med.values()), 0.95):7.1f} ms"
    )
    print(f"ask / raw:   median {statistics.median(ratios):.2f}x   p95 {pct(ratios, 0.95):.2f}x")
    worst = {q: max(v) for q, v in ask_ms.items() if v}
    print(f"ask, slowest single answer: {max(worst.values()):.1f} ms")
    over = sorted((q for q in worst if worst[q] > 1000), key=worst.get, reverse=True)
    print(f"questions with an answer over 1 s: {len(over)}")
    for q in over:
        print(
            f"    over 1 s: max {worst[q]:7.1f} ms, median {ask_med[q]:7.1f} ms (raw {raw_med[q]:6.1f} ms)  {q}"
        )
    for q in sorted(ask_med, key=ask_med.get, reverse=True)[:5]:
        print(f"    slow: {ask_med[q]:7.1f} ms (raw {raw_med[q]:6.1f} ms)  {q}")
    ratio = {q: ask_med[q] / max(raw_med[q], 0.05) for q in ask_med}
    for q in sorted(ratio, key=ratio.get, reverse=True)[:5]:
        print(f"    highest ratio: {ratio[q]:5.2f}x ({ask_med[q]:6.1f} vs {raw_med[q]:6.1f} ms)  {q}")


PANDAS_QUESTIONS = {
    "burglary in Camden in 2024": lambda d: int(
        ((d.crime_type == "Burglary") & (d.borough == "Camden") & (d.month.dt.year == 2024)).sum()
    ),
    "robberies by borough in 2025": lambda d: (
        d[(d.crime_type == "Robbery") & (d.month.dt.year == 2025)].groupby("borough", observed=True).size()
    ),
    "top 5 boroughs for bicycle theft": lambda d: (
        d[d.crime_type == "Bicycle theft"].groupby("borough", observed=True).size().nlargest(5)
    ),
    "ASB in Hackney by month": lambda d: (
        d[(d.crime_type == "Anti-social behaviour") & (d.borough == "Hackney")].groupby("month").size()
    ),
    "crime by hour in Westminster last month": lambda d: (
        d[(d.borough == "Westminster") & (d.month == d.month.max())].groupby(d.occurred_at.dt.hour).size()
    ),
    "shoplifting by crime type and outcome in 2025": lambda d: (
        d[d.month.dt.year == 2025].groupby(["crime_type", "last_outcome_category"], observed=True).size()
    ),
    "violence in Lambeth at night in 2024": lambda d: int(
        (
            (d.crime_type == "Violence and sexual offences")
            & (d.borough == "Lambeth")
            & (d.month.dt.year == 2024)
            & ((d.occurred_at.dt.hour >= 22) | (d.occurred_at.dt.hour < 6))
        ).sum()
    ),
    "vehicle crime in Enfield by day of week": lambda d: (
        d[(d.crime_type == "Vehicle crime") & (d.borough == "Enfield")]
        .groupby(d.occurred_at.dt.day_name())
        .size()
    ),
    "crime types in Croydon last year": lambda d: (
        d[(d.borough == "Croydon") & (d.month.dt.year == 2024)].groupby("crime_type", observed=True).size()
    ),
    "boroughs with more than 1500 robberies in 2024": lambda d: (
        d[(d.crime_type == "Robbery") & (d.month.dt.year == 2024)]
        .groupby("borough", observed=True)
        .size()
        .loc[lambda s: s > 1500]
    ),
}


def ask_vs_pandas(engine: Engine, raw, repeat: int) -> None:
    import pandas as pd

    tracemalloc.start()
    start = time.perf_counter()
    months = [m for (m,) in raw.execute("SELECT DISTINCT month FROM crimes ORDER BY month").fetchall()]
    frame = pd.concat(  # a month at a time: each statement within the connection's time limit
        [
            raw.execute(
                "SELECT month, occurred_at, borough, crime_type, last_outcome_category FROM crimes "
                "WHERE month = ?",
                [m],
            ).df()
            for m in months
        ],
        ignore_index=True,
    )
    for col in ("borough", "crime_type", "last_outcome_category"):
        frame[col] = frame[col].astype("category")
    load_s = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"pandas load: {load_s:.1f} s, peak {peak / 2**20:,.0f} MiB traced ({len(frame):,} rows)")
    ratios = []
    for q, fn in PANDAS_QUESTIONS.items():
        engine.ask(q)
        fn(frame)
        a = statistics.median(timed(lambda q=q: engine.ask(q)) for _ in range(repeat))
        p = statistics.median(timed(lambda fn=fn: fn(frame)) for _ in range(repeat))
        ratios.append(p / a)
        print(f"    ask {a:7.1f} ms   pandas {p:7.1f} ms   pandas/ask {p / a:5.2f}x  {q}")
    print(f"pandas / ask: median {statistics.median(ratios):.2f}x (above 1: ask is faster)")


def concurrency(path: str, questions: list[str], levels: list[int], per_asker: int) -> None:
    engine = Engine.open(path)  # one engine, shared by every asker, as the app shares it
    for q in questions[:10]:
        engine.ask(q)
    for n in levels:
        latencies: list[float] = []
        failures = []
        lock = threading.Lock()

        def asker(k: int, latencies=latencies, failures=failures, lock=lock) -> None:
            rng = random.Random(k)
            for _ in range(per_asker):
                q = rng.choice(questions)
                start = time.perf_counter()
                reply = engine.ask(q)
                ms = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(ms)
                    if reply.error and "Sorry" in reply.error:
                        failures.append((q, reply.error))

        threads = [threading.Thread(target=asker, args=(k,)) for k in range(n)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        print(
            f"{n} askers: {len(latencies) / wall:6.1f} answers/s   p95 {pct(latencies, 0.95):7.1f} ms   "
            f"max {max(latencies):7.1f} ms   failures {len(failures)}"
        )
        for q, why in failures[:3]:
            print(f"    failed: {q}: {why}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", default=str(ROOT / "data" / "warehouse.duckdb"))
    ap.add_argument("--questions", type=int, default=80)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pandas", action="store_true", help="also time an in-memory pandas baseline")
    ap.add_argument("--concurrency", default="1,4,8", help="comma-separated asker counts ('' to skip)")
    ap.add_argument("--per-asker", type=int, default=15)
    ap.add_argument("--no-compare", action="store_true", help="skip ask against raw DuckDB")
    args = ap.parse_args()
    questions = project_questions(args.questions)
    engine = Engine.open(args.warehouse)
    raw = connect_readonly(args.warehouse)
    print(f"warehouse: {args.warehouse}")
    if not args.no_compare:
        ask_vs_raw(engine, raw, questions, args.repeat)
    if args.pandas:
        ask_vs_pandas(engine, raw, args.repeat)
    if args.concurrency:
        concurrency(args.warehouse, questions, [int(x) for x in args.concurrency.split(",")], args.per_asker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
