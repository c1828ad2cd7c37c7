//! The job queue's storage: enqueue, claim with a lease, finish once.

use super::Conn;
use super::Store;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct JobRow {
    pub id: i64,
    pub request_id: i64,
    #[sqlx(try_from = "String")]
    pub status: JobStatus,
    pub attempts: i64,
    pub created_at: i64,
}

/// Where a job stands. The queue's SQL speaks these names too; it is
/// the store's own vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl JobStatus {
    /// Waiting or under way: its work is not finished.
    pub fn is_active(self) -> bool {
        matches!(self, JobStatus::Queued | JobStatus::Running)
    }
}

impl TryFrom<String> for JobStatus {
    type Error = String;

    fn try_from(status: String) -> Result<JobStatus, String> {
        Ok(match status.as_str() {
            "queued" => JobStatus::Queued,
            "running" => JobStatus::Running,
            "done" => JobStatus::Done,
            "failed" => JobStatus::Failed,
            other => return Err(format!("unknown job status {other:?}")),
        })
    }
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
        conn: &mut Conn,
        request_id: i64,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO jobs (kind, request_id, status, run_after, created_at)
             SELECT 'collect', $1, 'queued', $2, $3 WHERE NOT EXISTS
               (SELECT 1 FROM jobs WHERE request_id = $4 AND kind = 'collect' AND status IN ('queued', 'running'))",
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
    /// lease run out. Call inside `Store::begin_claim`'s transaction.
    pub async fn claim_job(
        conn: &mut Conn,
        now: i64,
        lease_secs: i64,
    ) -> Result<Option<JobRow>, sqlx::Error> {
        // On PostgreSQL a job another server is claiming right now is
        // skipped, not waited for; SQLite has one writer at a time anyway.
        let lock = if super::is_postgres(conn) {
            "FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        sqlx::query_as(&format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until = $1
             WHERE id = (SELECT id FROM jobs
                         WHERE (status = 'queued' AND run_after <= $2) OR (status = 'running' AND lease_until < $3)
                         ORDER BY id LIMIT 1 {lock})
             RETURNING id, request_id, status, attempts, created_at"
        ))
        .bind(now + lease_secs)
        .bind(now)
        .bind(now)
        .fetch_optional(conn)
        .await
    }

    /// Ends a claimed job; false when the claim is no longer ours (the
    /// lease ran out and another worker took it over).
    pub async fn finish_job(
        conn: &mut Conn,
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
            "UPDATE jobs SET status = $1, run_after = COALESCE($2, run_after), last_error = $3, finished_at = $4,
                    lease_until = NULL
             WHERE id = $5 AND status = 'running' AND attempts = $6",
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
        conn: &mut Conn,
        request_ids: &[i64],
    ) -> Result<Vec<JobRow>, sqlx::Error> {
        if request_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = super::Sql::new(
            "SELECT id, request_id, status, attempts, created_at FROM jobs j
             WHERE id = (SELECT MAX(id) FROM jobs x WHERE x.request_id = j.request_id) AND request_id IN (",
        );
        query.push_list(request_ids.iter().copied());
        query.push(")");
        let (sql, args) = query.into_parts();
        sqlx::query_as_with(&sql, args).fetch_all(conn).await
    }
}
