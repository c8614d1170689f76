#!/usr/bin/env bash
# Create .venv and install the project with its development tools, only when pyproject.toml changed.
# UB_EXTRAS (default "dev") picks the extras: CI uses "dev,spark,postgres" (Apache Spark, PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
STAMP=.venv/.installed-pyproject.sha256
EXTRAS="${UB_EXTRAS:-dev}"
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv ..."
  python3 -m venv .venv
fi
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$EXTRAS" != "dev" ]; then
  wanted="$wanted+$EXTRAS"
fi
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ]; then
  exit 0  # installed for this pyproject.toml already
fi
echo "Installing Utility Belt and its dependencies into .venv (pyproject.toml is new or changed; a few minutes the first time) ..."
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[${EXTRAS}]"
echo "$wanted" > "$STAMP"
echo "Installed."
