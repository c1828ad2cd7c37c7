-- What staff do with a request: assignment, the one extension (with its
-- reason, told to the subject), whether anything was carried out (after
-- which the subject can no longer cancel), the outcome, and the
-- conversation. request_events is rebuilt because its CHECK lists the events.

ALTER TABLE requests ADD COLUMN assignee_id INTEGER REFERENCES staff (id);
ALTER TABLE requests ADD COLUMN extended INTEGER NOT NULL DEFAULT 0 CHECK (extended IN (0, 1));
ALTER TABLE requests ADD COLUMN executed INTEGER NOT NULL DEFAULT 0 CHECK (executed IN (0, 1));
ALTER TABLE requests ADD COLUMN outcome TEXT;          -- JSON: response, or rejection reason and legal ground

CREATE TABLE request_events_new (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    event      TEXT    NOT NULL CHECK (event IN ('submitted', 'code_sent', 'verified', 'expired_unverified',
                   'status_changed', 'assigned', 'started', 'asked_subject', 'subject_answered', 'extended',
                   'completed', 'rejected', 'cancelled', 'message')),
    actor      TEXT    NOT NULL CHECK (actor IN ('subject', 'system', 'staff')),
    note       TEXT                                  -- shown to the subject (extension reason, rejection)
);
INSERT INTO request_events_new (id, request_id, at, event, actor) SELECT id, request_id, at, event, actor FROM request_events;
DROP TABLE request_events;
ALTER TABLE request_events_new RENAME TO request_events;
CREATE INDEX request_events_by_request ON request_events (request_id, at);

CREATE TABLE request_messages (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    author      TEXT    NOT NULL CHECK (author IN ('subject', 'staff')),
    staff_id    INTEGER REFERENCES staff (id),
    body        TEXT    NOT NULL
);
CREATE INDEX request_messages_by_request ON request_messages (request_id, at);
