-- The keys this database's data was written with, as fingerprints (the
-- first 8 bytes of each key's SHA-256, never a key): a server started with
-- another key refuses to start, with a message saying which, instead of
-- failing to check codes, open packages or read sealed data later.

CREATE TABLE key_fingerprints (
    name        TEXT NOT NULL PRIMARY KEY,
    fingerprint TEXT NOT NULL
);
