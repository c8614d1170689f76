"""A warehouse rebuilt while the app runs is picked up and announced (issue 10, item 11)."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from app import services
from tests.warehouse.test_warehouse_policeuk import GOOD, write
from warehouse.build import build_warehouse


@pytest.fixture
def live(monkeypatch, small_warehouse, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(small_warehouse, path)
    monkeypatch.setenv("UB_WAREHOUSE", str(path))
    return path


def _rebuild_over(path, tmp_path):
    """Replace the served file as `python -m warehouse build` does (a new file renamed over it)."""
    src = write(tmp_path / "in" / "2024-01-metropolitan-street.csv", GOOD)
    build_warehouse(tmp_path / "new.duckdb", [src], progress=False)
    os.replace(tmp_path / "new.duckdb", path)


def test_engine_and_facts_reopen_when_the_file_is_replaced(live, tmp_path):
    before = services.get_engine()
    assert services.get_engine() is before  # unchanged file: the same engine
    assert services.get_facts().synthetic
    _rebuild_over(live, tmp_path)
    after = services.get_engine()
    assert after is not before
    assert after.data_as_of == dt.date(2024, 1, 1)
    assert not services.get_facts().synthetic


def test_each_session_is_told_once_that_the_data_was_updated(live, tmp_path):
    session: dict = {}
    assert services.rebuild_notice(session) is None  # the first look: nothing to announce
    assert services.rebuild_notice(session) is None
    _rebuild_over(live, tmp_path)
    notice = services.rebuild_notice(session)
    assert notice and notice.startswith("Data updated to January 2024")
    assert services.rebuild_notice(session) is None


def test_the_app_says_data_updated_after_a_rebuild(live, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("UB_STATE", str(tmp_path / "state.sqlite"))
    at = AppTest.from_file(str(services.ROOT / "app" / "main.py"), default_timeout=60).run()
    assert not at.exception and not at.toast
    _rebuild_over(live, tmp_path)
    at.run()
    assert not at.exception
    assert [t.value for t in at.toast if t.value.startswith("Data updated to January 2024")]


def test_build_facts_do_not_wait_for_the_engine_being_opened(live, monkeypatch):
    """Signing in reads the build facts while the warm-up thread opens the engine (seconds at
    start-up): the facts must not queue behind that open."""
    import threading
    import time

    from nlq.logged import LoggedEngine

    services._ENGINES.drop_stale(live)
    services._ENGINES._open.clear()
    opening, release = threading.Event(), threading.Event()
    real_open = LoggedEngine.open

    def slow_open(path):
        opening.set()
        release.wait(10)
        return real_open(path)

    monkeypatch.setattr(LoggedEngine, "open", staticmethod(slow_open))
    opener = threading.Thread(target=services.get_engine)
    opener.start()
    try:
        assert opening.wait(10)
        started = time.perf_counter()
        assert services.get_facts().synthetic
        assert time.perf_counter() - started < 2
    finally:
        release.set()
        opener.join(20)
    assert services.get_engine() is not None
