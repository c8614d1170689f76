"""The boards domain without Streamlit or AppTest: planning, re-targeting templates, duplication,
running tiles side by side, the briefing; and the import circles that are gone."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from app.boards import service
from tests.boards.conftest import WEMBLEY

ROOT = Path(__file__).resolve().parents[2]
ERAS = "Taylor Swift | The Eras Tour"


@pytest.fixture
def eras(store, users, engine):
    return service.plan_board(engine, store, users["sarge"], event_name=ERAS, **WEMBLEY)


def test_the_boards_domain_imports_no_streamlit():
    code = (
        "import sys; import app.boards.service, app.briefing, app.periods, app.store; "
        "bad = [m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.')]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_no_import_circle_between_auth_and_store_nor_render_and_dashboards():
    store_imports = set().union(*(_imports(p) for p in (ROOT / "app" / "store").glob("*.py")))
    assert not {m for m in store_imports if m == "app.auth" or m.startswith("app.auth.")}
    assert "app.auth" not in {m.rsplit(".", 1)[0] for m in store_imports if m.startswith("app.")} - {"app"}
    assert not any(m.endswith("auth") for m in store_imports if m.startswith("app"))
    render = _imports(ROOT / "app" / "render.py")
    assert not any("dashboards_ui" in m for m in render)


def test_starter_board_names_the_event_whole_and_states_periods(eras, engine):
    questions = [t for t in eras.tiles if not t.intent.get("plan")]
    assert questions and any(ERAS in t.title for t in questions)
    assert all("during Taylor Swift ·" not in t.question for t in questions)
    results = service.run_tiles(engine, eras.tiles)
    assert not [r.error for r in results if r.error]
    periods = [r.period for r in results if r.reply is not None]
    assert all(periods) and any(p.startswith("all data, Jan 2024") for p in periods)
    assert eras.title.startswith(ERAS)


def test_tiles_run_side_by_side_in_order(eras, engine):
    one_by_one = [service.run_tile(engine, t) for t in eras.tiles]
    together = service.run_tiles(engine, eras.tiles)
    assert [r.tile.id for r in together] == [t.id for t in eras.tiles]
    for a, b in zip(one_by_one, together, strict=True):
        assert (a.error, a.plan_part) == (b.error, b.plan_part)
        if a.reply is not None:
            assert a.reply.frame.equals(b.reply.frame)


def _copy_for(engine, store, users, board, venue):
    plan = service.plan_duplicate(engine, board, {**board.event, "venue": venue, "date": dt.date(2026, 3, 1)}
                                  | {k: v for k, v in {}.items()})  # fmt: skip
    return plan


@pytest.mark.parametrize("venue", ["The O2", "Emirates Stadium", "Hyde Park"])
def test_template_retargets_completely(eras, engine, store, users, venue):
    new_event = {k: v for k, v in eras.event.items() if k not in ("event_name", "event_category")}
    new_event.update(venue=venue, date=dt.date(2026, 3, 1))
    plan = service.plan_duplicate(engine, eras, new_event)  # learn-from left to the default
    assert plan.problem is None, plan.problem
    assert plan.event["event_name"] != ERAS and venue in plan.title and "Wembley" not in plan.title
    assert plan.learn_note and venue in plan.learn_note
    assert not plan.dropped, plan.dropped
    copy = service.duplicate(engine, store, users["pc-view"] if False else users["sarge"], eras, plan.title,
                             plan.event, plan)  # fmt: skip
    assert copy.event["venue"] == venue
    for tile in copy.tiles:
        assert "Wembley" not in tile.title and ERAS not in tile.title, tile.title
        if not tile.intent.get("plan"):
            assert tile.intent["venues"] == [venue]
            assert tile.intent.get("event") != ERAS
    results = service.run_tiles(engine, copy.tiles)
    assert not [(r.tile.title, r.error) for r in results if r.error]
    report, problem = service.plan_report(engine, copy.event)
    assert problem is None and report.venue == venue
    page = service.briefing_html(copy, report, results, forecast=service.forecast_for(report))
    assert 'class="error"' not in page and "unknown event" not in page
    if venue == "Hyde Park":  # two BST concerts: learn from them, and no forecast from two events
        assert "concert" in plan.learn_note
        assert "Fewer than 3 past events" in service.forecast_for(report).message
    if venue == "The O2":
        assert "no past concert events" in plan.learn_note


def test_an_unknown_learn_from_falls_back_with_a_message(eras, engine):
    plan = service.plan_duplicate(engine, eras, {**eras.event, "venue": "The O2"})  # keeps the Eras Tour
    assert plan.event["event_name"] is None
    assert plan.learn_note.startswith(f"There were no past {ERAS} at The O2")
    assert not plan.dropped


def test_a_venue_without_events_keeps_only_tiles_that_run(eras, engine, store, users):
    new_event = {"venue": "Oxford Circus", "radius_m": 500, "date": dt.date(2026, 3, 1)}
    plan = service.plan_duplicate(engine, eras, new_event)
    assert "no past events at Oxford Circus" in plan.learn_note
    assert plan.dropped and all("no past events" in why for _, why in plan.dropped)
    copy = service.duplicate(engine, store, users["sarge"], eras, plan.title, plan.event, plan)
    assert len(copy.tiles) == len(plan.tiles) > 0
    assert not [r.error for r in service.run_tiles(engine, copy.tiles) if r.error]


def test_retarget_title():
    old = {"venue": "Wembley Stadium", "event_name": ERAS, "radius_m": 500}
    new = {"venue": "The O2", "event_name": None, "radius_m": 800}
    assert (
        service.retarget_title(f"Robbery by hour during {ERAS}", old, new)
        == "Robbery by hour during past events"
    )
    assert (
        service.retarget_title("Robbery by month within 500 m", old, new) == "Robbery by month within 800 m"
    )
