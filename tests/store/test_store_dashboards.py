"""Dashboards: round trips, pins, settings, permissions, supervisor overview."""

from __future__ import annotations

import pytest

from app.store import Conflict, Forbidden, NotFound, Pin, ValidationError

PINS = [
    {"title": "Crimes last month", "question": "crimes last month", "intent": {"q": 1}, "chart": "number"},
    {"question": "robbery by week last 3 months", "intent": {"q": 2}, "chart": "line"},
]


@pytest.fixture
def dash(store, people):
    return store.create_dashboard(
        people.supervisor,
        "North West weekly",
        filters={"bcu": "North West", "period": "last 3 months"},
        refresh_seconds=300,
        pins=PINS,
    )


def test_dashboard_round_trip(store, people, dash):
    again = store.get_dashboard(people.supervisor, dash.id)
    assert again == dash
    assert again.filters == {"borough": None, "bcu": "North West", "period": "last 3 months"}
    assert again.refresh_seconds == 300 and again.version == 1 and again.access == "owner"
    assert [(p.title, p.chart, p.source, p.position) for p in again.pins] == [
        ("Crimes last month", "number", "ask", 0),
        ("robbery by week last 3 months", "line", "ask", 1),
    ]
    assert again.pins[1].intent == {"q": 2}


def test_pins_pin_update_move_unpin(store, people, dash):
    s = people.supervisor
    d = store.pin(
        s,
        dash.id,
        dash.version,
        title="Hotspots",
        question="q",
        intent={"q": 3},
        chart="map",
        source="board:abc123",
    )
    new = d.pins[-1]
    assert (new.title, new.source, d.version) == ("Hotspots", "board:abc123", 2)
    d = store.move_pin(s, d.id, new.id, 0, d.version)
    assert d.pins[0].id == new.id and [p.position for p in d.pins] == [0, 1, 2]
    d = store.update_pin(s, d.id, new.id, d.version, title="Hotspots (map)", chart="table")
    assert (d.pins[0].title, d.pins[0].chart) == ("Hotspots (map)", "table")
    d = store.unpin(s, d.id, new.id, d.version)
    assert [p.question for p in d.pins] == [p["question"] for p in PINS]
    with pytest.raises(NotFound, match="no pin"):
        store.unpin(s, d.id, new.id, d.version)
    with pytest.raises(ValidationError, match="source"):
        store.pin(s, d.id, d.version, question="q", source="elsewhere")
    entry = store.search_audit(s, action="pin", limit=1)[0]
    assert entry.target_id == dash.id and entry.detail["source"] == "board:abc123"


def test_update_dashboard_settings(store, people, dash):
    d = store.update_dashboard(
        people.supervisor, dash.id, dash.version, title="Renamed", filters={"borough": "Brent"}
    )
    assert d.title == "Renamed" and d.filters["borough"] == "Brent" and d.filters["bcu"] is None
    assert d.refresh_seconds == 300
    d = store.update_dashboard(people.supervisor, d.id, d.version, refresh_seconds=0)
    assert d.refresh_seconds is None
    with pytest.raises(ValidationError, match="Refresh"):
        store.update_dashboard(people.supervisor, d.id, d.version, refresh_seconds=1)
    with pytest.raises(ValidationError, match="Unknown filter"):
        store.update_dashboard(people.supervisor, d.id, d.version, filters={"ward": "x"})
    with pytest.raises(Conflict):
        store.update_dashboard(people.supervisor, d.id, dash.version, title="stale")


def test_dashboard_permissions(store, people, dash):
    with pytest.raises(Forbidden, match="^This dashboard is not shared with you$"):
        store.get_dashboard(people.officer, dash.id)
    with pytest.raises(Forbidden, match="not shared with you"):
        store.pin(people.officer, dash.id, dash.version, question="q")
    store.share_dashboard(people.supervisor, dash.id, "team", "Central West", "viewer")
    assert store.get_dashboard(people.colleague, dash.id).access == "viewer"
    assert [d.id for d in store.list_dashboards(people.sergeant)] == [dash.id]
    with pytest.raises(Forbidden, match="can view this dashboard but not change it"):
        store.pin(people.sergeant, dash.id, dash.version, question="q")
    with pytest.raises(Forbidden, match="can view this dashboard but not change it"):
        store.update_dashboard(people.sergeant, dash.id, dash.version, title="x")
    with pytest.raises(Forbidden, match="can view this dashboard but not change it"):
        store.unpin(people.sergeant, dash.id, dash.pins[0].id, dash.version)
    with pytest.raises(Forbidden, match="can view this dashboard but not change it"):
        store.move_pin(people.sergeant, dash.id, dash.pins[0].id, 1, dash.version)
    store.share_dashboard(people.supervisor, dash.id, "user", "sergeant", "editor")
    d = store.pin(people.sergeant, dash.id, dash.version, question="added by editor")
    assert d.access == "editor"
    with pytest.raises(Forbidden, match="Only the dashboard's owner can share it"):
        store.share_dashboard(people.sergeant, dash.id, "user", "officer", "viewer")
    with pytest.raises(Forbidden, match="Only the dashboard's owner can change who"):
        store.unshare_dashboard(people.sergeant, dash.id, "team", "Central West")
    with pytest.raises(Forbidden, match="Only the dashboard's owner can delete it"):
        store.delete_dashboard(people.sergeant, dash.id)
    store.unshare_dashboard(people.supervisor, dash.id, "team", "Central West")
    with pytest.raises(Forbidden):
        store.get_dashboard(people.colleague, dash.id)
    store.delete_dashboard(people.supervisor, dash.id)
    with pytest.raises(NotFound):
        store.get_dashboard(people.supervisor, dash.id)
    actions = {e.action for e in store.search_audit(people.admin, limit=100)}
    assert {"dashboard_create", "dashboard_share", "dashboard_delete", "pin"} <= actions


def test_supervisor_overview_is_created_once(store, people):
    overview = store.ensure_supervisor_overview(people.supervisor, PINS)
    assert overview.title == "Supervisor overview: North West"
    assert overview.filters["bcu"] == "North West" and overview.system_key == "supervisor_overview"
    assert [p.source for p in overview.pins] == ["default", "default"]
    again = store.ensure_supervisor_overview(people.supervisor, PINS + [{"question": "more"}])
    assert again == overview
    assert len(store.list_dashboards(people.supervisor)) == 1
    # Deleted by its owner: respected, not recreated.
    store.delete_dashboard(people.supervisor, overview.id)
    assert store.ensure_supervisor_overview(people.supervisor, PINS) is None
    assert store.list_dashboards(people.supervisor) == []


def test_supervisor_overview_needs_a_supervisor_with_a_team(store, people):
    with pytest.raises(Forbidden, match="for supervisors"):
        store.ensure_supervisor_overview(people.sergeant, PINS)
    with pytest.raises(ValidationError, match="no team"):
        store.ensure_supervisor_overview(people.admin, PINS)


def test_pins_accept_pin_objects(store, people):
    pin = Pin(id="", title="From a board", question="q", intent={"a": 1}, chart="bar", source="board:xyz")
    d = store.create_dashboard(people.officer, "Mine", pins=[pin])
    assert (d.pins[0].title, d.pins[0].source) == ("From a board", "board:xyz")
