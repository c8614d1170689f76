"""Boards: round trips, tiles, permissions on every forbidden path, sharing, duplication."""

from __future__ import annotations

import dataclasses
from datetime import date, time

import pytest

from app.store import Board, Conflict, Forbidden, NotFound, Tile, ValidationError

INTENT = {"crime_types": ["Robbery"], "venue": "Wembley Stadium", "grain": "hour"}


@pytest.fixture
def board(store, people, event) -> Board:
    board = store.create_board(
        people.sergeant, "Eras Tour at Wembley", event=event, notes="# Plan\n- stewards"
    )
    return store.add_tile(
        people.sergeant,
        board.id,
        board.version,
        question="robberies near Wembley by hour",
        intent=INTENT,
        chart="bar",
    )


def test_board_round_trip(store, people, event, board):
    again = store.get_board(people.sergeant, board.id)
    assert again == board
    assert again.owner == "sergeant" and again.access == "owner" and again.can_manage
    assert again.title == "Eras Tour at Wembley" and again.notes == "# Plan\n- stewards"
    assert again.event == event
    assert again.version == 2
    assert len(again.id) >= 10 and again.id.replace("-", "").replace("_", "").isalnum()
    (tile,) = again.tiles
    assert (tile.title, tile.question, tile.intent, tile.chart, tile.position) == (
        "robberies near Wembley by hour",
        "robberies near Wembley by hour",
        INTENT,
        "bar",
        0,
    )
    assert again.created_at <= again.updated_at


def test_event_accepts_dates_and_times_and_fills_missing_keys(store, people):
    board = store.create_board(
        people.sergeant,
        "Carnival",
        event={"venue": "Notting Hill", "date": date(2025, 8, 24), "start_time": time(9)},
    )
    assert board.event == {
        "venue": "Notting Hill",
        "event_name": None,
        "date": "2025-08-24",
        "start_time": "09:00",
        "end_time": None,
        "radius_m": None,
    }


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"date": "21/06/2024"}, "date like"),
        ({"start_time": "7pm"}, "time like"),
        ({"radius_m": -5}, "Radius"),
        ({"radius_m": "500"}, "Radius"),
        ({"capacity": 90000}, "Unknown event detail"),
    ],
)
def test_bad_event_details_are_refused(store, people, bad, message):
    with pytest.raises(ValidationError, match=message):
        store.create_board(people.sergeant, "Bad", event=bad)


def test_bad_titles_and_tiles_are_refused(store, people, board):
    with pytest.raises(ValidationError, match="can't be empty"):
        store.create_board(people.sergeant, "   ")
    with pytest.raises(ValidationError, match="line breaks"):
        store.update_board(people.sergeant, board.id, board.version, title="two\nlines")
    with pytest.raises(ValidationError, match="Chart must be"):
        store.add_tile(people.sergeant, board.id, board.version, question="q", chart="pie")
    with pytest.raises(ValidationError, match="title or a question"):
        store.add_tile(people.sergeant, board.id, board.version)
    with pytest.raises(ValidationError, match="plain JSON"):
        store.add_tile(people.sergeant, board.id, board.version, question="q", intent={"when": object()})
    with pytest.raises(TypeError, match="expected_version"):
        store.move_tile(people.sergeant, board.id, board.version, 0, board.tiles[0].id)
    assert store.get_board(people.sergeant, board.id) == board


def test_update_board_fields(store, people, board):
    updated = store.update_board(people.sergeant, board.id, board.version, notes="new notes")
    assert (updated.title, updated.notes, updated.version) == (board.title, "new notes", board.version + 1)
    updated = store.update_board(
        people.sergeant, updated.id, updated.version, title="Renamed", event={"venue": "The O2"}
    )
    assert updated.title == "Renamed" and updated.event["venue"] == "The O2" and updated.event["date"] is None


