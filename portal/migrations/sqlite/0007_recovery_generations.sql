-- Recovery codes are derived from the server secret, the account and a
-- generation number (see crypto::recovery_code), so the page that shows a
-- new set can be rendered again for a few minutes; only their hashes are
-- stored, as before. A new set is a new generation.

ALTER TABLE staff ADD COLUMN recovery_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN recovery_issued_at INTEGER;
