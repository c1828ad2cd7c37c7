-- TOTP two-factor authentication for staff. The secret is kept base32 as
-- authenticator apps take it; `totp_last_step` is the time step of the last
-- accepted code, so a code cannot be replayed. Recovery codes are stored as
-- SHA-256 digests and spent once. A session opened by the password alone is
-- `mfa_pending` until the second factor is given, and grants nothing.

ALTER TABLE staff ADD COLUMN totp_secret TEXT;
ALTER TABLE staff ADD COLUMN totp_confirmed INTEGER NOT NULL DEFAULT 0 CHECK (totp_confirmed IN (0, 1));
ALTER TABLE staff ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

ALTER TABLE staff_sessions ADD COLUMN mfa_pending INTEGER NOT NULL DEFAULT 0 CHECK (mfa_pending IN (0, 1));

CREATE TABLE staff_recovery_codes (
    id        INTEGER PRIMARY KEY,
    staff_id  INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used_at   INTEGER
);
CREATE INDEX staff_recovery_codes_by_staff ON staff_recovery_codes (staff_id);
