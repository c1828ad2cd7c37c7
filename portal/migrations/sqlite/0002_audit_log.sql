-- The audit log: append-only and hash-chained. Each entry carries the hash of
-- the one before it, so changing or removing any entry breaks every later
-- link, and `server audit verify` finds the first broken one. The triggers
-- make the database itself refuse updates and deletes; no code path issues
-- them. Entries name requests by reference, never by e-mail address, so the
-- log can outlive the personal data it refers to.

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor_kind TEXT    NOT NULL CHECK (actor_kind IN ('subject', 'staff', 'system')),
    actor      TEXT    NOT NULL,
    org        TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    detail     TEXT    NOT NULL,          -- JSON object
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL UNIQUE
);
CREATE INDEX audit_log_by_target ON audit_log (org, target);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
