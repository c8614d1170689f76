"""User accounts and sign-in.

Usernames are case-insensitive (stored in lower case). Account management
(add, disable, enable, reset, update, list) is for admins; pass ``actor=None``
only from trusted code such as the ``python -m app.users`` CLI or seeding.
Sign-in failures lock an account after 5 tries in 15 minutes (see app.store.passwords.take_attempt).
"""

from __future__ import annotations

import sqlite3

from app.store import passwords as auth
from app.store import validate
from app.store.access import load_actor, user_from_row
from app.store.audit import SYSTEM, AuditMixin, write_audit
from app.store.db import from_text, to_text
from app.store.errors import AuthError, Conflict, Forbidden, NotFound, ValidationError
from app.store.models import User

# One answer for unknown, wrong and locked, so it cannot tell which usernames exist.
DEMO_OFF = (
    "Demo accounts are switched off because this warehouse is not the built-in synthetic data."
    " An admin can re-enable one deliberately with: python -m app.users enable USERNAME"
)
WRONG = "Wrong username or password. After 5 failed tries, signing in is paused for 15 minutes."


class AccountsMixin(AuditMixin):
    # -- reading ---------------------------------------------------------------

    def get_user(self, username: str) -> User:
        """The user called ``username`` (any case); NotFound if there is none."""
        with self._read() as con:
            return user_from_row(self._user_row(con, username))

    def list_users(self, actor: User | None = None) -> list[User]:
        """Every account, disabled ones included (admins only when ``actor`` is given)."""
        with self._read() as con:
            self._require_admin(con, actor)
            return [user_from_row(r) for r in con.execute("SELECT * FROM users ORDER BY username")]

    def directory(self, actor: User) -> list[User]:
        """Active accounts, for choosing whom to share with (any signed-in user)."""
        with self._read() as con:
            load_actor(con, actor)
            rows = con.execute("SELECT * FROM users WHERE disabled = 0 ORDER BY username")
            return [user_from_row(r) for r in rows]

    def list_teams(self) -> list[str]:
        """Teams (BCUs) that at least one active user belongs to."""
        with self._read() as con:
            rows = con.execute(
                "SELECT DISTINCT team FROM users WHERE team IS NOT NULL AND disabled = 0 ORDER BY team"
            )
            return [r["team"] for r in rows]

    # -- managing (admins) -----------------------------------------------------

    def add_user(
        self,
        actor: User | None,
        username: str,
        password: str,
        *,
        role: str = "officer",
        team: str | None = None,
        display_name: str | None = None,
        demo: bool = False,
    ) -> User:
        """Create an account; Conflict (carrying the existing user) if the name is taken.
        ``demo`` marks a demo account (published password, see ``disable_demo_accounts``)."""
        name = validate.username(username)
        auth.check_password(password)
        fields = {
            "role": validate.role(role),
            "team": validate.team(team),
            "display_name": validate.line(display_name or name, "Display name", 100),
        }
        password_hash = auth.hash_password(password)  # slow: outside the write lock
        with self._write() as con:
            by = self._require_admin(con, actor)
            existing = con.execute("SELECT * FROM users WHERE username = ?", (name,)).fetchone()
            if existing:
                raise Conflict(f"A user called '{name}' already exists", current=user_from_row(existing))
            now = to_text(self.now())
            con.execute(
                "INSERT INTO users (username, display_name, role, team, password_hash, created_at, updated_at, demo)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    fields["display_name"],
                    fields["role"],
                    fields["team"],
                    password_hash,
                    now,
                    now,
                    int(demo),
                ),
            )
            self._log_change(con, by, name, "add", {k: v for k, v in fields.items() if k != "display_name"})
            return user_from_row(self._user_row(con, name))

    def update_user(
        self,
        actor: User | None,
        username: str,
        *,
        display_name: str | None = None,
        role: str | None = None,
        team: str | None = None,
    ) -> User:
        """Change an account's name, role or team. None leaves a field alone; ``team=""`` clears it."""
        with self._write() as con:
            by = self._require_admin(con, actor)
            row = self._user_row(con, username)
            changes = {}
            if display_name is not None:
                changes["display_name"] = validate.line(display_name, "Display name", 100)
            if role is not None:
                changes["role"] = validate.role(role)
                if row["role"] == "admin" and role != "admin":
                    self._keep_an_admin(con, row["username"])
            if team is not None:
                changes["team"] = validate.team(team)
            for column, value in changes.items():
                # Column names come from the fixed keys above, never from input.
                con.execute(f"UPDATE users SET {column} = ? WHERE username = ?", (value, row["username"]))
            con.execute(
                "UPDATE users SET updated_at = ? WHERE username = ?", (to_text(self.now()), row["username"])
            )
            self._log_change(con, by, row["username"], "update", changes)
            return user_from_row(self._user_row(con, row["username"]))

    def disable_user(self, actor: User | None, username: str) -> User:
        """Stop an account signing in (its boards and audit rows are kept)."""
        with self._write() as con:
            by = self._require_admin(con, actor)
            row = self._user_row(con, username)
            if by is not None and by.username == row["username"]:
                raise ValidationError("You can't disable your own account")
            if row["role"] == "admin":
                self._keep_an_admin(con, row["username"])
            return self._set_user(con, by, row, "disable", disabled=1)

    def enable_user(self, actor: User | None, username: str) -> User:
        """Let a disabled account sign in again; also clears a lockout. Enabling a demo account
        is deliberate: it stops being a demo account and stays enabled on real data."""
        with self._write() as con:
            by = self._require_admin(con, actor)
            row = self._user_row(con, username)
            return self._set_user(
                con, by, row, "enable", disabled=0, failed_count=0, locked_until=None, demo=0
            )

    def disable_demo_accounts(self) -> list[str]:
        """Disable every enabled demo account (trusted code: when the warehouse is not the
        synthetic one); return their usernames."""
        with self._write() as con:
            rows = con.execute(
                "SELECT * FROM users WHERE demo = 1 AND disabled = 0 ORDER BY username"
            ).fetchall()
            for row in rows:
                self._set_user(con, None, row, "disable_demo", disabled=1)
            return [row["username"] for row in rows]

    def reset_password(self, actor: User | None, username: str, new_password: str) -> User:
        """Set a new password (admins); also clears a lockout."""
        auth.check_password(new_password)
        password_hash = auth.hash_password(new_password)
        with self._write() as con:
            by = self._require_admin(con, actor)
            row = self._user_row(con, username)
            return self._set_user(
                con, by, row, "reset_password", password_hash=password_hash, failed_count=0, locked_until=None
            )

    def change_password(self, actor: User, old_password: str, new_password: str) -> User:
        """A signed-in user changes their own password; AuthError if the old one is wrong."""
        auth.check_password(new_password)
        with self._read() as con:
            row = self._user_row(con, load_actor(con, actor).username)
        if not auth.verify_password(old_password, row["password_hash"]):
            raise AuthError("Your current password is wrong")
        password_hash = auth.hash_password(new_password)
        with self._write() as con:
            me = load_actor(con, actor)
            return self._set_user(con, me, row, "change_password", password_hash=password_hash)

    # -- signing in ------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> User:
        """The user, if the password is right and the account usable; otherwise AuthError.

        Unknown, wrong and locked all get the same message (``WRONG``), so the answer does not
        tell which usernames exist; "Account disabled" comes only with the right password.
        The attempt is counted as a failure, in one write transaction, before the slow password
        check, and the lock is checked again after it. Every attempt is audited, except on a
        read-only store, which still lets people in.
        """
        if self.read_only:
            return self._authenticate_read_only(username, password)
        now = self.now()
        try:
            name = validate.username(username)
        except ValidationError:
            name = None
        row = self._take_attempt(name, now)
        if row is None:
            auth.burn_time(password if isinstance(password, str) else "")
            raise AuthError(WRONG)
        good = auth.verify_password(password, row["password_hash"])  # slow: outside the write lock
        upgraded = auth.hash_password(password) if good and auth.needs_rehash(row["password_hash"]) else None
        with self._write() as con:
            fresh = self._user_row(con, name)
            locked_until = from_text(fresh["locked_until"])
            if not good:
                reason = "wrong_password"
                if fresh["failed_count"] >= auth.MAX_FAILURES and not (locked_until and now < locked_until):
                    self._lock(con, name, now)
                    reason = "wrong_password_locked"
                write_audit(con, now, name, "sign_in_failed", "user", name, {"reason": reason}, ok=False)
            elif locked_until and now < locked_until:
                write_audit(con, now, name, "sign_in_failed", "user", name, {"reason": "locked"}, ok=False)
            elif fresh["disabled"]:
                write_audit(con, now, name, "sign_in_failed", "user", name, {"reason": "disabled"}, ok=False)
            else:
                con.execute(
                    "UPDATE users SET failed_count = 0, failed_since = NULL, locked_until = NULL"
                    " WHERE username = ?",
                    (name,),
                )
                if upgraded and fresh["password_hash"] == row["password_hash"]:
                    con.execute("UPDATE users SET password_hash = ? WHERE username = ?", (upgraded, name))
                write_audit(con, now, name, "sign_in", "user", name)
                return user_from_row(self._user_row(con, name))
        if good and fresh["disabled"] and not (locked_until and now < locked_until):
            if fresh["demo"]:
                raise AuthError(DEMO_OFF)
            raise AuthError("Account disabled: ask an admin to enable it")
        raise AuthError(WRONG)

    def _authenticate_read_only(self, username: str, password: str) -> User:
        """Sign-in with nothing written: no failure count, no audit row (the store cannot take them)."""
        try:
            name = validate.username(username)
        except ValidationError:
            name = None
        with self._read() as con:
            row = con.execute("SELECT * FROM users WHERE username = ?", (name,)).fetchone() if name else None
        if row is None:
            auth.burn_time(password if isinstance(password, str) else "")
            raise AuthError(WRONG)
        locked_until = from_text(row["locked_until"])
        if locked_until and self.now() < locked_until:
            auth.burn_time(password if isinstance(password, str) else "")
            raise AuthError(WRONG)
        if not auth.verify_password(password, row["password_hash"]):
            raise AuthError(WRONG)
        if row["disabled"]:
            raise AuthError("Account disabled: ask an admin to enable it")
        return user_from_row(row)

    # -- helpers ---------------------------------------------------------------

    def _take_attempt(self, name: str | None, now) -> sqlite3.Row | None:
        """Count this attempt as a failure (or refuse it) before the password is checked.
        Returns the user's row, or None (audited) for an unknown or locked account."""
        with self._write() as con:
            row = con.execute("SELECT * FROM users WHERE username = ?", (name,)).fetchone() if name else None
            if row is None:
                write_audit(
                    con, now, name, "sign_in_failed", "user", name, {"reason": "unknown_user"}, ok=False
                )
                return None
            locked_until = from_text(row["locked_until"])
            taken = None
            if not (locked_until and now < locked_until):
                taken = auth.take_attempt(row["failed_count"], from_text(row["failed_since"]), now)
                if taken is None:
                    self._lock(con, name, now)
            if taken is None:
                write_audit(con, now, name, "sign_in_failed", "user", name, {"reason": "locked"}, ok=False)
                return None
            count, since = taken
            con.execute(
                "UPDATE users SET failed_count = ?, failed_since = ? WHERE username = ?",
                (count, to_text(since), name),
            )
            return row

    def _lock(self, con: sqlite3.Connection, name: str, now) -> None:
        con.execute(
            "UPDATE users SET failed_count = 0, failed_since = NULL, locked_until = ? WHERE username = ?",
            (to_text(now + auth.LOCK_DURATION), name),
        )

    def _sign_in_failed(self, name: str | None, reason: str) -> None:
        with self._write() as con:
            write_audit(con, self.now(), name, "sign_in_failed", "user", name, {"reason": reason}, ok=False)

    def _user_row(self, con: sqlite3.Connection, username: str) -> sqlite3.Row:
        name = username.strip().lower() if isinstance(username, str) else ""
        row = con.execute("SELECT * FROM users WHERE username = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(f"There is no user called '{username}'")
        return row

    def _require_admin(self, con: sqlite3.Connection, actor: User | None) -> User | None:
        if actor is None:
            return None
        me = load_actor(con, actor)
        if not me.is_admin:
            raise Forbidden("Only admins can manage accounts")
        return me

    def _keep_an_admin(self, con: sqlite3.Connection, username: str) -> None:
        others = con.execute(
            "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND username != ?", (username,)
        ).fetchone()[0]
        if others == 0:
            raise ValidationError("There must be at least one active admin")

    def _set_user(self, con, by: User | None, row: sqlite3.Row, change: str, **columns) -> User:
        for column, value in columns.items():
            # Column names come from this module's callers, never from input.
            con.execute(f"UPDATE users SET {column} = ? WHERE username = ?", (value, row["username"]))
        con.execute(
            "UPDATE users SET updated_at = ? WHERE username = ?", (to_text(self.now()), row["username"])
        )
        self._log_change(con, by, row["username"], change)
        return user_from_row(self._user_row(con, row["username"]))

    def _log_change(
        self, con, by: User | None, username: str, change: str, detail: dict | None = None
    ) -> None:
        detail = {"change": change, **(detail or {})}
        write_audit(con, self.now(), by.username if by else SYSTEM, "user_change", "user", username, detail)
