-- Each time the portal asks a data source about a request's subject: what
-- came back, or why nothing did. Staff see the newest run per source and
-- may retry a failed one, or build the package without it.

CREATE TABLE source_runs (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    source     TEXT    NOT NULL,
    ok         INTEGER NOT NULL CHECK (ok IN (0, 1)),
    records    INTEGER NOT NULL DEFAULT 0,
    detail     TEXT,
    at         INTEGER NOT NULL
);
CREATE INDEX source_runs_by_request ON source_runs (request_id, id);
