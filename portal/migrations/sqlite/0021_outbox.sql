-- The outbox: every mail the portal sends is written here in the
-- transaction of the event that causes it, and sent by the worker. A
-- worker claims a due message with a lease (`sending`); a message whose
-- lease ran out (its worker died mid-send) is claimed again, with the same
-- `message_id`, which is also its Message-ID header. The mail itself
-- (address, subject, body) is sealed and bound to `message_id`; it is
-- erased once sent or given up.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    message_id  TEXT    NOT NULL UNIQUE,
    org         TEXT,
    request_id  INTEGER REFERENCES requests (id) ON DELETE SET NULL,
    template    TEXT    NOT NULL,
    sealed      TEXT,
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    run_after   INTEGER NOT NULL,
    lease_until INTEGER,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER
);
CREATE INDEX outbox_due ON outbox (status, run_after);
CREATE INDEX outbox_by_request ON outbox (request_id, id);

-- Each try, as it ended: what admins read when mail does not arrive.
CREATE TABLE outbox_attempts (
    outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    attempt   INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    outcome   TEXT    NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed')),
    error     TEXT,
    PRIMARY KEY (outbox_id, attempt)
);
