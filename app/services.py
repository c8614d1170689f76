"""Process-wide resources, created once: the question engine, the state store, reference data."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from warehouse.paths import borough_outlines_path, state_path, warehouse_path

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]
OUTLINES = borough_outlines_path()
_build_lock = threading.Lock()


@dataclass(frozen=True)
class Facts:
    """What the app says about the warehouse: its build record and the reference tables.

    The tables are read on first use: the sign-in form needs only the build record, and pandas
    (a second to import) is not loaded before it."""

    build_info: dict = field(default_factory=dict)
    path: str | None = None  # the warehouse the tables are read from

    @cached_property
    def boroughs(self) -> pd.DataFrame:
        return _read_table(self.path, "boroughs")

    @cached_property
    def venues(self) -> pd.DataFrame:
        return _read_table(self.path, "venues")

    @property
    def synthetic(self) -> bool:
        """True unless the build record says the crimes are real police.uk imports."""
        return str(self.build_info.get("source", "synthetic")).lower() != "police.uk"


def warehouse_stamp(path: Path) -> str:
    """What changes when the file is rebuilt (renamed over, or rewritten): inode, size, mtime."""
    try:
        info = path.stat()
    except OSError:
        return "missing"
    return f"{info.st_ino}-{info.st_size}-{info.st_mtime_ns}"


class _Engines:
    """One engine per warehouse path, reopened when the file's stamp changes.

    DuckDB shares one database instance per file path within a process, so the engine on the
    replaced file is closed before the new one opens (else the new one would see the old data).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._open: dict[str, tuple[str, object]] = {}
        self._opening: tuple[str, str] | None = None  # (path, stamp) being opened, under the lock

    def get(self, path: Path):
        key, stamp = str(path), warehouse_stamp(path)
        with self._lock:
            current = self._drop_stale(key, stamp)
            if current is not None:
                return current
            started = time.perf_counter()
            self._opening = (key, stamp)
            try:
                from nlq.logged import LoggedEngine  # spaCy and the rest: the first time, a second or so

                engine = LoggedEngine.open(key)
            finally:
                self._opening = None
            log.info("opened the warehouse %s in %.0f ms", key, (time.perf_counter() - started) * 1000)
            self._open[key] = (stamp, engine)
            return engine

    def drop_stale(self, path: Path) -> None:
        """Close the engine of a replaced file, so that other connections see the new one.

        Not while the current file is being opened: the opener has already closed any stale engine,
        and waiting would hold up the sign-in and the page (reading the build facts) for seconds."""
        key, stamp = str(path), warehouse_stamp(path)
        if self._opening == (key, stamp):
            return
        with self._lock:
            self._drop_stale(key, stamp)

    def _drop_stale(self, key: str, stamp: str):
        """The open engine if it is current; else close it (if any) and return None."""
        current = self._open.get(key)
        if current and current[0] == stamp:
            return current[1]
        if current:
            log.info("warehouse %s changed: reopening", key)
            _close(current[1])
            del self._open[key]
        return None


def _close(engine) -> None:
    """Release a replaced warehouse's engine (its file may already be deleted)."""
    try:
        engine.con.close()
    except Exception:  # still busy with a query, or closed: it is released when that ends
        log.warning("could not close the engine of a replaced warehouse", exc_info=True)


# A plain module global, not st.cache_resource: the warm-up thread has no Streamlit context.
_ENGINES = _Engines()


def get_engine():
    """The nlq Engine for the configured warehouse, reopened when the file is rebuilt."""
    return _ENGINES.get(warehouse_path())


def rebuild_notice(state) -> str | None:
    """'Data updated to …' once per session (state: its session_state) after the file changed."""
    path = warehouse_path()
    stamp = warehouse_stamp(path)
    seen = state.get("warehouse_stamp")
    state["warehouse_stamp"] = stamp
    if seen is None or seen == stamp or stamp == "missing":
        return None
    info = get_facts().build_info
    last = info.get("last_month")
    month = f"{last:%B %Y}" if hasattr(last, "strftime") else "the latest build"
    log.info("warehouse %s rebuilt: data now to %s", path, month)
    return (
        f"Data updated to {month} ({info.get('source', 'rebuilt')}, {int(info.get('rows') or 0):,} records)."
    )


_warming: set[tuple[str, str]] = set()
WARM_UP_DELAY_S = 1.0
WARM_UP_SWITCH_INTERVAL_S = 0.0005


def warm_up() -> None:
    """Open the engine in the background once per process, so the first question is answered fast.

    Opening reads the vocabulary and builds the spaCy pipeline (seconds); doing it while the user
    is still signing in or typing keeps the first answer within the latency budget.
    """
    path = warehouse_path()
    key = (str(path), warehouse_stamp(path))
    with _build_lock:
        if key in _warming:
            return
        _warming.add(key)
    threading.Thread(target=_quiet_open, args=key, name="engine-warm-up", daemon=True).start()


