"""The audit log: the helpers pages call, the Audit page, My history, and a walk through every flow.
On a SQLite state store and on PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from streamlit.testing.v1 import AppTest

from app import dashboards_ui as ui
from tests.accounts.conftest import new_app, sign_in, signed_in


@pytest.fixture(params=["sqlite", "postgres"])
def state_backend(request) -> str:
    """Every test here that uses the app's state store runs on SQLite and on PostgreSQL."""
    return request.param


def _as(username: str, body) -> AppTest:
    """Run ``body()`` in a tiny page as ``username`` (for the helpers other pages call)."""

    def page(username, body):
        import streamlit as st

        from app import services

        st.session_state["user"] = services.get_store().get_user(username)
        body()

    return AppTest.from_function(page, args=(username, body), default_timeout=60).run()


def test_question_is_audited_with_text_sql_rows_and_duration(env, store, engine):
    reply = engine.ask("burglary in Camden by month")
    refusal = engine.ask("SELECT * FROM crimes")
    at = _as("officer", lambda: (ui.audit_question(reply), ui.audit_question(refusal)))
    assert not at.exception
    officer = store.get_user("officer")
    bad, good = store.search_audit(officer, action="question")
    assert good.ok and good.detail["text"] == "burglary in Camden by month"
    assert "SELECT" in good.detail["sql"] and good.detail["rows"] == len(reply.frame) > 0
    assert good.detail["duration_ms"] >= 0 and "Camden" in good.detail["understood"]
    assert not bad.ok and bad.detail["error"] and bad.detail["rows"] == 0


def test_download_is_audited(env, store):
    at = _as("officer", lambda: ui.audit_download("answer_csv", {"question": "q", "rows": 3}))
    assert not at.exception
    (entry,) = store.search_audit(store.get_user("officer"), action="download")
    assert entry.target_kind == "answer_csv" and entry.detail["rows"] == 3


def test_audit_page_filters_and_exports(env, store):
    at = signed_in("supervisor", "audit")
    frame = at.dataframe[0].value
    assert {"sign_in", "user_change"} <= set(frame["Action"])  # everyone's rows, the demo seeding too
    at.selectbox(key="audit-action").select("sign_in").run()
    frame = at.dataframe[0].value
    assert set(frame["Action"]) == {"sign_in"} and set(frame["User"]) == {"supervisor"}
    assert at.get("download_button")
    supervisor = store.get_user("supervisor")
    exported = list(csv.reader(io.StringIO(store.export_audit_csv(supervisor, action="sign_in"))))
    assert exported[0][:4] == ["id", "at", "username", "action"] and len(exported) == 2
    assert store.search_audit(supervisor, action="export")[0].detail["what"] == "audit_log"


def test_officer_sees_only_their_own_history(env, store):
    signed_in("sergeant")  # someone else's rows exist
    at = signed_in("officer", "account")
    assert at.title[0].value == "My account"
    frame = at.dataframe[0].value
    assert set(frame["User"]) == {"officer"} and "sign_in" in set(frame["Action"])


def test_supervisor_history_is_their_own_too(env, store):
    signed_in("officer")
    at = signed_in("supervisor", "account")
    assert set(at.dataframe[0].value["User"]) == {"supervisor"}


def test_change_password(env, store):
    at = signed_in("officer", "account")
    at.text_input(key="pw_old").input("officer-demo")
    at.text_input(key="pw_new").input("a-new-password")
    at.text_input(key="pw_again").input("a-new-password")
    at.button(key="pw_submit").click().run()
    assert not at.exception and "Password changed" in at.success[0].value
    assert store.authenticate("officer", "a-new-password").username == "officer"


def test_every_flow_leaves_audit_rows(env, store, engine):
    """Walk sign-in, questions, downloads, exports, boards and dashboards; count rows by action."""
    at = sign_in(new_app().run(), "sergeant", "wrong-password")  # failed sign-in
    sign_in(at, "sergeant")  # sign-in
    sergeant = store.get_user("sergeant")

    reply = engine.ask("robberies near Oxford Circus by hour last month")
    _as("sergeant", lambda: (ui.audit_question(reply), ui.audit_download("answer_csv", {"rows": 24})))

    board = store.create_board(sergeant, "Wembley")  # boards (the boards page calls the same store API)
    board = store.add_tile(sergeant, board.id, board.version, title="t", question=reply.question,
                           intent=reply.intent.to_dict(), chart=reply.chart)  # fmt: skip
    store.share_board(sergeant, board.id, "team", "Central West", "viewer")
    store.audit(sergeant, "board_view", "board", board.id)
    store.delete_board(sergeant, board.id)

    pinned = ui.pin_reply(sergeant, reply, None, "Oxford Circus", new_title="Ops")  # create + pin
    at.switch_page("pages/dashboards.py").run()  # view
    at.selectbox(key="dash_period").select("last_3_months").run()  # change
    at.selectbox(key="dash_share_user").select("officer")
    at.button(key="dash_share_go").click().run()  # share
    at.checkbox(key="dash_delete_sure").check()
    at.button(key="dash_delete_go").click().run()  # delete
    assert not at.exception
    store.export_audit_csv(sergeant)  # export (what the Export CSV button runs)
    at.sidebar.button(key="sign_out").click().run()  # sign-out

    admin = store.get_user("admin")
    counts = Counter(e.action for e in store.search_audit(admin, username="sergeant", limit=10_000))
    assert counts == Counter(
        {
            "sign_in_failed": 1,
            "sign_in": 1,
            "question": 1,
            "download": 1,
            "board_create": 1,
            "board_change": 1,
            "board_share": 1,
            "board_view": 1,
            "board_delete": 1,
            "dashboard_create": 1,
            "pin": 1,
            "dashboard_view": 1,
            "dashboard_change": 1,
            "dashboard_share": 1,
            "dashboard_delete": 1,
            "export": 1,
            "sign_out": 1,
        }
    ), counts
    assert pinned.pins[0].source == "ask"
    rows = store.search_audit(admin, username="sergeant", limit=10_000)
    assert all(e.at is not None and e.username == "sergeant" for e in rows)  # who and when, every row
