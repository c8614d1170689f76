"""Plan an event at Wembley Stadium in Chromium, share the board, open its link as someone else."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

TILE = "div[class*='st-key-boardtile_']"
MAP = "[data-testid=stDeckGlJsonChart] canvas"
CHART = ".js-plotly-plot"


def sign_in(ui, username: str, password: str) -> None:
    """Sign in on the sign-in form (the app shows it before any page, keeping the URL)."""
    page = ui.page
    box = page.get_by_role("textbox", name="Username")
    box.wait_for(timeout=20_000)
    box.fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    box.wait_for(state="detached", timeout=20_000)
    ui.wait()


def tile_titles(page) -> list[str]:
    tiles = page.locator(TILE)
    return [tiles.nth(i).locator("strong").first.inner_text() for i in range(tiles.count())]


def test_plan_share_and_open_the_link_elsewhere(ui, browser):
    ui.open()
    sign_in(ui, "sergeant", "sergeant-demo")
    ui.page.get_by_role("link", name="Plan an event").click()
    ui.wait()
    ui.page.get_by_role("heading", name="Plan an event").wait_for()
    ui.shot("boards-plan-form", height=1000)
    ui.page.get_by_role("button", name="Build starter board").click()
    ui.page.wait_for_url(re.compile(r"board="), timeout=60_000)
    ui.wait(60_000)
    ui.page.wait_for_selector(MAP)
    ui.page.wait_for_selector(CHART)
    ui.page.wait_for_timeout(2500)  # software WebGL draws the layers a moment after the canvas appears
    assert ui.page.get_by_text("Where and when to focus").count() == 1
    assert ui.page.get_by_text("Theft from the person").count() >= 1
    titles = tile_titles(ui.page)
    assert len(titles) >= 8 and titles[0].startswith("Extra crimes per event")
    ui.shot("boards-planned-board", height=4200)
    link = ui.page.url

    # share with the demo officer as a viewer
    ui.page.get_by_role("button", name="Share").first.click()
    ui.page.get_by_text("A person").click()
    ui.page.get_by_label("Who").click()
    ui.page.get_by_role("option", name="officer", exact=True).click()
    ui.page.get_by_role("button", name="Share", exact=True).last.click()
    ui.wait()
    ui.page.get_by_text("Shared with officer as viewer").wait_for()

    # the link, in a fresh browser (no session), signed in as the officer
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        other = context.new_page()
        other.set_default_timeout(60_000)
        other_ui = type(ui)(other, ui.url)
        other.goto(link)
        other.wait_for_selector("[data-testid=stApp]")
        other_ui.wait()
        sign_in(other_ui, "officer", "officer-demo")
        other.wait_for_selector(TILE)
        other_ui.wait(60_000)
        other.wait_for_selector(MAP)
        assert tile_titles(other) == titles
        assert other.get_by_text("you are viewer").count() == 1
        other.wait_for_timeout(2500)
        other_ui.shot("boards-shared-view", height=2400)
    finally:
        context.close()


def test_broken_board_links(ui):
    ui.open("/boards?board=nonexistent")
    sign_in(ui, "sergeant", "sergeant-demo")
    ui.page.get_by_text("doesn't exist or was deleted").wait_for()
    ui.shot("boards-broken-link", height=900)
