#!/usr/bin/env bash
# Set up the environment, lint, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# Two workers, a test file each at a time (module fixtures such as an app server stay in one worker):
# the browser and unit tests wait on I/O half the time, so two files at once fill two cores.
# UB_TEST_WORKERS=0 runs everything in this one process.
# The files run in the order tests/conftest.py gives them (the longest first).
.venv/bin/python -m pytest -n "${UB_TEST_WORKERS:-2}" --dist loadfile --no-loadscope-reorder "$@"
