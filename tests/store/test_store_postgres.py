"""What only the PostgreSQL backend has: placeholder rewriting, URLs where paths were, and
pooled connections that outlive a server restart."""

from __future__ import annotations

import pytest

from app.store import Store
from tests.store import databases

psycopg = pytest.importorskip("psycopg")
from app.store.postgres import to_pyformat  # noqa: E402  (needs psycopg)

URL = "postgresql://ub@db.example:5432/utility_belt"


def test_placeholders_are_rewritten_outside_quotes_and_comments():
    sql = "SELECT ?, :name, '? :x 100%', x::text, \"odd?\" FROM t WHERE a LIKE ? -- why? :y\n"
    assert to_pyformat(sql) == (
        "SELECT %s, %(name)s, '? :x 100%%', x::text, \"odd?\" FROM t WHERE a LIKE %s -- why? :y\n"
    )


def test_a_url_in_ub_state_is_kept_as_a_url(monkeypatch):
    from app import users
    from warehouse import paths

    monkeypatch.setenv("UB_STATE", URL)
    assert paths.state_path() == URL
    assert users.state_path(None) == URL
    assert users.state_path("postgres://ub@db/other") == "postgres://ub@db/other"


def test_the_store_keeps_working_after_the_server_restarts():
    why = databases.missing()
    if why:
        pytest.skip(why)
    server = databases.PostgresServer().start()
    try:
        store = Store(server.new_database())
        store.add_user(None, "sarge", "password-123", role="sergeant")
        store.get_user("sarge")  # leaves a pooled connection
        server.restart()
        assert store.get_user("sarge").username == "sarge"
    finally:
        server.stop()