def test_tiles_add_update_move_remove(store, people, board):
    s = people.sergeant
    b = store.add_tile(
        s, board.id, board.version, title="Theft by hour", question="theft by hour", chart="line"
    )
    b = store.add_tile(s, b.id, b.version, title="Hotspots", question="crimes near Wembley", chart="map")
    first, second, third = (t.id for t in b.tiles)
    assert [t.position for t in b.tiles] == [0, 1, 2]

    b = store.move_tile(s, b.id, third, 0, b.version)
    assert [t.id for t in b.tiles] == [third, first, second]
    b = store.move_tile(s, b.id, third, 99, b.version)
    assert [t.id for t in b.tiles] == [first, second, third]
    b = store.move_tile(s, b.id, third, -3, b.version)
    assert [t.id for t in b.tiles] == [third, first, second]

    b = store.rename_tile(s, b.id, first, "Robbery by hour", b.version)
    b = store.update_tile(s, b.id, first, b.version, chart="table", intent={"changed": True})
    tile = next(t for t in b.tiles if t.id == first)
    assert (tile.title, tile.chart, tile.intent, tile.question) == (
        "Robbery by hour",
        "table",
        {"changed": True},
        "robberies near Wembley by hour",
    )

    b = store.remove_tile(s, b.id, third, b.version)
    assert [t.id for t in b.tiles] == [first, second] and [t.position for t in b.tiles] == [0, 1]
    with pytest.raises(NotFound, match="no tile"):
        store.remove_tile(s, b.id, third, b.version)


def test_stranger_cannot_see_a_private_board(store, people, board):
    for who in (people.officer, people.colleague, people.stranger, people.supervisor):
        with pytest.raises(Forbidden, match="^This board is not shared with you$"):
            store.get_board(who, board.id)
        assert store.list_boards(who) == []
        with pytest.raises(Forbidden, match="not shared with you"):
            store.update_board(who, board.id, board.version, notes="hacked")
        with pytest.raises(Forbidden, match="not shared with you"):
            store.add_tile(who, board.id, board.version, question="x")
        with pytest.raises(Forbidden, match="not shared with you"):
            store.duplicate_board(who, board.id, "Copy")
        with pytest.raises(Forbidden, match="not shared with you"):
            store.delete_board(who, board.id)
        with pytest.raises(Forbidden, match="not shared with you"):
            store.share_board(who, board.id, "user", who.username, "editor")
    assert store.get_board(people.sergeant, board.id) == board


def test_viewer_can_view_and_duplicate_but_not_edit(store, people, board):
    store.share_board(people.sergeant, board.id, "user", "officer", "viewer")
    seen = store.get_board(people.officer, board.id)
    assert seen.access == "viewer" and not seen.can_edit
    tile_id = board.tiles[0].id
    edits = [
        lambda: store.update_board(people.officer, board.id, seen.version, notes="x"),
        lambda: store.update_board(people.officer, board.id, seen.version, title="x"),
        lambda: store.add_tile(people.officer, board.id, seen.version, question="x"),
        lambda: store.update_tile(people.officer, board.id, tile_id, seen.version, title="x"),
        lambda: store.rename_tile(people.officer, board.id, tile_id, "x", seen.version),
        lambda: store.move_tile(people.officer, board.id, tile_id, 0, seen.version),
        lambda: store.remove_tile(people.officer, board.id, tile_id, seen.version),
    ]
    for edit in edits:
        with pytest.raises(Forbidden, match="can view this board but not change it"):
            edit()
    copy = store.duplicate_board(people.officer, board.id, "My copy")
    assert copy.owner == "officer" and copy.access == "owner" and copy.shares == ()
    assert store.get_board(people.sergeant, board.id).version == board.version


def test_editor_can_edit_but_not_share_unshare_or_delete(store, people, board):
    store.share_board(people.sergeant, board.id, "user", "officer", "editor")
    b = store.update_board(people.officer, board.id, board.version, notes="added by editor")
    b = store.add_tile(people.officer, b.id, b.version, question="burglary near Wembley")
    assert b.access == "editor" and b.notes == "added by editor" and len(b.tiles) == 2
    with pytest.raises(Forbidden, match="Only the board's owner can share it"):
        store.share_board(people.officer, board.id, "user", "stranger", "viewer")
    with pytest.raises(Forbidden, match="Only the board's owner can change who it is shared with"):
        store.unshare_board(people.officer, board.id, "user", "officer")
    with pytest.raises(Forbidden, match="Only the board's owner can delete it"):
        store.delete_board(people.officer, board.id)


