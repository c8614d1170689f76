"""Utility Belt: the Streamlit entry point (`streamlit run app/main.py`)."""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run app/main.py` puts app/ on sys.path, not the repo root that holds the packages.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app import services  # noqa: E402

PAGES = Path(__file__).resolve().parent / "pages"


def pages() -> list:
    """The app's pages, Ask first; later issues add Boards, Dashboards, Audit."""
    return [
        st.Page(PAGES / "ask.py", title="Ask", icon=":material/search:", default=True),
        st.Page(PAGES / "about.py", title="About the data", icon=":material/info:"),
    ]


st.set_page_config(page_title="Utility Belt · London crime", page_icon="🔎", layout="wide")
services.ensure_warehouse()
user = st.session_state.get("user")  # the sign-in gate (require_user()) goes here
st.navigation(pages()).run()
