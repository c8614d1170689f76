"""Exceptions raised by the state store.

Every exception's ``str()`` is a short, plain-English message that the UI can
show as it is. ``Conflict`` also carries the current saved object.
"""

from __future__ import annotations

from typing import Any


class StoreError(Exception):
    """Base class: the message is meant for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StoreUnavailable(StoreError):
    """The state store file could not be written (full disk, read-only) or read."""


class NotFound(StoreError):
    """The board, dashboard, tile, pin or user does not exist (or was deleted)."""


class Forbidden(StoreError):
    """The acting user may not do this."""


class Conflict(StoreError):
    """Someone saved a newer version first; ``current`` is what is saved now."""

    def __init__(self, message: str, current: Any):
        super().__init__(message)
        self.current = current


class AuthError(StoreError):
    """Sign-in failed: wrong password, locked or disabled account."""


class ValidationError(StoreError, ValueError):
    """Bad input, such as an empty title or a password that is too short."""
