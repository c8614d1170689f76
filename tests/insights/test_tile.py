"""The supervisor overview's "What changed this month" tile (AppTest)."""

from __future__ import annotations

from app import dashboards_ui as ui
from tests.accounts.conftest import env, signed_in, state_backend, store  # noqa: F401 (fixtures)


def test_the_overview_has_a_what_changed_tile_for_the_supervisors_bcu(env, store):  # noqa: F811
    at = signed_in("supervisor", "dashboards")
    titles = [m.value for m in at.main.markdown]
    assert ":material/insights: **What changed this month · North West BCU**" in titles
    assert any("series (crime type × borough) against their seasonal baseline" in c.value for c in at.caption)


def test_each_flag_opens_its_ask_answer(monkeypatch, env, store):  # noqa: F811
    import datetime as dt

    from insights import Flag

    month = dt.date(2025, 12, 1)
    flag = Flag("Harrow", "Robbery", month, 61, 38.4, 30, 47, 0.0001, 0.001, (30, 35, 61), (month,) * 3)
    monkeypatch.setattr(ui, "changed_flags", lambda boroughs, months=3: ([flag], 39, month))
    at = signed_in("supervisor", "dashboards")
    links = at.get("page_link")
    assert links, "no page link drawn"
    proto = links[0].proto
    assert proto.label == "Open in Ask"
    # the sentence is wrapped text, not a one-line link label cut short on a phone (defect seen at 390 px)
    assert any(flag.sentence() in m.value for m in at.main.markdown)
    assert proto.query_string == "q=robbery+in+Harrow+by+month+in+the+last+24+months"


def test_every_flag_question_is_answered_by_ask(small_warehouse):
    import datetime as dt

    from insights import Flag
    from nlq import Engine

    engine = Engine.open(str(small_warehouse))
    for crime_type in engine.vocabulary.crime_types:
        flag = Flag("Harrow", crime_type, dt.date(2025, 12, 1), 9, 5.0, 2, 8, 0.01, 0.04)
        reply = engine.ask(flag.question())
        assert reply.error is None and reply.chart == "line", (flag.question(), reply.error)
