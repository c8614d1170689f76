"""A full disk or a read-only state store: plain messages, nothing lost, reads still work
(issue 10, item 13). SQLite faults are made by patching its connections; PostgreSQL's with
the server's own settings."""

from __future__ import annotations

import sqlite3

import pytest

from app.store import Store, StoreError, db


@pytest.fixture
def sqlite_only(store):
    if store.dialect != "sqlite":
        pytest.skip("patches SQLite connections")


@pytest.mark.usefixtures("sqlite_only")
def test_a_full_disk_says_so_plainly_and_keeps_what_was_saved(store, people, monkeypatch):
    board = store.create_board(people.sergeant, "Carnival", notes="saved before")
    real = db.connect

    def full(path, **kw):
        con = real(path, **kw)
        con.execute(f"PRAGMA max_page_count = {con.execute('PRAGMA page_count').fetchone()[0]}")
        return con

    monkeypatch.setattr(db, "connect", full)
    with pytest.raises(StoreError) as raised:
        store.update_board(people.sergeant, board.id, board.version, notes="x" * 200_000)
    assert not isinstance(raised.value, sqlite3.Error)
    assert str(raised.value).startswith("The state store is full or read-only")
    assert "OperationalError" not in str(raised.value)
    assert store.get_board(people.sergeant, board.id).notes == "saved before"


@pytest.mark.usefixtures("sqlite_only")
def test_other_database_errors_are_store_errors_too(store, people, monkeypatch):
    def broken(path, **kw):
        raise sqlite3.DatabaseError("file is not a database")

    monkeypatch.setattr(db, "connect", broken)
    with pytest.raises(StoreError, match="^The state store could not be read"):
        store.get_user(people.sergeant.username)


def test_a_read_only_store_still_reads_and_signs_in(tmp_path, clock, monkeypatch):
    path = tmp_path / "state.sqlite"
    writable = Store(path, clock=clock)
    writable.add_user(None, "sarge", "password-123", role="sergeant", team="North West")
    sarge = writable.get_user("sarge")
    writable.create_board(sarge, "Carnival", notes="kept")
    real = db.connect
    monkeypatch.setattr(db, "connect", lambda p, **kw: real(p, read_only=True))
    store = Store(path, clock=clock)
    assert store.read_only
    assert store.authenticate("sarge", "password-123").username == "sarge"
    with pytest.raises(StoreError, match="Wrong username or password"):
        store.authenticate("sarge", "wrong-password")
    assert [b.title for b in store.list_boards(sarge)] == ["Carnival"]
    with pytest.raises(StoreError, match="^The state store is full or read-only"):
        store.create_board(sarge, "New")


@pytest.fixture
def postgres_store(store):
    if store.dialect != "postgres":
        pytest.skip("a PostgreSQL server setting")
    return store


def test_a_read_only_postgres_database_reads_and_says_it_cannot_save(postgres_store, people, raw, clock):
    board = postgres_store.create_board(people.sergeant, "Carnival", notes="kept")
    database = raw.one("SELECT current_database()")[0]
    raw.execute(f"ALTER DATABASE {database} SET default_transaction_read_only = on")
    store = Store(postgres_store.path, clock=clock)  # new connections see the setting
    assert store.get_board(people.sergeant, board.id).notes == "kept"
    with pytest.raises(StoreError, match="^The state store is full or read-only") as raised:
        store.create_board(people.sergeant, "New")
    assert "ReadOnly" not in str(raised.value)
    assert [b.title for b in store.list_boards(people.sergeant)] == ["Carnival"]


def test_an_unreachable_postgres_server_is_a_plain_message(tmp_path):
    pytest.importorskip("psycopg")
    url = f"postgresql://nobody@/nothing?host={tmp_path}&port=1"
    with pytest.raises(StoreError, match="^The state store could not be read or written") as raised:
        Store(url)
    assert "psycopg" not in str(raised.value) and "connection" not in str(raised.value)
