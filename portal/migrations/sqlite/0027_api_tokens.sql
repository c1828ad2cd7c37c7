-- Organisation API tokens: an integration (a CRM, a ticketing or mailing
-- system) works one organisation's queue with one. Only the token's
-- SHA-256 is kept; it is shown once, when an admin makes it. A token has a
-- role like a member, an expiry, and stays listed (revoked) once revoked,
-- so the audit log's "token:<id>" always names something.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    org          TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('admin', 'agent')),
    token_hash   TEXT    NOT NULL UNIQUE,
    created_by   INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    revoked_by   INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    last_used_at INTEGER,
    uses         INTEGER NOT NULL DEFAULT 0
);
-- One live token per name and organisation, so the console's names are unambiguous.
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (org, name) WHERE revoked_at IS NULL;
-- The feeds read opt-outs and receipts of one organisation after a cursor (their id).
CREATE INDEX opt_outs_feed ON opt_outs (org, id);
CREATE INDEX consent_receipts_feed ON consent_receipts (org, id);
