"""Passwords, the sign-in lockout policy and the demo accounts.

- ``hash_password(password) -> str`` and ``verify_password(password, stored) -> bool``:
  scrypt (n=2**17, r=8, p=1) with a random per-user salt; the parameters are kept in
  the stored string (``scrypt$n$r$p$salt$hash``), and ``needs_rehash(stored)`` tells
  sign-in to upgrade a hash made with weaker ones.
- ``check_password(password)`` raises ``ValidationError`` unless it meets the policy.
- ``take_attempt(...)`` is the lockout rule: at most 5 failed sign-ins within 15 minutes;
  the next one locks the account for 15 minutes. An attempt counts as a failure from the
  moment it starts, so parallel attempts cannot all have their password checked.
- ``apply_demo_policy(store, synthetic)``: on the built-in synthetic data, create the demo
  accounts that are missing; on any other warehouse, create none and disable those there.
- ``sso_username(claims, allowed_domains, username_claim)``: the local username for a
  single sign-on identity, or None (see docs/sso.md).

No streamlit import here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.errors import ValidationError

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
    needs_rehash,
    register_failure,
    take_attempt,
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
            store.add_user(None, username, password, role=role, team=team, display_name=name, demo=True)
        except Conflict:
            continue
        created.append(username)
    return created


def apply_demo_policy(store: Store, synthetic: bool) -> list[str]:
    """Demo accounts only on the synthetic demo data: there, create the missing ones; on any
    other warehouse, create none and disable the enabled ones. Returns the usernames changed."""
    if synthetic:
        return seed_demo_accounts(store)
    return store.disable_demo_accounts()


def sso_username(claims: dict, allowed_domains, username_claim: str | None) -> str | None:
    """The local username for an SSO identity, or None to refuse it.

    The identity provider must say the e-mail address is verified (``email_verified`` true),
    its domain must be in ``allowed_domains`` (an empty list refuses everyone), and the
    username is the value of the configured ``username_claim`` (never the e-mail's local part),
    which must be a valid username.
    """
    from app.store import validate

    verified = claims.get("email_verified")
    if not (verified is True or (isinstance(verified, str) and verified.strip().lower() == "true")):
        return None
    email = str(claims.get("email") or "").strip().lower()
    local, at, domain = email.rpartition("@")
    allowed = {str(d).strip().lower() for d in allowed_domains or ()}
    if not at or not local or domain not in allowed:
        return None
    if not username_claim or username_claim == "email":
        return None
    value = claims.get(username_claim)
    if not isinstance(value, str):
        return None
    try:
        return validate.username(value)
    except ValidationError:
        return None
