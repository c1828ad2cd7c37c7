-- Durable background jobs. A worker claims a due job by setting it
-- `running` with a lease; a job whose lease ran out (its worker died) is
-- claimed again. Finishing is conditional on the claim (`attempts`), so a
-- job is completed once even if two workers ever ran it.

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('collect')),
    request_id  INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    run_after   INTEGER NOT NULL,
    lease_until INTEGER,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX jobs_due ON jobs (status, run_after);
CREATE INDEX jobs_by_request ON jobs (request_id, id);
