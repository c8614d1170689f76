"""Audit log hardening: no INSERT OR REPLACE over an existing row, and a hash chain.

Each row stores ``prev_hash`` (the previous row's ``row_hash``) and ``row_hash`` (a hash of
``prev_hash`` and its own content), so a changed, removed or re-ordered row breaks the chain
(``Store.verify_audit``). The table is rebuilt with the rows written before this migration
chained in id order; no row is updated in place.

On PostgreSQL the same: its triggers come from one function, and ``audit_log_high_water``
keeps the highest id ever written (what ``sqlite_sequence`` keeps on SQLite), so removed
rows at the end of the log are found too. ``INSERT ... ON CONFLICT DO UPDATE``, the
equivalent of REPLACE there, fires the update trigger.
"""

from __future__ import annotations

from app.store.audit import HASHED, chain_hash
from app.store.db import dialect

TABLE = """CREATE TABLE audit_log_chained (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    username    TEXT,
    action      TEXT NOT NULL,
    target_kind TEXT,
    target_id   TEXT,
    detail      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
    ok          INTEGER NOT NULL DEFAULT 1 CHECK (ok IN (0, 1)),
    prev_hash   TEXT NOT NULL,
    row_hash    TEXT NOT NULL
)"""

AFTER = (
    "CREATE INDEX audit_log_at ON audit_log (at)",
    "CREATE INDEX audit_log_user_at ON audit_log (username COLLATE NOCASE, at)",
    """CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END""",
    """CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END""",
    # REPLACE deletes the old row without firing delete triggers: refuse the insert itself.
    """CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: that id exists');
END""",
)


POSTGRES_TABLE = """CREATE TABLE audit_log_chained (
    id          BIGINT PRIMARY KEY,
    at          TEXT NOT NULL,
    username    TEXT,
    action      TEXT NOT NULL,
    target_kind TEXT,
    target_id   TEXT,
    detail      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
    ok          INTEGER NOT NULL DEFAULT 1 CHECK (ok IN (0, 1)),
    prev_hash   TEXT NOT NULL,
    row_hash    TEXT NOT NULL
)"""

POSTGRES_AFTER = """
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user_at ON audit_log (username COLLATE NOCASE, at);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_append_only_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE audit_log_high_water (id BIGINT NOT NULL);
INSERT INTO audit_log_high_water SELECT coalesce(max(id), 0) FROM audit_log;
CREATE FUNCTION audit_log_raise_high_water() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_log_high_water SET id = greatest(id, NEW.id);
    RETURN NEW;
END $$;
CREATE TRIGGER audit_log_high_water AFTER INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_raise_high_water();
"""


def upgrade(con) -> None:
    """Copy the log into a chained table, replace the old one, then restore indexes and triggers."""
    postgres = dialect(con) == "postgres"
    con.execute(POSTGRES_TABLE if postgres else TABLE)
    previous = ""
    columns = ", ".join(HASHED)
    marks = ", ".join("?" for _ in HASHED)
    for row in con.execute(f"SELECT {columns} FROM audit_log ORDER BY id").fetchall():
        digest = chain_hash(previous, row)
        con.execute(
            f"INSERT INTO audit_log_chained ({columns}, prev_hash, row_hash) VALUES ({marks}, ?, ?)",
            (*row, previous, digest),
        )
        previous = digest
    if postgres:  # the old table's triggers go with it
        con.execute("DROP TABLE audit_log")
        con.execute("ALTER TABLE audit_log_chained RENAME TO audit_log")
        con.execute(POSTGRES_AFTER)
        return
    con.execute("DROP TRIGGER audit_log_append_only_update")
    con.execute("DROP TRIGGER audit_log_append_only_delete")
    con.execute("DROP TABLE audit_log")
    con.execute("ALTER TABLE audit_log_chained RENAME TO audit_log")
    for statement in AFTER:
        con.execute(statement)