def test_team_sharing_reaches_everyone_in_the_team(store, people, event):
    board = store.create_board(people.supervisor, "North West events", event=event)
    store.share_board(people.supervisor, board.id, "team", "central west", "viewer")
    assert [b.id for b in store.list_boards(people.colleague)] == [board.id]
    assert store.get_board(people.sergeant, board.id).access == "viewer"
    with pytest.raises(Forbidden, match="not shared with you"):
        store.get_board(people.stranger, board.id)
    with pytest.raises(Forbidden, match="not shared with you"):
        store.get_board(people.officer, board.id)  # no team
    # A user share gives more than the team share: the better role wins.
    store.share_board(people.supervisor, board.id, "user", "colleague", "editor")
    assert store.get_board(people.colleague, board.id).access == "editor"
    assert store.get_board(people.sergeant, board.id).access == "viewer"
    # Access follows the team: moving to another BCU takes it away.
    store.unshare_board(people.supervisor, board.id, "user", "colleague")
    store.update_user(people.admin, "colleague", team="South East")
    with pytest.raises(Forbidden):
        store.get_board(people.colleague, board.id)
    board = store.unshare_board(people.supervisor, board.id, "team", "Central West")
    assert board.shares == ()
    with pytest.raises(Forbidden):
        store.get_board(people.sergeant, board.id)


def test_sharing_round_trip_and_errors(store, people, board):
    b = store.share_board(people.sergeant, board.id, "user", "Officer", "viewer")
    b = store.share_board(people.sergeant, board.id, "user", "officer", "editor")  # changes the role
    b = store.share_board(people.sergeant, board.id, "team", "North West", "viewer")
    assert [(s.principal_kind, s.principal, s.role) for s in b.shares] == [
        ("user", "officer", "editor"),
        ("team", "North West", "viewer"),
    ]
    assert b.version == board.version  # sharing is not a content change
    with pytest.raises(NotFound, match="no user called"):
        store.share_board(people.sergeant, board.id, "user", "ghost", "viewer")
    with pytest.raises(ValidationError, match="viewer' or 'editor"):
        store.share_board(people.sergeant, board.id, "user", "officer", "owner")
    with pytest.raises(ValidationError, match="'user' or a 'team'"):
        store.share_board(people.sergeant, board.id, "group", "x", "viewer")
    with pytest.raises(ValidationError, match="owner can already"):
        store.share_board(people.sergeant, board.id, "user", "sergeant", "viewer")
    with pytest.raises(NotFound, match="not shared with"):
        store.unshare_board(people.sergeant, board.id, "user", "stranger")


def test_list_boards_own_and_shared(store, people, board):
    own = store.create_board(people.officer, "Mine")
    assert [b.id for b in store.list_boards(people.officer)] == [own.id]
    store.share_board(people.sergeant, board.id, "user", "officer", "viewer")
    listed = {b.id: b.access for b in store.list_boards(people.officer)}
    assert listed == {own.id: "owner", board.id: "viewer"}
    # Admins see only their own and shared boards unless they ask for everything.
    assert store.list_boards(people.admin) == []
    assert {b.id for b in store.list_boards(people.admin, everything=True)} == {own.id, board.id}
    assert store.list_boards(people.officer, everything=True) == store.list_boards(people.officer)


def test_admin_can_view_share_and_delete_any_board(store, people, board):
    assert store.get_board(people.admin, board.id).access == "admin"
    store.share_board(people.admin, board.id, "user", "stranger", "viewer")
    store.delete_board(people.admin, board.id)
    with pytest.raises(NotFound):
        store.get_board(people.sergeant, board.id)


