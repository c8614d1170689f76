"""The sign-in gate, the form, lockout, sign-out, demo accounts, role-based pages and SSO mapping."""

from __future__ import annotations

import pytest

from app import services, session
from tests.accounts.conftest import actions, new_app, sign_in, signed_in


def _texts(at) -> str:
    parts = [e.value for e in (*at.title, *at.markdown, *at.caption, *at.error, *at.info)]
    return " ".join(str(p) for p in parts)


def test_signed_out_sees_only_the_sign_in_form(env):
    at = new_app().run()
    assert not at.exception
    assert at.title[0].value == "Utility Belt"
    assert at.text_input(key="signin_username") and at.button(key="signin_submit")
    assert "Ask about crime in London" not in _texts(at)  # the page itself did not run
    assert not at.sidebar.button  # no sign-out, no page content
    at.switch_page("pages/dashboards.py").run()  # a deep link is gated too
    assert at.title[0].value == "Utility Belt" and "Dashboards" not in [t.value for t in at.title]


def test_demo_accounts_are_listed_and_created_on_synthetic_data(env, store):
    at = new_app().run()
    assert "supervisor-demo" in " ".join(m.value for m in at.markdown)
    assert {u.username for u in store.list_users()} >= {"officer", "sergeant", "supervisor", "admin"}


def test_no_demo_accounts_on_real_data(env, monkeypatch):
    monkeypatch.setattr(services, "get_facts", lambda: services.Facts(build_info={"source": "police.uk"}))
    session.ensure_demo_accounts()
    assert session.demo_accounts() == []
    assert services.get_store().list_users() == []


def test_wrong_password_is_refused_and_audited(env, store):
    at = sign_in(new_app().run(), "officer", "not-the-password")
    assert "Wrong username or password" in at.error[0].value
    assert at.title[0].value == "Utility Belt"
    assert sign_in(at, "nobody-here", "whatever-1").error[0].value.startswith("Wrong username")
    admin = store.get_user("admin")
    assert actions(store, admin, action="sign_in_failed") == ["sign_in_failed", "sign_in_failed"]


def test_lockout_message_after_repeated_failures(env, store):
    at = new_app().run()
    for _ in range(5):
        sign_in(at, "sergeant", "wrong-password")
    assert "paused for 15 minutes" in at.error[0].value
    sign_in(at, "sergeant")  # even the right password waits out the lock
    assert "paused for 15 minutes" in at.error[0].value and at.title[0].value == "Utility Belt"
    assert store.get_user("sergeant").locked_until is not None


def test_sign_in_shows_who_and_sign_out_forgets(env, store):
    at = sign_in(new_app().run(), "supervisor")
    assert at.title[0].value == "Ask about crime in London"
    assert at.sidebar.markdown[0].value == "**Demo Supervisor**"
    assert "Supervisor · North West" in at.sidebar.caption[0].value
    at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    assert at.title[0].value == "Utility Belt" and "user" not in at.session_state
    user = store.get_user("supervisor")
    assert actions(store, user, username="supervisor")[:2] == ["sign_out", "sign_in"]


def test_query_parameters_survive_sign_in(env, store):
    at = new_app()
    at.query_params["q"] = "burglary in Camden by month"
    at.run()
    assert "opens once you have signed in" in _texts(at)
    sign_in(at, "officer")
    # the Ask page (its big title shows only before an answer, so the answer leads on a phone)
    assert at.text_input(key="ask_q").value == "burglary in Camden by month"
    assert at.get("plotly_chart"), "the shared question is answered after signing in"


def test_audit_page_only_for_supervisors_and_admins(env, store):
    officer = signed_in("officer")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        officer.switch_page("pages/audit.py")  # not in an officer's navigation
    officer.switch_page("pages/account.py").run()
    assert officer.title[0].value == "My account"  # their own history instead
    for name in ("supervisor", "admin"):
        at = signed_in(name, "audit")
        assert at.title[0].value == "Audit log" and at.dataframe


def test_disabled_account_is_signed_out_at_once(env, store):
    at = sign_in(new_app().run(), "officer")
    store.disable_user(None, "officer")
    at.run()
    assert at.title[0].value == "Utility Belt"
    assert "disabled" in at.error[0].value


