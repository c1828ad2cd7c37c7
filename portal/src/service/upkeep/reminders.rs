//! The one reminder to a subject who has not confirmed a request a day
//! after making it: a link to their tracking page, where they ask for a
//! new code (the first has long expired), and the day the request closes
//! by itself. Sent once, well before the 7-day expiry.

use super::Upkeep;
use crate::service::links::MailDate;
use crate::service::outbox::About;
use crate::service::{db, now, UNVERIFIED_TTL_SECS};
use crate::store::Store;
use domain::AppError;
use serde::Serialize;
use time::OffsetDateTime;

/// A request still unconfirmed this long after it was made is reminded of.
pub const REMINDER_AFTER_SECS: i64 = 24 * 60 * 60;

#[derive(Serialize)]
struct ReminderMail<'a> {
    org_name: &'a str,
    reference: &'a str,
    kind: &'a str,
    tracking_url: String,
    expires_on: MailDate,
}

impl Upkeep {
    /// Runs with the sweep; returns how many subjects were reminded.
    #[tracing::instrument(name = "service.remind_unverified", skip_all)]
    pub async fn remind_unverified(&self) -> Result<usize, AppError> {
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let due = Store::take_unreminded(&mut tx, at - REMINDER_AFTER_SECS, at)
            .await
            .map_err(db)?;
        for row in &due {
            let org_name = self.content.org_name(&row.org);
            let tracking_url =
                self.links
                    .personal_tracking_url(self.seals.secret(), &row.org, &row.reference);
            let closes = OffsetDateTime::from_unix_timestamp(row.created_at + UNVERIFIED_TTL_SECS)
                .map_err(|_| AppError::Internal)?
                .date();
            let mail = ReminderMail {
                org_name: &org_name,
                reference: row.reference.as_str(),
                kind: row.kind.as_str(),
                tracking_url,
                expires_on: MailDate::from(closes),
            };
            let about = About {
                org: Some(row.org.as_str()),
                request_id: Some(row.id),
            };
            let email = self.seals.address_of(row)?;
            self.outbox
                .write(&mut tx, about, &email, row.language, "reminder", &mail, at)
                .await?;
        }
        tx.commit().await.map_err(db)?;
        self.outbox.wake();
        if !due.is_empty() {
            tracing::info!(count = due.len(), "unconfirmed requests reminded");
        }
        Ok(due.len())
    }
}
