"""Process-wide resources, created once: the question engine, the state store, reference data."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from warehouse.paths import state_path, warehouse_path

ROOT = Path(__file__).resolve().parents[1]
OUTLINES = ROOT / "seeds" / "borough_outlines.geojson"
_build_lock = threading.Lock()


@dataclass(frozen=True)
class Facts:
    """What the app says about the warehouse: its build record and the reference tables."""

    build_info: dict = field(default_factory=dict)
    boroughs: pd.DataFrame = field(default_factory=pd.DataFrame)
    venues: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def synthetic(self) -> bool:
        """True unless the build record says the crimes are real police.uk imports."""
        return str(self.build_info.get("source", "synthetic")).lower() != "police.uk"


@st.cache_resource(show_spinner="Opening the warehouse…")
def _engine_for(path: str):
    from nlq import Engine

    return Engine.open(path)


def get_engine():
    """The nlq Engine for the configured warehouse (one per process and path)."""
    return _engine_for(str(warehouse_path()))


_warming: set[str] = set()


def warm_up() -> None:
    """Open the engine in the background once per process, so the first question is answered fast.

    Opening reads the vocabulary and builds the spaCy pipeline (seconds); doing it while the user
    is still signing in or typing keeps the first answer within the latency budget.
    """
    path = str(warehouse_path())
    with _build_lock:
        if path in _warming:
            return
        _warming.add(path)
    threading.Thread(target=_quiet_open, args=(path,), name="engine-warm-up", daemon=True).start()


def _quiet_open(path: str) -> None:
    try:
        _engine_for(path)
    except Exception:  # the page opens it again and shows the problem there
        pass


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


def _table(con, name: str) -> pd.DataFrame:
    try:
        return con.table(name).df()
    except Exception:  # an older warehouse may lack a table; the app copes without it
        return pd.DataFrame()


def _build_record(frame: pd.DataFrame) -> dict:
    """build_info as a dict, whether stored as key/value rows or as one wide row."""
    if frame.empty:
        return {}
    if {"key", "value"} <= set(frame.columns):
        return {str(k): v for k, v in zip(frame["key"], frame["value"], strict=False)}
    return {k: v for k, v in frame.iloc[0].items()}


@st.cache_resource(show_spinner=False)
def _facts_for(path: str, _mtime: float) -> Facts:
    from warehouse.connect import connect_readonly

    con = connect_readonly(Path(path))
    try:
        return Facts(
            build_info=_build_record(_table(con, "build_info")),
            boroughs=_table(con, "boroughs"),
            venues=_table(con, "venues"),
        )
    finally:
        con.close()


def get_facts() -> Facts:
    """Build record, boroughs (with centroids) and venues of the configured warehouse."""
    path = warehouse_path()
    try:
        return _facts_for(str(path), path.stat().st_mtime)
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
