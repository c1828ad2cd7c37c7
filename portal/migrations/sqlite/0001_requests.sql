-- Requests, their history, verification codes and subject sessions.
-- Times are UTC Unix seconds (INTEGER): cheap to compare, and the same type
-- (BIGINT) on PostgreSQL. Enumerations are CHECK-constrained, never free text.
-- Secrets (tracking keys, codes, link and session tokens) are stored only as
-- hashes.

CREATE TABLE requests (
    id                INTEGER PRIMARY KEY,
    reference         TEXT    NOT NULL UNIQUE,
    org               TEXT    NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('access', 'rectification', 'erasure', 'restriction',
                          'portability', 'objection', 'automated_decision', 'marketing_opt_out', 'withdraw_consent')),
    email             TEXT    NOT NULL,
    language          TEXT    NOT NULL CHECK (language IN ('en', 'nb', 'nl')),
    details           TEXT    NOT NULL,          -- JSON, the validated answers for this kind
    status            TEXT    NOT NULL CHECK (status IN ('pending_verification', 'received', 'in_progress',
                          'awaiting_subject', 'completed', 'rejected', 'cancelled')),
    tracking_key_hash TEXT    NOT NULL UNIQUE,
    created_at        INTEGER NOT NULL,
    verified_at       INTEGER,
    due_date          TEXT,                      -- ISO date, set at verification
    updated_at        INTEGER NOT NULL
);
-- "My requests" reads by subject; the expiry sweep reads by status and age.
CREATE INDEX requests_by_subject ON requests (org, email);
CREATE INDEX requests_by_status ON requests (status, created_at);

CREATE TABLE request_events (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    event      TEXT    NOT NULL CHECK (event IN ('submitted', 'code_sent', 'verified', 'expired_unverified',
                   'status_changed')),
    actor      TEXT    NOT NULL CHECK (actor IN ('subject', 'system', 'staff'))
);
CREATE INDEX request_events_by_request ON request_events (request_id, at);

CREATE TABLE verification_codes (
    id              INTEGER PRIMARY KEY,
    request_id      INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    email           TEXT    NOT NULL,            -- for the per-address daily limit
    code_hash       TEXT    NOT NULL,
    link_hash       TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    state           TEXT    NOT NULL CHECK (state IN ('active', 'used', 'burned', 'superseded'))
);
CREATE INDEX verification_codes_by_request ON verification_codes (request_id, state);
CREATE INDEX verification_codes_by_email ON verification_codes (email, created_at);

CREATE TABLE subject_sessions (
    token_hash   TEXT    PRIMARY KEY,
    org          TEXT    NOT NULL,
    email        TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX subject_sessions_by_expiry ON subject_sessions (expires_at);
