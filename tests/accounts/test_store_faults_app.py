"""The app on a read-only or full state store: a banner, sign-in works, typed text is kept
(issue 10, item 13)."""

from __future__ import annotations

from app import services
from app.store import db
from tests.accounts.conftest import new_app, sign_in


def test_a_read_only_store_shows_a_banner_and_still_signs_in(env, store, monkeypatch):
    real = db.connect
    monkeypatch.setattr(db, "connect", lambda p, **kw: real(p, read_only=True))
    services._store_for.clear()  # the app opens the store afresh, as after a restart
    at = new_app().run()
    assert not at.exception
    assert any("read-only" in w.value for w in at.warning)
    sign_in(at, "officer")
    assert not at.exception
    assert at.session_state["user"].username == "officer"
    assert any("read-only" in w.value for w in at.warning)


def test_a_full_disk_keeps_the_typed_notes_and_says_why(env, store, monkeypatch):
    officer = store.get_user("officer")
    board = store.create_board(officer, "Carnival", notes="saved before")
    at = new_app().run()
    sign_in(at, "officer")
    at.query_params["board"] = board.id
    at.switch_page("pages/boards.py").run()
    key = f"board_notes_{board.id}"
    typed = "my careful notes " * 8_000
    at.text_area(key=key).input(typed)
    real = db.connect

    def full(path, **kw):
        con = real(path, **kw)
        con.execute(f"PRAGMA max_page_count = {con.execute('PRAGMA page_count').fetchone()[0]}")
        return con

    monkeypatch.setattr(db, "connect", full)
    at.button(key=f"board_save_notes_{board.id}").click().run()
    assert not at.exception
    assert any(e.value.startswith("The state store is full or read-only") for e in at.error), (
        [e.value for e in at.error] + [w.value for w in at.warning] + [s.value for s in at.success]
    )
    assert at.text_area(key=key).value == typed
    assert store.get_board(officer, board.id).notes == "saved before"
