"""Who is signed in: the sign-in gate, the sign-in form, single sign-on and signing out.

- ``current_user()`` is the signed-in ``app.store.User`` (``st.session_state["user"]``) or None.
- ``require_user()`` draws the sign-in form and stops the script when nobody is signed in.
- ``signed_in_user()`` (main.py, every run) re-reads the user from the store, so a role change
  or a disabled account takes effect at once, and completes a single sign-on.
- ``gate(page)`` (main.py) shows only the sign-in form until someone signs in. The URL (page
  and query parameters such as ``?q=`` or ``?board=``) is left alone, so a shared link opens
  once the user has signed in.

Passwords, lockout and the audit rows for sign-in live in the store (``Store.authenticate``).
"""

from __future__ import annotations

import importlib.util
import logging

import streamlit as st

from app import services
from app.sanitize import md_escape

log = logging.getLogger(__name__)
S = st.session_state
ROLE_NAMES = {"officer": "Officer", "sergeant": "Sergeant", "supervisor": "Supervisor", "admin": "Admin"}


# ---- who is signed in -----------------------------------------------------------------------


def current_user():
    """The signed-in user (app.store.User) or None."""
    return S.get("user")


def require_user():
    """The signed-in user; otherwise draw the sign-in form and stop the script."""
    user = current_user()
    if user is None:
        sign_in_form()
        st.stop()
    return user


def can_audit(user) -> bool:
    """Supervisors and admins search everyone's audit rows."""
    return user is not None and user.role in ("supervisor", "admin")


def signed_in_user():
    """The signed-in user as saved now (None if signed out, disabled or deleted meanwhile)."""
    ensure_demo_accounts()
    user = current_user()
    if user is None:
        _finish_sso()
        return current_user()
    store = services.get_store()
    try:
        fresh = store.get_user(user.username)
    except Exception:
        fresh = None
    if fresh is None or fresh.disabled:
        S.clear()
        S["signin_message"] = "Your account has been disabled or removed. Ask an admin for help."
        return None
    S["user"] = fresh
    return fresh


def gate(page) -> None:
    """Before running a page: the sign-in form when signed out; otherwise the sidebar."""
    if current_user() is None:
        require_user()
    url_path = getattr(page, "url_path", None)
    S["page_entered"] = S.get("page_current") != url_path
    S["page_current"] = url_path
    sidebar()


def page_entered() -> bool:
    """True on the first run of a page after arriving from another page (or signing in)."""
    return bool(S.get("page_entered", True))


# ---- demo accounts ---------------------------------------------------------------------------


def _synthetic_demo_data() -> bool:
    """True only when the warehouse says it is the built-in synthetic data."""
    return str(services.get_facts().build_info.get("source", "")).lower() == "synthetic"


def ensure_demo_accounts() -> None:
    """Demo accounts on the built-in synthetic data only: created there; on any other warehouse
    none are created and the existing ones are disabled (once per process, state file and data)."""
    from warehouse.paths import state_path

    _demo_policy(str(state_path()), _synthetic_demo_data())


# The arguments are only the cache key: apply once per state file and kind of data.
@st.cache_resource(show_spinner=False)
def _demo_policy(state: str, synthetic: bool) -> list[str]:  # noqa: ARG001
    from app.auth import apply_demo_policy

    try:
        changed = apply_demo_policy(services.get_store(), synthetic)
    except Exception:  # a read-only or broken state file must not stop the app from starting
        log.exception("applying the demo-account policy failed")
        return []
    if changed and not synthetic:
        log.warning("real data: demo accounts disabled: %s", ", ".join(changed))
    return changed


def demo_accounts() -> list[tuple[str, str, str, str | None]]:
    """(username, password, role, team) of the demo accounts, when the data is the synthetic demo."""
    if not _synthetic_demo_data():
        return []
    from app.auth import DEMO_ACCOUNTS

    return [(name, password, role, team) for name, password, role, team, _ in DEMO_ACCOUNTS]


# ---- signing in and out ----------------------------------------------------------------------


def sign_in(username: str, password: str) -> bool:
    """Check the password (the store audits the attempt); True when signed in."""
    from app.store import AuthError

    username = (username or "").strip()
    if not username or not password:
        S["signin_message"] = "Enter your username and password."
        return False
    try:
        user = services.get_store().authenticate(username, password)
    except AuthError as exc:
        S["signin_message"] = str(exc)
        return False
    except Exception:
        log.exception("sign-in failed")
        S["signin_message"] = "Signing in is not working right now. Please try again in a minute."
        return False
    _start_session(user)
    return True


def _start_session(user) -> None:
    S["user"] = user
    S.pop("signin_message", None)
    S["page_current"] = None  # the page shown next counts as entered


