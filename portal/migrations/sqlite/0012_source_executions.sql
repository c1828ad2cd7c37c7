-- What erasure and restriction did on each data source: done (with what
-- the source reports), an exception the source applied (with its ground),
-- or a failure. The newest row per source and operation is the result.

CREATE TABLE source_executions (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    source     TEXT    NOT NULL,
    operation  TEXT    NOT NULL CHECK (operation IN ('erase', 'restrict')),
    outcome    TEXT    NOT NULL CHECK (outcome IN ('done', 'exception', 'failed')),
    detail     TEXT    NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX source_executions_by_request ON source_executions (request_id, id);
