"""My account: who I am, my own history (the audit log of my activity) and my password."""

from __future__ import annotations

import streamlit as st

from app import dashboards_ui, services, session
from app.sanitize import md_escape
from app.store import StoreError

S = st.session_state


def _change_password() -> None:
    user = session.current_user()
    old, new, again = (S.get(k) or "" for k in ("pw_old", "pw_new", "pw_again"))
    if new != again:
        S["pw_message"] = ("error", "The new passwords don't match.")
        return
    try:
        S["user"] = services.get_store().change_password(user, old, new)
    except StoreError as exc:  # AuthError (wrong current password) and ValidationError (policy)
        S["pw_message"] = ("error", md_escape(exc))
        return
    for key in ("pw_old", "pw_new", "pw_again"):
        S[key] = ""
    S["pw_message"] = ("success", "Password changed.")


def main() -> None:
    user = session.require_user()
    st.title("My account")
    team = f" · team (BCU) {md_escape(user.team)}" if user.team else ""
    st.caption(
        f"{md_escape(user.display_name)} · `{user.username}` · {session.ROLE_NAMES.get(user.role, user.role)}{team}"
    )
    history, password = st.tabs(["My history", "Password"])
    with history:
        st.caption("Everything you have done in Utility Belt, newest first. Supervisors can see this too.")
        dashboards_ui.audit_view("mine", anyone=False)
    with password:
        with st.form("pw_form", border=False):
            st.text_input("Current password", type="password", key="pw_old", autocomplete="current-password")
            st.text_input(
                "New password (at least 8 characters)",
                type="password",
                key="pw_new",
                autocomplete="new-password",
            )
            st.text_input("New password again", type="password", key="pw_again", autocomplete="new-password")
            st.form_submit_button("Change password", on_click=_change_password, key="pw_submit")
        message = S.pop("pw_message", None)
        if message:
            getattr(st, message[0])(message[1])


services.require_entrypoint()
main()
