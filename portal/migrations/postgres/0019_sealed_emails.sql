-- Data subjects' e-mail addresses are stored sealed under the data key,
-- like their answers, and found by `email_index`: an HMAC-SHA256 of the
-- address under a key derived from PORTAL_SECRET (see server/src/sealing.rs).
-- Rows written before this migration have no index yet; the server fills
-- it in, and seals their addresses, when it starts (`Service::seal_emails`);
-- the partial indexes let each start find them without reading every row.

ALTER TABLE requests ADD COLUMN email_index TEXT;
DROP INDEX requests_by_subject;
CREATE INDEX requests_by_subject ON requests (org, email_index);
CREATE INDEX requests_unindexed ON requests (id) WHERE email_index IS NULL;

ALTER TABLE opt_outs ADD COLUMN email_index TEXT;
DROP INDEX opt_outs_by_subject;
CREATE INDEX opt_outs_by_subject ON opt_outs (org, email_index);
CREATE INDEX opt_outs_unindexed ON opt_outs (id) WHERE email_index IS NULL;

ALTER TABLE consent_receipts ADD COLUMN email_index TEXT;
DROP INDEX consent_receipts_by_subject;
CREATE INDEX consent_receipts_by_subject ON consent_receipts (org, email_index, purpose, id);
CREATE INDEX consent_receipts_unindexed ON consent_receipts (id) WHERE email_index IS NULL;

-- A code needs its address only for the per-address daily limit: the index
-- takes the address's place. Codes live ten minutes; those issued before
-- the upgrade no longer count towards the day's limit.
DROP INDEX verification_codes_by_email;
ALTER TABLE verification_codes DROP COLUMN email;
ALTER TABLE verification_codes ADD COLUMN email_index TEXT;
CREATE INDEX verification_codes_by_email ON verification_codes (email_index, created_at);

-- Failed staff logins keep only the typed address's index (it may be anyone's
-- address). Failures recorded before the upgrade are forgotten.
DROP INDEX login_failures_by_email;
DELETE FROM login_failures;
ALTER TABLE login_failures DROP COLUMN email;
ALTER TABLE login_failures ADD COLUMN email_index TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_by_email ON login_failures (email_index, at);

-- Subject sessions last at most 12 hours; rather than sealing the live ones'
-- addresses in place, they end: subjects signed in at the upgrade sign in again.
DELETE FROM subject_sessions;
