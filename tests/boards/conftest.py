"""Board tests: a real engine on the small warehouse and a fresh state store with three people."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import services
from app.store import Store

PAGES = Path(__file__).resolve().parents[2] / "app" / "pages"


@pytest.fixture(scope="session")
def engine(small_warehouse):
    from nlq import Engine

    return Engine.open(small_warehouse)


@pytest.fixture
def store(tmp_path, monkeypatch, small_warehouse, engine):
    monkeypatch.setenv("UB_WAREHOUSE", str(small_warehouse))
    monkeypatch.setenv("UB_STATE", str(tmp_path / "state.sqlite"))
    store = Store(tmp_path / "state.sqlite")
    store.add_user(
        None, "sarge", "password-123", role="sergeant", team="North West", display_name="Sgt Owner"
    )
    store.add_user(
        None, "pc-view", "password-123", role="officer", team="North West", display_name="PC Viewer"
    )
    store.add_user(
        None, "outsider", "password-123", role="officer", team="Central East", display_name="PC Other"
    )
    monkeypatch.setattr(services, "get_store", lambda: store)
    monkeypatch.setattr(services, "get_engine", lambda: engine)
    return store


@pytest.fixture
def users(store):
    return {name: store.get_user(name) for name in ("sarge", "pc-view", "outsider")}


def page(name: str, user=None, **params) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=60)
    if user is not None:
        at.session_state["user"] = user
    for key, value in params.items():
        at.query_params[key] = value
    return at


WEMBLEY = {
    "venue": "Wembley Stadium",
    "day": dt.date(2026, 6, 20),
    "start": dt.time(18, 0),
    "end": dt.time(23, 30),
    "radius_m": 500,
}
