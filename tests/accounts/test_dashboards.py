"""Dashboards: pinning, tiles, dashboard-wide filters, tile menu, the supervisor overview, private links."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from app import dashboards_ui as ui
from app.store import Pin
from tests.accounts.conftest import actions, signed_in


def _pin(store, user, dashboard, engine, question, title=None):
    reply = engine.ask(question)
    assert reply.error is None, reply.error
    return ui.pin_reply(user, reply, dashboard.id if dashboard else None, title or question, new_title="Mine")


def _tiles(at) -> list[str]:
    return [
        m.value.strip("*") for m in at.main.markdown if m.value.startswith("**") and m.value.endswith("**")
    ]


# ---- the engine side ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bcu", ["North West", "Central West"])
def test_every_overview_question_answers(engine, bcu):
    pins, failed = ui.overview_pins(engine, bcu)
    assert failed == []
    assert [p["chart"] for p in pins] == ["number", "line", "bar", "map"]
    for pin in pins:
        reply = engine.run(_intent(pin))
        assert reply.error is None and reply.frame is not None and len(reply.frame) > 0, pin["question"]


def _intent(pin):
    from nlq import Intent

    return Intent.from_dict(pin["intent"])


def test_period_dates_count_back_from_the_anchor_month():
    anchor = dt.date(2025, 12, 1)
    assert ui.period_dates("last_month", anchor) == (dt.date(2025, 12, 1), dt.date(2025, 12, 1))
    assert ui.period_dates("last_3_months", anchor) == (dt.date(2025, 10, 1), dt.date(2025, 12, 1))
    assert ui.period_dates("last_12_months", anchor) == (dt.date(2025, 1, 1), dt.date(2025, 12, 1))
    assert ui.period_dates("this_year", anchor) == (dt.date(2025, 1, 1), dt.date(2025, 12, 1))
    assert ui.period_dates("last_year", anchor) == (dt.date(2024, 1, 1), dt.date(2024, 12, 1))
    assert ui.period_dates(None, anchor) is None and ui.period_dates("bogus", anchor) is None


def test_filters_apply_where_they_can_and_say_where_they_cannot(engine):
    by_month = engine.ask("burglary in Camden by month")
    near = engine.ask("robberies near Oxford Circus by hour last month")
    during = engine.ask("crime near Wembley Stadium during Taylor Swift")
    assert not (by_month.error or near.error or during.error)
    filters = {"borough": "Hackney", "bcu": None, "period": "last_3_months"}

    run = ui.run_pin(engine, Pin("p1", "t", by_month.question, by_month.intent.to_dict()), filters)
    assert run.ignored == [] and run.reply.intent.boroughs == ("Hackney",)
    assert len(run.reply.frame) == 3  # three months

    run = ui.run_pin(engine, Pin("p2", "t", near.question, near.intent.to_dict()), filters)
    assert run.ignored == ["area"]  # a venue question keeps its place

    run = ui.run_pin(engine, Pin("p3", "t", during.question, during.intent.to_dict()), filters)
    assert "period" in run.ignored  # an event question keeps its dates


def test_a_pin_with_a_damaged_intent_explains_itself(engine):
    run = ui.run_pin(engine, Pin("p", "t", "q", {"no_such_field": 1}), {})
    assert run.reply is None and "can't be rebuilt" in run.problem


# ---- the page ---------------------------------------------------------------------------------------


def test_supervisor_gets_an_overview_for_their_bcu(env, store):
    at = signed_in("supervisor", "dashboards")
    assert at.subheader[0].value == "Supervisor overview: North West"
    assert _tiles(at) == [
        "Crime last month",
        "Crime by month, last 12 months",
        "Top rising crime types (year on year)",
        "Hotspots last month",
    ]
    assert at.metric and at.get("plotly_chart") and at.get("deck_gl_json_chart")
    assert any(c.value.startswith(":material/refresh: Refreshed at ") for c in at.caption)
    assert at.selectbox(key="dash_area").value == "bcu:North West"
    user = store.get_user("supervisor")
    assert actions(store, user, username="supervisor", action="dashboard_view")


def test_officer_has_no_overview_and_an_empty_state(env, store):
    at = signed_in("officer", "dashboards")
    assert "no dashboards yet" in at.info[0].value


def test_pin_then_tiles_in_two_columns_and_tile_menu(env, store, engine):
    user = store.get_user("officer")
    board = _pin(store, user, None, engine, "burglary in Camden by month", "Camden burglary")
    board = _pin(
        store, user, board, engine, "how many robberies in Westminster last month", "Westminster robbery"
    )
    board = _pin(
        store, user, board, engine, "robberies near Oxford Circus by hour last month", "Oxford Circus"
    )
    at = signed_in("officer", "dashboards")
    assert _tiles(at) == ["Camden burglary", "Westminster robbery", "Oxford Circus"]

    pin = board.pins[2]
    at.button(key=f"tile-up-{pin.id}").click().run()
    assert not at.exception and _tiles(at) == ["Camden burglary", "Oxford Circus", "Westminster robbery"]

    at.text_input(key=f"tile-title-{pin.id}").input("Oxford Circus robbery by hour")
    at.button(key=f"tile-rename-{pin.id}").click().run()
    assert "Oxford Circus robbery by hour" in _tiles(at)

    at.button(key=f"tile-remove-{board.pins[0].id}").click().run()
    assert _tiles(at) == ["Oxford Circus robbery by hour", "Westminster robbery"]
    assert actions(store, user, action="dashboard_change")[:3] == ["dashboard_change"] * 3

    at.selectbox(key="dash_area").select("borough:Hackney").run()  # saved as the dashboard's filter
    assert not at.exception
    assert store.get_dashboard(user, board.id).filters["borough"] == "Hackney"
    assert any("Area filter ignored by: Oxford Circus robbery by hour" in c.value for c in at.caption)
    assert any("Ignores the dashboard's area filter" in c.value for c in at.caption)

    at.selectbox(key="dash_refresh").select(300).run()
    assert store.get_dashboard(user, board.id).refresh_seconds == 300
    assert any("refreshes every 5 minutes" in c.value for c in at.caption)


def test_one_broken_tile_does_not_break_the_page(env, store, engine, monkeypatch):
    user = store.get_user("officer")
    board = _pin(store, user, None, engine, "burglary in Camden by month", "fine")
    _pin(store, user, board, engine, "how many robberies in Westminster last month", "boom")
    real = ui.run_pin

    def flaky(engine, pin, filters):
        if pin.title == "boom":
            raise RuntimeError("kaput")
        return real(engine, pin, filters)

    monkeypatch.setattr(ui, "run_pin", flaky)
    at = signed_in("officer", "dashboards")
    assert not at.exception
    assert "could not be drawn" in at.error[0].value
    assert at.get("plotly_chart")  # the other tile still drew


def test_a_private_dashboard_link_is_not_shared_with_you(env, store, engine):
    sergeant = store.get_user("sergeant")
    private = store.create_dashboard(sergeant, "Sergeant's own")
    at = signed_in("officer")
    at.switch_page("pages/dashboards.py")
    at.query_params["dashboard"] = private.id
    at.run()
    assert "not shared with you" in at.error[0].value
    officer = store.get_user("officer")
    failed = store.search_audit(officer, action="dashboard_view")
    assert failed and failed[0].ok is False and failed[0].target_id == private.id


def test_shared_dashboard_opens_for_the_team(env, store, engine):
    sergeant = store.get_user("sergeant")
    shared = _pin(store, sergeant, None, engine, "burglary in Camden by month", "Camden")
    store.share_dashboard(sergeant, shared.id, "user", "officer", "viewer")
    at = signed_in("officer")
    at.switch_page("pages/dashboards.py")
    at.query_params["dashboard"] = shared.id
    at.run()
    assert not at.exception and at.subheader[0].value == "Mine"
    assert "shared by sergeant · you can view" in at.caption[0].value
    assert at.get("plotly_chart")


def test_create_rename_share_and_delete_from_the_page(env, store):
    at = signed_in("sergeant", "dashboards")
    at.text_input(key="dash_new_title").input("Wembley week")
    at.button(key="dash_create").click().run()
    assert at.subheader[0].value == "Wembley week"
    at.text_input(key="dash_rename").input("Wembley week 2")
    at.button(key="dash_rename_go").click().run()
    assert at.subheader[0].value == "Wembley week 2"
    at.selectbox(key="dash_share_user").select("officer")
    at.button(key="dash_share_go").click().run()
    assert "Shared with officer as viewer" in at.success[0].value
    at.checkbox(key="dash_delete_sure").check()
    at.button(key="dash_delete_go").click().run()
    assert "Deleted" in at.success[0].value
    user = store.get_user("sergeant")
    assert set(actions(store, user, username="sergeant")) >= {
        "dashboard_create",
        "dashboard_change",
        "dashboard_share",
        "dashboard_delete",
        "dashboard_view",
    }


def test_pin_control_pins_an_answer(env, store, engine):
    def page():
        import streamlit as st

        from app import dashboards_ui, services

        st.session_state.setdefault("user", services.get_store().get_user("officer"))
        reply = services.get_engine().ask("burglary in Camden by month")
        dashboards_ui.pin_control(reply, key="ask")

    at = AppTest.from_function(page, default_timeout=60).run()
    assert at.selectbox(key="ask-pin-target").value == "__new__"
    at.text_input(key="ask-pin-new").input("From Ask")
    at.text_input(key="ask-pin-title").input("Camden burglary")
    at.button(key="ask-pin-go").click().run()
    assert not at.exception and "Pinned to “From Ask”" in at.success[0].value
    user = store.get_user("officer")
    (dashboard,) = store.list_dashboards(user)
    assert dashboard.pins[0].title == "Camden burglary" and dashboard.pins[0].source == "ask"
    assert dashboard.pins[0].intent["boroughs"] == ["Camden"]
    assert actions(store, user, action="pin") == ["pin"]
    assert at.selectbox(key="ask-pin-target").value == dashboard.id  # the next pin goes there too
    at.button(key="ask-pin-go").click().run()
    assert len(store.list_dashboards(user)) == 1 and len(store.list_dashboards(user)[0].pins) == 2


def test_a_dashboard_id_from_the_url_is_shown_literally(env, store):
    at = signed_in("officer", "dashboards", dashboard="[Click here](https://evil.example)")
    shown = " ".join(e.value for e in at.error)
    assert "Can't open that dashboard" in shown
    assert "](https://" not in shown and "\\[Click here\\]" in shown


def test_tiles_under_filters_say_what_they_show(env, store, engine):
    user = store.get_user("officer")
    board = _pin(store, user, None, engine, "crime last month", "Crime last month")
    board = _pin(store, user, board, engine, "robbery in Brent this year", "Robbery · Brent · this year")
    board = _pin(store, user, board, engine, "robberies near Oxford Circus by hour", "Oxford Circus by hour")
    at = signed_in("officer", "dashboards")
    assert _tiles(at) == ["Crime last month", "Robbery · Brent · this year", "Oxford Circus by hour"]
    captions = [c.value for c in at.caption]
    assert any("Period: all data, Jan 2024 – Dec 2025" in c for c in captions)  # no period named
    at.selectbox(key="dash_area").select("borough:Harrow").run()
    at.selectbox(key="dash_period").select("last_3_months").run()
    assert not at.exception
    tiles = _tiles(at)
    assert tiles[0] == "Crime · Harrow · last 3 months (Oct–Dec 2025)"
    assert tiles[1] == "Robbery · Harrow · last 3 months (Oct–Dec 2025)"
    # a venue question cannot take an area: the title says only the period, and the tile says so
    assert tiles[2] == "Robbery near Oxford Circus by hour · last 3 months (Oct–Dec 2025)"
    captions = [c.value for c in at.caption]
    assert any("Pinned as “Crime last month”" in c for c in captions)
    assert any("Pinned as “Robbery · Brent · this year”" in c for c in captions)
    assert any("Ignores the dashboard's area filter" in c for c in captions)
