-- Users, boards and their tiles, dashboards and their pins, shares, and the audit log.

CREATE TABLE users (
    username      TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('officer', 'sergeant', 'supervisor', 'admin')),
    team          TEXT COLLATE NOCASE,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    password_hash TEXT NOT NULL,
    failed_count  INTEGER NOT NULL DEFAULT 0,
    failed_since  TEXT,
    locked_until  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE boards (
    id         TEXT NOT NULL PRIMARY KEY,
    owner      TEXT NOT NULL REFERENCES users (username),
    title      TEXT NOT NULL,
    event      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(event)),
    notes      TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);
CREATE INDEX boards_owner ON boards (owner);

CREATE TABLE tiles (
    board_id TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    id       TEXT NOT NULL,
    position INTEGER NOT NULL,
    title    TEXT NOT NULL,
    question TEXT NOT NULL DEFAULT '',
    intent   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(intent)),
    chart    TEXT,
    PRIMARY KEY (board_id, id)
);

CREATE TABLE dashboards (
    id              TEXT NOT NULL PRIMARY KEY,
    owner           TEXT NOT NULL REFERENCES users (username),
    title           TEXT NOT NULL,
    filters         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(filters)),
    refresh_seconds INTEGER CHECK (refresh_seconds IS NULL OR refresh_seconds > 0),
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);
CREATE INDEX dashboards_owner ON dashboards (owner);

CREATE TABLE pins (
    dashboard_id TEXT NOT NULL REFERENCES dashboards (id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    position     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    question     TEXT NOT NULL DEFAULT '',
    intent       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(intent)),
    chart        TEXT,
    source       TEXT NOT NULL DEFAULT 'ask',
    PRIMARY KEY (dashboard_id, id)
);

-- One table for board and dashboard shares, so one piece of code checks both.
CREATE TABLE shares (
    object_kind    TEXT NOT NULL CHECK (object_kind IN ('board', 'dashboard')),
    object_id      TEXT NOT NULL,
    principal_kind TEXT NOT NULL CHECK (principal_kind IN ('user', 'team')),
    principal      TEXT NOT NULL COLLATE NOCASE,
    role           TEXT NOT NULL CHECK (role IN ('viewer', 'editor')),
    created_at     TEXT NOT NULL,
    PRIMARY KEY (object_kind, object_id, principal_kind, principal)
);
CREATE INDEX shares_principal ON shares (principal_kind, principal);

-- No foreign key on username: failed sign-ins are logged for names that do not exist.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    username    TEXT,
    action      TEXT NOT NULL,
    target_kind TEXT,
    target_id   TEXT,
    detail      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
    ok          INTEGER NOT NULL DEFAULT 1 CHECK (ok IN (0, 1))
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user_at ON audit_log (username COLLATE NOCASE, at);

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
