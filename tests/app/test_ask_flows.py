"""Ask page flows with a stand-in engine: input checks, share links, chips, follow-ups."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import services, share
from tests.app import fakes

PAGE = str(Path(__file__).resolve().parents[2] / "app" / "pages" / "ask.py")


@pytest.fixture
def at(monkeypatch, tmp_path):
    monkeypatch.setenv("UB_WAREHOUSE", str(tmp_path / "none.duckdb"))
    monkeypatch.setattr(services, "get_engine", lambda: fakes.FakeEngine())
    return AppTest.from_file(PAGE, default_timeout=30)


def _ask(at, question):
    at.text_input(key="ask_q").input(question)
    at.button(key="ask_submit").click().run()
    assert not at.exception
    return at


def test_first_view_shows_examples(at):
    at.run()
    assert not at.exception
    labels = [b.label for b in at.button]
    assert "compare burglary in Camden and Islington by month" in labels


def test_question_gives_chart_chips_footer_and_share_params(at):
    _ask(at.run(), "compare burglary in Camden and Islington by month")
    assert at.get("plotly_chart")
    assert at.button(key="ask-chip-borough").label.startswith("Camden, Islington")
    assert any("data as of December 2025" in c.value for c in at.caption)
    assert at.query_params["q"] in (
        "compare burglary in Camden and Islington by month",
        ["compare burglary in Camden and Islington by month"],
    )


def test_example_button_asks(at):
    at.run()
    next(b for b in at.button if b.label.startswith("map of")).click().run()
    assert not at.exception and at.get("deck_gl_json_chart")
    assert at.text_input(key="ask_q").value.startswith("map of")


@pytest.mark.parametrize("question", ["", "   ", "x" * 10_000])
def test_empty_or_overlong_question_is_explained(at, question):
    _ask(at.run(), question)
    assert at.warning and (
        "Type a question" in at.warning[0].value or "characters long" in at.warning[0].value
    )
    _ask(at, "how many burglaries")  # the page keeps working
    assert at.metric[0].value == "1,234"


def test_refusal_is_friendly_with_suggestions(at):
    _ask(at.run(), "SELECT * FROM crimes; DROP TABLE crimes")
    assert "can't answer" in at.info[0].value
    at.button(key="ask_suggestion_0").click().run()
    assert not at.exception and at.get("plotly_chart")


def test_removing_a_chip_reruns_without_it_and_shares_the_intent(at):
    _ask(at.run(), "compare burglary in Camden and Islington by month")
    at.button(key="ask-chip-borough").click().run()
    assert not at.exception
    assert "borough" not in [b.key.removeprefix("ask-chip-") for b in at.button if b.key]
    assert "i" in at.query_params


def test_follow_up_refines(at):
    _ask(at.run(), "compare burglary in Camden and Islington by month")
    at.text_input(key="ask_followup").input("as a map")
    at.button(key="ask_refine").click().run()
    assert not at.exception and at.get("deck_gl_json_chart")


def test_share_link_question_is_answered_on_open(at):
    at.query_params["q"] = "how many burglaries in Westminster last month"
    at.run()
    assert not at.exception and at.metric[0].value == "1,234"


@pytest.mark.parametrize(
    "params",
    [
        {"i": "garbage"},
        {"q": "how many burglaries", "i": "%%%"},
        {"q": "x" * 9000},
        {"i": share.encode_intent({"a": 1})},
    ],
)
def test_broken_share_links_give_a_clear_message(at, params):
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    messages = [m.value for m in [*at.warning, *at.info]]
    assert any("share link" in m or "characters long" in m for m in messages)
    _ask(at, "how many burglaries")
    assert at.metric
