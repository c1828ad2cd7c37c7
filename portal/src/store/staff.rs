//! Staff accounts, roles, invitations, password resets, sessions and failed
//! logins.

use super::Conn;
use super::Store;
use crate::sealing::EmailIndex;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct StaffRow {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    /// Sealed (`Column::TotpSecret`, bound to the account): the working
    /// second factor, and one waiting for its first code.
    pub totp_secret: Option<String>,
    pub totp_pending: Option<String>,
    /// The session that began the pending enrolment (its token's hash), and when.
    pub totp_pending_session: Option<String>,
    pub totp_pending_at: Option<i64>,
    #[sqlx(try_from = "super::rows::Flag")]
    pub totp_confirmed: bool,
    pub totp_last_step: i64,
    pub recovery_generation: i64,
    pub recovery_issued_at: Option<i64>,
    /// The session that made the newest recovery codes.
    pub recovery_issued_session: Option<String>,
    /// An admin chose this password (before invitations): a mailed reset first.
    #[sqlx(try_from = "super::rows::Flag")]
    pub password_reset_required: bool,
    /// The second factor was reset: nothing is reached until one is enrolled.
    #[sqlx(try_from = "super::rows::Flag")]
    pub must_enrol: bool,
}

const STAFF_COLUMNS: &str =
    "id, email, password_hash, totp_secret, totp_pending, totp_pending_session, \
    totp_pending_at, totp_confirmed, totp_last_step, recovery_generation, recovery_issued_at, \
    recovery_issued_session, password_reset_required, must_enrol";

#[derive(Debug, Clone, FromRow)]
pub struct RoleRow {
    pub org: String,
    pub role: String,
}

