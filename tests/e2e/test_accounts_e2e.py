"""Sign-in, dashboards and private links in real headless Chromium.

Its own server, on a state store prepared beforehand: the demo accounts and a private board
owned by the sergeant.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Ui, start_server, stop_server

pytestmark = pytest.mark.browser

CHART = ".js-plotly-plot"


@pytest.fixture(scope="module")
def prepared(chromium, small_warehouse, tmp_path_factory):
    """(base URL, id of the sergeant's private board)."""
    from app.auth import seed_demo_accounts
    from app.store import Store

    tmp = tmp_path_factory.mktemp("accounts-e2e")
    store = Store(tmp / "state.sqlite")
    seed_demo_accounts(store)
    board = store.create_board(store.get_user("sergeant"), "Sergeant's private board")
    proc, url = start_server(Path(small_warehouse), tmp / "state.sqlite", tmp / "streamlit.log")
    yield url, board.id
    stop_server(proc)


@pytest.fixture
def app(page, prepared) -> Ui:
    return Ui(page, prepared[0])


def sign_in(ui: Ui, username: str, password: str) -> None:
    ui.page.get_by_role("textbox", name="Username").fill(username)
    ui.page.get_by_role("textbox", name="Password").fill(password)
    ui.page.get_by_role("button", name="Sign in", exact=True).click()
    ui.wait()


def test_supervisor_pins_an_answer_and_sees_the_tile(app):
    app.open()
    app.page.get_by_role("button", name="Sign in", exact=True).wait_for()
    assert app.page.get_by_text("Ask about crime in London").count() == 0  # gated
    app.shot("signin-form", height=1000)
    sign_in(app, "supervisor", "supervisor-demo")
    app.page.get_by_text("Demo Supervisor").wait_for()
    app.ask("burglary in Camden by month")
    app.page.wait_for_selector(CHART)

    app.page.get_by_role("button", name="Pin to dashboard").click()
    popover = app.page.locator("[data-testid=stPopoverBody]")
    popover.get_by_label("Tile title").fill("Camden burglary by month")
    popover.get_by_label("Tile title").press("Tab")
    popover.get_by_role("button", name="Pin", exact=True).click()
    app.wait()
    app.page.get_by_text("Pinned to “My dashboard”").wait_for()
    app.shot("ask-pinned", height=1400)

    app.page.locator("[data-testid=stSidebarNav]").get_by_text("Dashboards").click()
    app.wait()
    app.page.get_by_text("Camden burglary by month").wait_for()
    tile = app.page.locator("[class*='st-key-tile-']").filter(has_text="Camden burglary by month").first
    tile.locator(CHART).first.wait_for()  # the tile drew its chart
    app.page.get_by_text("Refreshed at").first.wait_for()
    app.shot("dashboard-pinned-tile")

    # The supervisor's default overview for their BCU is there too.
    app.page.get_by_role("combobox", name="Dashboard", exact=True).click()
    app.page.get_by_role("option", name="Supervisor overview: North West").click()
    app.wait()
    for title in ("Crime last month", "Crime by month, last 12 months", "Hotspots last month"):
        app.page.get_by_text(title, exact=True).wait_for()
    app.page.wait_for_selector("[data-testid=stDeckGlJsonChart] canvas")
    app.shot("dashboard-supervisor-overview", height=1800)

    app.page.locator("[data-testid=stSidebarNav]").get_by_text("Audit log").click()  # supervisors see it
    app.wait()
    app.page.get_by_text("dashboard_create").first.wait_for(
        state="attached"
    )  # a canvas grid: cells are hidden
    app.shot("audit-log-supervisor")


def test_officer_cannot_open_a_private_board_by_url(app, prepared):
    _, board_id = prepared
    app.open(f"/boards?board={board_id}")
    app.page.get_by_role("button", name="Sign in", exact=True).wait_for()
    app.page.get_by_text("opens once you have signed in").wait_for()
    sign_in(app, "officer", "officer-demo")
    app.page.get_by_text("not shared with you").wait_for()
    assert f"board={board_id}" in app.page.url  # the link survived signing in
    assert app.page.get_by_text("Sergeant's private board").count() == 0
    app.shot("board-not-shared")


def test_wrong_password_and_audit_page_for_officers_hidden(app):
    app.open()
    sign_in(app, "officer", "wrong-password")
    app.page.get_by_text("Wrong username or password").wait_for()
    sign_in(app, "officer", "officer-demo")
    nav = app.page.locator("[data-testid=stSidebarNav]")
    nav.get_by_text("My account").wait_for()
    assert nav.get_by_text("Audit log").count() == 0
    nav.get_by_text("My account").click()
    app.wait()
    app.page.get_by_text("sign_in_failed").first.wait_for(state="attached")  # a canvas grid: cells are hidden
    app.shot("my-history")
