"""Near-me questions on the Ask page (AppTest, real engine on the small warehouse): the page asks
the browser for its position first, answers around it once given, and says how to allow it when
refused; the audit keeps the location rounded to 3 decimals; share links never carry it."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from app import geolocation

APP = Path(__file__).resolve().parents[2] / "app"
POINT = {"latitude": 51.51234, "longitude": -0.14027, "accuracy": 12.0}


@pytest.fixture
def store(monkeypatch, small_warehouse, tmp_path):
    from app.auth import seed_demo_accounts
    from app.store import Store

    monkeypatch.setenv("UB_WAREHOUSE", str(small_warehouse))
    monkeypatch.setenv("UB_STATE", str(tmp_path / "state.sqlite"))
    store = Store(tmp_path / "state.sqlite")
    seed_demo_accounts(store)
    return store


def _browser(monkeypatch, answer: str, value: dict) -> list:
    """Stand in for the browser: the locator answers at once with *value* as *answer*."""
    import streamlit as st

    mounted = []

    def locator(request, key, on_located, on_failed):
        mounted.append(request)
        st.session_state[key] = SimpleNamespace(**{answer: {"request": request, **value}})
        (on_located if answer == "located" else on_failed)()

    monkeypatch.setattr(geolocation, "locator", locator)
    return mounted


def _ask(store, question: str) -> AppTest:
    at = AppTest.from_file(str(APP / "pages" / "ask.py"), default_timeout=60)
    at.session_state["user"] = store.get_user("officer")
    at.run()
    at.text_input(key="ask_q").input(question)
    at.button(key="ask_submit").click().run()
    assert not at.exception, at.exception
    return at


def test_a_near_me_question_waits_for_the_browser_and_answers_nothing_yet(store, monkeypatch):
    mounted = []
    monkeypatch.setattr(geolocation, "locator", lambda request, *a: mounted.append(request))
    at = _ask(store, "crime near me last month")
    assert mounted  # the locator was mounted for this request
    assert "Finding your location" in at.info[0].value
    assert not at.code and not at.subheader  # no SQL and no answer, London-wide or otherwise
    assert [e.action for e in store.search_audit(store.get_user("officer"), action="question")] == []


def test_located_the_answer_is_around_the_point_and_audited_rounded(store, monkeypatch):
    _browser(monkeypatch, "located", POINT)
    at = _ask(store, "robberies within 300 m of me last month")
    at.run()  # the page draws the answer the callback made
    assert not at.exception, at.exception
    assert "within 300 m of your location (51.5123, \u22120.1403)" in at.subheader[0].value
    assert "haversine_m(c.latitude, c.longitude, 51.51234, -0.14027) <= 300" in at.code[0].value.lower()
    assert "i" not in at.query_params  # the share link holds only the question, never a location
    assert not at.get("popover")  # not added to boards or dashboards: it would keep the position
    assert "not added to boards or dashboards" in " ".join(c.value for c in at.caption)
    [row] = store.search_audit(store.get_user("officer"), action="question")
    assert row.detail["location"] == [51.512, -0.14]
    assert "51.51234" not in str(row.detail) and "51.5123," not in str(row.detail)
    assert "51.512, -0.14) <= 300" in row.detail["sql"].lower()
    assert "(51.5120, \u22120.1400)" in row.detail["understood"]
    assert _ask(store, "robbery near Oxford Circus last month").get("popover")  # as other answers are


def test_refused_the_reply_says_how_to_allow_it_and_offers_places(store, monkeypatch):
    _browser(monkeypatch, "failed", {"code": 1})
    at = _ask(store, "crime near me last month")
    at.run()
    assert not at.exception, at.exception
    text = at.info[0].value
    assert "Location is blocked for this site" in text and "Allow location" in text
    assert not at.code  # no SQL
    offered = [b.label for b in at.button if b.key and b.key.startswith("ask_suggestion_")]
    assert offered and all(label.startswith("crime near ") and "me" not in label.split() for label in offered)
    [row] = store.search_audit(store.get_user("officer"), action="question")
    assert not row.ok and row.detail["sql"] is None and "location" not in row.detail


def test_a_position_for_another_request_is_ignored(store, monkeypatch):
    import streamlit as st

    def locator(request, key, on_located, on_failed):
        st.session_state[key] = SimpleNamespace(located={"request": "someone-else", **POINT})
        on_located()

    monkeypatch.setattr(geolocation, "locator", locator)
    at = _ask(store, "crime near me last month")
    at.run()
    assert "Finding your location" in at.info[0].value and not at.code


def test_refusal_sentences():
    assert "blocked" in geolocation.refusal(1)
    assert geolocation.refusal("x") == geolocation.refusal(2) != geolocation.refusal(3)


def test_share_links_never_carry_a_location():
    from app import share
    from nlq import Intent, near_me

    located = near_me.locate(Intent(near_me=True), 51.5123, -0.1402).to_dict()
    assert share.params_for("crime near me", located) == {"q": "crime near me"}
    forged = share.read_params({"q": "crime near me", "i": share.encode_intent(located)})
    assert forged.intent is None and forged.problem and forged.question == "crime near me"
    plain = Intent(boroughs=("Camden",)).to_dict()
    assert "i" in share.params_for("crime in Camden", plain)  # other refined answers keep theirs
