"""Schema migrations: from an empty store, from the previous version, and file settings.
Tests that take ``state_location`` run on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest

from app.store import Store, StoreError
from app.store.db import migrate, migrations, split_statements
from tests.store.databases import Raw, errors, store_connection

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def test_migrations_are_numbered_in_order():
    versions = [version for version, _, _ in migrations()]
    assert versions == list(range(1, len(versions) + 1))
    assert len(versions) >= 2


def test_empty_file_is_migrated_to_latest(tmp_path):
    path = tmp_path / "nested" / "dir" / "state.sqlite"
    Store(path)
    assert path.exists()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_empty_store_is_migrated_to_latest(state_location):
    store = Store(state_location)
    assert store.schema_version == migrations(store.dialect)[-1][0]
    con = Raw(store.path)
    tables = con.tables()
    assert {
        "users",
        "boards",
        "tiles",
        "dashboards",
        "pins",
        "shares",
        "audit_log",
        "schema_migrations",
    } <= tables
    applied = [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert applied == [v for v, _, _ in migrations(store.dialect)]
    con.close()


def test_both_dialects_have_every_version():
    assert [v for v, _, _ in migrations("sqlite")] == [v for v, _, _ in migrations("postgres")]
    assert [n for _, n, _ in migrations("sqlite")] == [n for _, n, _ in migrations("postgres")]


def test_reopening_is_a_no_op(state_location):
    Store(state_location)
    store = Store(state_location)
    assert store.schema_version == migrations()[-1][0]


def test_connections_enforce_foreign_keys(state_location):
    Store(state_location)
    con = store_connection(state_location)
    with pytest.raises(errors()):
        con.execute(
            "INSERT INTO boards (id, owner, title, created_at, updated_at) VALUES ('b', 'nobody', 't', 'x', 'x')"
        )


def test_upgrade_from_version_1_keeps_data(state_location, password):
    path = state_location
    con = store_connection(path)
    assert migrate(con, NOW, upto=1) == 1
    # Data written by version 1 of the schema, as an older app would have.
    t = NOW.isoformat(timespec="microseconds")
    con.execute("BEGIN")
    con.execute(
        "INSERT INTO users (username, display_name, role, team, password_hash, created_at, updated_at)"
        " VALUES ('boss', 'Boss', 'supervisor', 'North West', 'x', ?, ?)",
        (t, t),
    )
    con.execute(
        "INSERT INTO boards (id, owner, title, event, notes, created_at, updated_at)"
        " VALUES ('b1', 'boss', 'Carnival', ?, 'notes ✓', ?, ?)",
        (json.dumps({"venue": "Notting Hill"}), t, t),
    )
    con.execute(
        "INSERT INTO tiles (board_id, id, position, title, question, intent, chart)"
        " VALUES ('b1', 't1', 0, 'Robbery', 'robbery near Notting Hill', '{\"x\": 1}', 'bar')"
    )
    con.execute(
        "INSERT INTO dashboards (id, owner, title, created_at, updated_at) VALUES ('d1', 'boss', 'Mine', ?, ?)",
        (t, t),
    )
    con.execute(
        "INSERT INTO shares (object_kind, object_id, principal_kind, principal, role, created_at)"
        " VALUES ('board', 'b1', 'team', 'North West', 'viewer', ?)",
        (t,),
    )
    con.execute("INSERT INTO audit_log (at, username, action) VALUES (?, 'boss', 'question')", (t,))
    con.execute("COMMIT")
    con.close()

    store = Store(path)
    assert store.schema_version == migrations()[-1][0]
    store.reset_password(None, "boss", password)
    boss = store.authenticate("boss", password)
    board = store.get_board(boss, "b1")
    assert board.title == "Carnival" and board.notes == "notes ✓"
    assert board.tiles[0].intent == {"x": 1} and board.tiles[0].chart == "bar"
    assert [s.principal for s in board.shares] == ["North West"]
    assert store.get_dashboard(boss, "d1").system_key is None
    assert [e.action for e in store.search_audit(boss, username="boss")][-1] == "question"
    # The feature that migration 2 added works on the upgraded file.
    overview = store.ensure_supervisor_overview(boss, [{"question": "crimes last month"}])
    assert overview.system_key == "supervisor_overview"


def test_failed_migration_rolls_back(tmp_path, state_location, monkeypatch):
    import app.store.db as db

    bad = tmp_path / "migrations"
    bad.mkdir()
    (bad / "0001_ok.sql").write_text("CREATE TABLE a (x INTEGER);\n")
    (bad / "0002_bad.sql").write_text("CREATE TABLE b (x INTEGER);\nINSERT INTO nowhere VALUES (1);\n")
    monkeypatch.setattr(db, "MIGRATIONS_DIR", bad)
    con = store_connection(state_location)
    with pytest.raises(errors()):
        migrate(con, NOW)
    assert db.schema_version(con) == 1
    con.close()
    tables = Raw(state_location).tables()
    assert "a" in tables and "b" not in tables


def test_newer_store_is_refused(state_location):
    raw = Raw(Store(state_location).path)
    raw.execute("INSERT INTO schema_migrations VALUES (999, '0999_future', 'x')")
    raw.close()
    with pytest.raises(StoreError, match="newer version"):
        Store(state_location)


def test_split_statements_keeps_trigger_bodies_whole():
    script = "-- a comment; with a semicolon's quote\nCREATE TABLE t (x);\nCREATE TRIGGER g BEFORE DELETE ON t\nBEGIN\n    SELECT RAISE(ABORT, 'no; never');\nEND;\n"
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


def test_state_file_is_private_to_its_owner(tmp_path):
    import stat

    from app.store import Store

    path = tmp_path / "private" / "state.sqlite"
    Store(path)
    for p in (path, path.with_name(path.name + "-wal")):
        if p.exists():
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p


def test_streamlit_secrets_are_ignored_by_git():
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=root)
    assert done.returncode == 0, ".streamlit/secrets.toml must be in .gitignore"


def test_upgrade_chains_the_audit_rows_already_there(state_location):
    path = state_location
    con = store_connection(path)
    migrate(con, NOW, upto=2)
    t = NOW.isoformat(timespec="microseconds")
    for action in ("sign_in", "question", "sign_out"):
        con.execute("INSERT INTO audit_log (at, username, action) VALUES (?, 'boss', ?)", (t, action))
    con.close()
    store = Store(path)
    assert store.verify_audit() is None
    store._sign_in_failed("boss", "test")
    assert store.verify_audit() is None


def test_upgrade_marks_the_demo_accounts_already_there(state_location):
    from app import auth

    path = state_location
    con = store_connection(path)
    migrate(con, NOW, upto=3)
    t = NOW.isoformat(timespec="microseconds")
    for name, _pw, role, team, display in auth.DEMO_ACCOUNTS:
        con.execute(
            "INSERT INTO users (username, display_name, role, team, password_hash, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'x', ?, ?)",
            (name, display, role, team, t, t),
        )
    con.execute(
        "INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at)"
        " VALUES ('jsmith', 'J Smith', 'officer', 'x', ?, ?)",
        (t, t),
    )
    con.close()
    store = Store(path)
    assert sorted(auth.apply_demo_policy(store, synthetic=False)) == [
        "admin",
        "officer",
        "sergeant",
        "supervisor",
    ]
    assert not store.get_user("jsmith").disabled
