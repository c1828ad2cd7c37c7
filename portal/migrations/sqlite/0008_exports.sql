-- Export packages. `export_data` holds what the privacy team collected for
-- a request, per category and source (records as a JSON array; an empty
-- array means the source holds nothing about the subject). `exports` holds
-- the sealed packages built from it: the file lives in the export store
-- under `name`; the subject may download it until `expires_at`.

CREATE TABLE export_data (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    category   TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    records    TEXT    NOT NULL,          -- JSON array of objects
    staff_id   INTEGER REFERENCES staff (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX export_data_by_request ON export_data (request_id);

CREATE TABLE exports (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL UNIQUE,
    size        INTEGER NOT NULL,
    data_sha256 TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    staff_id    INTEGER REFERENCES staff (id)
);
CREATE INDEX exports_by_request ON exports (request_id, id);