def test_delete_is_soft_and_hides_the_board(store, people, board, raw):
    store.share_board(people.sergeant, board.id, "team", "Central West", "editor")
    store.delete_board(people.sergeant, board.id, board.version)
    for who in (people.sergeant, people.colleague):
        with pytest.raises(NotFound, match="may have been deleted"):
            store.get_board(who, board.id)
        assert store.list_boards(who) == []
        with pytest.raises(NotFound):
            store.update_board(who, board.id, board.version + 1, notes="x")
    with pytest.raises(NotFound, match="no board with id 'nope'"):
        store.get_board(people.sergeant, "nope")
    assert raw.one("SELECT deleted FROM boards WHERE id = ?", (board.id,)) == (1,)
    assert raw.one("SELECT count(*) FROM tiles WHERE board_id = ?", (board.id,)) == (1,)


def test_delete_with_a_stale_version_is_a_conflict(store, people, board):
    store.update_board(people.sergeant, board.id, board.version, notes="newer")
    with pytest.raises(Conflict):
        store.delete_board(people.sergeant, board.id, board.version)
    assert store.get_board(people.sergeant, board.id).notes == "newer"


def test_duplicate_with_retarget(store, people, board, event):
    b = store.add_tile(
        people.sergeant,
        board.id,
        board.version,
        title="Hotspots",
        question="crimes near Wembley",
        chart="map",
    )
    seen = []

    def retarget(tile: Tile) -> Tile:
        seen.append(tile.id)
        intent = {**tile.intent, "venue": "Tottenham Hotspur Stadium"}
        return dataclasses.replace(
            tile, intent=intent, question=tile.question.replace("Wembley", "Tottenham")
        )

    new_event = {**event, "venue": "Tottenham Hotspur Stadium", "date": "2025-06-07"}
    copy = store.duplicate_board(people.sergeant, b.id, "Tottenham gig", new_event, retarget)
    assert seen == [t.id for t in b.tiles]
    assert copy.id != b.id and copy.title == "Tottenham gig" and copy.version == 1
    assert copy.event["venue"] == "Tottenham Hotspur Stadium" and copy.event["date"] == "2025-06-07"
    assert copy.notes == b.notes
    assert [t.question for t in copy.tiles] == ["robberies near Tottenham by hour", "crimes near Tottenham"]
    assert all(t.intent["venue"] == "Tottenham Hotspur Stadium" for t in copy.tiles)
    assert [t.chart for t in copy.tiles] == ["bar", "map"]
    # The original is untouched.
    assert store.get_board(people.sergeant, b.id) == b


def test_duplicate_without_event_keeps_it_and_failing_retarget_saves_nothing(store, people, board):
    copy = store.duplicate_board(people.sergeant, board.id, "Same again")
    assert copy.event == board.event and copy.tiles[0].intent == board.tiles[0].intent

    def broken(tile):
        raise ValueError("cannot retarget")

    before = len(store.list_boards(people.sergeant))
    with pytest.raises(ValueError, match="cannot retarget"):
        store.duplicate_board(people.sergeant, board.id, "Broken", retarget=broken)
    assert len(store.list_boards(people.sergeant)) == before


def test_board_changes_are_audited_in_the_same_transaction(store, people, board):
    store.share_board(people.sergeant, board.id, "user", "officer", "viewer")
    # Refused changes write nothing.
    with pytest.raises(Forbidden):
        store.update_board(people.officer, board.id, board.version, notes="x")
    with pytest.raises(Forbidden):
        store.delete_board(people.officer, board.id)
    store.delete_board(people.sergeant, board.id)
    actions = [(e.username, e.action, e.target_id) for e in store.search_audit(people.admin)]
    assert actions[:4] == [
        ("sergeant", "board_delete", board.id),
        ("sergeant", "board_share", board.id),
        ("sergeant", "board_change", board.id),
        ("sergeant", "board_create", board.id),
    ]
    assert all(e.username != "officer" for e in store.search_audit(people.admin))
