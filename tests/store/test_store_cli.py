"""The accounts CLI: python -m app.users add|disable|enable|reset|list."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.store import AuthError, Store
from app.users import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def state(state_location, monkeypatch):
    """A fresh store location (a file path or a postgresql:// URL) in $UB_STATE."""
    monkeypatch.setenv("UB_STATE", str(state_location))
    return state_location


def run(argv, stdin="", monkeypatch=None):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(argv)


def test_add_list_disable_enable_reset(state, monkeypatch, capsys):
    assert (
        run(
            [
                "add",
                "JSmith",
                "--role",
                "sergeant",
                "--team",
                "Central West",
                "--name",
                "PS Smith",
                "--password-stdin",
            ],
            "first password\n",
            monkeypatch,
        )
        == 0
    )
    assert "Added jsmith (sergeant, Central West)" in capsys.readouterr().out
    store = Store(state)
    assert store.authenticate("jsmith", "first password").display_name == "PS Smith"

    assert run(["list"], monkeypatch=monkeypatch) == 0
    assert re.search(r"jsmith\s+sergeant\s+Central West\s+active\s+PS Smith", capsys.readouterr().out)

    assert run(["disable", "jsmith"], monkeypatch=monkeypatch) == 0
    with pytest.raises(AuthError, match="disabled"):
        store.authenticate("jsmith", "first password")
    run(["list"], monkeypatch=monkeypatch)
    assert "disabled" in capsys.readouterr().out

    assert run(["enable", "jsmith"], monkeypatch=monkeypatch) == 0
    assert run(["reset", "jsmith", "--password-stdin"], "second password\n", monkeypatch) == 0
    assert store.authenticate("jsmith", "second password")
    changes = [
        e.detail["change"]
        for e in store.search_audit(store.get_user("jsmith"), limit=100)
        if e.action == "user_change"
    ]
    assert changes == []  # rows by the CLI are not the user's own activity
    admin = store.add_user(None, "boss", "boss password", role="admin")
    cli_rows = store.search_audit(admin, username="(system)", action="user_change")
    assert [e.detail["change"] for e in cli_rows] == ["add", "reset_password", "enable", "disable", "add"]


def test_prompts_for_the_password_twice(state, monkeypatch):
    answers = iter(["typed password", "typed password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["add", "prompted", "--role", "officer"]) == 0
    assert Store(state).authenticate("prompted", "typed password")
    answers = iter(["one password", "another one"])
    assert main(["reset", "prompted"]) == 1


@pytest.mark.parametrize(
    "argv, stdin, message",
    [
        (["add", "x y", "--role", "officer", "--password-stdin"], "long enough\n", "Usernames are"),
        (["add", "shorty", "--role", "officer", "--password-stdin"], "short\n", "at least 8"),
        (["disable", "ghost"], "", "no user called 'ghost'"),
        (["reset", "ghost", "--password-stdin"], "long enough\n", "no user called 'ghost'"),
    ],
)
def test_errors_exit_1_with_a_clear_message(state, monkeypatch, capsys, argv, stdin, message):
    assert run(argv, stdin, monkeypatch) == 1
    assert message in capsys.readouterr().err


def test_duplicate_user_is_an_error(state, monkeypatch, capsys):
    run(["add", "dup", "--role", "officer", "--password-stdin"], "long enough\n", monkeypatch)
    assert run(["add", "DUP", "--role", "officer", "--password-stdin"], "long enough\n", monkeypatch) == 1
    assert "already exists" in capsys.readouterr().err


def test_state_option_wins_over_the_environment(state, new_state, monkeypatch):
    other = new_state()
    assert (
        run(
            ["add", "here", "--role", "officer", "--password-stdin", "--state", str(other)],
            "long enough\n",
            monkeypatch,
        )
        == 0
    )
    assert run(["--state", str(other), "list"], monkeypatch=monkeypatch) == 0
    assert Store(other).get_user("here")
    assert Store(state).list_users() == []


def test_runs_as_a_module(state_location):
    env = {**os.environ, "UB_STATE": str(state_location)}
    done = subprocess.run(
        [sys.executable, "-m", "app.users", "add", "modrun", "--role", "admin", "--password-stdin"],
        input="long enough\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "app.users", "enable", "ghost"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1 and done.stderr.strip() == "error: There is no user called 'ghost'"
