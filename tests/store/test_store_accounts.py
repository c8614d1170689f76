"""Accounts: hashing, sign-in, lockout, disabled accounts, admin-only management, demo seeding."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app import auth
from app.store import AuthError, Conflict, Forbidden, NotFound, ValidationError, passwords


def test_password_hash_uses_scrypt_with_salt_and_params(monkeypatch):
    monkeypatch.setattr(auth, "SCRYPT_N", 2**14)
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**14)
    first, second = auth.hash_password("hunter2hunter2"), auth.hash_password("hunter2hunter2")
    assert first != second  # per-user random salt
    scheme, n, r, p, _salt, _digest = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert auth.verify_password("hunter2hunter2", first)
    assert not auth.verify_password("hunter2hunter3", first)
    assert not auth.verify_password("hunter2hunter2", "garbage")
    assert not auth.verify_password("hunter2hunter2", None)


def test_password_policy(store):
    with pytest.raises(ValidationError, match="at least 8"):
        store.add_user(None, "shorty", "1234567")
    with pytest.raises(ValidationError):
        store.add_user(None, "bad name!", "long enough")


def test_user_round_trip_and_case_insensitive_names(store, password):
    added = store.add_user(
        None, "JSmith", password, role="sergeant", team=" Central West ", display_name="J Smith"
    )
    assert added.username == "jsmith" and added.team == "Central West" and added.display_name == "J Smith"
    assert store.get_user("JSMITH") == added
    assert store.authenticate("JSmith", password) == added
    with pytest.raises(Conflict, match="already exists") as caught:
        store.add_user(None, "jsmith", password)
    assert caught.value.current == added
    with pytest.raises(NotFound, match="no user called"):
        store.get_user("nobody")


def test_wrong_password_and_unknown_user_give_the_same_message(store, people, password):
    with pytest.raises(AuthError, match="^Wrong username or password"):
        store.authenticate("officer", "not the password")
    with pytest.raises(AuthError, match="^Wrong username or password"):
        store.authenticate("nobody", password)
    with pytest.raises(AuthError, match="^Wrong username or password"):
        store.authenticate("", "")


def test_every_sign_in_is_audited(store, people, password):
    store.authenticate("officer", password)
    with pytest.raises(AuthError):
        store.authenticate("officer", "wrong password")
    with pytest.raises(AuthError):
        store.authenticate("ghost", "wrong password")
    rows = store.search_audit(people.admin, action=None, text=None)
    sign_ins = [
        (e.username, e.action, e.ok, e.detail.get("reason")) for e in rows if e.action.startswith("sign_in")
    ]
    assert sign_ins == [
        ("ghost", "sign_in_failed", False, "unknown_user"),
        ("officer", "sign_in_failed", False, "wrong_password"),
        ("officer", "sign_in", True, None),
    ]


def test_lockout_after_five_failures_in_fifteen_minutes(store, people, password, clock):
    for _ in range(4):
        with pytest.raises(AuthError, match="Wrong"):
            store.authenticate("officer", "wrong password")
        clock.advance(minutes=3)
    # The fifth failure within 15 minutes locks the account for 15 minutes; the message stays the
    # same as for a wrong password, so it does not tell which usernames exist.
    with pytest.raises(AuthError, match="^Wrong username or password"):
        store.authenticate("officer", "wrong password")
    assert store.get_user("officer").locked_until == clock.now + auth.LOCK_DURATION
    with pytest.raises(AuthError, match="^Wrong username or password"):
        store.authenticate("officer", password)  # even the right password
    clock.advance(minutes=14)
    with pytest.raises(AuthError, match="paused for 15 minutes"):
        store.authenticate("officer", password)
    clock.advance(minutes=1, seconds=1)
    assert store.authenticate("officer", password).username == "officer"


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(store, people, password, clock):
    for _ in range(8):
        with pytest.raises(AuthError, match="Wrong"):
            store.authenticate("officer", "wrong password")
        clock.advance(minutes=4)
    assert store.authenticate("officer", password).username == "officer"


def test_success_resets_the_failure_count(store, people, password):
    for _ in range(4):
        with pytest.raises(AuthError, match="Wrong"):
            store.authenticate("officer", "wrong password")
    store.authenticate("officer", password)
    for _ in range(4):
        with pytest.raises(AuthError, match="Wrong"):
            store.authenticate("officer", "wrong password")
    assert store.authenticate("officer", password)


def test_enable_and_reset_clear_a_lockout(store, people, password):
    for _ in range(5):
        with pytest.raises(AuthError):
            store.authenticate("officer", "wrong password")
    store.enable_user(people.admin, "officer")
    assert store.authenticate("officer", password)


def test_disabled_account(store, people, password):
    store.disable_user(people.admin, "officer")
    assert store.get_user("officer").disabled
    with pytest.raises(AuthError, match="^Account disabled"):
        store.authenticate("officer", password)
    # A wrong password does not reveal that the account is disabled.
    with pytest.raises(AuthError, match="^Wrong username or password"):
        store.authenticate("officer", "wrong password")
    # A session that signed in before is stopped at once.
    with pytest.raises(Forbidden, match="disabled"):
        store.create_board(people.officer, "Anything")
    store.enable_user(people.admin, "officer")
    assert store.authenticate("officer", password).disabled is False


def test_management_is_admin_only(store, people, password):
    for actor in (people.officer, people.sergeant, people.supervisor):
        with pytest.raises(Forbidden, match="Only admins"):
            store.add_user(actor, "newbie", password)
        with pytest.raises(Forbidden, match="Only admins"):
            store.disable_user(actor, "stranger")
        with pytest.raises(Forbidden, match="Only admins"):
            store.enable_user(actor, "stranger")
        with pytest.raises(Forbidden, match="Only admins"):
            store.reset_password(actor, "stranger", "new password!")
        with pytest.raises(Forbidden, match="Only admins"):
            store.list_users(actor)
        with pytest.raises(Forbidden, match="Only admins"):
            store.update_user(actor, "stranger", role="admin")
    assert store.add_user(people.admin, "newbie", password).role == "officer"
    assert len(store.list_users(people.admin)) == 7


def test_reset_and_change_password(store, people, password):
    store.reset_password(people.admin, "officer", "brand new password")
    with pytest.raises(AuthError):
        store.authenticate("officer", password)
    officer = store.authenticate("officer", "brand new password")
    with pytest.raises(AuthError, match="current password is wrong"):
        store.change_password(officer, "nope nope nope", "another password")
    store.change_password(officer, "brand new password", "another password")
    assert store.authenticate("officer", "another password")


def test_update_user_and_admin_safeguards(store, people):
    moved = store.update_user(people.admin, "officer", team="South West", display_name="PC Officer")
    assert (moved.team, moved.display_name, moved.role) == ("South West", "PC Officer", "officer")
    assert store.update_user(people.admin, "officer", team="").team is None
    with pytest.raises(ValidationError, match="your own account"):
        store.disable_user(people.admin, "admin")
    with pytest.raises(ValidationError, match="at least one active admin"):
        store.update_user(people.admin, "admin", role="officer")
    with pytest.raises(ValidationError, match="Role must be"):
        store.update_user(people.admin, "officer", role="chief")


def test_account_changes_are_audited(store, people):
    store.disable_user(people.admin, "officer")
    entry = store.search_audit(people.admin, action="user_change", limit=1)[0]
    assert (entry.username, entry.target_id, entry.detail["change"]) == ("admin", "officer", "disable")


def test_directory_and_teams(store, people):
    store.disable_user(people.admin, "stranger")
    names = [u.username for u in store.directory(people.officer)]
    assert "stranger" not in names and "sergeant" in names
    assert store.list_teams() == ["Central West", "North West"]


def test_seed_demo_accounts_is_idempotent(store):
    assert auth.seed_demo_accounts(store) == ["officer", "sergeant", "supervisor", "admin"]
    assert auth.seed_demo_accounts(store) == []
    sergeant = store.authenticate("sergeant", "sergeant-demo")
    assert (sergeant.role, sergeant.team) == ("sergeant", "Central West")
    supervisor = store.authenticate("supervisor", "supervisor-demo")
    assert (supervisor.role, supervisor.team) == ("supervisor", "North West")
    assert store.authenticate("officer", "officer-demo").role == "officer"
    assert store.authenticate("admin", "admin-demo").is_admin


def test_auth_module_does_not_import_streamlit():
    import pathlib

    for path in (
        pathlib.Path(auth.__file__),
        *pathlib.Path(auth.__file__).parent.joinpath("store").rglob("*.py"),
    ):
        source = path.read_text()
        assert "import streamlit" not in source and "from streamlit" not in source, path


def _attempt(store, name, pw):
    try:
        return store.authenticate(name, pw).username
    except AuthError as exc:
        return str(exc)


def test_parallel_sign_ins_cannot_beat_the_lockout(store, people, password, monkeypatch):
    """60 sign-ins at once: at most five passwords are checked, and the right one is refused
    once the lock is taken."""
    checked = []
    real_verify = auth.verify_password

    def slow_verify(pw, stored):
        checked.append(stored)
        time.sleep(0.2)  # a slow hash, so every attempt overlaps
        return real_verify(pw, stored)

    monkeypatch.setattr(auth, "verify_password", slow_verify)
    attempts = ["wrong password"] * 59 + [password]
    barrier = threading.Barrier(len(attempts))
    if store.dialect == "postgres":
        # Sixty new server connections at once would spread the attempts out (the right one
        # could finish before the sixth arrives): open them first, as a busy app's pool has them.
        store._pool.keep = len(attempts)
        with ThreadPoolExecutor(len(attempts)) as pool:
            list(pool.map(lambda _: store.get_user("officer"), attempts))

    def attempt(pw):
        barrier.wait()
        return _attempt(store, "officer", pw)

    with ThreadPoolExecutor(len(attempts)) as pool:
        results = list(pool.map(attempt, attempts))
    assert "officer" not in results
    assert len([s for s in checked if s != passwords._DUMMY_HASH]) <= auth.MAX_FAILURES
    assert store.get_user("officer").locked_until is not None


def test_locked_and_unknown_accounts_give_the_same_answers(store, people, password):
    officer = [_attempt(store, "officer", "wrong password") for _ in range(7)]
    nobody = [_attempt(store, "nobody", "wrong password") for _ in range(7)]
    assert officer == nobody
    assert _attempt(store, "officer", password) == _attempt(store, "nobody", password)


def test_real_password_cost_is_scrypt_n_2_17(monkeypatch):
    monkeypatch.undo()  # the real cost, not the cheap one the fixtures set
    stored = auth.hash_password("hunter2hunter2")
    assert int(stored.split("$")[1]) >= 2**17
    assert auth.verify_password("hunter2hunter2", stored)


def test_old_hashes_are_upgraded_at_sign_in(store, password, monkeypatch):
    store.add_user(None, "oldtimer", password)
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**11)
    store.authenticate("oldtimer", password)
    with store._read() as con:
        stored = con.execute("SELECT password_hash FROM users WHERE username = 'oldtimer'").fetchone()[0]
    assert stored.split("$")[1] == str(2**11)
    assert store.authenticate("oldtimer", password).username == "oldtimer"


def test_demo_accounts_are_disabled_on_real_data_and_say_so(
    store, people, password, monkeypatch, capsys, new_state
):
    other = type(store)(new_state())
    assert auth.seed_demo_accounts(other) == ["officer", "sergeant", "supervisor", "admin"]
    other.add_user(None, "jsmith", password)
    assert auth.apply_demo_policy(other, synthetic=False) == ["admin", "officer", "sergeant", "supervisor"]
    with pytest.raises(AuthError, match="Demo accounts are switched off"):
        other.authenticate("admin", "admin-demo")
    assert other.authenticate("jsmith", password).username == "jsmith"  # real accounts untouched
    # Re-enabled deliberately (python -m app.users enable): it stays enabled from then on.
    from app.users import main

    assert main(["--state", str(other.path), "enable", "sergeant"]) == 0
    assert auth.apply_demo_policy(other, synthetic=False) == []
    assert other.authenticate("sergeant", "sergeant-demo").username == "sergeant"
    # On the synthetic data nothing is disabled, and existing accounts are not re-created.
    assert auth.apply_demo_policy(other, synthetic=True) == []
