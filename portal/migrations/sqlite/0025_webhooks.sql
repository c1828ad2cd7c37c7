-- Webhook deliveries: written in the transaction of the event they tell,
-- sent by the workers, each try recorded. Deliveries of one stream (a
-- request, or a subject's consents) to one endpoint go in the order they
-- were written: one is claimed only when no earlier one of its stream is
-- still waiting. The body is sealed (an opt-out's names the address) and
-- kept, so that an admin can send it again, until the sweep forgets the
-- delivery 30 days after it ended.
CREATE TABLE webhook_deliveries (
    id           INTEGER PRIMARY KEY,
    message_id   TEXT    NOT NULL UNIQUE,
    org          TEXT    NOT NULL,
    endpoint     TEXT    NOT NULL,
    event        TEXT    NOT NULL,
    stream       TEXT    NOT NULL,
    request_id   INTEGER REFERENCES requests (id) ON DELETE SET NULL,
    sealed       TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('queued', 'sending', 'delivered', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    run_after    INTEGER NOT NULL,
    lease_until  INTEGER,
    last_error   TEXT,
    last_status  INTEGER,
    created_at   INTEGER NOT NULL,
    delivered_at INTEGER
);
CREATE INDEX webhook_due ON webhook_deliveries (status, run_after);
CREATE INDEX webhook_stream ON webhook_deliveries (org, endpoint, stream, id);

CREATE TABLE webhook_attempts (
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed')),
    status_code INTEGER,
    error       TEXT,
    PRIMARY KEY (delivery_id, attempt)
);

-- The deadline events a request has had (`request.due_soon`,
-- `request.overdue`): each is said once, whichever server's sweep gets
-- there first (the primary key decides).
CREATE TABLE request_deadline_events (
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    event      TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (request_id, event)
);
