"""Passwords, the sign-in lockout policy and the demo accounts.

- ``hash_password(password) -> str`` and ``verify_password(password, stored) -> bool``:
  scrypt (n=2**14, r=8, p=1) with a random per-user salt; the parameters are kept in
  the stored string (``scrypt$n$r$p$salt$hash``) so they can be raised later.
- ``check_password(password)`` raises ``ValidationError`` unless it meets the policy.
- ``register_failure(...)`` is the lockout rule: 5 failed sign-ins within 15 minutes
  lock the account for 15 minutes.
- ``seed_demo_accounts(store)`` creates the demo accounts. Only for the built-in
  synthetic data: the caller decides.

No streamlit import here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# Hashing and the lockout rule live in the store (one place); re-exported here for callers of app.auth.
from app.store.passwords import (  # noqa: F401
    FAILURE_WINDOW,
    LOCK_DURATION,
    MAX_FAILURES,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    SCRYPT_N,
    SCRYPT_P,
    SCRYPT_R,
    burn_time,
    check_password,
    hash_password,
    register_failure,
    verify_password,
)

if TYPE_CHECKING:
    from app.store import Store

DEMO_ACCOUNTS = (
    # username, password, role, team, display name
    ("officer", "officer-demo", "officer", None, "Demo Officer"),
    ("sergeant", "sergeant-demo", "sergeant", "Central West", "Demo Sergeant"),
    ("supervisor", "supervisor-demo", "supervisor", "North West", "Demo Supervisor"),
    ("admin", "admin-demo", "admin", None, "Demo Admin"),
)


def seed_demo_accounts(store: Store) -> list[str]:
    """Create the demo accounts that are missing; return the usernames created."""
    from app.store.errors import Conflict, NotFound

    created = []
    for username, password, role, team, name in DEMO_ACCOUNTS:
        try:
            store.get_user(username)
            continue  # checked first: hashing a password costs ~50 ms on every app start
        except NotFound:
            pass
        try:
            store.add_user(None, username, password, role=role, team=team, display_name=name)
        except Conflict:
            continue
        created.append(username)
    return created