def _quiet_open(path: str, _stamp: str) -> None:
    # The engine is pure-Python work (importing spaCy, building the pipeline): started at once, it
    # takes the CPU and the GIL while the browser draws the sign-in form and the server sends it,
    # and the form comes 1.5-2 s later. So it waits for the form to be drawn (nobody signs in
    # within a second of seeing it), and while it runs the GIL is handed over every 0.5 ms instead
    # of 5 ms, so the server thread answers the browser promptly. (bench_startup.py: form 5.8 s ->
    # 3.6 s after `streamlit run`, a bare Streamlit text box 3.7 s; first answer unchanged.)
    time.sleep(WARM_UP_DELAY_S)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, WARM_UP_SWITCH_INTERVAL_S))
    try:
        _ENGINES.get(Path(path))
    except Exception:  # the page opens it again and shows the problem there
        log.warning("warming up the engine for %s failed", path, exc_info=True)
    finally:
        sys.setswitchinterval(interval)


@st.cache_resource(show_spinner=False)
def _store_for(path: str):
    from app.store import Store

    return Store(path)


def get_store():
    """The state store (boards, users, audit), or None while app.store is not built yet."""
    try:
        from app.store import Store  # noqa: F401
    except ImportError:
        return None
    return _store_for(str(state_path()))


READ_ONLY_BANNER = (
    "The state store is read-only just now: you can sign in, ask and read boards and dashboards, "
    "but nothing can be saved (and questions are not audited) until an administrator fixes it."
)


def store_banner() -> str | None:
    """A warning for every page while the state store cannot be written."""
    try:
        store = get_store()
    except Exception:  # the sign-in form shows what is wrong
        return None
    return READ_ONLY_BANNER if getattr(store, "read_only", False) else None


def _read_table(path: str | None, name: str) -> pd.DataFrame:
    """A reference table of the warehouse, or an empty frame if it cannot be read."""
    import pandas as pd

    if path is None:
        return pd.DataFrame()
    from warehouse.connect import connect_readonly

    try:
        con = connect_readonly(Path(path))
    except Exception:
        return pd.DataFrame()
    try:
        return con.table(name).df()
    except Exception:  # an older warehouse may lack a table; the app copes without it
        return pd.DataFrame()
    finally:
        con.close()


def _build_record(con) -> dict:
    """build_info as a dict, whether stored as key/value rows or as one wide row."""
    try:
        cursor = con.execute("SELECT * FROM build_info")
        rows = cursor.fetchall()
    except Exception:  # an older warehouse may lack the table
        return {}
    columns = [d[0] for d in cursor.description]
    if not rows:
        return {}
    if {"key", "value"} <= set(columns):
        k, v = columns.index("key"), columns.index("value")
        return {str(row[k]): row[v] for row in rows}
    return dict(zip(columns, rows[0], strict=True))


@st.cache_resource(show_spinner=False, max_entries=4)
def _facts_for(path: str, stamp: str) -> Facts:
    from warehouse.connect import connect_readonly

    con = connect_readonly(Path(path))
    try:
        return Facts(build_info=_build_record(con), path=path)
    finally:
        con.close()


def get_facts() -> Facts:
    """Build record, boroughs (with centroids) and venues of the configured warehouse."""
    path = warehouse_path()
    try:
        _ENGINES.drop_stale(path)
        return _facts_for(str(path), warehouse_stamp(path))
    except Exception:
        return Facts()


@st.cache_resource(show_spinner=False)
def borough_outlines() -> dict | None:
    """Simplified borough outlines (GeoJSON) drawn under maps; None when the seed is missing."""
    try:
        return json.loads(OUTLINES.read_text())
    except (OSError, ValueError):
        return None


def map_style() -> str | None:
    """A base-map style URL when a tile server is configured (offline default: none)."""
    style = os.environ.get("UB_MAP_STYLE")
    if not style:
        try:
            style = st.secrets.get("map_style")
        except Exception:  # no secrets file is the normal offline case
            style = None
    return style or None


def data_as_of(engine) -> date | None:
    """The anchor month, or None if the engine cannot tell."""
    try:
        return engine.data_as_of
    except Exception:
        return None


def ensure_warehouse() -> None:
    """Build the default warehouse on first start, with a visible progress message."""
    path = warehouse_path()
    if path.exists():
        return
    with _build_lock:
        if path.exists():
            return
        from warehouse.build import build_warehouse

        with st.status("First start: building the default London warehouse…", expanded=True) as status:
            st.write(
                "Generating two years of synthetic street-level records. This takes a minute or two, once."
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            build_warehouse(path, progress=False)
            status.update(label="Warehouse ready", state="complete", expanded=False)


def require_entrypoint() -> None:
    """Make sure a page runs under app/main.py's navigation (page config, sign-in gate).

    Streamlit 1.67 treats an app with a `pages/` folder next to its entry script as an old-style
    multipage app until `st.navigation` first runs in the process; a deep link as the first request
    (e.g. /about) would then run the page file on its own. Switch that off and rerun through main.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_MINE = re.compile(r"\bmy (?:bcu|team|area|patch|command unit)\b", re.IGNORECASE)


def fill_in_mine(question: str, user) -> tuple[str, str | None, str | None]:
    """(question, note, problem): "my BCU" becomes the signed-in user's team ("North West BCU");
    without a team on the account, a problem to show instead of a London-wide answer."""
    if not _MINE.search(question):
        return question, None, None
    team = getattr(user, "team", None)
    if not team:
        return (
            question,
            None,
            "Your account has no team (BCU), so “my BCU” can't be filled in: name the BCU, "
            "e.g. “what changed in North West BCU last month”.",
        )
    words = _MINE.search(question).group(0)
    return _MINE.sub(f"{team} BCU", question), f"“{words}” → {team} BCU (your team)", None
