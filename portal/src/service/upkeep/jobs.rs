//! Background jobs: today, collecting from every data source when an
//! access or portability request is started. A job survives restarts (its
//! lease runs out and another worker takes it), is retried with backoff
//! when a source fails, and is completed once: finishing is conditional on
//! the worker's own claim. What a collection writes is idempotent (each
//! source's answer replaces its earlier one), so running it again after a
//! crash changes nothing but the timestamps.

use super::Upkeep;
use crate::service::{db, now};
use crate::{
    audit::Entry,
    store::{JobEnd, Store},
};
use domain::AppError;
use domain::{Actor, AuditAction, Task};

/// Attempts before a job is given up (staff can still ask the sources again).
pub const JOB_ATTEMPTS: i64 = 3;
/// Seconds before the first retry; doubled for each further one.
pub const JOB_BACKOFF_SECS: i64 = 30;

impl Upkeep {
    /// Runs the oldest due job, if any; returns whether one ran.
    #[tracing::instrument(name = "service.run_next_job", skip_all)]
    pub async fn run_next_job(&self) -> Result<bool, AppError> {
        let claimed_at = now();
        let mut tx = self.store.begin_claim().await.map_err(db)?;
        let job = Store::claim_job(&mut tx, claimed_at, self.jobs.lease_secs)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        let Some(job) = job else { return Ok(false) };
        tracing::info!(
            job = job.id,
            attempt = job.attempts,
            "collecting from the data sources"
        );
        let mut conn = self.store.conn().await.map_err(db)?;
        let row = Store::find_request_by_id(&mut conn, job.request_id)
            .await
            .map_err(db)?;
        drop(conn);
        let outcome = match &row {
            Some(row) => {
                let parsed = row;
                if parsed.kind.exportable() && !parsed.status.is_closed() {
                    self.exports
                        .collect_for(row, Actor::System(Task::Jobs))
                        .await
                } else {
                    Ok(0)
                }
            }
            None => Ok(0),
        };
        let at = now();
        let error = match &outcome {
            Ok(0) => None,
            Ok(failed) => Some(format!("{failed} source(s) failed")),
            Err(error) => Some(error.to_string()),
        };
        let end = match &error {
            None => JobEnd::Done,
            Some(error) if job.attempts < JOB_ATTEMPTS => JobEnd::Retry {
                run_after: at + JOB_BACKOFF_SECS * (1 << (job.attempts - 1)),
                error,
            },
            Some(error) => JobEnd::Failed { error },
        };
        let (action, outcome) = match end {
            JobEnd::Done => (AuditAction::JobDone, "done"),
            JobEnd::Retry { .. } => (AuditAction::JobRetry, "retry"),
            JobEnd::Failed { .. } => (AuditAction::JobFailed, "failed"),
        };
        metrics::counter!("portal_jobs_total", "kind" => "collect", "outcome" => outcome)
            .increment(1);
        let mut tx = self.store.begin().await.map_err(db)?;
        if !Store::finish_job(&mut tx, &job, end, at)
            .await
            .map_err(db)?
        {
            tracing::warn!(
                job = job.id,
                "the job was taken over by another worker; its result stands"
            );
            return Ok(true);
        }
        if let Some(row) = &row {
            let entry = Entry {
                actor: Actor::System(Task::Jobs),
                org: &row.org,
                action,
                target: &row.reference,
                detail: serde_json::json!({ "job": job.id, "attempt": job.attempts, "error": error }),
            };
            self.trail.append(&mut tx, entry, at).await.map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(true)
    }
}
