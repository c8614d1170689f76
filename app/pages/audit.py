"""Audit log: who did what and when (supervisors and admins). Search, filter and export as CSV.

The log is append-only: the store refuses any change or deletion of a row.
"""

from __future__ import annotations

import streamlit as st

from app import dashboards_ui, services, session


def main() -> None:
    user = session.require_user()
    st.title("Audit log")
    if not session.can_audit(user):
        st.error("The audit log is for supervisors and admins. Your own activity is under **My account**.")
        return
    st.caption(
        "Every sign-in (and failed attempt), question, export, download, and every board or dashboard "
        "viewed, created, changed, shared or deleted. Rows can't be changed or deleted; exports are logged too."
    )
    dashboards_ui.audit_view("audit", anyone=True)


services.require_entrypoint()
main()
