//! The retention purge (storage limitation, Art. 5(1)(e)): once a closed
//! request has been closed for its organisation's `retention_days`, its
//! personal data is erased and the bare record (reference, kind, status,
//! dates) kept, so statistics and the audit log still add up. Runs with the
//! sweeper; each request is anonymised in its own transaction, with its
//! audit entry, after its package files are deleted.
//!
//! An organisation removed from the content folder keeps requests in the
//! database that nobody can reach any more; its closed ones are purged
//! after the default period (`DEFAULT_RETENTION_DAYS`), so removing an
//! organisation never keeps its subjects' data for longer.

use super::Upkeep;
use crate::service::{db, now};
use crate::{audit::Entry, content::DEFAULT_RETENTION_DAYS, store::Store};
use domain::AppError;
use domain::{Actor, AuditAction, Task};

/// Requests anonymised per organisation per sweep: a large backlog is
/// worked off over several sweeps instead of holding the writers up.
const BATCH: i64 = 500;

impl Upkeep {
    /// Anonymises the closed requests past retention; returns how many.
    #[tracing::instrument(name = "service.purge_retention", skip_all)]
    pub async fn purge_retention(&self) -> Result<usize, AppError> {
        let at = now();
        let mut done = 0;
        let mut periods: Vec<(String, i64)> = self
            .content
            .orgs()
            .map(|org| (org.slug.to_string(), org.settings.retention_days))
            .collect();
        // Content is loaded once per process, and requests are only made
        // for organisations it has: the removed ones are found once.
        let removed = self
            .removed_orgs
            .get_or_try_init(|| async {
                let orgs = Store::orgs_with_requests(self.store.pool()).await?;
                Ok::<_, sqlx::Error>(
                    orgs.into_iter()
                        .filter(|slug| self.content.org(slug).is_none())
                        .collect::<Vec<_>>(),
                )
            })
            .await
            .map_err(db)?;
        periods.extend(
            removed
                .iter()
                .map(|slug| (slug.clone(), DEFAULT_RETENTION_DAYS)),
        );
        for (org, retention_days) in &periods {
            let cutoff = at - retention_days * 86_400;
            let due = Store::due_for_anonymisation(self.store.pool(), org, cutoff, BATCH)
                .await
                .map_err(db)?;
            for request in due {
                let mut conn = self.store.conn().await.map_err(db)?;
                let packages = Store::stored_packages(&mut conn, request.id)
                    .await
                    .map_err(db)?;
                drop(conn);
                for name in &packages {
                    self.packages.store.delete(name).await.map_err(|error| {
                        tracing::error!(error = %error, package = %name, "deleting a package failed");
                        AppError::Unavailable
                    })?;
                }
                let mut tx = self.store.begin().await.map_err(db)?;
                if !Store::anonymise_request(&mut tx, request.id, at)
                    .await
                    .map_err(db)?
                {
                    // Another server's sweep did it (and audited it).
                    continue;
                }
                let entry = Entry {
                    actor: Actor::System(Task::Sweep),
                    org,
                    action: AuditAction::RequestAnonymised,
                    target: &request.reference,
                    detail: serde_json::json!({
                        "status": request.status,
                        "retention_days": retention_days,
                        "packages_deleted": packages.len(),
                    }),
                };
                self.trail.append(&mut tx, entry, at).await.map_err(db)?;
                tx.commit().await.map_err(db)?;
                done += 1;
            }
        }
        if done > 0 {
            tracing::info!(count = done, "closed requests anonymised after retention");
        }
        Ok(done)
    }
}
