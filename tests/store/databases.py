"""The two databases the store runs on, for tests: a throwaway PostgreSQL server, and a raw
connection to a store's database (SQLite file or PostgreSQL) for what the app never does.

The server: initdb + pg_ctl in a temporary folder. One server per test session; each test gets a fresh database made with
``CREATE DATABASE ... TEMPLATE`` (fast): empty, or a copy of one migrated once. Started as the ``postgres`` user when we run as
root (PostgreSQL refuses to run as root), listening on a unix socket only.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

SETTINGS = {
    # Test data is thrown away: skip durability work.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",
    # A session makes a database per test (hundreds): autovacuum visiting each of them in turn
    # would compete with the timing tests for this machine's two cores.
    "autovacuum": "off",
}


def pg_bin() -> Path | None:
    """The folder of initdb/pg_ctl: on PATH, else Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


def missing() -> str | None:
    """Why a server cannot be started here, or None."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install '.[postgres]')"
    if pg_bin() is None:
        return "PostgreSQL's pg_ctl/initdb are not installed (apt-get install postgresql)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """``start()``, ``new_database()`` -> URL, ``stop()``."""

    def __init__(self):
        self.bin = pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="ub-pg-"))
        self.data, self.socket_dir = self.root / "data", self.root / "sock"
        self.port = _free_port()
        self._names = itertools.count(1)
        self._template: str | None = None
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "postgres", "--"]
            self.root.chmod(0o755)
        self.user = "postgres" if self._as_user else pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, text=True)

    def start(self) -> PostgresServer:
        self.socket_dir.mkdir()
        if self._as_user:
            shutil.chown(self.socket_dir, "postgres")
            os.chown(self.root, pwd.getpwnam("postgres").pw_uid, -1)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user, "-A", "trust", "-N")
        options = " ".join(f"-c {k}={v}" for k, v in SETTINGS.items())
        options += f" -p {self.port} -k {self.socket_dir}"
        log = self.root / "server.log"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(log), "-o", options, "-w", "start"
        )
        return self

    def restart(self) -> None:
        """Stop and start the server (connections open before are broken)."""
        log = self.root / "server.log"  # the server must not hold our captured stdout open
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(log), "-m", "fast", "-w", "restart"
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@/{database}?host={self.socket_dir}&port={self.port}"

    def new_database(self, migrated: bool = False) -> str:
        """A fresh database, empty or with the store's schema already in place; its URL."""
        return self.url(self._create(self._migrated_template() if migrated else "template0"))

    def _create(self, template: str) -> str:
        import psycopg

        name = f"t{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return name

    def _migrated_template(self) -> str:
        """A database migrated once, copied for each test (faster than migrating each time)."""
        if self._template is None:
            from datetime import UTC, datetime

            from app.store import db, postgres

            name = self._create("template0")
            con = postgres.connect(self.url(name))  # closed before copying: a template has no sessions
            try:
                db.migrate(con, datetime.now(UTC))
            finally:
                con.close()
            self._template = name
        return self._template

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def store_connection(location):
    """A connection as the store opens them (SQLite with foreign keys on; PostgreSQL through
    the placeholder adapter), for driving ``db.migrate`` by hand as an older app would."""
    from app.store import db

    if db.is_postgres_url(location):
        from app.store import postgres

        return postgres.connect(location)
    Path(location).parent.mkdir(parents=True, exist_ok=True)
    return db.connect(location)


def errors() -> tuple[type[Exception], ...]:
    """The exception classes either database raises."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


class Raw:
    """A connection to a store's own database (file path or URL), outside the Store, in autocommit mode.
    ``execute`` takes SQLite's ``?`` placeholders on both; ``Error`` is what the database raises."""

    def __init__(self, location):
        from app.store import db

        self.dialect = "postgres" if db.is_postgres_url(location) else "sqlite"
        if self.dialect == "postgres":
            import psycopg

            from app.store import postgres

            self.con, self.Error = postgres.connect(location), psycopg.Error
        else:
            self.con, self.Error = sqlite3.connect(location, isolation_level=None), sqlite3.Error

    def execute(self, sql: str, params: Any = ()):
        return self.con.execute(sql, params)

    def one(self, sql: str, params: Any = ()) -> tuple:
        return tuple(self.execute(sql, params).fetchone())

    def drop_trigger(self, name: str) -> None:
        """What an attacker with the database's owner rights can do."""
        self.execute(f"DROP TRIGGER {name}" + (" ON audit_log" if self.dialect == "postgres" else ""))

    def tables(self) -> set[str]:
        if self.dialect == "postgres":
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        return {r[0] for r in self.execute(sql)}

    def close(self) -> None:
        self.con.close()