def sign_out() -> None:
    """Audit the sign-out and forget everything this browser session held."""
    user = current_user()
    if user is not None:
        try:
            services.get_store().audit(user, "sign_out", "user", user.username)
        except Exception:
            log.exception("auditing sign-out failed")
    S.clear()
    st.query_params.clear()
    if _sso_claims():
        st.logout()


def _submit_sign_in() -> None:
    if sign_in(S.get("signin_username", ""), S.get("signin_password", "")):
        S["signin_password"] = ""


def sign_in_form() -> None:
    """The sign-in page: username and password, SSO when configured, demo accounts when synthetic."""
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("Utility Belt")
        st.caption("London crime analytics. Police data: every use is logged. Sign in to continue.")
        message = S.get("signin_message")
        if message:
            st.error(md_escape(message), icon=":material/lock:")
        with st.form("signin_form", enter_to_submit=True):
            st.text_input("Username", key="signin_username", autocomplete="username")
            st.text_input("Password", key="signin_password", type="password", autocomplete="current-password")
            st.form_submit_button("Sign in", type="primary", on_click=_submit_sign_in, key="signin_submit")
        if sso_configured():
            st.button("Sign in with SSO", icon=":material/key:", on_click=st.login, key="signin_sso")
        if st.query_params.to_dict():
            st.caption(":material/link: You followed a link: it opens once you have signed in.")
        demo = demo_accounts()
        if not demo:
            st.caption(
                ":material/no_accounts: Demo accounts are switched off: this warehouse is not the "
                "built-in synthetic data."
            )
        if demo:
            with st.expander("Demo accounts (built-in synthetic data only)"):
                rows = [f"| `{n}` | `{p}` | {ROLE_NAMES[r]} | {t or '—'} |" for n, p, r, t in demo]
                st.markdown(
                    "| username | password | role | team (BCU) |\n|---|---|---|---|\n" + "\n".join(rows)
                )


# ---- single sign-on (st.login, OIDC) ------------------------------------------------------------


def sso_configured() -> bool:
    """True when secrets.toml has an [auth] section (Streamlit's OIDC settings) and Authlib,
    which st.login needs, is installed."""
    try:
        if "auth" not in st.secrets:
            return False
    except Exception:  # no secrets file at all
        return False
    if importlib.util.find_spec("authlib") is None:
        log.warning("secrets.toml has [auth] but Authlib is not installed: SSO is off (pip install Authlib)")
        return False
    return True


def _sso_claims() -> dict | None:
    """The identity provider's claims for the SSO-signed-in browser, or None."""
    if not sso_configured():
        return None
    try:
        if st.user.is_logged_in:
            return dict(st.user.to_dict())
    except Exception:
        return None
    return None


def _sso_settings() -> tuple[list[str], str | None]:
    """([sso] allowed_domains, [sso] username_claim) from secrets.toml."""
    try:
        sso = st.secrets.get("sso", {})
        return list(sso.get("allowed_domains", [])), sso.get("username_claim")
    except Exception:
        return [], None


def _finish_sso() -> None:
    """After st.login: map the identity provider's identity to a local account, once."""
    from app.auth import sso_username

    claims = _sso_claims()
    email = str((claims or {}).get("email") or "").strip().lower()
    if claims is None or S.get("sso_tried") == (email, claims.get("sub")):
        return
    S["sso_tried"] = (email, claims.get("sub"))
    store = services.get_store()
    domains, claim = _sso_settings()
    if not domains or not claim:
        log.warning("SSO is on but [sso] allowed_domains or username_claim is missing: refusing SSO sign-ins")
    username = sso_username(claims, domains, claim)
    user = None
    if username:
        try:
            user = store.get_user(username)
        except Exception:
            user = None
    if user is None or user.disabled:
        reason = "disabled" if user is not None else ("no_account" if username else "not_allowed")
        try:
            store._sign_in_failed(username, f"sso_{reason}")  # the store's own failed-sign-in row
        except Exception:
            log.exception("auditing a failed SSO sign-in failed")
        S["signin_message"] = (
            f"Single sign-on worked, but {email or 'this identity'} has no usable Utility Belt account."
            " Ask an admin to add one."
        )
        return
    store.audit(user, "sign_in", "user", user.username, {"method": "sso", "email": email, "claim": claim})
    _start_session(user)


# ---- sidebar -----------------------------------------------------------------------------------


def sidebar() -> None:
    """Who is signed in, and the sign-out button."""
    user = current_user()
    if user is None:
        return
    with st.sidebar:
        with st.container(border=True, key="whoami"):
            st.markdown(f"**{md_escape(user.display_name)}**")
            team = f" · {md_escape(user.team)}" if user.team else ""
            st.caption(f"{ROLE_NAMES.get(user.role, user.role)}{team} · `{user.username}`")
            st.button(
                "Sign out", icon=":material/logout:", on_click=sign_out, key="sign_out", width="stretch"
            )
