//! The sweep that closes requests nobody verified within 7 days, and tells
//! their subjects so, and that forgets dead sessions.

use super::Upkeep;
use crate::service::outbox::About;
use crate::service::{db, now, SESSION_IDLE_SECS, UNVERIFIED_TTL_SECS};
use domain::AppError;
use domain::{Actor, AuditAction, Task};
use serde::Serialize;

#[derive(Serialize)]
struct ExpiredMail<'a> {
    org_name: &'a str,
    reference: &'a str,
    new_request_url: String,
}

impl Upkeep {
    /// Runs one sweep; returns how many requests expired.
    #[tracing::instrument(name = "service.expire_unverified", skip_all)]
    pub async fn expire_unverified(&self) -> Result<usize, AppError> {
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let expired = crate::store::Store::expire_unverified(&mut tx, at - UNVERIFIED_TTL_SECS, at)
            .await
            .map_err(db)?;
        for row in &expired {
            self.trail
                .record(
                    &mut tx,
                    Actor::System(Task::Portal),
                    &row.org,
                    AuditAction::RequestExpired,
                    &row.reference,
                    serde_json::json!({ "reason": "not verified within 7 days" }),
                    at,
                )
                .await?;
            let org_name = self.content.org_name(&row.org);
            let email = self.seals.address_of(row)?;
            let mail = ExpiredMail {
                org_name: &org_name,
                reference: row.reference.as_str(),
                new_request_url: self.links.org_url(&row.org, &format!("/o/{}/new", row.org)),
            };
            let about = About {
                org: Some(row.org.as_str()),
                request_id: Some(row.id),
            };
            self.outbox
                .write(&mut tx, about, &email, row.language, "expired", &mail, at)
                .await?;
        }
        tx.commit().await.map_err(db)?;
        self.outbox.wake();
        if let Err(error) = self.store.purge_sessions(at, SESSION_IDLE_SECS).await {
            tracing::warn!(error = %error, "session purge failed");
        }
        let staff = self
            .store
            .purge_staff_leftovers(at, crate::service::accounts::STAFF_SESSION_IDLE_SECS)
            .await;
        if let Err(error) = staff {
            tracing::warn!(error = %error, "staff sweep failed");
        }
        if !expired.is_empty() {
            tracing::info!(count = expired.len(), "unverified requests expired");
        }
        Ok(expired.len())
    }
}
