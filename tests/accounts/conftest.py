"""Fixtures for sign-in, dashboards and audit: the app on the small warehouse with a fresh state store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import auth
from app.store import passwords

APP = Path(__file__).resolve().parents[2] / "app"
MAIN = str(APP / "main.py")
PASSWORDS = {name: password for name, password, *_ in auth.DEMO_ACCOUNTS}


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    # The real scrypt cost is tested in tests/store; these tests sign in many times.
    monkeypatch.setattr(auth, "SCRYPT_N", 2**10)
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**10)  # where hashing lives


@pytest.fixture
def state_backend() -> str:
    """Where the state store lives; a module parametrises it to run on PostgreSQL too."""
    return "sqlite"


@pytest.fixture
def env(monkeypatch, small_warehouse, tmp_path, state_backend, request):
    monkeypatch.setenv("UB_WAREHOUSE", str(small_warehouse))
    if state_backend == "postgres":
        state = request.getfixturevalue("postgres_server").new_database(migrated=True)
    else:
        state = str(tmp_path / "state.sqlite")
    monkeypatch.setenv("UB_STATE", state)
    return tmp_path


@pytest.fixture
def store(env):
    """The app's own store (the same object the pages use), with the demo accounts."""
    from app import services

    store = services.get_store()
    auth.seed_demo_accounts(store)
    return store


@pytest.fixture
def engine(env):
    from app import services

    return services.get_engine()


def new_app() -> AppTest:
    return AppTest.from_file(MAIN, default_timeout=90)


def sign_in(at: AppTest, username: str, password: str | None = None) -> AppTest:
    """Fill in the sign-in form and submit it."""
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(PASSWORDS.get(username, "") if password is None else password)
    at.button(key="signin_submit").click().run()
    assert not at.exception, at.exception
    return at


def signed_in(username: str, page: str | None = None, **params) -> AppTest:
    """A fresh app, signed in as ``username`` through the form, optionally on ``page`` with query params."""
    at = new_app()
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    sign_in(at, username)
    if page:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, at.exception
    return at


def actions(store, user, **filters) -> list[str]:
    return [e.action for e in store.search_audit(user, limit=10_000, **filters)]
