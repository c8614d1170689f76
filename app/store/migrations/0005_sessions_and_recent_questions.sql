-- Sign-in sessions that survive a page reload, each user's recent questions, and the server's
-- own secrets (the key that signs session tokens). Plain portable SQL.
--
-- A session row is keyed by the SHA-256 of the random session id the browser holds, so the
-- store never holds a usable token. Sign-out and the idle time end a session (ended_at).

CREATE TABLE login_sessions (
    id           TEXT NOT NULL PRIMARY KEY,
    username     TEXT NOT NULL REFERENCES users (username),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    ended_at     TEXT,
    end_reason   TEXT
);
CREATE INDEX login_sessions_username ON login_sessions (username);

CREATE TABLE recent_questions (
    username TEXT NOT NULL REFERENCES users (username),
    question TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    PRIMARY KEY (username, question)
);

CREATE TABLE app_secrets (
    name       TEXT NOT NULL PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
