-- Idempotency keys of REST submissions (`Idempotency-Key` header): a client
-- that retries after a lost response gets the request it already made, not
-- a second one. `fingerprint` is a SHA-256 of what was submitted, so the
-- same key with a different request is refused. Kept 24 hours.

CREATE TABLE idempotency_keys (
    org         TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    reference   TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (org, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
