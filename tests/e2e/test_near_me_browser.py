"""'Near me' in Chromium: with a granted, fixed geolocation the answer is around it (chip, SQL,
map ring); with permission refused the reply says how to allow it and offers places instead."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Ui

REGENT_STREET = {"latitude": 51.5123, "longitude": -0.1402}


@pytest.fixture
def located(browser, app_server):
    context = browser.new_context(
        viewport={"width": 1440, "height": 1000}, geolocation=REGENT_STREET, permissions=["geolocation"]
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield Ui(page, app_server)
    context.close()


@pytest.fixture
def refused(browser, app_server):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, permissions=[])
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield Ui(page, app_server)
    context.close()


def _answered(ui: Ui, text: str) -> None:
    ui.page.get_by_text(text).first.wait_for()
    ui.wait()


def test_near_me_answers_around_the_browsers_position(located):
    ui = located
    ui.open()
    ui.sign_in()
    ui.ask("robberies within 300 m of me last month")
    _answered(ui, "within 300 m of your location (51.5123, \u22120.1402)")
    page = ui.page
    assert page.get_by_text("Finding your location").count() == 0
    page.get_by_text("SQL", exact=False).first.wait_for()
    assert "q=" in page.url and "i=" not in page.url  # the link carries the question, not the place
    ui.ask("crime near me in 2025 as a map", placeholder="e.g. robberies")
    _answered(ui, "within 500 m of your location (51.5123, \u22120.1402)")
    page.locator("[data-testid=stDeckGlJsonChart] canvas").first.wait_for()
    page.set_viewport_size({"width": 1440, "height": 900})
    ui.shot("near_me_map_1440", height=900)
    ui.shot("near_me_map_390", height=844, width=390)


def test_refused_location_says_how_to_allow_it(refused):
    ui = refused
    ui.open()
    ui.sign_in()
    ui.ask("crime near me last month")
    _answered(ui, "Location is blocked for this site")
    page = ui.page
    assert page.get_by_text("Allow location for this site").count() >= 1
    assert page.get_by_role("button", name="crime near Alexandra Palace last month").count() == 1
    assert page.get_by_text("within 500 m of your location (").count() == 0  # nothing answered
    ui.shot("near_me_refused_1440", height=900)
    ui.shot("near_me_refused_390", height=844, width=390)