impl Store {
    pub async fn staff_by_email(
        conn: &mut Conn,
        email: &str,
    ) -> Result<Option<StaffRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(conn)
        .await
    }

    pub async fn staff_by_id(conn: &mut Conn, id: i64) -> Result<Option<StaffRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await
    }

    /// A new authenticator secret (sealed), begun by `session` at `at`, in
    /// force once confirmed from that session.
    pub async fn set_totp_pending(
        conn: &mut Conn,
        id: i64,
        sealed: &str,
        session: &str,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE staff SET totp_pending = $1, totp_pending_session = $2, totp_pending_at = $3 WHERE id = $4",
        )
        .bind(sealed)
        .bind(session)
        .bind(at)
        .bind(id)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// The pending secret becomes the working one (its first code was
    /// step `step`), replacing any earlier factor.
    pub async fn confirm_totp(
        conn: &mut Conn,
        id: i64,
        sealed: &str,
        step: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE staff SET totp_secret = $1, totp_pending = NULL, totp_pending_session = NULL,
                    totp_confirmed = 1, totp_last_step = $2, must_enrol = 0 WHERE id = $3",
        )
        .bind(sealed)
        .bind(step)
        .bind(id)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Takes the second factor away (an admin's or the command line's
    /// reset): the account enrols again before it reaches anything.
    pub async fn reset_two_factor(conn: &mut Conn, id: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE staff SET totp_secret = NULL, totp_pending = NULL, totp_pending_session = NULL,
                    totp_confirmed = 0, totp_last_step = 0, must_enrol = 1 WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM staff_recovery_codes WHERE staff_id = $1")
            .bind(id)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Second-factor secrets written in clear (before they were sealed).
    pub async fn unsealed_totp_secrets(
        &self,
    ) -> Result<Vec<(i64, Option<String>, Option<String>)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, totp_secret, totp_pending FROM staff
             WHERE (totp_secret IS NOT NULL AND totp_secret NOT LIKE 'sealed%')
                OR (totp_pending IS NOT NULL AND totp_pending NOT LIKE 'sealed%')",
        )
        .fetch_all(&self.pool)
        .await
    }

    /// Writes an account's sealed secrets unless they changed meanwhile.
    pub async fn seal_totp_secrets(
        conn: &mut Conn,
        id: i64,
        was: (Option<&str>, Option<&str>),
        sealed: (Option<&str>, Option<&str>),
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE staff SET totp_secret = $1, totp_pending = $2
             WHERE id = $3 AND totp_secret IS NOT DISTINCT FROM $4 AND totp_pending IS NOT DISTINCT FROM $5",
        )
        .bind(sealed.0)
        .bind(sealed.1)
        .bind(id)
        .bind(was.0)
        .bind(was.1)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Records the time step of an accepted code; false when that step or
    /// a later one was already used (a replay).
    pub async fn accept_totp_step(
        conn: &mut Conn,
        id: i64,
        step: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE staff SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $3",
        )
        .bind(step)
        .bind(id)
        .bind(step)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Starts a new generation of recovery codes, made by `session`;
    /// returns its number.
    pub async fn next_recovery_generation(
        conn: &mut Conn,
        id: i64,
        now: i64,
        session: &str,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "UPDATE staff SET recovery_generation = recovery_generation + 1, recovery_issued_at = $1,
                    recovery_issued_session = $2 WHERE id = $3
             RETURNING recovery_generation",
        )
        .bind(now)
        .bind(session)
        .bind(id)
        .fetch_one(conn)
        .await
    }

    pub async fn replace_recovery_codes(
        conn: &mut Conn,
        id: i64,
        hashes: &[String],
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM staff_recovery_codes WHERE staff_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for hash in hashes {
            sqlx::query(
                "INSERT INTO staff_recovery_codes (staff_id, code_hash, keyed) VALUES ($1, $2, 1)",
            )
            .bind(id)
            .bind(hash)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    /// Spends a recovery code; false when it is unknown or already spent.
    pub async fn spend_recovery_code(
        conn: &mut Conn,
        id: i64,
        hash: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE staff_recovery_codes SET used_at = $1
             WHERE staff_id = $2 AND code_hash = $3 AND used_at IS NULL AND keyed = 1",
        )
        .bind(now)
        .bind(id)
        .bind(hash)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Recovery codes whose digests are not keyed yet (written before they
    /// were), with their account's current generation.
    pub async fn unkeyed_recovery_codes(
        &self,
    ) -> Result<Vec<(i64, i64, i64, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT c.id, c.staff_id, s.recovery_generation, c.code_hash
             FROM staff_recovery_codes c JOIN staff s ON s.id = c.staff_id WHERE c.keyed = 0",
        )
        .fetch_all(&self.pool)
        .await
    }

    pub async fn key_recovery_code(
        conn: &mut Conn,
        id: i64,
        was: &str,
        keyed: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE staff_recovery_codes SET code_hash = $1, keyed = 1 WHERE id = $2 AND code_hash = $3 AND keyed = 0",
        )
        .bind(keyed)
        .bind(id)
        .bind(was)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// A new account. `must_enrol`: it reaches nothing before it has a
    /// second factor (accounts made by invitation).
    pub async fn insert_staff(
        conn: &mut Conn,
        email: &str,
        password_hash: &str,
        must_enrol: bool,
        now: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO staff (email, password_hash, must_enrol, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(email)
        .bind(password_hash)
        .bind(i64::from(must_enrol))
        .bind(now)
        .fetch_one(conn)
        .await
    }

    pub async fn set_staff_password(
        conn: &mut Conn,
        id: i64,
        password_hash: &str,
    ) -> Result<(), sqlx::Error> {
        // A password of one's own: whatever an admin once chose is gone.
        sqlx::query(
            "UPDATE staff SET password_hash = $1, password_reset_required = 0 WHERE id = $2",
        )
        .bind(password_hash)
        .bind(id)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Grants `role` in `org`, replacing any earlier role there.
    pub async fn grant_role(
        conn: &mut Conn,
        staff_id: i64,
        org: &str,
        role: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO staff_roles (staff_id, org, role) VALUES ($1, $2, $3)
             ON CONFLICT (staff_id, org) DO UPDATE SET role = excluded.role",
        )
        .bind(staff_id)
        .bind(org)
        .bind(role)
        .execute(conn)
        .await?;
        Ok(())
    }

    pub async fn roles_of(conn: &mut Conn, staff_id: i64) -> Result<Vec<RoleRow>, sqlx::Error> {
        sqlx::query_as("SELECT org, role FROM staff_roles WHERE staff_id = $1 ORDER BY org")
            .bind(staff_id)
            .fetch_all(conn)
            .await
    }

    /// Failed sign-ins of an address since `since`: from `client`, and from
    /// anyone.
    pub async fn login_failures_since(
        conn: &mut Conn,
        email: &EmailIndex,
        client: &str,
        since: i64,
    ) -> Result<(i64, i64), sqlx::Error> {
        sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN client = $2 THEN 1 ELSE 0 END), 0) AS BIGINT), COUNT(*)
             FROM login_failures WHERE email_index = $1 AND at >= $3",
        )
        .bind(email.as_str())
        .bind(client)
        .bind(since)
        .fetch_one(conn)
        .await
    }

    /// Records a failed (or, until it succeeds, a pending) attempt; its id.
    pub async fn record_login_failure(
        conn: &mut Conn,
        email: &EmailIndex,
        client: &str,
        at: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO login_failures (email_index, client, at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(email.as_str())
        .bind(client)
        .bind(at)
        .fetch_one(conn)
        .await
    }

    /// An attempt that succeeded is no failure.
    pub async fn forget_login_failure(conn: &mut Conn, id: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE id = $1")
            .bind(id)
            .execute(conn)
            .await?;
        Ok(())
    }

    pub async fn insert_staff_session(
        conn: &mut Conn,
        token_hash: &str,
        staff_id: i64,
        now: i64,
        expires_at: i64,
        mfa_pending: bool,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at, expires_at, mfa_pending)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(staff_id)
        .bind(now)
        .bind(now)
        .bind(expires_at)
        .bind(i64::from(mfa_pending))
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Takes a password-only session that waits for its second factor
    /// (deleting it: the next step issues a new token either way).
    pub async fn take_pending_staff_session(
        conn: &mut Conn,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "DELETE FROM staff_sessions WHERE token_hash = $1 AND mfa_pending = 1 AND expires_at > $2 RETURNING staff_id",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(conn)
        .await
    }

    /// The staff member behind a live, complete session, touched so its idle
    /// clock restarts.
    pub async fn live_staff_session(
        &self,
        token_hash: &str,
        now: i64,
        idle_limit: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "UPDATE staff_sessions SET last_seen_at = $1
             WHERE token_hash = $2 AND expires_at > $3 AND last_seen_at > $4 AND mfa_pending = 0
             RETURNING staff_id",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .bind(now - idle_limit)
        .fetch_optional(&self.pool)
        .await
    }

    /// Ends every session of an account but `keep` (a password change keeps
    /// the session that made it); returns how many ended.
    pub async fn end_staff_sessions(
        conn: &mut Conn,
        staff_id: i64,
        keep: Option<&str>,
    ) -> Result<u64, sqlx::Error> {
        let done =
            sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1 AND token_hash <> $2")
                .bind(staff_id)
                .bind(keep.unwrap_or(""))
                .execute(conn)
                .await?;
        Ok(done.rows_affected())
    }

    /// The sweep: staff sessions that ended, failed sign-ins older than a
    /// day (the lockout looks back 15 minutes), reset links and invitations
    /// that can no longer be used, a month after (the audit log keeps who
    /// was invited and who joined).
    pub async fn purge_staff_leftovers(
        &self,
        now: i64,
        idle_limit: i64,
    ) -> Result<u64, sqlx::Error> {
        let month_ago = now - 30 * 86_400;
        let sweeps: [(&str, i64, i64); 4] = [
            (
                "DELETE FROM staff_sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
                now,
                now - idle_limit,
            ),
            (
                "DELETE FROM login_failures WHERE at < $1 OR at > $2",
                now - 86_400,
                i64::MAX,
            ),
            (
                "DELETE FROM staff_password_resets
                 WHERE (expires_at < $1 OR used_at IS NOT NULL) AND created_at < $2",
                now,
                month_ago,
            ),
            (
                "DELETE FROM staff_invitations
                 WHERE (expires_at < $1 OR accepted_at IS NOT NULL OR revoked_at IS NOT NULL) AND created_at < $2",
                now,
                month_ago,
            ),
        ];
        let mut purged = 0;
        for (statement, first, second) in sweeps {
            purged += sqlx::query(statement)
                .bind(first)
                .bind(second)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        Ok(purged)
    }

    pub async fn delete_staff_session(&self, token_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub email: String,
    pub role: String,
    #[sqlx(try_from = "super::rows::Flag")]
    pub totp_confirmed: bool,
}

impl Store {
    /// The staff of an organisation with their role and second factor.
    pub async fn members_of(conn: &mut Conn, org: &str) -> Result<Vec<MemberRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT s.id, s.email, r.role, s.totp_confirmed FROM staff s JOIN staff_roles r ON r.staff_id = s.id
             WHERE r.org = $1 ORDER BY s.email",
        )
        .bind(org)
        .fetch_all(conn)
        .await
    }

    /// Takes a member's role in `org` away; false when they had none.
    pub async fn revoke_role(
        conn: &mut Conn,
        staff_id: i64,
        org: &str,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM staff_roles WHERE staff_id = $1 AND org = $2")
            .bind(staff_id)
            .bind(org)
            .execute(conn)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// An invitation to join an organisation's team.
#[derive(Debug, Clone, FromRow)]
pub struct InvitationRow {
    pub id: i64,
    pub org: String,
    pub email: String,
    pub role: String,
    pub invited_by: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

const INVITATION_COLUMNS: &str =
    "id, org, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at";

/// An invitation as it is first written.
pub struct NewInvitation<'a> {
    pub token_hash: &'a str,
    pub org: &'a str,
    pub email: &'a str,
    pub role: &'a str,
    pub invited_by: i64,
    pub now: i64,
    pub expires_at: i64,
}

impl Store {
    /// Writes an invitation; an earlier open one for the same address and
    /// organisation is revoked (only the newest link works).
    pub async fn insert_invitation(
        conn: &mut Conn,
        new: &NewInvitation<'_>,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query(
            "UPDATE staff_invitations SET revoked_at = $1
             WHERE org = $2 AND email = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(new.now)
        .bind(new.org)
        .bind(new.email)
        .execute(&mut *conn)
        .await?;
        sqlx::query_scalar(
            "INSERT INTO staff_invitations (token_hash, org, email, role, invited_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.token_hash)
        .bind(new.org)
        .bind(new.email)
        .bind(new.role)
        .bind(new.invited_by)
        .bind(new.now)
        .bind(new.expires_at)
        .fetch_one(conn)
        .await
    }

    /// The open invitation behind a link, if it is still valid.
    pub async fn open_invitation_by_token(
        conn: &mut Conn,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<InvitationRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {INVITATION_COLUMNS} FROM staff_invitations
             WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(conn)
        .await
    }

    pub async fn open_invitation_by_id(
        conn: &mut Conn,
        id: i64,
        now: i64,
    ) -> Result<Option<InvitationRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {INVITATION_COLUMNS} FROM staff_invitations
             WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2"
        ))
        .bind(id)
        .bind(now)
        .fetch_optional(conn)
        .await
    }

    /// Open invitations of an organisation (for its admins), or for an
    /// address (for the invitee, signed in).
    pub async fn open_invitations(
        conn: &mut Conn,
        org: Option<&str>,
        email: Option<&str>,
        now: i64,
    ) -> Result<Vec<InvitationRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {INVITATION_COLUMNS} FROM staff_invitations
             WHERE accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1
               AND ($2 IS NULL OR org = $2) AND ($3 IS NULL OR email = $3)
             ORDER BY org, email"
        ))
        .bind(now)
        .bind(org)
        .bind(email)
        .fetch_all(conn)
        .await
    }

    /// Marks an invitation accepted by `staff_id`; false when it was no
    /// longer open (used, revoked or expired meanwhile).
    pub async fn accept_invitation(
        conn: &mut Conn,
        id: i64,
        staff_id: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE staff_invitations SET accepted_at = $1, accepted_by = $2
             WHERE id = $3 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $4",
        )
        .bind(now)
        .bind(staff_id)
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Revokes an open invitation of `org`; false when there was none.
    pub async fn revoke_invitation(
        conn: &mut Conn,
        id: i64,
        org: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE staff_invitations SET revoked_at = $1
             WHERE id = $2 AND org = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(org)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A password-reset link for an account; earlier unused ones stop working.
    pub async fn insert_password_reset(
        conn: &mut Conn,
        token_hash: &str,
        staff_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE staff_password_resets SET used_at = $1 WHERE staff_id = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(staff_id)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO staff_password_resets (token_hash, staff_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(staff_id)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// The account a valid, unused reset link is for.
    pub async fn password_reset_account(
        conn: &mut Conn,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT staff_id FROM staff_password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(conn)
        .await
    }

    /// Spends a reset link; the account it was for, unless it was spent meanwhile.
    pub async fn spend_password_reset(
        conn: &mut Conn,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "UPDATE staff_password_resets SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3 RETURNING staff_id",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(conn)
        .await
    }
}

impl Store {
    /// Whether `staff_id` administers `org` now.
    pub async fn is_admin_of(
        conn: &mut Conn,
        staff_id: i64,
        org: &str,
    ) -> Result<bool, sqlx::Error> {
        let role: Option<String> =
            sqlx::query_scalar("SELECT role FROM staff_roles WHERE staff_id = $1 AND org = $2")
                .bind(staff_id)
                .bind(org)
                .fetch_optional(conn)
                .await?;
        Ok(role.as_deref() == Some("admin"))
    }

    /// Revokes the open invitations `staff_id` sent for `org` (they leave).
    pub async fn revoke_invitations_by(
        conn: &mut Conn,
        staff_id: i64,
        org: &str,
        now: i64,
    ) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE staff_invitations SET revoked_at = $1
             WHERE invited_by = $2 AND org = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(staff_id)
        .bind(org)
        .execute(conn)
        .await?;
        Ok(done.rows_affected())
    }

    /// Invitations an organisation sent since `since`.
    pub async fn invitations_sent_since(
        conn: &mut Conn,
        org: &str,
        since: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM staff_invitations WHERE org = $1 AND created_at >= $2",
        )
        .bind(org)
        .bind(since)
        .fetch_one(conn)
        .await
    }
}
