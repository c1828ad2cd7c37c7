//! The job queue's storage: enqueue, claim with a lease, finish once.

use super::Store;
use sqlx::{FromRow, SqliteConnection};

#[derive(Debug, Clone, FromRow)]
pub struct JobRow {
    pub id: i64,
    pub request_id: i64,
    pub status: String,
    pub attempts: i64,
    pub created_at: i64,
}

/// How a claimed job ended.
pub enum JobEnd<'a> {
    Done,
    /// Try again after `run_after`.
    Retry {
        run_after: i64,
        error: &'a str,
    },
    Failed {
        error: &'a str,
    },
}

impl Store {
    /// Queues a collection for a request, unless one is already waiting or running.
    pub async fn enqueue_collect(
        conn: &mut SqliteConnection,
        request_id: i64,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO jobs (kind, request_id, status, run_after, created_at)
             SELECT 'collect', ?, 'queued', ?, ? WHERE NOT EXISTS
               (SELECT 1 FROM jobs WHERE request_id = ? AND kind = 'collect' AND status IN ('queued', 'running'))",
        )
        .bind(request_id)
        .bind(at)
        .bind(at)
        .bind(request_id)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Claims the oldest due job: queued and due, or running with its
    /// lease run out. Call inside a write transaction.
    pub async fn claim_job(
        conn: &mut SqliteConnection,
        now: i64,
        lease_secs: i64,
    ) -> Result<Option<JobRow>, sqlx::Error> {
        sqlx::query_as(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until = ?
             WHERE id = (SELECT id FROM jobs
                         WHERE (status = 'queued' AND run_after <= ?) OR (status = 'running' AND lease_until < ?)
                         ORDER BY id LIMIT 1)
             RETURNING id, request_id, status, attempts, created_at",
        )
        .bind(now + lease_secs)
        .bind(now)
        .bind(now)
        .fetch_optional(conn)
        .await
    }

    /// Ends a claimed job; false when the claim is no longer ours (the
    /// lease ran out and another worker took it over).
    pub async fn finish_job(
        conn: &mut SqliteConnection,
        job: &JobRow,
        end: JobEnd<'_>,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let (status, run_after, error, finished) = match end {
            JobEnd::Done => ("done", None, None, Some(now)),
            JobEnd::Retry { run_after, error } => ("queued", Some(run_after), Some(error), None),
            JobEnd::Failed { error } => ("failed", None, Some(error), Some(now)),
        };
        let done = sqlx::query(
            "UPDATE jobs SET status = ?, run_after = COALESCE(?, run_after), last_error = ?, finished_at = ?,
                    lease_until = NULL
             WHERE id = ? AND status = 'running' AND attempts = ?",
        )
        .bind(status)
        .bind(run_after)
        .bind(error)
        .bind(finished)
        .bind(job.id)
        .bind(job.attempts)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The newest job of each request in `request_ids`.
    pub async fn latest_jobs(
        conn: &mut SqliteConnection,
        request_ids: &[i64],
    ) -> Result<Vec<JobRow>, sqlx::Error> {
        if request_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = sqlx::QueryBuilder::new(
            "SELECT id, request_id, status, attempts, created_at FROM jobs j
             WHERE id = (SELECT MAX(id) FROM jobs x WHERE x.request_id = j.request_id) AND request_id IN (",
        );
        let mut ids = query.separated(", ");
        for id in request_ids {
            ids.push_bind(*id);
        }
        query.push(")");
        query.build_query_as().fetch_all(conn).await
    }
}