def test_require_user_stops_a_page_when_signed_out(env):
    from streamlit.testing.v1 import AppTest

    def page():
        from app import session

        session.require_user()
        import streamlit as st

        st.write("secret")

    at = AppTest.from_function(page).run()
    assert at.text_input(key="signin_username") and "secret" not in [m.value for m in at.markdown]


def test_sso_maps_a_verified_allowed_identity_by_the_configured_claim():
    from app.auth import sso_username

    domains, claim = ["met.police.uk"], "employee_id"
    good = {"email": "J.Smith@met.police.uk", "email_verified": True, "employee_id": "JS1234"}
    assert sso_username(good, domains, claim) == "js1234"
    # The red team's case: a free-mail address whose local part is a local admin's name.
    gmail = {"email": "admin@gmail.com", "email_verified": True, "preferred_username": "admin"}
    assert sso_username(gmail, domains, "preferred_username") is None
    assert sso_username({**good, "email_verified": False}, domains, claim) is None
    assert sso_username({**good, "email_verified": "false"}, domains, claim) is None
    assert sso_username({k: v for k, v in good.items() if k != "email_verified"}, domains, claim) is None
    assert sso_username(good, [], claim) is None  # SSO on without an allow-list: nobody
    assert sso_username(good, domains, None) is None  # no claim configured: nobody
    assert sso_username(good, domains, "email") is None  # an address is not a username
    assert sso_username({**good, "employee_id": None}, domains, claim) is None
    assert sso_username({**good, "email": "not-an-email"}, domains, claim) is None


def test_no_sso_button_without_auth_secrets(env):
    at = new_app().run()
    assert not session.sso_configured()
    assert "Sign in with SSO" not in [b.label for b in at.button]


def test_sso_button_when_configured(env, monkeypatch):
    monkeypatch.setattr(session, "sso_configured", lambda: True)
    at = new_app().run()
    assert at.button(key="signin_sso").label == "Sign in with SSO"


def _sso(monkeypatch, email, username, verified=True):
    claims = {"email": email, "email_verified": verified, "sub": "x1", "employee_id": username}
    monkeypatch.setattr(session, "_sso_claims", lambda: claims)
    monkeypatch.setattr(session, "_sso_settings", lambda: (["met.police.uk"], "employee_id"))


def test_sso_identity_signs_in_the_matching_local_account(env, store, monkeypatch):
    _sso(monkeypatch, "Jane.Doe@met.police.uk", "supervisor")
    at = new_app().run()
    assert not at.exception and at.title[0].value == "Ask about crime in London"
    entry = store.search_audit(store.get_user("supervisor"), username="supervisor", action="sign_in")[0]
    assert entry.detail == {"method": "sso", "email": "jane.doe@met.police.uk", "claim": "employee_id"}


def test_sso_identity_with_an_unverified_email_is_refused(env, store, monkeypatch):
    _sso(monkeypatch, "supervisor@met.police.uk", "supervisor", verified=False)
    at = new_app().run()
    assert at.title[0].value == "Utility Belt" and "has no usable" in at.error[0].value
    failed = store.search_audit(store.get_user("admin"), action="sign_in_failed")
    assert [e.detail["reason"] for e in failed] == ["sso_not_allowed"]


def test_sso_identity_without_a_local_account_is_refused_and_audited(env, store, monkeypatch):
    _sso(monkeypatch, "stranger@met.police.uk", "stranger")
    at = new_app().run()
    assert at.title[0].value == "Utility Belt"
    assert "has no usable Utility Belt account" in at.error[0].value
    at.run()  # not audited again on every rerun
    failed = store.search_audit(store.get_user("admin"), action="sign_in_failed")
    assert [e.detail["reason"] for e in failed] == ["sso_no_account"]


def test_demo_accounts_are_switched_off_when_the_data_is_real(env, store, monkeypatch):
    monkeypatch.setattr(services, "get_facts", lambda: services.Facts(build_info={"source": "police.uk"}))
    at = new_app().run()
    assert any("Demo accounts are switched off" in c.value for c in at.caption)
    sign_in(at, "admin")
    assert "Demo accounts are switched off" in at.error[0].value
    assert at.title[0].value == "Utility Belt" and store.get_user("admin").disabled
