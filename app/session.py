"""Who is signed in: the sign-in gate, the sign-in form, single sign-on and signing out.

- ``current_user()`` is the signed-in ``app.store.User`` (``st.session_state["user"]``) or None.
- ``require_user()`` draws the sign-in form and stops the script when nobody is signed in.
- ``signed_in_user()`` (main.py, every run) re-reads the user from the store, so a role change
  or a disabled account takes effect at once, and completes a single sign-on.
- ``gate(page)`` (main.py) shows only the sign-in form until someone signs in. The URL (page
  and query parameters such as ``?q=`` or ``?board=``) is left alone, so a shared link opens
  once the user has signed in.

Passwords, lockout and the audit rows for sign-in live in the store (``Store.authenticate``).

A sign-in survives a page reload (F5) for a limited idle time: signing in starts a session in
the store, whose signed, expiring token the browser keeps in the ``ub_session`` cookie (written
by ``cookie_writer()``, a few lines of inline JavaScript: Streamlit's script cannot send a
Set-Cookie header, so the cookie cannot be HttpOnly; see README "Security"). A new browser
session reads it from ``st.context.cookies`` and resumes; every run counts as activity.
Sign-out ends the session in the store (server-side revocation) and clears the cookie; so does
the idle time (``UB_SESSION_IDLE_S`` seconds, or ``[session] idle_seconds`` in secrets.toml;
30 minutes by default). ``UB_SESSION_MAX_S`` caps a token's life (12 hours by default).
Recent questions are kept per user in the store (``recent_questions()``, ``remember_question()``).
"""

from __future__ import annotations

import importlib.util
import logging
import os
from datetime import timedelta

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
    """The signed-in user as saved now (None if signed out, disabled, deleted or idle meanwhile)."""
    ensure_demo_accounts()
    user = current_user()
    if user is None:
        _finish_sso()
        if current_user() is None:
            _resume_session()
        return current_user()
    store = services.get_store()
    if not _session_kept(store):
        token = S.get("session_token")
        S.clear()
        S["session_refused"] = token
        S["signin_message"] = (
            f"You have been signed out: after {_minutes(idle_time())} without activity, or from another "
            "tab. Please sign in again."
        )
        S["session_cookie"] = ""  # the browser forgets the token too
        return None
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


def _start_session(user, token: str | None = None) -> None:
    """Signed in: remember who, and (unless resuming *token*) start a session that survives a reload."""
    S["user"] = user
    S.pop("signin_message", None)
    S["page_current"] = None  # the page shown next counts as entered
    if token is None:
        try:
            token = services.get_store().start_session(user, lifetime=session_lifetime())
        except Exception:  # signed in all the same; only a reload will ask again
            log.exception("starting a lasting session failed")
            return
        S["session_cookie"] = token
    S["session_token"] = token


def sign_out() -> None:
    """Audit the sign-out, end the session in the store, clear the browser's token and forget
    everything this browser session held."""
    user = current_user()
    token = S.get("session_token")
    if user is not None:
        try:
            services.get_store().audit(user, "sign_out", "user", user.username)
        except Exception:
            log.exception("auditing sign-out failed")
    if token:
        try:
            services.get_store().end_session(token)
        except Exception:
            log.exception("ending the session failed")
    S.clear()
    S["session_cookie"] = ""
    S["session_refused"] = token or _cookie()  # this browser's token is not tried again
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


# ---- sessions that survive a reload ------------------------------------------------------------

COOKIE = "ub_session"
DEFAULT_IDLE_S = 30 * 60
DEFAULT_MAX_S = 12 * 60 * 60
TOUCH_EVERY_S = 60  # activity is written at most this often (or every half idle time, if shorter)
COOKIE_JS = """
export default function (component) {
  const { data } = component;
  if (!data || !data.name) return;
  const key = JSON.stringify(data);
  if (window.__ubSessionCookie === key) return;  // written once per value
  window.__ubSessionCookie = key;
  const secure = location.protocol === "https:" ? "; Secure" : "";
  const value = data.token ? data.token : "";
  const age = data.token ? data.max_age : 0;
  document.cookie = `${data.name}=${value}; Path=/; Max-Age=${age}; SameSite=Strict${secure}`;
}
"""
_cookie_component = None


