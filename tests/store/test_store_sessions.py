"""Sessions that survive a reload (signed, expiring, revocable, idle-limited) and recent questions."""

from __future__ import annotations

import os
import stat
from datetime import timedelta

import pytest

from app.store import AuthError, Store

IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=12)


def test_a_session_resumes_within_the_idle_time_and_is_audited(store, people, clock):
    token = store.start_session(people.officer, lifetime=LIFETIME)
    clock.advance(minutes=29)
    assert store.resume_session(token, idle=IDLE).username == "officer"
    clock.advance(minutes=29)  # the resume counted as activity
    assert store.resume_session(token, idle=IDLE).username == "officer"
    rows = store.search_audit(people.admin, action="sign_in")
    assert [r.detail.get("method") for r in rows if r.username == "officer"].count("session") == 2


def test_idle_too_long_ends_the_session_for_good(store, people, clock):
    token = store.start_session(people.officer, lifetime=LIFETIME)
    clock.advance(minutes=30)
    with pytest.raises(AuthError, match="without activity"):
        store.resume_session(token, idle=IDLE)
    with pytest.raises(AuthError):  # ended in the store: a longer idle time later does not revive it
        store.resume_session(token, idle=timedelta(days=1))


def test_sign_out_revokes_the_token_on_the_server(store, people):
    token = store.start_session(people.officer, lifetime=LIFETIME)
    store.end_session(token)
    with pytest.raises(AuthError):
        store.resume_session(token, idle=IDLE)
    assert not store.keep_session(token, idle=IDLE, touch_every=timedelta(0))


def test_the_token_expires_whatever_the_activity(store, people, clock):
    token = store.start_session(people.officer, lifetime=timedelta(hours=1))
    for _ in range(2):
        clock.advance(minutes=25)
        assert store.keep_session(token, idle=IDLE, touch_every=timedelta(0))
    clock.advance(minutes=11)  # active 11 minutes ago, but past the token's hour
    with pytest.raises(AuthError):
        store.resume_session(token, idle=IDLE)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t.replace(t.split(".")[1], "A" * 43),  # another session id
        lambda t: ".".join(
            [*t.split(".")[:2], str(int(t.split(".")[2]) + 3600), t.split(".")[3]]
        ),  # later expiry
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # signature
        lambda t: "v2" + t[2:],
        lambda t: "",
        lambda t: None,
        lambda t: t + "." * 300,
    ],
)
def test_a_forged_or_altered_token_is_refused(store, people, tamper):
    token = store.start_session(people.officer, lifetime=LIFETIME)
    with pytest.raises(AuthError):
        store.resume_session(tamper(token), idle=IDLE)


def test_a_token_signed_by_another_store_is_refused(store, people, new_state):
    other = Store(new_state())
    other.add_user(None, "officer", "correct horse", role="officer")
    token = other.start_session(other.get_user("officer"), lifetime=LIFETIME)
    with pytest.raises(AuthError):
        store.resume_session(token, idle=IDLE)


def test_a_disabled_account_cannot_resume(store, people):
    token = store.start_session(people.officer, lifetime=LIFETIME)
    store.disable_user(people.admin, "officer")
    with pytest.raises(AuthError):
        store.resume_session(token, idle=IDLE)


def test_the_store_keeps_only_a_hash_of_the_session_id(store, people, raw):
    token = store.start_session(people.officer, lifetime=LIFETIME)
    session_id = token.split(".")[1]
    dump = "\n".join(
        str(tuple(row)) for table in raw.tables() for row in raw.execute(f"SELECT * FROM {table}")
    )
    assert session_id not in dump and token.split(".")[3] not in dump
    if store.dialect == "sqlite":
        assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600  # the signing key lives in a private file


def test_keep_session_writes_activity_at_most_once_per_interval(store, people, clock):
    token = store.start_session(people.officer, lifetime=LIFETIME)
    clock.advance(minutes=20)
    assert store.keep_session(token, idle=IDLE, touch_every=timedelta(minutes=25))  # not written
    clock.advance(minutes=11)
    assert not store.keep_session(token, idle=IDLE, touch_every=timedelta(minutes=25))  # idle: ended
    token = store.start_session(people.officer, lifetime=LIFETIME)
    clock.advance(minutes=20)
    assert store.keep_session(token, idle=IDLE, touch_every=timedelta(minutes=5))  # written
    clock.advance(minutes=20)
    assert store.keep_session(token, idle=IDLE, touch_every=timedelta(minutes=5))


def test_recent_questions_are_per_user_newest_first_and_capped(store, people, clock):
    for i in range(10):
        clock.advance(seconds=1)
        store.remember_question(people.officer, f"question {i}")
    clock.advance(seconds=1)
    store.remember_question(people.officer, "question 3")  # asked again: first, once
    store.remember_question(people.sergeant, "sergeant's question")
    recent = store.recent_questions(people.officer)
    assert recent[:3] == ["question 3", "question 9", "question 8"]
    assert len(recent) == 8 and recent.count("question 3") == 1
    assert store.recent_questions(people.sergeant) == ["sergeant's question"]


def test_recent_questions_survive_reopening_the_store(store, people):
    store.remember_question(people.officer, "burglary in Camden")
    assert Store(store.path).recent_questions(people.officer) == ["burglary in Camden"]
