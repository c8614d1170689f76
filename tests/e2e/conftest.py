"""Shared end-to-end fixtures: a running app server and a headless Chromium page.

Reuse them for any page: `app_server` is the base URL of `streamlit run app/main.py`
on the small warehouse with a fresh state store; `page` is a Playwright page;
`ui` wraps both: `ui.open("/about")`, `ui.sign_in()` (a demo account), `ui.ask(question)`
(types and presses Enter),
`ui.shot(name)` (a screenshot under test-artifacts/screenshots/).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90, poll: float = 0.3) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(poll)
    raise TimeoutError(f"streamlit not healthy at {url} after {timeout:.0f} s")


def start_server(warehouse: Path, state: Path, log: Path, extra_env: dict | None = None):
    """Start `streamlit run app/main.py` on a free port; returns (process, base URL)."""
    port = _free_port()
    env = {**os.environ, "UB_WAREHOUSE": str(warehouse), "UB_STATE": str(state), **(extra_env or {})}
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app/main.py",
        "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
    except Exception:
        proc.terminate()
        raise
    return proc, url


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
def app_server(chromium, small_warehouse, tmp_path_factory):
    """Base URL of the app running on the small warehouse with a fresh state store."""
    tmp = tmp_path_factory.mktemp("e2e")
    proc, url = start_server(Path(small_warehouse), tmp / "state.sqlite", tmp / "streamlit.log")
    yield url
    stop_server(proc)


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)  # generous: CI machines here are shared and slow
    yield page
    context.close()


class Ui:
    """A browser page on the running app, with the few moves every page test needs."""

    def __init__(self, page, url: str):
        self.page = page
        self.url = url

    def open(self, path: str = "") -> None:
        """Open a page of the app and wait until Streamlit has finished running it."""
        self.page.goto(self.url + path)
        self.page.wait_for_selector("[data-testid=stApp]")
        self.wait()

    def wait(self, timeout: float = 60_000) -> None:
        """Wait until the script has finished (no running indicator, nothing stale)."""
        self.page.wait_for_timeout(400)
        self.page.wait_for_function(
            "() => !document.querySelector('[data-testid=stStatusWidget]')"
            " && !document.querySelector('[data-stale=true]')",
            timeout=timeout,
        )

    def sign_in(self, username: str = "officer", password: str = "officer-demo") -> None:
        """Sign in with a demo account (created on the synthetic data) through the form."""
        self.page.get_by_role("textbox", name="Username").fill(username)
        self.page.get_by_role("textbox", name="Password").fill(password)
        self.page.get_by_role("button", name="Sign in", exact=True).click()
        self.wait()

    def ask(self, question: str, placeholder: str = "e.g. robberies") -> None:
        """Type into the text box with this placeholder and press Enter."""
        box = self.page.get_by_placeholder(placeholder)
        box.fill(question)
        box.press("Enter")
        self.wait()

    def shot(self, name: str, height: int = 1600, width: int = 1440) -> Path:
        """Save a screenshot (tall viewport, since Streamlit scrolls inside the page; width=390 for a phone)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.set_viewport_size({"width": width, "height": height})
        self.page.wait_for_timeout(1500)  # let charts and maps redraw after the resize
        self.page.screenshot(path=str(path))
        self.page.set_viewport_size({"width": 1440, "height": 1000})
        return path


@pytest.fixture
def ui(page, app_server) -> Ui:
    return Ui(page, app_server)
