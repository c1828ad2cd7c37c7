//! Staff accounts, roles, sessions and failed logins.

use super::Conn;
use super::Store;
use crate::sealing::EmailIndex;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct StaffRow {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    #[sqlx(try_from = "super::rows::Flag")]
    pub totp_confirmed: bool,
    pub totp_last_step: i64,
    pub recovery_generation: i64,
    pub recovery_issued_at: Option<i64>,
}

const STAFF_COLUMNS: &str =
    "id, email, password_hash, totp_secret, totp_confirmed, totp_last_step, recovery_generation, recovery_issued_at";

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

    pub async fn set_totp_secret(
        conn: &mut Conn,
        id: i64,
        secret: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE staff SET totp_secret = $1, totp_confirmed = 0, totp_last_step = 0 WHERE id = $2",
        )
        .bind(secret)
        .bind(id)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Records the time step of an accepted code (and confirms enrolment);
    /// false when that step or a later one was already used (a replay).
    pub async fn accept_totp_step(
        conn: &mut Conn,
        id: i64,
        step: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE staff SET totp_last_step = $1, totp_confirmed = 1 WHERE id = $2 AND totp_last_step < $3")
            .bind(step)
            .bind(id)
            .bind(step)
            .execute(conn)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Starts a new generation of recovery codes; returns its number.
    pub async fn next_recovery_generation(
        conn: &mut Conn,
        id: i64,
        now: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "UPDATE staff SET recovery_generation = recovery_generation + 1, recovery_issued_at = $1 WHERE id = $2
             RETURNING recovery_generation",
        )
        .bind(now)
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
            sqlx::query("INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)")
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
            "UPDATE staff_recovery_codes SET used_at = $1 WHERE staff_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(hash)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn insert_staff(
        conn: &mut Conn,
        email: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO staff (email, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(email)
        .bind(password_hash)
        .bind(now)
        .fetch_one(conn)
        .await
    }

    pub async fn set_staff_password(
        conn: &mut Conn,
        id: i64,
        password_hash: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
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

    pub async fn login_failures_since(
        conn: &mut Conn,
        email: &EmailIndex,
        since: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_failures WHERE email_index = $1 AND at >= $2",
        )
        .bind(email.as_str())
        .bind(since)
        .fetch_one(conn)
        .await
    }

    pub async fn record_login_failure(
        conn: &mut Conn,
        email: &EmailIndex,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO login_failures (email_index, at) VALUES ($1, $2)")
            .bind(email.as_str())
            .bind(at)
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
