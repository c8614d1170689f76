"""The Plan and Boards pages in AppTest, on the small warehouse with a real engine."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from app import boards_ui
from app.store import Tile
from tests.boards.conftest import WEMBLEY, page


def _texts(at) -> str:
    parts = [
        e.value
        for kind in ("error", "warning", "info", "success", "markdown", "caption")
        for e in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


def test_signed_out_is_asked_to_sign_in(store):
    at = page("boards.py").run()
    assert not at.exception
    assert "Sign in to use boards" in _texts(at)
    at = page("plan.py").run()
    assert "Sign in to use boards" in _texts(at)


def test_plan_builds_a_starter_board(store, users):
    at = page("plan.py", users["sarge"]).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="plan_venue").value == "Wembley Stadium"
    at.button(key="plan_go").click().run()
    assert not at.exception, at.exception
    boards = store.list_boards(users["sarge"])
    assert len(boards) == 1
    board = boards[0]
    assert board.event["venue"] == "Wembley Stadium" and board.event["radius_m"] == 500
    assert board.event["start_time"] == "18:00" and board.event["end_time"] == "23:30"
    parts = [t.intent.get("plan") for t in board.tiles]
    assert parts[:7] == ["uplift", "forecast", "by_hour", "by_day", "hotspots", "streets", "outcomes"]
    questions = [t for t in board.tiles if t.question]
    assert questions and all(t.intent for t in questions)
    # in the app it switches to the board (?board=ID); on its own the page says so
    assert at.query_params["board"] in (board.id, [board.id])
    assert "created with" in at.success[0].value


def test_open_board_by_link_shows_summary_and_tiles(store, users):
    board = boards_ui.plan_board(users["sarge"], event_name="Taylor Swift | The Eras Tour", **WEMBLEY)
    at = page("boards.py", users["sarge"], board=board.id).run()
    assert not at.exception, at.exception
    assert at.title[0].value == board.title
    text = _texts(at)
    assert "Where and when to focus" in text and "Theft from the person" in text
    assert at.get("deck_gl_json_chart"), "the hotspot map is drawn"
    assert len(at.get("plotly_chart")) >= 4
    assert "Extra crimes per event by crime type" in text
    assert [e for e in store.search_audit(users["sarge"], action="board_view") if e.target_id == board.id]


def test_forbidden_board_says_not_shared(store, users):
    board = store.create_board(users["sarge"], "Private plan")
    at = page("boards.py", users["outsider"], board=board.id).run()
    assert not at.exception
    assert "not shared with you" in at.error[0].value


def test_shared_viewer_sees_the_board_without_edit_controls(store, users):
    board = store.create_board(
        users["sarge"], "Shared plan", tiles=[Tile("", "Burglary", "burglary in Brent by month")]
    )
    store.share_board(users["sarge"], board.id, "user", "pc-view", "viewer")
    at = page("boards.py", users["pc-view"], board=board.id).run()
    assert not at.exception
    assert at.title[0].value == "Shared plan"
    assert "Burglary" in _texts(at)
    assert not [b for b in at.button if (b.key or "").startswith("tile_remove_")]


def test_broken_links_are_explained(store, users):
    at = page("boards.py", users["sarge"], board="nonexistent").run()
    assert not at.exception
    assert "doesn't exist or was deleted" in at.error[0].value
    at = page("boards.py", users["sarge"], board="'; DROP TABLE boards; --").run()
    assert not at.exception
    assert "link is broken" in at.error[0].value


def test_a_tile_that_no_longer_parses_fails_alone(store, users):
    tiles = [
        Tile("", "Good tile", "burglary in Brent by month"),
        Tile("", "Broken tile", "zzqx flibber wobble"),
        Tile("", "Bad intent", "", intent={"measure": "nonsense", "bogus": 1}),
        Tile("", "Another good tile", "robbery in Camden by month"),
    ]
    board = store.create_board(users["sarge"], "Mixed board", tiles=tiles)
    at = page("boards.py", users["sarge"], board=board.id).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 2, errors
    assert any("no longer works" in e for e in errors) and any("can no longer be read" in e for e in errors)
    assert len(at.get("plotly_chart")) == 2


def test_conflicting_notes_keep_the_users_text(store, users):
    board = store.create_board(users["sarge"], "Busy board", notes="first")
    store.share_board(users["sarge"], board.id, "user", "pc-view", "editor")
    at = page("boards.py", users["pc-view"], board=board.id).run()
    key = f"board_notes_{board.id}"
    at.text_area(key=key).input("my careful notes")
    # meanwhile the owner saves
    store.update_board(users["sarge"], board.id, board.version, notes="owner's notes")
    at.button(key=f"board_save_notes_{board.id}").click().run()
    assert not at.exception
    assert "changed since you opened it" in at.warning[0].value
    assert at.text_area(key=key).value == "my careful notes"
    assert store.get_board(users["sarge"], board.id).notes == "owner's notes"
    at.button(key="board_reapply").click().run()
    assert not at.exception
    assert store.get_board(users["sarge"], board.id).notes == "my careful notes"
    assert "Notes saved" in _texts(at)


def test_rename_move_and_remove_tiles(store, users):
    tiles = [Tile("", "A", "burglary in Brent by month"), Tile("", "B", "robbery in Brent by month")]
    board = store.create_board(users["sarge"], "Editing", tiles=tiles)
    a, b = board.tiles
    at = page("boards.py", users["sarge"], board=board.id).run()
    at.button(key=f"tile_down_{a.id}").click().run()
    assert [t.title for t in store.get_board(users["sarge"], board.id).tiles] == ["B", "A"]
    at.text_input(key=f"tile_title_{a.id}").input("Burglary trend")
    at.button(key=f"tile_rename_{a.id}").click().run()
    at.button(key=f"tile_remove_{b.id}").click().run()
    assert not at.exception
    assert [t.title for t in store.get_board(users["sarge"], board.id).tiles] == ["Burglary trend"]


def test_duplicate_for_the_o2_from_the_board_page(store, users):
    board = boards_ui.plan_board(users["sarge"], event_name="Taylor Swift | The Eras Tour", **WEMBLEY)
    store.share_board(users["sarge"], board.id, "user", "pc-view", "viewer")
    at = page("boards.py", users["pc-view"], board=board.id).run()
    at.selectbox(key="dup_venue").set_value("The O2").run()
    at.text_input(key="dup_title").input("The O2 · template").run()
    at.button(key="dup_go").click().run()
    assert not at.exception, at.exception
    copy = next(b for b in store.list_boards(users["pc-view"]) if b.owner == "pc-view")
    assert copy.title == "The O2 · template" and copy.event["venue"] == "The O2"
    assert at.query_params["board"] in (copy.id, [copy.id])
    assert at.title[0].value == "The O2 · template"
    assert not at.error, [e.value for e in at.error]
    assert "The O2" in _texts(at)


def _ask_page_with_control():
    from app import boards_ui, services

    reply = services.get_engine().ask("burglary in Brent by month")
    boards_ui.add_to_board_control(reply, key="ask")


def test_add_to_board_control_adds_a_tile(store, users):
    board = store.create_board(users["sarge"], "Existing")
    at = AppTest.from_function(_ask_page_with_control, default_timeout=60)
    at.session_state["user"] = users["sarge"]
    at.run()
    assert at.selectbox(key="ask-board-target").value == board.id
    at.button(key="ask-board-go").click().run()
    assert not at.exception, at.exception
    saved = store.get_board(users["sarge"], board.id)
    assert [t.question for t in saved.tiles] == ["burglary in Brent by month"]
    assert saved.tiles[0].intent["boroughs"] == ["Brent"]
    assert "Added to" in at.success[0].value
    # a new board
    at.selectbox(key="ask-board-target").set_value("__new__").run()
    at.text_input(key="ask-board-new").input("Brent trends").run()
    at.button(key="ask-board-go").click().run()
    (new,) = [b for b in store.list_boards(users["sarge"]) if b.title == "Brent trends"]
    assert len(new.tiles) == 1
    assert at.selectbox(key="ask-board-target").value == new.id  # adding again goes to the same board


def test_add_to_board_message_shows_a_markdown_title_literally(store, users):
    store.create_board(users["sarge"], "**Loud** [click](http://evil)")
    at = AppTest.from_function(_ask_page_with_control, default_timeout=60)
    at.session_state["user"] = users["sarge"]
    at.run()
    at.button(key="ask-board-go").click().run()
    assert not at.exception
    assert "\\*\\*Loud\\*\\* \\[click\\]" in at.success[0].value


def test_signed_out_ask_page_shows_no_control(store):
    at = AppTest.from_function(_ask_page_with_control, default_timeout=60).run()
    assert not at.exception and not at.get("popover")
