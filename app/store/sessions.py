"""Sign-in sessions that survive a page reload, and each user's recent questions.

A session token is ``v1.<session id>.<expires, unix seconds>.<HMAC-SHA256>``: a random id
(256 bits), signed with a server-side key kept in the store (``app_secrets``, created on first
use, never in the repository). The store keeps only the SHA-256 of the id, with the user, the
last activity and whether it has ended. A token is good only while its signature holds, it
has not expired, its session has not ended (sign-out revokes it here, on the server) and it
was used within the idle time; every check of a live session counts as activity.

    token = store.start_session(user, lifetime=timedelta(hours=12))
    user = store.resume_session(token, idle=timedelta(minutes=30))   # AuthError when not good
    store.keep_session(token, idle=..., touch_every=...) -> bool     # False once ended or idle
    store.end_session(token)                                         # sign-out
    store.remember_question(user, "burglary in Camden");  store.recent_questions(user) -> [str]
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from datetime import timedelta

from app.store import validate
from app.store.access import load_actor, user_from_row
from app.store.accounts import AccountsMixin
from app.store.audit import write_audit
from app.store.db import from_text, to_text
from app.store.errors import AuthError
from app.store.models import User

TOKEN_VERSION = "v1"
SECRET_NAME = "session_signing_key"
RECENT_KEPT = 8
ENDED = "You have been signed out. Please sign in again."
IDLE = "You were signed out after a while without activity. Please sign in again."


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionsMixin(AccountsMixin):
    # -- the signing key -----------------------------------------------------------------

    def _signing_key(self) -> bytes:
        """The server's HMAC key: created once in the store, then read (and kept in memory)."""
        key = getattr(self, "_session_key", None)
        if key is not None:
            return key
        with self._read() as con:
            row = con.execute("SELECT value FROM app_secrets WHERE name = ?", (SECRET_NAME,)).fetchone()
        if row is None:
            with self._write() as con:  # the write lock: two processes cannot both create one
                row = con.execute("SELECT value FROM app_secrets WHERE name = ?", (SECRET_NAME,)).fetchone()
                if row is None:
                    value = secrets.token_hex(32)
                    con.execute(
                        "INSERT INTO app_secrets (name, value, created_at) VALUES (?, ?, ?)",
                        (SECRET_NAME, value, to_text(self.now())),
                    )
                    row = {"value": value}
        self._session_key = bytes.fromhex(row["value"])
        return self._session_key

    def _sign(self, payload: str) -> str:
        return hmac.new(self._signing_key(), payload.encode(), hashlib.sha256).hexdigest()

    def _session_id(self, token) -> str:
        """The session id of a well-formed, correctly signed, unexpired token; AuthError otherwise."""
        parts = token.split(".") if isinstance(token, str) and len(token) < 200 else []
        if len(parts) != 4 or parts[0] != TOKEN_VERSION or not parts[2].isdigit():
            raise AuthError(ENDED)
        version, session_id, expires, signature = parts
        if not hmac.compare_digest(self._sign(f"{version}.{session_id}.{expires}"), signature):
            raise AuthError(ENDED)
        if int(expires) <= self.now().timestamp():
            raise AuthError(ENDED)
        return session_id

    # -- sessions ------------------------------------------------------------------------------

    def start_session(self, actor: User, *, lifetime: timedelta) -> str:
        """A new session for ``actor`` (just signed in); returns its signed token."""
        if lifetime <= timedelta(0):
            raise ValueError("a session needs a positive lifetime")
        session_id = secrets.token_urlsafe(32)
        self._signing_key()  # created, if need be, before the transaction below
        now = self.now()
        expires = int((now + lifetime).timestamp())
        with self._write() as con:
            user = load_actor(con, actor)
            con.execute(
                "INSERT INTO login_sessions (id, username, created_at, last_seen_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (_digest(session_id), user.username, to_text(now), to_text(now), to_text(now + lifetime)),
            )
        payload = f"{TOKEN_VERSION}.{session_id}.{expires}"
        return f"{payload}.{self._sign(payload)}"

    def _live_row(self, con: sqlite3.Connection, digest: str, idle: timedelta) -> tuple[sqlite3.Row, str]:
        """The session's row and why it is not live ('' when it is)."""
        row = con.execute("SELECT * FROM login_sessions WHERE id = ?", (digest,)).fetchone()
        if row is None or row["ended_at"] is not None:
            return row, "ended"
        if from_text(row["last_seen_at"]) + idle <= self.now():
            return row, "idle"
        return row, ""

    def resume_session(self, token, *, idle: timedelta) -> User:
        """The user of a live session (after a page reload); audited as a sign-in. AuthError
        when the token is bad, the session ended, it was idle too long or the account is disabled."""
        digest = _digest(self._session_id(token))  # checked before any transaction (it may create the key)
        with self._write() as con:  # an ending is saved before AuthError is raised
            row, why = self._live_row(con, digest, idle)
            user_row = None
            if not why:
                user_row = con.execute(
                    "SELECT * FROM users WHERE username = ?", (row["username"],)
                ).fetchone()
                why = "disabled" if user_row is None or user_row["disabled"] else ""
            if why in ("idle", "disabled"):
                self._end(con, row["id"], why)
            if not why:
                now = self.now()
                con.execute(
                    "UPDATE login_sessions SET last_seen_at = ? WHERE id = ?", (to_text(now), row["id"])
                )
                write_audit(
                    con, now, row["username"], "sign_in", "user", row["username"], {"method": "session"}
                )
        if why:
            raise AuthError(IDLE if why == "idle" else ENDED)
        return user_from_row(user_row)

    def keep_session(self, token, *, idle: timedelta, touch_every: timedelta) -> bool:
        """True while the session is live, counting this as activity (written at most once per
        ``touch_every``); False once it has ended or been idle too long (then it is ended)."""
        try:
            digest = _digest(self._session_id(token))
        except AuthError:
            return False
        with self._read() as con:
            row, why = self._live_row(con, digest, idle)
        if not why and from_text(row["last_seen_at"]) + touch_every > self.now():
            return True
        with self._write() as con:
            row, why = self._live_row(con, digest, idle)
            if why == "idle":
                self._end(con, row["id"], "idle")
            if why:
                return False
            con.execute(
                "UPDATE login_sessions SET last_seen_at = ? WHERE id = ?", (to_text(self.now()), row["id"])
            )
            return True

    def end_session(self, token, reason: str = "sign_out") -> None:
        """End the session (sign-out): its token is refused from now on, on every server."""
        try:
            digest = _digest(self._session_id(token))
        except AuthError:
            return  # a bad or expired token ends nothing
        with self._write() as con:
            self._end(con, digest, reason)

    def _end(self, con: sqlite3.Connection, digest: str, reason: str) -> None:
        con.execute(
            "UPDATE login_sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL",
            (to_text(self.now()), reason, digest),
        )

    # -- recent questions --------------------------------------------------------------------

    def remember_question(self, actor: User, question: str, keep: int = RECENT_KEPT) -> None:
        """Put ``question`` first in ``actor``'s recent questions, keeping the ``keep`` newest."""
        question = validate.text(question, "Question", validate.MAX_QUESTION).strip()
        if not question:
            return
        with self._write() as con:
            user = load_actor(con, actor)
            con.execute(
                "DELETE FROM recent_questions WHERE username = ? AND question = ?", (user.username, question)
            )
            con.execute(
                "INSERT INTO recent_questions (username, question, asked_at) VALUES (?, ?, ?)",
                (user.username, question, to_text(self.now())),
            )
            con.execute(
                "DELETE FROM recent_questions WHERE username = ? AND question NOT IN ("
                " SELECT question FROM recent_questions WHERE username = ?"
                " ORDER BY asked_at DESC, question LIMIT ?)",
                (user.username, user.username, keep),
            )

    def recent_questions(self, actor: User, limit: int = RECENT_KEPT) -> list[str]:
        """``actor``'s recent questions, newest first."""
        with self._read() as con:
            user = load_actor(con, actor)
            rows = con.execute(
                "SELECT question FROM recent_questions WHERE username = ? ORDER BY asked_at DESC, question LIMIT ?",
                (user.username, limit),
            )
            return [r["question"] for r in rows]
