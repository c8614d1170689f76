#!/usr/bin/env bash
# Set up the environment, build the default (synthetic) warehouse if missing, start the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -f "${UB_WAREHOUSE:-data/warehouse.duckdb}" ]; then
  .venv/bin/python -m warehouse build --out "${UB_WAREHOUSE:-data/warehouse.duckdb}"
fi
exec .venv/bin/streamlit run app/main.py "$@"
