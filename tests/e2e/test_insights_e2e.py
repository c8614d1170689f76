"""Chromium: the supervisor overview's "What changed this month" tile on a full-size warehouse,
each flag opening its Ask answer; screenshots at 1440x900 and 390x844."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS, Ui, start_server, stop_server
from tests.insights.conftest import full_warehouse  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def full_app(chromium, full_warehouse, tmp_path_factory):  # noqa: F811
    tmp = tmp_path_factory.mktemp("e2e-insights")
    proc, url = start_server(full_warehouse, tmp / "state.sqlite", tmp / "streamlit.log")
    yield url
    stop_server(proc)


def test_supervisor_sees_what_changed_and_opens_a_flag_in_ask(page, full_app):  # noqa: F811
    ui = Ui(page, full_app)
    ui.open()
    ui.sign_in("supervisor", "supervisor-demo")
    page.locator("[data-testid=stSidebarNav]").get_by_text("Dashboards").click()
    ui.wait()
    tile = page.locator(".st-key-tile-what-changed")
    tile.get_by_text("What changed this month · North West BCU").wait_for()
    tile.get_by_text("Nothing unusual in December 2025").wait_for()
    links = tile.locator("[data-testid=stPageLink] a")
    links.first.wait_for()  # the flags are drawn after the headline
    assert links.count() >= 1
    tile.locator("[data-testid=stPlotlyChart]").first.wait_for()  # a sparkline per flag
    ui.shot("dashboard-what-changed-1440", height=900, width=1440)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone, scrolled to the tile
    page.wait_for_timeout(1500)
    tile.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-what-changed-390.png"))
    page.set_viewport_size({"width": 1440, "height": 1000})
    assert tile.get_by_text("— unusually", exact=False).count() >= 1  # each flag a sentence with its numbers
    first = links.first
    assert first.inner_text().strip().endswith("Open in Ask")
    first.click()
    ui.wait()
    assert "q=" in page.url
    page.locator("[data-testid=stPlotlyChart]").first.wait_for()  # the Ask answer, by month
    ui.shot("ask-from-what-changed", height=900, width=1440)


def test_where_next_map_renders_with_the_excluded_types_explained(page, full_app):  # noqa: F811
    ui = Ui(page, full_app)
    ui.open()
    ui.sign_in("supervisor", "supervisor-demo")
    page.locator("[data-testid=stSidebarNav]").get_by_text("Dashboards").click()
    ui.wait()
    tile = page.locator(".st-key-tile-where-next")
    tile.get_by_text("Where next · North West BCU").wait_for()
    tile.get_by_text("Not forecast: Drugs and Possession of weapons.").wait_for()
    assert "where police look" in tile.inner_text()
    deck = tile.locator("[data-testid=stDeckGlJsonChart]")
    deck.scroll_into_view_if_needed()
    deck.locator("canvas").first.wait_for()  # the map is drawn, not only its caption
    tile.get_by_text("Expected next month").wait_for()  # the legend
    ui.shot("dashboard-where-next-1440", height=900, width=1440)
