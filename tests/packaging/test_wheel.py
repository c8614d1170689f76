"""A wheel built from the project carries its data files and works installed (issue 10, item 16)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Build from a copy: setuptools writes build/ and *.egg-info next to the sources.
    src = out / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("app", "insights", "nlq", "warehouse", "seeds"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        cwd=out,
    )
    return next(out.glob("utility_belt-*.whl"))


def test_the_wheel_holds_the_schema_migrations_and_seeds(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "warehouse/schema.sql" in names
    for migration in sorted((ROOT / "app" / "store" / "migrations").glob("[0-9]*_*.*")):
        assert f"app/store/migrations/{migration.name}" in names
    for seed in (ROOT / "seeds").iterdir():
        assert f"warehouse/seeds/{seed.name}" in names


@pytest.mark.slow
def test_the_installed_wheel_builds_a_warehouse_and_opens_a_store(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
    )
    script = (
        "import warehouse, app.store\n"
        "from pathlib import Path\n"
        f"assert Path(warehouse.__file__).parent == Path({str(target / 'warehouse')!r})\n"
        "from warehouse.build import build_warehouse\n"
        "r = build_warehouse(Path('w.duckdb'), scale=0.002, progress=False)\n"
        "assert r.rows > 0, r\n"
        "s = app.store.Store(Path('state.sqlite'))\n"
        "assert s.schema_version >= 2\n"
        "print('ok', r.rows)\n"
    )
    # The installed copy only: the dependencies from this venv, not the source tree.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), sysconfig.get_paths()["purelib"]])}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("ok")
