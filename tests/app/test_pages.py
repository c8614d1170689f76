"""Every page and the main flows, with the real engine on the small warehouse (AppTest)."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app"


@pytest.fixture
def env(monkeypatch, small_warehouse, tmp_path):
    monkeypatch.setenv("UB_WAREHOUSE", str(small_warehouse))
    monkeypatch.setenv("UB_STATE", str(tmp_path / "state.sqlite"))


@pytest.fixture
def ask_page(env):
    return AppTest.from_file(str(APP / "pages" / "ask.py"), default_timeout=60)


def _ask(at, question):
    at.text_input(key="ask_q").input(question)
    at.button(key="ask_submit").click().run()
    assert not at.exception, at.exception
    return at


def test_main_gates_then_opens_on_the_ask_page_and_about_works(env, tmp_path):
    from app.auth import seed_demo_accounts
    from app.store import Store

    at = AppTest.from_file(str(APP / "main.py"), default_timeout=60).run()
    assert not at.exception
    assert any(b.label == "Sign in" for b in at.button)  # signed out: the sign-in form only
    store = Store(tmp_path / "state.sqlite")
    seed_demo_accounts(store)
    at.session_state["user"] = store.get_user("officer")
    at.run()
    assert not at.exception
    assert at.title[0].value == "Ask about crime in London"
    at.switch_page(str(APP / "pages" / "about.py")).run()
    assert not at.exception
    assert at.title[0].value == "About the data"
    assert "synthetic" in at.warning[0].value
    text = " ".join(m.value for m in at.markdown)
    for credit in (
        "data.police.uk",
        "London Datastore",
        "Open Government Licence v2.0",
        "Office for National Statistics",
    ):
        assert credit in text


def test_near_venue_by_hour(ask_page):
    at = _ask(ask_page.run(), "robberies near Oxford Circus by hour last month")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["xaxis"]["title"]["text"] == "Hour of day"
    assert any("Oxford Circus" in b.label for b in at.button if b.key and b.key.startswith("ask-chip"))
    assert "haversine_m" in at.code[0].value.lower() and "\n" in at.code[0].value


def test_compare_two_boroughs_by_month_is_two_lines(ask_page):
    at = _ask(ask_page.run(), "compare burglary in Camden and Islington by month")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert sorted(t["name"] for t in spec["data"]) == ["Camden", "Islington"]
    assert all(t["type"] == "scatter" for t in spec["data"])


def test_map_of_a_borough(ask_page):
    at = _ask(ask_page.run(), "map of bicycle theft in Hackney in 2025")
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    ids = {layer["id"] for layer in deck["layers"]}
    assert {"borough-outlines", "borough-names", "points"} <= ids
    assert 51.5 < deck["initialViewState"]["latitude"] < 51.6
    assert any("data as of December 2025" in c.value for c in at.caption)


def test_sql_typed_in_is_refused_kindly(ask_page):
    at = _ask(ask_page.run(), "SELECT * FROM crimes; DROP TABLE crimes")
    assert "can't" in at.info[0].value and not at.get("plotly_chart")
    _ask(at, "how many burglaries in Westminster last month")
    assert at.metric and at.metric[0].value.replace(",", "").isdigit()


def test_follow_up_and_shared_refined_answer(ask_page, env):
    at = _ask(ask_page.run(), "burglary in Camden by month")
    at.text_input(key="ask_followup").input("what about Hackney?")
    at.button(key="ask_refine").click().run()
    assert not at.exception
    assert any("Hackney" in b.label for b in at.button if b.key and b.key.startswith("ask-chip"))
    params = {k: at.query_params[k] for k in at.query_params}
    assert "i" in params
    fresh = AppTest.from_file(str(APP / "pages" / "ask.py"), default_timeout=60)
    for key, value in params.items():
        fresh.query_params[key] = value[0] if isinstance(value, list) else value
    fresh.run()
    assert not fresh.exception
    assert any("Hackney" in b.label for b in fresh.button if b.key and b.key.startswith("ask-chip"))


def test_stale_share_link_is_explained(ask_page):
    from app import share

    ask_page.query_params["q"] = "burglary in Camden by month"
    ask_page.query_params["i"] = share.encode_intent({"boroughs": ["Atlantis"], "group_by": ["month"]})
    at = ask_page.run()
    assert not at.exception
    assert any("share link" in m.value for m in at.info)
    assert at.get("plotly_chart")


def test_corrections_are_shown(ask_page):
    at = _ask(ask_page.run(), "crime in Southwork by month")
    assert any("Southwark" in c.value for c in at.caption)
    assert at.get("plotly_chart")


def test_missing_warehouse_is_built_on_first_start_with_a_message(monkeypatch, tmp_path):
    import warehouse.build

    target = tmp_path / "new.duckdb"
    monkeypatch.setenv("UB_WAREHOUSE", str(target))
    built = []
    monkeypatch.setattr(
        warehouse.build, "build_warehouse", lambda out, **kw: (built.append(out), out.touch())
    )

    def script():
        from app import services

        services.ensure_warehouse()

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception
    assert built == [target] and target.exists()
    status = at.main.children[0]  # st.status: the visible progress message, closed when done
    assert status.label == "Warehouse ready" and "synthetic" in status.children[0].value


def test_unknown_word_is_a_red_chip_with_answer_without_it(ask_page):
    at = _ask(ask_page.run(), "theft during the regatta last month")
    assert "regatta" in at.info[0].value and not at.get("plotly_chart") and not at.metric
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert any(b.startswith(":red-badge[") and "not understood: regatta" in b for b in badges), badges
    assert any(b.startswith(":gray-badge[") and "last month" in b for b in badges), badges
    without = at.button(key="ask_without")
    assert "regatta" in without.label
    without.click().run()
    assert not at.exception
    assert at.text_input(key="ask_q").value == "theft last month"
    assert at.metric and at.metric[0].value.replace(",", "").isdigit()


def test_the_big_title_shows_only_before_the_first_answer(ask_page):
    at = ask_page.run()
    assert [t.value for t in at.title] == ["Ask about crime in London"]
    at = _ask(at, "how many burglaries in Westminster last month")
    assert not at.title  # on a phone the answer must be on the first screen
    assert at.metric


def test_a_map_answer_states_what_it_shows_with_a_legend(ask_page):
    at = _ask(ask_page.run(), "crime last year as a map")
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert "cells" in {layer["id"] for layer in spec["layers"]}
    captions = " ".join(c.value for c in at.caption)
    assert " cells (hexagons " in captions and "busiest cell" in captions
    assert any("Crimes per cell" in m.value for m in at.markdown)
    footer = next(c.value for c in at.caption if c.value.startswith("Looked at"))
    assert " ms" in footer or " s ·" in footer


def test_how_many_groups_is_one_number_with_its_reading(ask_page):
    at = _ask(ask_page.run(), "how many boroughs had more than 10 robberies in 2025")
    assert at.metric and not at.get("plotly_chart")
    assert any("number of boroughs" in b.label for b in at.button if b.key and b.key.startswith("ask-chip"))


def test_time_after_an_event_is_a_chip_and_a_number(ask_page):
    at = _ask(
        ask_page.run(), "crime within 5 km of Wembley Stadium in the 3 hours after the football matches"
    )
    assert at.metric
    chips = [b.label for b in at.button if b.key and b.key.startswith("ask-chip")]
    assert any("3 hours after football events" in label for label in chips), chips
