"""Start-up of the app in headless Chromium: `streamlit run app/main.py` to the sign-in form and to
the first answer, and the app process's peak memory. Ratios matter, not raw times: machines are noisy.

usage: python benchmarks/bench_startup.py [--warehouse PATH] [--runs N] [--question TEXT]

Each run starts the app on a free port, as the browser tests do (tests/e2e/conftest.py), with
Chromium already open; the first run on a new state store (the demo accounts are created then),
the others on that same store, as a restarted server finds it. Timed from the launch:
- health: /_stcore/health answers "ok";
- sign-in form: the Username box can be typed in (and the same less the health time);
- first answer: signed in as the demo officer, the question typed, its number shown;
- peak RSS of the app process (VmHWM).
The baseline, timed in the same run the same way, is a bare Streamlit script with one text box:
what Streamlit itself costs on this machine just now.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, _wait_healthy  # noqa: E402

IDLE = (
    "() => !document.querySelector('[data-testid=stStatusWidget]')"
    " && !document.querySelector('[data-stale=true]')"
)
BASELINE_APP = 'import streamlit as st\nst.text_input("Username")\n'


def launch(script: str, env: dict) -> tuple[subprocess.Popen, str, float]:
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
    ]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}", started


def wait_healthy(url: str, proc: subprocess.Popen) -> None:
    _wait_healthy(url, proc, timeout=120, poll=0.02)  # fine polling: the health check is a timed mark


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def time_app(browser, env: dict, question: str) -> dict:
    proc, url, started = launch("app/main.py", env)
    try:
        wait_healthy(url, proc)
        health = time.perf_counter() - started
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(120_000)
        page.goto(url)
        box = page.get_by_role("textbox", name="Username")
        box.wait_for(state="visible")
        page.wait_for_function(IDLE)
        form = time.perf_counter() - started
        box.fill("officer")
        page.get_by_role("textbox", name="Password").fill("officer-demo")
        ask = page.get_by_placeholder("e.g. robberies")
        sign_in = page.get_by_role("button", name="Sign in", exact=True)
        for attempt in range(3):  # a click while the page was still settling can be lost
            if sign_in.count():
                sign_in.click()
            try:
                ask.wait_for(state="visible", timeout=30_000)
                break
            except Exception:
                if attempt == 2:
                    raise
        page.wait_for_function(IDLE)  # as a user would, type once the page has settled
        ask.fill(question)
        for attempt in range(3):  # under heavy load an Enter can be lost in a rerun: press it again
            ask.press("Enter")
            try:
                page.wait_for_selector("[data-testid=stMetric]", timeout=40_000)
                break
            except Exception:
                if attempt == 2:
                    raise
        answer = time.perf_counter() - started
        page.close()
        return {"health": health, "form": form, "answer": answer, "rss": peak_rss_mib(proc.pid)}
    finally:
        stop(proc)


def time_baseline(browser, env: dict, folder: Path) -> dict:
    script = folder / "baseline_app.py"
    script.write_text(BASELINE_APP)
    proc, url, started = launch(str(script), env)
    try:
        wait_healthy(url, proc)
        health = time.perf_counter() - started
        page = browser.new_page()
        page.set_default_timeout(120_000)
        page.goto(url)
        page.get_by_role("textbox", name="Username").wait_for(state="visible")
        form = time.perf_counter() - started
        page.close()
        return {"health": health, "form": form, "rss": peak_rss_mib(proc.pid)}
    finally:
        stop(proc)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", default=str(ROOT / "data" / "warehouse.duckdb"))
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--question", default="how many burglaries in Westminster last month")
    args = ap.parse_args()
    if not Path(args.warehouse).exists():
        sys.exit(f"no warehouse at {args.warehouse} (python -m warehouse build)")
    if not CHROMIUM.exists():
        sys.exit(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    apps, bases = [], []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for run in range(args.runs):
            env = {**os.environ, "UB_WAREHOUSE": args.warehouse, "UB_STATE": f"{tmp}/state.sqlite"}
            env.pop("UB_ENGINE", None)
            bases.append(time_baseline(browser, env, Path(tmp)))  # interleaved with the app's runs
            apps.append(time_app(browser, env, args.question))
            a, b = apps[-1], bases[-1]
            print(
                f"run {run + 1}: app health {a['health']:.2f} s, sign-in form {a['form']:.2f} s, "
                f"first answer {a['answer']:.2f} s, peak RSS {a['rss']:,.0f} MiB | "
                f"bare Streamlit health {b['health']:.2f} s, text box {b['form']:.2f} s"
            )
        browser.close()

    def med(rows, key):
        return statistics.median(r[key] for r in rows)

    first = apps[0]
    print(
        f"first start (new state store): sign-in form {first['form']:.2f} s, first answer {first['answer']:.2f} s"
    )
    if len(apps) > 1:  # restarts: the state store exists
        apps, bases = apps[1:], bases[1:]
    print(f"warehouse: {args.warehouse}, restarts: medians of {len(apps)} runs:")
    print(
        f"health:        {med(apps, 'health'):5.2f} s   bare Streamlit {med(bases, 'health'):5.2f} s   "
        f"ratio {med(apps, 'health') / med(bases, 'health'):.2f}x"
    )
    print(
        f"sign-in form:  {med(apps, 'form'):5.2f} s   bare Streamlit {med(bases, 'form'):5.2f} s   "
        f"ratio {med(apps, 'form') / med(bases, 'form'):.2f}x   "
        f"(after health: {statistics.median(a['form'] - a['health'] for a in apps):.2f} s)"
    )
    print(
        f"first answer:  {med(apps, 'answer'):5.2f} s   ratio to the bare text box {med(apps, 'answer') / med(bases, 'form'):.2f}x"
    )
    print(f"peak RSS:      {med(apps, 'rss'):,.0f} MiB   bare Streamlit {med(bases, 'rss'):,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
