//! Counters of the rate limits: fixed windows, shared by every process
//! that uses the database.

use super::{Pool, Store};

impl Store {
    /// Counts one more hit on `bucket` in the window starting at
    /// `window_start` and returns the hits so far. One statement, so two
    /// servers counting at once both see their own hit.
    pub async fn hit(pool: &Pool, bucket: &str, window_start: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
             RETURNING hits",
        )
        .bind(bucket)
        .bind(window_start)
        .fetch_one(pool)
        .await
    }

    pub async fn forget_rate_limits(pool: &Pool, before: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(before)
            .execute(pool)
            .await?;
        Ok(done.rows_affected())
    }
}
