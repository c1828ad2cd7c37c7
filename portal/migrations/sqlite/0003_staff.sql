-- Staff accounts: argon2id password hashes (PHC strings), roles per
-- organisation, server-side sessions (token hashes only), and failed logins
-- for rate limiting. Addresses are unique case-insensitively: they are
-- stored lower-cased by the Email type.

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE staff_roles (
    staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    org      TEXT    NOT NULL,
    role     TEXT    NOT NULL CHECK (role IN ('admin', 'agent')),
    PRIMARY KEY (staff_id, org)
);

CREATE TABLE staff_sessions (
    token_hash   TEXT    PRIMARY KEY,
    staff_id     INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);

CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    email TEXT    NOT NULL,
    at    INTEGER NOT NULL
);
CREATE INDEX login_failures_by_email ON login_failures (email, at);
