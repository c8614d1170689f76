"""A sign-in that survives a reload (AppTest): the token a sign-in hands the browser resumes the
session in a new browser session; sign-out and the idle time end it; recent questions come
from the store. The browser's cookie is stood in for by patching ``session._cookie``."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from app import session
from app.store import AuthError
from tests.accounts.conftest import new_app, sign_in


def _reloaded(monkeypatch, token):
    """A new browser session (a reload) whose browser sends *token*."""
    monkeypatch.setattr(session, "_cookie", lambda: token)
    at = new_app().run()
    assert not at.exception, at.exception
    return at


def _signed_in(at) -> bool:
    return any(b.key == "sign_out" for b in at.sidebar.button)


def test_sign_in_hands_the_browser_a_token_and_a_reload_resumes(env, store, monkeypatch):
    at = sign_in(new_app().run(), "officer")
    token = at.session_state["session_token"]
    assert at.session_state["session_cookie"] == token  # cookie_writer writes it to the browser
    at.text_input(key="ask_q").input("burglary in Camden last month")
    at.button(key="ask_submit").click().run()
    again = _reloaded(monkeypatch, token)
    assert _signed_in(again) and again.session_state["user"].username == "officer"
    recent = [b.label for b in again.sidebar.button if (b.key or "").startswith("ask_recent_")]
    assert recent == ["burglary in Camden last month"]
    rows = store.search_audit(store.get_user("officer"), action="sign_in")
    assert rows[0].detail == {"method": "session"}


def test_sign_out_revokes_the_token_and_clears_the_cookie(env, store, monkeypatch):
    at = sign_in(new_app().run(), "officer")
    token = at.session_state["session_token"]
    at.sidebar.button(key="sign_out").click().run()
    assert at.session_state["session_cookie"] == ""
    with pytest.raises(AuthError):
        store.resume_session(token, idle=timedelta(minutes=30))
    again = _reloaded(monkeypatch, token)
    assert not _signed_in(again) and "user" not in again.session_state


def test_an_unknown_or_forged_token_is_refused_and_cleared(env, store, monkeypatch):
    at = _reloaded(monkeypatch, "v1.forged.9999999999.00")
    assert not _signed_in(at)
    assert at.session_state["session_cookie"] == ""  # the browser is told to forget it


def test_idle_time_signs_out_the_open_page_too(env, store, monkeypatch):
    monkeypatch.setenv("UB_SESSION_IDLE_S", "1")
    at = sign_in(new_app().run(), "officer")
    time.sleep(1.2)
    at.run()
    assert not at.exception, at.exception
    assert not _signed_in(at) and "user" not in at.session_state
    assert "without activity" in at.error[0].value


def test_activity_keeps_the_session(env, store, monkeypatch):
    monkeypatch.setenv("UB_SESSION_IDLE_S", "2")
    at = sign_in(new_app().run(), "officer")
    for _ in range(3):
        time.sleep(0.8)
        at.run()
        assert _signed_in(at)


@pytest.mark.parametrize(
    "value, seconds",
    [(None, 1800), ("120", 120), ("2", 2), ("0", 1800), ("-5", 1800), ("soon", 1800)],
)
def test_idle_time_comes_from_the_environment(monkeypatch, value, seconds):
    if value is None:
        monkeypatch.delenv("UB_SESSION_IDLE_S", raising=False)
    else:
        monkeypatch.setenv("UB_SESSION_IDLE_S", value)
    assert session.idle_time() == timedelta(seconds=seconds)


def test_no_cookie_means_the_sign_in_form_without_a_message(env, store):
    at = new_app().run()
    assert not at.exception and not at.error  # nothing resumed, nothing refused
    assert at.text_input(key="signin_username")


def test_signing_out_in_one_tab_signs_out_the_others(env, store, monkeypatch):
    first = sign_in(new_app().run(), "officer")
    second = _reloaded(monkeypatch, first.session_state["session_token"])  # another tab, same cookie
    assert _signed_in(second)
    first.sidebar.button(key="sign_out").click().run()
    second.run()
    assert not _signed_in(second) and "another tab" in second.error[0].value
