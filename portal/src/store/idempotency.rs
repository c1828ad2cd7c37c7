//! Idempotency keys of submissions (see migration 0015).

use super::Store;
use crate::store::Conn;

/// How long a key answers with the request it made.
pub const IDEMPOTENCY_TTL_SECS: i64 = 24 * 60 * 60;

impl Store {
    /// The fingerprint and reference a live key was used for.
    pub async fn idempotent_submission(
        conn: &mut Conn,
        org: &str,
        key: &str,
        now: i64,
    ) -> Result<Option<(String, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT fingerprint, reference FROM idempotency_keys
             WHERE org = $1 AND key = $2 AND created_at > $3",
        )
        .bind(org)
        .bind(key)
        .bind(now - IDEMPOTENCY_TTL_SECS)
        .fetch_optional(conn)
        .await
    }

    /// Remembers a key; one that expired is taken over.
    pub async fn remember_idempotency_key(
        conn: &mut Conn,
        org: &str,
        key: &str,
        fingerprint: &str,
        reference: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO idempotency_keys (org, key, fingerprint, reference, created_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (org, key) DO UPDATE SET fingerprint = excluded.fingerprint,
                 reference = excluded.reference, created_at = excluded.created_at",
        )
        .bind(org)
        .bind(key)
        .bind(fingerprint)
        .bind(reference)
        .bind(now)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Forgets keys past their day.
    pub async fn forget_idempotency_keys(&self, now: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
            .bind(now - IDEMPOTENCY_TTL_SECS)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
