"""Passwords and the sign-in lockout rule: the one place passwords are hashed and checked.

- ``hash_password(password) -> str`` and ``verify_password(password, stored) -> bool``:
  scrypt (n=2**17, r=8, p=1, at most 4 at once) with a random per-user salt; the parameters are kept in
  the stored string (``scrypt$n$r$p$salt$hash``) so they can be raised later.
- ``check_password(password)`` raises ``ValidationError`` unless it meets the policy.
- ``register_failure(...)`` is the lockout rule: 5 failed sign-ins within 15 minutes
  lock the account for 15 minutes.

It lives in the store (which hashes on add and reset and verifies on sign-in), so the store does
not import ``app.auth``; ``app.auth`` re-exports these names.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from datetime import datetime, timedelta

from app.store.errors import ValidationError

SCRYPT_N = 2**17  # 128 MiB and about a third of a second per hash
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)


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


def register_failure(
    failed_count: int, failed_since: datetime | None, now: datetime
) -> tuple[int, datetime | None, datetime | None]:
    """Apply one failed sign-in; return (failed_count, failed_since, locked_until).

    Failures count within a 15-minute window from the first one; the fifth locks
    the account for 15 minutes and starts a fresh count.
    """
    if failed_since is None or now - failed_since > FAILURE_WINDOW:
        failed_count, failed_since = 0, now
    failed_count += 1
    if failed_count >= MAX_FAILURES:
        return 0, None, now + LOCK_DURATION
    return failed_count, failed_since, None
