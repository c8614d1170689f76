"""Utility Belt: the Streamlit entry point (`streamlit run app/main.py`)."""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run app/main.py` puts app/ on sys.path, not the repo root that holds the packages.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app import services, session  # noqa: E402
from warehouse.logs import configure_logging  # noqa: E402

configure_logging()

PAGES = Path(__file__).resolve().parent / "pages"


def pages() -> list:
    """The app's pages, Ask first; later issues add Boards, Dashboards, Audit."""
    return [
        st.Page(PAGES / "ask.py", title="Ask", icon=":material/search:", default=True),
        st.Page(PAGES / "plan.py", title="Plan an event", icon=":material/event:"),
        st.Page(PAGES / "boards.py", title="Boards", icon=":material/space_dashboard:"),
        st.Page(PAGES / "dashboards.py", title="Dashboards", icon=":material/dashboard:"),
        st.Page(PAGES / "about.py", title="About the data", icon=":material/info:"),
        st.Page(PAGES / "account.py", title="My account", icon=":material/person:"),
    ] + audit_pages()


def audit_pages() -> list:
    """The audit log page, for supervisors and admins (and before sign-in, so its link survives)."""
    user = session.current_user()
    if user is not None and not session.can_audit(user):
        return []
    return [st.Page(PAGES / "audit.py", title="Audit log", icon=":material/policy:")]


# Layout for handhelds and keyboards: no "Press Enter to submit form" over typed text; chart
# toolbars only on hover, tap or keyboard focus of the chart (hidden ones are not in the Tab
# order, so Tab reaches the answer first); on a phone, tighter margins, a smaller heading and
# compact chips, so that the answer is on the first screen.
CSS = """
<style>
[data-testid="InputInstructions"] { display: none !important; }
.st-key-ub-session-cookie { display: none !important; }
.js-plotly-plot .modebar-container { display: none !important; }
.js-plotly-plot:hover .modebar-container, .js-plotly-plot:focus-within .modebar-container { display: block !important; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding: 3.75rem 0.75rem 2rem 0.75rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.7rem; }
  [data-testid="stMainBlockContainer"] h3 { font-size: 1.15rem; padding: 0.25rem 0; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.5rem; }
  .st-key-ask-chips { gap: 0.3rem !important; }
  .st-key-ask-chips button { min-height: 1.9rem; padding: 0.1rem 0.55rem; }
  .st-key-ask-chips button p { font-size: 0.85rem; }
}
</style>
"""

st.set_page_config(page_title="Utility Belt · London crime", page_icon="🔎", layout="wide")
st.html(CSS)
services.ensure_warehouse()
if notice := services.rebuild_notice(st.session_state):
    st.toast(notice, icon=":material/update:")
if banner := services.store_banner():
    st.warning(banner, icon=":material/lock:")
user = session.signed_in_user()  # also creates the demo accounts on the synthetic data
session.cookie_writer()  # the browser keeps the session token, so a reload stays signed in
page = st.navigation(pages(), position="sidebar" if user else "hidden")
try:
    session.gate(page)  # signed out: the sign-in form only (the URL and its ?q=/?board= are kept)
finally:
    # Opening the engine takes seconds of CPU: started once the sign-in form is out (so as not to
    # slow it down), it runs while the user types; a signed-in page waits for it if need be.
    services.warm_up()
page.run()
