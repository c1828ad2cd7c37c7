-- Staff accounts that no admin can take over, codes that a stranger cannot
-- use up, and source failures that keep personal data out of the audit log.
--
-- Invitations: adding a member mails a single-use link; the role exists
-- only once the invitee accepts (`staff_roles` gets its row then). The
-- token is stored as its SHA-256 only.
CREATE TABLE staff_invitations (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    org         TEXT    NOT NULL,
    email       TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'agent')),
    invited_by  INTEGER NOT NULL REFERENCES staff (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    -- Set once: accepted (by which account), or revoked/replaced.
    accepted_at INTEGER,
    accepted_by INTEGER REFERENCES staff (id),
    revoked_at  INTEGER
);
CREATE INDEX staff_invitations_by_org ON staff_invitations (org, email);

-- Password resets by mailed link: single use, short-lived, hashed.
CREATE TABLE staff_password_resets (
    token_hash TEXT    PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX staff_password_resets_by_staff ON staff_password_resets (staff_id);

-- A new authenticator waits in `totp_pending` until a code from it is
-- confirmed, so replacing a working factor never switches it off first.
-- Secrets are sealed under the data key (the server seals the ones written
-- before, at start-up). `must_enrol`: an admin or the command line reset the
-- second factor; the account enrols again before it reaches anything.
ALTER TABLE staff ADD COLUMN totp_pending TEXT;
-- The session that began the pending enrolment, and when: no other session
-- sees or confirms it (a stolen session cannot plant or read a secret).
ALTER TABLE staff ADD COLUMN totp_pending_session TEXT;
ALTER TABLE staff ADD COLUMN totp_pending_at INTEGER;
-- Fresh recovery codes are shown again only to the session that made them.
ALTER TABLE staff ADD COLUMN recovery_issued_session TEXT;
-- Accounts whose password an admin chose (before invitations): they sign
-- in again only after choosing their own through a mailed link.
ALTER TABLE staff ADD COLUMN password_reset_required INTEGER NOT NULL DEFAULT 0 CHECK (password_reset_required IN (0, 1));
ALTER TABLE staff ADD COLUMN must_enrol INTEGER NOT NULL DEFAULT 0 CHECK (must_enrol IN (0, 1));
UPDATE staff SET totp_pending = totp_secret, totp_secret = NULL
 WHERE totp_confirmed = 0 AND totp_secret IS NOT NULL;

-- Recovery-code digests are keyed under the server secret; those written
-- before (`keyed = 0`) are re-keyed at start-up.
ALTER TABLE staff_recovery_codes ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0 CHECK (keyed IN (0, 1));

-- Failed sign-ins count per address and client (a keyed hash of its
-- network), so a stranger's failures lock the address for the stranger only.
ALTER TABLE login_failures ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_by_client ON login_failures (email_index, client, at);

-- Codes count per organisation and address, per client, and by the quota
-- they drew on: `submission` and `resend` were asked for by anyone (the
-- stranger's quota), `owner` by someone who showed they read the mailbox:
-- the holder of the request's tracking link, or a client that typed a
-- correct code for this address the same day (`used_client` records who).
ALTER TABLE verification_codes ADD COLUMN org TEXT NOT NULL DEFAULT '';
ALTER TABLE verification_codes ADD COLUMN client TEXT NOT NULL DEFAULT '';
ALTER TABLE verification_codes ADD COLUMN reason TEXT NOT NULL DEFAULT 'submission'
    CHECK (reason IN ('submission', 'resend', 'owner'));
ALTER TABLE verification_codes ADD COLUMN used_client TEXT;
DROP INDEX verification_codes_by_email;
CREATE INDEX verification_codes_by_email ON verification_codes (org, email_index, created_at);

-- A source failure is recorded as a class (`failure`: timeout, refused, …);
-- the source's own words, which may quote the subject's data, stay sealed
-- in `detail` for staff and never reach the audit log or the logs.
ALTER TABLE source_runs ADD COLUMN failure TEXT;
ALTER TABLE source_executions ADD COLUMN failure TEXT;

-- Until now an admin could "add a member" with a password the admin chose,
-- and enrol its second factor too. Such accounts (audited as `staff.added`
-- with a new account) keep neither: their owner chooses a password through
-- a mailed link and enrols again. Every staff session ends at the upgrade.
UPDATE staff SET password_reset_required = 1, must_enrol = 1, totp_secret = NULL, totp_pending = NULL,
       totp_confirmed = 0, totp_last_step = 0
 WHERE 'staff:' || id IN (SELECT target FROM audit_log
                           WHERE action = 'staff.added' AND detail LIKE '%"new_account":true%');
DELETE FROM staff_recovery_codes
 WHERE staff_id IN (SELECT id FROM staff WHERE password_reset_required = 1);
DELETE FROM staff_sessions;
