"""scripts/setup.sh installs only when pyproject.toml changed, and says so (issue 10, item 17)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _repo(tmp_path: Path) -> Path:
    """A copy of the script and pyproject.toml, with a fake .venv/bin/python that logs its calls."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho "$*" >> {tmp_path / "calls.log"}\n')
    python.chmod(0o755)
    return tmp_path


def _setup(repo: Path) -> tuple[list[str], str]:
    (repo / "calls.log").unlink(missing_ok=True)
    done = subprocess.run(
        ["bash", "scripts/setup.sh"], cwd=repo, capture_output=True, text=True, env=dict(os.environ)
    )
    assert done.returncode == 0, done.stderr
    log = repo / "calls.log"
    return (log.read_text().splitlines() if log.exists() else []), done.stdout + done.stderr


def test_install_runs_once_then_only_when_pyproject_changes(tmp_path):
    repo = _repo(tmp_path)
    calls, said = _setup(repo)
    assert any("pip install" in c for c in calls)
    assert "Installing" in said  # the first install says what it is doing
    calls, said = _setup(repo)
    assert calls == [] and said == ""
    with open(repo / "pyproject.toml", "a") as fh:
        fh.write("\n# a new dependency\n")
    calls, _ = _setup(repo)
    assert any("pip install" in c for c in calls)
