"""Manage accounts from the command line.

    python -m app.users add USERNAME --role officer|sergeant|supervisor|admin [--team T] [--name N] [--password-stdin]
    python -m app.users disable USERNAME
    python -m app.users enable USERNAME          # also clears a lockout
    python -m app.users reset USERNAME [--password-stdin]
    python -m app.users list
    python -m app.users verify-audit             # check the audit log's hash chain

The state store is ``--state PATH_OR_URL``, else ``$UB_STATE``, else ``data/state.sqlite``
(a ``postgresql://`` URL opens the store on PostgreSQL).
Passwords are prompted for (twice) unless ``--password-stdin`` reads one line from
standard input. Exit code 1 on any error (or a broken audit chain), with the reason on
standard error.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sqlite3
import sys
from pathlib import Path

from app.store import Store, StoreError
from app.store.db import is_postgres_url
from app.store.models import ROLES
from warehouse.logs import configure_logging

DEFAULT_STATE = Path(__file__).resolve().parents[1] / "data" / "state.sqlite"


def state_path(given: str | None) -> Path | str:
    """--state, else the app's own rule ($UB_STATE or data/state.sqlite, via warehouse.paths).
    A ``postgresql://`` URL is returned as it is."""
    if given:
        return given if is_postgres_url(given) else Path(given)
    try:
        from warehouse.paths import state_path as app_state_path
    except ImportError:  # the warehouse package is optional for account management
        value = os.environ.get("UB_STATE")
        return (value if is_postgres_url(value) else Path(value)) if value else DEFAULT_STATE
    return app_state_path()


def read_password(from_stdin: bool) -> str:
    """A password from one line of stdin, or typed twice at a prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise StoreError("The passwords do not match")
    return first


def parser() -> argparse.ArgumentParser:
    """The command line of ``python -m app.users``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--state",
        default=argparse.SUPPRESS,
        help="state store file or postgresql:// URL (default: $UB_STATE)",
    )
    main = argparse.ArgumentParser(prog="python -m app.users", description="Manage Utility Belt accounts.")
    main.add_argument(
        "--state",
        default=None,
        help="state store file or postgresql:// URL (default: $UB_STATE or data/state.sqlite)",
    )
    commands = main.add_subparsers(dest="command", required=True)

    add = commands.add_parser("add", parents=[common], help="create an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--team", help="BCU, e.g. 'Central West'")
    add.add_argument("--name", help="display name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    for name, text in (("disable", "stop an account signing in"), ("enable", "let an account sign in again")):
        sub = commands.add_parser(name, parents=[common], help=text)
        sub.add_argument("username")

    reset = commands.add_parser("reset", parents=[common], help="set a new password")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    commands.add_parser("list", parents=[common], help="list accounts")
    commands.add_parser("verify-audit", parents=[common], help="check the audit log's hash chain")
    return main


def run(args: argparse.Namespace) -> None:
    """Carry out one parsed command against the state store."""
    store = Store(state_path(args.state))
    if args.command == "verify-audit":
        broken = store.verify_audit()
        if broken is not None:
            raise StoreError(f"the audit log is broken at row {broken.id}: {broken.reason}")
        print("Audit log intact: every row follows the one before it")
    elif args.command == "add":
        password = read_password(args.password_stdin)
        user = store.add_user(
            None, args.username, password, role=args.role, team=args.team, display_name=args.name
        )
        print(f"Added {user.username} ({user.role}{', ' + user.team if user.team else ''})")
    elif args.command == "disable":
        print(f"Disabled {store.disable_user(None, args.username).username}")
    elif args.command == "enable":
        print(f"Enabled {store.enable_user(None, args.username).username}")
    elif args.command == "reset":
        store.get_user(args.username)  # fail before prompting for a password
        password = read_password(args.password_stdin)
        print(f"New password set for {store.reset_password(None, args.username, password).username}")
    elif args.command == "list":
        users = store.list_users()
        if not users:
            print("No accounts yet")
        now = store.now()
        for u in users:
            status = (
                "disabled"
                if u.disabled
                else "locked"
                if u.locked_until and u.locked_until > now
                else "active"
            )
            print(f"{u.username:<20} {u.role:<11} {u.team or '-':<16} {status:<9} {u.display_name}")


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status (1 with a message on stderr for expected errors)."""
    configure_logging()
    args = parser().parse_args(argv)
    try:
        run(args)
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, EOFError):
        print("error: cancelled", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as error:
        print(f"error: cannot use the state file: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
