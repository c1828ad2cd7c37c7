//! Carrying out an approved erasure or restriction on the organisation's
//! data sources: each source that declares the operation runs it, and the
//! result is recorded per source (done, kept under an exception and why,
//! or failed), audited, and shown to staff before they complete the
//! request. After it the subject can no longer cancel.

use super::Cases;
use crate::service::{db, now, CaseWorker};
use crate::{
    sources::{Execution, Identifiers, Operation},
    store::{ExecutionRow, Store},
};
use domain::{
    AppError, AuditAction, ExecutionOutcome, FieldErrorCode, Reference, Role, Status,
    TransitionError,
};

impl Cases {
    /// Runs the request's operation on every source that supports it;
    /// returns how many failed.
    #[tracing::instrument(name = "service.execute_on_sources", skip_all, fields(reference = %reference))]
    pub async fn execute_on_sources(
        &self,
        member: &impl CaseWorker,
        org: &str,
        reference: &Reference,
    ) -> Result<usize, AppError> {
        if !member.may(org, Role::Agent) {
            return Err(AppError::NotFound);
        }
        let organisation = self.content.organisation(org)?;
        let mut conn = self.store.conn().await.map_err(db)?;
        let row = Store::find_request(&mut conn, org, reference.as_str())
            .await
            .map_err(db)?
            .ok_or(AppError::NotFound)?;
        drop(conn);
        let parsed = &row;
        let operation = Operation::asked_by(parsed.kind).ok_or(AppError::validation(
            "operation",
            FieldErrorCode::NotApplicable,
        ))?;
        if parsed.status.is_closed() || parsed.status == Status::PendingVerification {
            return Err(AppError::TransitionRefused {
                reason: TransitionError::NotInThisStatus,
            });
        }
        let email = self.seals.request_email(&row)?;
        let who = Identifiers {
            email: &email,
            reference: &row.reference,
        };
        let mut failed = 0;
        for source in organisation
            .settings
            .sources
            .iter()
            .filter(|s| s.supports(operation))
        {
            // What the source says is kept sealed for staff; the audit log
            // and the logs get the outcome and the failure's class only.
            let (outcome, detail, failure) = match source.execute(operation, &who).await {
                Ok(Execution::Done { detail }) => (ExecutionOutcome::Done, detail, None),
                Ok(Execution::Exception { ground, detail }) => (
                    ExecutionOutcome::Exception,
                    format!("{ground}: {detail}"),
                    None,
                ),
                Err(error) => {
                    failed += 1;
                    tracing::warn!(source = %source.name, failure = error.failure.as_str(), status = ?error.status, "a data source failed to carry out the request");
                    (
                        ExecutionOutcome::Failed,
                        error.for_staff(),
                        Some(error.failure),
                    )
                }
            };
            let at = now();
            let execution = ExecutionRow {
                source: source.name.clone(),
                operation,
                outcome,
                detail: self.seals.seal(
                    crate::sealing::Column::SourceReport,
                    crate::sealing::Row::Request(&row.reference),
                    &detail,
                ),
                failure: failure.map(|f| f.as_str().to_owned()),
                at,
            };
            let mut tx = self.store.begin().await.map_err(db)?;
            Store::insert_execution(&mut tx, row.id, &execution)
                .await
                .map_err(db)?;
            if outcome == ExecutionOutcome::Done {
                Store::mark_executed(&mut tx, row.id).await.map_err(db)?;
            }
            let detail =
                serde_json::json!({ "source": execution.source, "failure": execution.failure });
            self.trail
                .record(
                    &mut tx,
                    member.actor(),
                    org,
                    AuditAction::Executed(operation, outcome),
                    reference.as_str(),
                    detail,
                    at,
                )
                .await?;
            tx.commit().await.map_err(db)?;
        }
        Ok(failed)
    }
}
