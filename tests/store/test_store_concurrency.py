"""Optimistic concurrency with real concurrent writers: threads, and two Stores on one database
(a SQLite file or a PostgreSQL database)."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.store import Conflict, Store
from app.store.db import migrations
from tests.store.databases import Raw


def race(calls):
    """Run the calls at the same moment; return (results, conflicts)."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            return ("ok", call())
        except Conflict as conflict:
            return ("conflict", conflict)

    with ThreadPoolExecutor(len(calls)) as pool:
        outcomes = list(pool.map(run, calls))
    return [o for kind, o in outcomes if kind == "ok"], [o for kind, o in outcomes if kind == "conflict"]


def check_integrity(store):
    """SQLite's own checks of the file; on PostgreSQL, the server enforces keys as it writes."""
    assert store.verify_audit() is None
    if store.dialect == "sqlite":
        con = sqlite3.connect(store.path)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("writers", [2, 8])
def test_exactly_one_of_simultaneous_writers_wins(store, people, writers):
    board = store.create_board(people.sergeant, "Race")
    store.share_board(people.sergeant, board.id, "team", "Central West", "editor")
    actors = [people.sergeant, people.colleague] * writers
    calls = [
        (lambda i=i: store.update_board(actors[i], board.id, board.version, notes=f"writer {i}"))
        for i in range(writers)
    ]
    wins, conflicts = race(calls)
    assert len(wins) == 1 and len(conflicts) == writers - 1
    winner = wins[0]
    final = store.get_board(people.sergeant, board.id)
    assert final.version == board.version + 1 and final.notes == winner.notes
    for conflict in conflicts:
        # The loser sees what is saved now and can re-apply.
        assert conflict.current.notes == winner.notes and conflict.current.version == final.version
        assert "changed since you opened it" in str(conflict)
    check_integrity(store)


def test_two_store_instances_on_the_same_file(tmp_path, people, store):
    other = Store(store.path)
    board = store.create_board(people.sergeant, "Two stores")
    calls = [
        lambda: store.add_tile(people.sergeant, board.id, board.version, question="from store one"),
        lambda: other.add_tile(people.sergeant, board.id, board.version, question="from store two"),
    ]
    wins, conflicts = race(calls)
    assert len(wins) == 1 and len(conflicts) == 1
    final = other.get_board(people.sergeant, board.id)
    assert [t.question for t in final.tiles] == [wins[0].tiles[0].question]
    assert final.version == board.version + 1
    # The loser re-applies on top of the current version: nothing is lost.
    retried = other.add_tile(people.sergeant, board.id, conflicts[0].current.version, question="again")
    assert len(retried.tiles) == 2
    check_integrity(store)


def test_many_writers_with_retries_lose_nothing(tmp_path, people, store):
    stores = [store, Store(store.path)]
    board = store.create_board(people.sergeant, "Busy")
    per_thread, threads = 5, 6

    def writer(n):
        mine = stores[n % 2]
        for i in range(per_thread):
            version = mine.get_board(people.sergeant, board.id).version
            while True:
                try:
                    mine.add_tile(people.sergeant, board.id, version, question=f"t{n}-{i}")
                    break
                except Conflict as conflict:
                    version = conflict.current.version

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(writer, range(threads)))
    final = store.get_board(people.sergeant, board.id)
    assert sorted(t.question for t in final.tiles) == sorted(
        f"t{n}-{i}" for n in range(threads) for i in range(per_thread)
    )
    assert [t.position for t in final.tiles] == list(range(threads * per_thread))
    assert final.version == 1 + threads * per_thread
    changes = store.search_audit(people.admin, action="board_change", limit=1000)
    assert len(changes) == threads * per_thread
    check_integrity(store)


def test_dashboards_have_the_same_protection(store, people):
    dash = store.create_dashboard(people.supervisor, "Overview")
    calls = [
        (lambda i=i: store.pin(people.supervisor, dash.id, dash.version, question=f"pin {i}"))
        for i in range(3)
    ]
    wins, conflicts = race(calls)
    assert len(wins) == 1 and len(conflicts) == 2
    assert len(store.get_dashboard(people.supervisor, dash.id).pins) == 1


def test_stores_opening_a_new_file_at_once_migrate_it_once(state_location):
    opened, _ = race([lambda: Store(state_location) for _ in range(4)])
    assert len(opened) == 4 and {s.schema_version for s in opened} == {migrations()[-1][0]}
    raw = Raw(state_location)
    assert raw.one("SELECT count(*) FROM schema_migrations") == (len(migrations()),)
    raw.close()
