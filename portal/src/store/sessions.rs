//! Subject sessions: opened by a verification, found by their token's
//! hash, ended by signing out, idling or age.

use super::{Conn, SessionRow, Store};

impl Store {
    pub async fn insert_session(
        conn: &mut Conn,
        token_hash: &str,
        org: &str,
        sealed_email: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO subject_sessions (token_hash, org, email, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(org)
        .bind(sealed_email)
        .bind(now)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// A live session (not past its absolute end nor idle too long), touched
    /// so its idle clock restarts.
    pub async fn live_session(
        &self,
        token_hash: &str,
        now: i64,
        idle_limit: i64,
    ) -> Result<Option<SessionRow>, sqlx::Error> {
        sqlx::query_as(
            "UPDATE subject_sessions SET last_seen_at = $1
             WHERE token_hash = $2 AND expires_at > $3 AND last_seen_at > $4
             RETURNING org, email",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .bind(now - idle_limit)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM subject_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn purge_sessions(&self, now: i64, idle_limit: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "DELETE FROM subject_sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
        )
        .bind(now)
        .bind(now - idle_limit)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
