//! Outgoing mail for admins: what of their organisations' mail has not
//! arrived, and why. Reads only; nothing here names a recipient.

use super::Console;
use crate::service::outbox::progress;
use crate::service::{db, views, StaffMember};
use crate::store::{OutboxStatus, Store};
use domain::views::console::{OutgoingMailView, UndeliveredMail};
use domain::{AppError, Reference};

/// Mails the page lists, newest first.
pub const MAIL_LIST_LIMIT: u32 = 200;

impl Console {
    pub async fn outgoing_mail(&self, member: &StaffMember) -> Result<OutgoingMailView, AppError> {
        let orgs = member.admin_orgs()?;
        let mut conn = self.store.conn().await.map_err(db)?;
        let rows = Store::undelivered_mail(&mut conn, &orgs, i64::from(MAIL_LIST_LIMIT))
            .await
            .map_err(db)?;
        let mails = rows
            .into_iter()
            .map(|row| UndeliveredMail {
                org: row.org.unwrap_or_default(),
                reference: row
                    .reference
                    .as_deref()
                    .and_then(|r| Reference::parse(r).ok()),
                state: progress(row.status, row.last_error.is_some()),
                attempts: row.attempts,
                written_at: views::rfc3339(row.created_at),
                next_try_at: (row.status != OutboxStatus::Failed)
                    .then(|| views::rfc3339(row.run_after)),
                template: row.template,
                last_error: row.last_error,
            })
            .collect();
        Ok(OutgoingMailView {
            mails,
            limit: MAIL_LIST_LIMIT,
        })
    }
}
