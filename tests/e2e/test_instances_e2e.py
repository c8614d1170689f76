"""Two app instances (two `streamlit run` processes on their own ports) share one PostgreSQL
state store and one warehouse: a board saved on one opens on the other, and the audit log
holds both instances' actions in order, its hash chain intact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import Ui, start_server, stop_server
from tests.e2e.test_boards_e2e import CHART, TILE, sign_in, tile_titles

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shared_state(postgres_server):
    """A fresh database on the session's throwaway PostgreSQL server: its URL."""
    return postgres_server.new_database()


@pytest.fixture(scope="module")
def two_instances(chromium, small_warehouse, shared_state, tmp_path_factory):
    """Base URLs of two app servers on the same state store and warehouse."""
    tmp = tmp_path_factory.mktemp("instances")
    first = start_server(Path(small_warehouse), shared_state, tmp / "first.log")
    try:
        second = start_server(Path(small_warehouse), shared_state, tmp / "second.log")
    except Exception:
        stop_server(first[0])
        raise
    yield first[1], second[1]
    stop_server(first[0])
    stop_server(second[0])


def test_a_board_saved_on_one_instance_opens_on_the_other(two_instances, browser, shared_state):
    from app.store import Store

    first_url, second_url = two_instances
    first = Ui(browser.new_page(viewport={"width": 1440, "height": 1000}), first_url)
    first.page.set_default_timeout(60_000)
    first.open()
    sign_in(first, "sergeant", "sergeant-demo")
    first.page.get_by_role("link", name="Plan an event").click()
    first.wait()
    first.page.get_by_role("button", name="Build starter board").click()
    first.page.wait_for_url(re.compile(r"board="), timeout=60_000)
    first.page.wait_for_selector(CHART)
    first.wait(60_000)
    saved = tile_titles(first.page)
    assert len(saved) >= 8
    board_id = re.search(r"board=([\w-]+)", first.page.url).group(1)

    # The same link on the other instance, signed in as someone else.
    second = Ui(browser.new_page(viewport={"width": 1440, "height": 1000}), second_url)
    second.page.set_default_timeout(60_000)
    second.open(first.page.url.removeprefix(first_url))
    sign_in(second, "admin", "admin-demo")
    second.page.wait_for_selector(TILE)
    second.page.wait_for_selector(CHART)
    second.wait(60_000)
    assert tile_titles(second.page) == saved
    second.shot("instances-board-on-second-instance", height=1400)

    store = Store(shared_state)
    admin = store.get_user("admin")
    log = list(reversed(store.search_audit(admin, limit=10_000)))
    assert store.verify_audit() is None
    steps = [(e.username, e.action) for e in log if e.action in ("sign_in", "board_create", "board_view")]
    created = steps.index(("sergeant", "board_create"))
    assert steps.index(("sergeant", "sign_in")) < created
    assert ("admin", "sign_in") in steps[created:] and ("admin", "board_view") in steps[created:]
    view = next(e for e in log if (e.username, e.action) == ("admin", "board_view"))
    assert view.target_id == board_id
    assert [e.id for e in log] == sorted(e.id for e in log)
