//! Password resets: a mailed link, stored as its token's hash, spent once.

use super::{Conn, Store};

impl Store {
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
