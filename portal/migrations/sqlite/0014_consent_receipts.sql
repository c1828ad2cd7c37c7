-- Consent receipts: every change to what a subject allows, as a record of
-- who (the verified address), what (a purpose), the decision, when, under
-- which version of the notice (its last-updated date) and how it was made
-- (`gpc`: the browser's Global Privacy Control signal). Never updated: the
-- newest receipt per purpose is the subject's current choice.

CREATE TABLE consent_receipts (
    id             INTEGER PRIMARY KEY,
    org            TEXT    NOT NULL,
    email          TEXT    NOT NULL,
    purpose        TEXT    NOT NULL,
    decision       TEXT    NOT NULL CHECK (decision IN ('granted', 'withdrawn')),
    method         TEXT    NOT NULL,
    notice_version TEXT    NOT NULL,
    at             INTEGER NOT NULL
);
CREATE INDEX consent_receipts_by_subject ON consent_receipts (org, email, purpose, id);
