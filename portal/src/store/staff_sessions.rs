//! Staff sessions and failed sign-ins: a session per complete sign-in (or
//! a pending one, between password and second factor), found by its
//! token's hash; failures counted per address and per client.

use super::{Conn, Store};
use crate::sealing::EmailIndex;

impl Store {
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