def _seconds(env: str, secret: str, default: int) -> int:
    """A positive number of seconds from the environment, else secrets.toml [session], else default."""
    value = os.environ.get(env)
    if value is None:
        try:
            value = st.secrets.get("session", {}).get(secret)
        except Exception:  # no secrets file
            value = None
    try:
        seconds = float(value) if value is not None else default
    except (TypeError, ValueError):
        log.warning("%s is not a number of seconds: using %s", env, default)
        return default
    return int(seconds) if seconds >= 1 else default


def idle_time() -> timedelta:
    """How long a session lasts without activity (UB_SESSION_IDLE_S; 30 minutes by default)."""
    return timedelta(seconds=_seconds("UB_SESSION_IDLE_S", "idle_seconds", DEFAULT_IDLE_S))


def session_lifetime() -> timedelta:
    """The longest a session token lasts, whatever the activity (UB_SESSION_MAX_S; 12 hours)."""
    return timedelta(seconds=_seconds("UB_SESSION_MAX_S", "max_seconds", DEFAULT_MAX_S))


def _minutes(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds >= 120:
        return f"{seconds // 60} minutes"
    return "1 second" if seconds == 1 else f"{seconds} seconds"


def _cookie() -> str | None:
    """The session token the browser sent when this browser session connected."""
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no browser (bare mode)
        return None
    return value if isinstance(value, str) and value else None  # AppTest's stand-in browser sends objects


def _resume_session() -> None:
    """After a reload: sign in again from the browser's token if its session is still live."""
    from app.store import AuthError

    token = _cookie()
    if not token or token == S.get("session_refused"):
        return
    try:
        user = services.get_store().resume_session(token, idle=idle_time())
    except AuthError as exc:
        S["session_refused"] = token
        S["session_cookie"] = ""
        S["signin_message"] = str(exc)
        return
    except Exception:
        log.exception("resuming a session failed")
        return
    _start_session(user, token)


def _session_kept(store) -> bool:
    """False once this browser session's lasting session has ended or been idle too long."""
    token = S.get("session_token")
    if not token:
        return True  # signed in without one (the store was unavailable at sign-in)
    idle = idle_time()
    touch = min(timedelta(seconds=TOUCH_EVERY_S), idle / 2)
    try:
        return store.keep_session(token, idle=idle, touch_every=touch)
    except Exception:
        log.exception("checking the session failed")
        return True  # a store hiccup does not sign anyone out


def cookie_writer() -> None:
    """Write (or clear) the browser's session cookie when it changed (main.py, every run)."""
    global _cookie_component
    if "session_cookie" not in S:
        return
    if _cookie_component is None:
        _cookie_component = st.components.v2.component("ub_session_cookie", js=COOKIE_JS)
    data = {"name": COOKIE, "token": S["session_cookie"], "max_age": int(session_lifetime().total_seconds())}
    with st.container(key="ub-session-cookie"):
        _cookie_component(key="ub_session_cookie", data=data, height="content")


def recent_questions() -> list[str]:
    """The signed-in user's recent questions, newest first (read from the store once per session)."""
    user = current_user()
    if "ask_history" not in S and user is not None:
        try:
            S["ask_history"] = services.get_store().recent_questions(user)
        except Exception:
            log.exception("reading recent questions failed")
            S["ask_history"] = []
    return list(S.get("ask_history", []))


def remember_question(question: str, keep: int = 8) -> None:
    """Put *question* first in the recent questions, here and in the store."""
    history = recent_questions()
    S["ask_history"] = [question] + [q for q in history if q != question][: keep - 1]
    user = current_user()
    if user is not None:
        try:
            services.get_store().remember_question(user, question, keep=keep)
        except Exception:
            log.exception("saving a recent question failed")


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
