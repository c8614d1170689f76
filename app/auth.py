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

import base64
import hashlib
import hmac
import secrets
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app.store.errors import ValidationError

if TYPE_CHECKING:
    from app.store import Store

SCRYPT_N = 2**17  # 128 MiB and about a third of a second per hash
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)

DEMO_ACCOUNTS = (
    # username, password, role, team, display name
    ("officer", "officer-demo", "officer", None, "Demo Officer"),
    ("sergeant", "sergeant-demo", "sergeant", "Central West", "Demo Sergeant"),
    ("supervisor", "supervisor-demo", "supervisor", "North West", "Demo Supervisor"),
    ("admin", "admin-demo", "admin", None, "Demo Admin"),
)


def check_password(password: str) -> None:
    """Raise ValidationError unless the password meets the policy."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(f"Passwords can have at most {MAX_PASSWORD_LENGTH} characters")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


# Each hash takes 128*n*r bytes: a burst of sign-ins waits here instead of exhausting memory.
_HASH_SLOTS = threading.BoundedSemaphore(4)
MAX_SCRYPT_N = 2**20


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    if n > MAX_SCRYPT_N or r > 16 or p > 4:
        raise ValueError("scrypt parameters out of range")
    # maxmem must cover 128*n*r bytes plus overhead, or OpenSSL refuses larger n.
    with _HASH_SLOTS:
        return hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=256 * n * r + 2**20
        )


def hash_password(password: str) -> str:
    """Return ``scrypt$n$r$p$salt$hash`` for a new password."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when ``password`` matches ``stored``; False for any malformed hash."""
    if not stored or not isinstance(password, str):
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _scrypt(password, base64.urlsafe_b64decode(salt), int(n), int(r), int(p))
        return hmac.compare_digest(actual, base64.urlsafe_b64decode(digest))
    except (ValueError, TypeError):
        return False


def needs_rehash(stored: str | None) -> bool:
    """True when ``stored`` was made with other parameters than new hashes get."""
    try:
        scheme, n, r, p, _salt, _digest = (stored or "").split("$")
        return (scheme, int(n), int(r), int(p)) != ("scrypt", SCRYPT_N, SCRYPT_R, SCRYPT_P)
    except ValueError:
        return True


_DUMMY_HASH: str | None = None


def burn_time(password: str) -> None:
    """Spend as long as a real check, so unknown or locked accounts are not faster to reject."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None or needs_rehash(_DUMMY_HASH):
        _DUMMY_HASH = hash_password("not-a-real-password")
    verify_password(password, _DUMMY_HASH)


def take_attempt(
    failed_count: int, failed_since: datetime | None, now: datetime
) -> tuple[int, datetime] | None:
    """Count one sign-in attempt as a failure before its password is checked; return the new
    (failed_count, failed_since), or None when 5 failures within 15 minutes (from the first
    one) are used up and the account must be locked for LOCK_DURATION."""
    if failed_since is None or now - failed_since > FAILURE_WINDOW:
        failed_count, failed_since = 0, now
    if failed_count >= MAX_FAILURES:
        return None
    return failed_count + 1, failed_since


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
