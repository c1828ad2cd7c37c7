-- Files staff attach to their answer, kept in the database itself so that a
-- request and its answer are written (and backed up) together; sizes are
-- capped by the upload handler. `sha256` lets the subject check a download.
-- Opt-outs record a marketing opt-out or consent withdrawal taking effect:
-- the list the organisation's systems read to stop.

CREATE TABLE request_attachments (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    file_name    TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    sha256       TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    staff_id     INTEGER REFERENCES staff (id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX request_attachments_by_request ON request_attachments (request_id);

CREATE TABLE opt_outs (
    id         INTEGER PRIMARY KEY,
    org        TEXT    NOT NULL,
    email      TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('marketing_opt_out', 'withdraw_consent')),
    purpose    TEXT,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    at         INTEGER NOT NULL
);
CREATE INDEX opt_outs_by_subject ON opt_outs (org, email);

CREATE INDEX requests_by_org_due ON requests (org, status, due_date);
CREATE INDEX audit_log_by_org_at ON audit_log (org, id);
