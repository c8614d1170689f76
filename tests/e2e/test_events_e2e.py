"""Plan Wembley (Eras Tour) in Chromium, use it as a template for The O2 with the defaults, and find
no error on any tile or in the exported briefing; a filtered dashboard shows its filters.
Screenshots at 1440×900 and 390×844."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_boards_e2e import CHART, TILE, sign_in, tile_titles

pytestmark = pytest.mark.browser


def shots(ui, name: str) -> None:
    ui.shot(f"{name}-desktop", height=900, width=1440)
    ui.shot(f"{name}-phone", height=844, width=390)


def test_plan_wembley_then_duplicate_for_the_o2(ui, tmp_path):
    ui.open("/plan")
    sign_in(ui, "sergeant", "sergeant-demo")
    page = ui.page
    page.get_by_role("heading", name="Plan an event").wait_for()
    page.get_by_role("combobox", name="Learn from").click()
    page.get_by_role("option", name="Taylor Swift | The Eras Tour").click()
    ui.wait()
    shots(ui, "events-planner")
    page.get_by_role("button", name="Build starter board").click()
    page.wait_for_url(re.compile(r"board="), timeout=60_000)
    ui.wait(60_000)
    page.wait_for_selector(CHART)
    assert page.get_by_text("extra per event").count() >= 1
    assert page.get_by_text(re.compile("Back-test on the last 8 past events")).count() == 1
    titles = tile_titles(page)
    assert any("Taylor Swift | The Eras Tour" in t for t in titles)
    ui.shot("events-wembley-board", height=2400)

    page.get_by_role("button", name="Use as template").click()
    venue = page.get_by_role("combobox", name="Venue")
    venue.click()
    venue.fill("The O2")
    page.get_by_role("option", name="The O2", exact=True).click()
    ui.wait()
    assert page.get_by_text(re.compile("no past concert events")).count() >= 1
    title = page.get_by_label("Title", exact=True).input_value()
    assert "The O2" in title and "Wembley" not in title and "Eras" not in title
    page.get_by_role("button", name="Duplicate", exact=True).click()
    ui.wait(60_000)
    page.get_by_text("This is your copy").wait_for()
    page.wait_for_selector(TILE)
    page.wait_for_timeout(2000)
    assert page.locator("[data-testid=stAlertContentError]").count() == 0
    assert page.get_by_text("unknown event").count() == 0
    titles = tile_titles(page)
    assert titles and not [t for t in titles if "Wembley" in t or "Eras" in t]
    shots(ui, "events-o2-duplicate")

    with page.expect_download() as info:
        page.get_by_role("button", name="Briefing (HTML)").click()
    path = tmp_path / "briefing.html"
    info.value.save_as(path)
    html = path.read_text()
    assert 'class="error"' not in html and "unknown event" not in html and "The O2" in html
    assert "Period:" in html


def test_filtered_dashboard_shows_its_filters(ui):
    ui.open("/dashboards")
    sign_in(ui, "supervisor", "supervisor-demo")  # the supervisor overview: North West BCU
    page = ui.page
    page.wait_for_selector("div[class*='st-key-tile-']")
    page.get_by_role("combobox", name="Period (every tile)").click()
    page.get_by_role("option", name="Last 3 months").click()
    ui.wait(60_000)
    page.get_by_text(re.compile(r"last 3 months \(Oct–Dec 2025\)")).first.wait_for()
    assert page.get_by_text(re.compile("Pinned as")).count() >= 1
    page.wait_for_timeout(1500)
    shots(ui, "events-filtered-dashboard")
