"""State-store write latency with many writer processes on one file.

    .venv/bin/python benchmarks/bench_store_writes.py [--writers 1 20 40] [--ops 20]

Each writer is a separate (spawned) process with its own Store; after a common start each does
``--ops`` rounds of a board save (optimistic versioning, half on one board they all share), an
audit row and a dashboard pin (see tests/store/writers.py). Prints p50/p95/max latency per
write call and the failures ("database is locked" / busy), then checks the audit hash chain.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--writers", type=int, nargs="+", default=[1, 20, 40])
    args.add_argument("--ops", type=int, default=20)
    opts = args.parse_args()

    from app.store import Store
    from tests.store.writers import run

    for writers in opts.writers:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "state.sqlite"
            result = run(path, writers, opts.ops)
            broken = Store(path).verify_audit()
            print(result.summary(), "| audit chain", "intact" if broken is None else f"BROKEN at {broken}")
            for failure in sorted(set(result.failures)):
                print("   failure:", failure, f"x{result.failures.count(failure)}")


if __name__ == "__main__":
    main()
