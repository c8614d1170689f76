"""“What changed in Camden in December 2025” asked of the engine and on the Ask page, on the
full-size synthetic warehouse with a known anomaly injected (Camden burglary +60% that month)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.accounts.conftest import new_app, sign_in
from tests.insights.conftest import INJECTED

QUESTION = "what changed in Camden in December 2025"


@pytest.fixture(scope="module")
def engines(full_warehouse, anomaly_warehouse):
    from nlq import Engine

    return Engine.open(str(full_warehouse)), Engine.open(str(anomaly_warehouse))


def _flags(reply):
    assert reply.error is None, reply.error
    return reply.context["what_changed"].flags


def test_the_injected_anomaly_is_found_and_nothing_else_is(engines):
    plain, injected = engines
    before = {(f.borough, f.crime_type) for f in _flags(plain.ask(QUESTION))}
    flags = _flags(injected.ask(QUESTION))
    borough, crime_type, month = INJECTED
    found = [f for f in flags if (f.borough, f.crime_type) == (borough, crime_type)]
    assert found and found[0].direction == "high" and found[0].month == dt.date.fromisoformat(month)
    assert (borough, crime_type) not in before  # it was not unusual before the injection
    assert {(f.borough, f.crime_type) for f in flags} - {
        (borough, crime_type)
    } == before  # the rest unchanged


def test_the_answer_matches_the_dashboard_tile(engines, anomaly_warehouse):
    """The Ask answer and the supervisor tile test the same series the same way."""
    from insights import what_changed
    from insights.data import bcu_boroughs, warehouse_counts

    _, engine = engines
    counts = warehouse_counts(anomaly_warehouse)
    boroughs = bcu_boroughs()["North West"]
    tile = what_changed(counts, boroughs, max(counts["month"]), months=3)
    reply = engine.ask("anything unusual in North West BCU in the last 3 months")
    assert [f.sentence() for f in _flags(reply)] == [f.sentence() for f in tile]
    assert reply.context["what_changed"].series == 3 * 14


def test_a_series_is_left_alone_when_only_another_type_is_asked_about(engines):
    _, engine = engines
    assert not _flags(engine.ask("anything unusual in robbery in Camden in December 2025"))
    reply = engine.ask("any spikes in burglary in Camden in December 2025")
    assert [f.crime_type for f in _flags(reply)] == ["Burglary"]
    assert reply.rows_scanned > 0 and "'Burglary'" in reply.sql


def test_the_ask_page_shows_the_reading_the_method_and_each_flag_as_a_link(
    monkeypatch, tmp_path, anomaly_warehouse
):
    from app import auth
    from app.store import passwords

    monkeypatch.setattr(auth, "SCRYPT_N", 2**10)
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**10)
    monkeypatch.setenv("UB_WAREHOUSE", str(anomaly_warehouse))
    monkeypatch.setenv("UB_STATE", str(tmp_path / "state.sqlite"))
    at = new_app()
    at.run()
    sign_in(at, "supervisor")
    at.switch_page("pages/ask.py").run()
    at.text_input(key="ask_q").input(QUESTION)
    at.button(key="ask_submit").click().run()
    assert not at.exception, at.exception
    assert at.subheader[0].value == "What changed · Camden · December 2025 · all crime types"
    assert any("Benjamini–Hochberg" in c.value for c in at.caption)  # says what the method is
    sentence = "Burglary in Camden: "
    assert any(sentence in m.value and "unusually high" in m.value for m in at.main.markdown)
    link = at.get("page_link")[0].proto
    assert link.label == "Open in Ask"
    assert link.query_string == "q=burglary+in+Camden+by+month+in+the+last+24+months"
    assert any("SQL behind this answer" in e.label for e in at.expander)
    # "my BCU" is the supervisor's team
    at.text_input(key="ask_q").input("what changed in my BCU last month")
    at.button(key="ask_submit").click().run()
    assert at.subheader[0].value == "What changed · North West BCU · December 2025 · all crime types"
    assert any("your team" in c.value for c in at.caption)


def test_my_bcu_without_a_team_is_explained_not_answered_for_london(monkeypatch, tmp_path, small_warehouse):
    from app import auth
    from app.store import passwords

    monkeypatch.setattr(auth, "SCRYPT_N", 2**10)
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**10)
    monkeypatch.setenv("UB_WAREHOUSE", str(small_warehouse))
    monkeypatch.setenv("UB_STATE", str(tmp_path / "state.sqlite"))
    at = new_app()
    at.run()
    sign_in(at, "officer")  # the demo officer has no team
    at.switch_page("pages/ask.py").run()
    at.text_input(key="ask_q").input("what changed in my BCU")
    at.button(key="ask_submit").click().run()
    assert not at.exception
    assert at.warning and "no team (BCU)" in at.warning[0].value
    assert not at.subheader
