//! Staff accounts: the password, the second factor (TOTP and recovery
//! codes). Their sessions are in `staff_sessions`, their roles in `team`.

use super::Conn;
use super::Store;
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
}
