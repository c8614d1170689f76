"""Latency benchmark for the question engine.

Measures, on one warehouse: Engine.open time; parse + SQL generation per question
(after a warm-up pass); end-to-end `engine.ask` per question; event-planning report
time; and the process's peak resident memory.

    .venv/bin/python benchmarks/bench_nlq.py [--warehouse PATH] [--repeat N] [--cases dev.toml]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import sys
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DEFAULT_CASES = REPO.parent / "shared" / "eval" / "dev.toml"
BUILT_IN = [
    "How many burglaries were there in Camden in 2024?",
    "total crime in Westminster last month",
    "robberies by borough in 2025",
    "top 5 boroughs for bicycle theft",
    "monthly trend of anti-social behaviour in Hackney",
    "knife crime in Lambeth in 2024",
    "burgalries in Southwork last year",
    "robberies near Oxford Circus by hour last month",
    "daily crime near Hyde Park during Notting Hill Carnival 2024",
    "how many crimes on 21 June 2024 within 1km of Wembley Stadium",
    "who committed the burglary on Camden High Street?",
]


def questions(cases: Path) -> list[str]:
    if cases.exists():
        return [c["question"] for c in tomllib.loads(cases.read_text())["case"]]
    return BUILT_IN


def percentiles(samples_ms: list[float]) -> str:
    """'p50 … p95 … p99 … max …' in milliseconds.

    >>> percentiles([1.0, 2.0, 3.0, 4.0])
    'p50 2.50 ms  p95 3.85 ms  p99 3.97 ms  max 4.00 ms  (n=4)'
    """
    qs = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return (
        f"p50 {statistics.median(samples_ms):.2f} ms  p95 {qs[94]:.2f} ms  p99 {qs[98]:.2f} ms  "
        f"max {max(samples_ms):.2f} ms  (n={len(samples_ms)})"
    )


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> int:
    from warehouse.paths import warehouse_path

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", type=Path, default=warehouse_path())
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--repeat", type=int, default=20, help="passes over the questions for parse + SQL")
    ap.add_argument("--ask-repeat", type=int, default=3, help="passes over the questions for engine.ask")
    args = ap.parse_args(argv)
    if not args.warehouse.exists():
        print(f"no warehouse at {args.warehouse}; build it with: python -m warehouse build", file=sys.stderr)
        return 2

    from nlq import Engine

    qs = questions(args.cases)
    print(f"warehouse: {args.warehouse} ({args.warehouse.stat().st_size / 1e6:.0f} MB), {len(qs)} questions")

    start = time.perf_counter()
    engine = Engine.open(args.warehouse)
    print(f"Engine.open:          {(time.perf_counter() - start) * 1000:.0f} ms")

    for q in qs:  # warm-up: spaCy caches, sqlglot, DuckDB buffers
        engine.ask(q)

    def parse_and_sql(q: str) -> None:
        """The parser and the SQL builder themselves, past the engine's cache of recent readings."""
        result = engine.parser.parse(q)
        if result.intent is not None:
            engine.sql_for(result.intent)

    parse_ms = [timed(parse_and_sql, q) for _ in range(args.repeat) for q in qs]
    print(f"parse + SQL:          {percentiles(parse_ms)}")
    cached_ms = [timed(engine.parse, q) for q in qs]
    print(f"parse, cached:        {percentiles(cached_ms)}")

    ask_ms = [timed(engine.ask, q) for _ in range(args.ask_repeat) for q in qs]
    print(f"engine.ask (answer):  {percentiles(ask_ms)}")
    slowest = sorted(((timed(engine.ask, q), q) for q in qs), reverse=True)[:3]
    for ms, q in slowest:
        print(f"    slow: {ms:7.1f} ms  {q}")

    try:
        from nlq.planning import plan_event

        plan_ms = [
            timed(plan_event, engine, "Wembley Stadium", dt.time(18), dt.time(23, 30)) for _ in range(3)
        ]
        print(f"plan_event (Wembley): {percentiles(plan_ms)}")
    except Exception as e:  # the benchmark still reports the rest
        print(f"plan_event failed: {type(e).__name__}: {e}")

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(f"peak RSS:             {peak_kb / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
