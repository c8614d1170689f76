"""Boards end to end below the UI: planning, restart, duplication for The O2, the HTML briefing."""

from __future__ import annotations

import datetime as dt

from app import boards_ui, briefing
from app.store import Store, Tile
from tests.boards.conftest import WEMBLEY


def test_starter_board_survives_a_restart(store, users, tmp_path):
    board = boards_ui.plan_board(users["sarge"], event_name="Taylor Swift | The Eras Tour", **WEMBLEY)
    reopened = Store(tmp_path / "state.sqlite")  # a new process opening the same file
    again = reopened.get_board(users["sarge"], board.id)
    assert again.tiles == board.tiles and again.event == board.event
    assert again.event["event_name"] == "Taylor Swift | The Eras Tour"


def test_starter_question_tiles_run(store, users):
    board = boards_ui.plan_board(users["sarge"], event_name="Taylor Swift | The Eras Tour", **WEMBLEY)
    results = [boards_ui.run_tile(t) for t in board.tiles]
    assert not [r.error for r in results if r.error]
    answered = [r for r in results if r.reply is not None]
    assert len(answered) >= 3
    assert any("Taylor Swift" in (r.reply.intent.event or "") for r in answered)


def test_duplicate_for_the_o2_retargets_tiles(store, users):
    board = boards_ui.plan_board(users["sarge"], event_name="Taylor Swift | The Eras Tour", **WEMBLEY)
    store.share_board(users["sarge"], board.id, "user", "pc-view", "viewer")
    new_event = {**board.event, "venue": "The O2", "event_name": None, "date": dt.date(2026, 3, 1)}
    copy = boards_ui.duplicate(users["pc-view"], board, "The O2 · 1 March", new_event)
    assert copy.owner == "pc-view" and copy.event["venue"] == "The O2"
    assert len(copy.tiles) == len(board.tiles)
    for tile in copy.tiles:
        if tile.intent.get("plan"):
            continue
        assert tile.intent["venues"] == ["The O2"], tile
        assert tile.intent["event"] is None  # the Eras Tour was not at The O2
        assert "The O2" in tile.question
        result = boards_ui.run_tile(tile)
        assert result.error is None, result.error
    # planning sections follow the board's event
    report, problem = boards_ui.plan_report(copy.event)
    assert problem is None and report.venue == "The O2"


def test_duplicate_with_a_new_event_name(store, users):
    tile = Tile(
        "", "Robbery during the event", "robbery within 500 m of Wembley Stadium during Taylor Swift by hour"
    )
    intent = boards_ui.services.get_engine().parse(tile.question).intent
    tile = Tile("", tile.title, tile.question, intent.to_dict())
    old = {"venue": "Wembley Stadium", "event_name": "Taylor Swift | The Eras Tour", "radius_m": 500}
    new = {"venue": "The O2", "event_name": "The BRIT Awards 2025", "radius_m": 800}
    moved = boards_ui.retarget_tile(tile, old, new)
    assert moved.intent["venues"] == ["The O2"] and moved.intent["radius_m"] == 800
    assert moved.intent["event"] == "The BRIT Awards 2025"
    assert boards_ui.run_tile(moved).error is None


def test_deleted_venue_gives_a_clear_message(store, users):
    report, problem = boards_ui.plan_report({"venue": "Old Wembley Twin Towers", "radius_m": 500})
    assert report is None and "can't be run" in problem and "Old Wembley Twin Towers" in problem


def test_briefing_is_self_contained_html(store, users):
    board = boards_ui.plan_board(users["sarge"], event_name="Taylor Swift | The Eras Tour", **WEMBLEY)
    board = store.update_board(
        users["sarge"], board.id, board.version, notes="**Brief** <script>alert(1)</script>"
    )
    report, problem = boards_ui.plan_report(board.event)
    results = [boards_ui.run_tile(t) for t in board.tiles]
    page = briefing.build_html(
        board, report, results, venue_point=(51.556, -0.2797), generated_by="Sgt Owner"
    )
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("Plotly.newPlot") >= 6
    assert "<script src=" not in page and '<script charset="utf-8" src=' not in page  # no outside scripts
    assert "<strong>Brief</strong>" in page and "<script>alert(1)</script>" not in page
    assert "Theft from the person" in page and "@media print" in page
    for tile in board.tiles:
        assert tile.title.replace("|", "").split(":")[0] in page.replace("|", "")


def test_export_is_audited(store, users):
    board = store.create_board(
        users["sarge"], "Small", tiles=[Tile("", "Burglary", "burglary in Brent by month")]
    )
    results = [boards_ui.run_tile(t) for t in board.tiles]
    data = boards_ui.briefing_bytes(users["sarge"], board, None, None, results)
    assert b"Burglary" in data and b"<h1>Small</h1>" in data
    rows = store.search_audit(users["sarge"], action="export")
    assert [(r.target_kind, r.target_id) for r in rows] == [("board", board.id)]
