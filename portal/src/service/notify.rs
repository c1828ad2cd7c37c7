//! "There is news on your request": the one mail every use case that moves
//! a request sends. A link to the tracking page, never the content, in the
//! subject's language. Written to the outbox in the use case's own
//! transaction: what was done and the mail that tells of it commit together.

use super::outbox::{About, Outbox};
use super::{Links, Seals};
use crate::store::Conn;
use crate::{content::Content, store::RequestRow};
use domain::AppError;
use serde::Serialize;
use std::sync::Arc;

#[derive(Clone)]
pub struct Notify {
    outbox: Outbox,
    content: Arc<Content>,
    links: Links,
    seals: Seals,
}

#[derive(Serialize)]
struct UpdateMail<'a> {
    org_name: &'a str,
    reference: &'a str,
    tracking_url: String,
}

impl Notify {
    pub fn new(outbox: Outbox, content: Arc<Content>, links: Links, seals: Seals) -> Notify {
        Notify {
            outbox,
            content,
            links,
            seals,
        }
    }

    /// Writes the mail in `conn`'s transaction; the caller wakes the
    /// outbox (`Notify::sent`) once it has committed. A request anonymised
    /// by retention has no address: nobody to tell.
    pub async fn mail_update(
        &self,
        conn: &mut Conn,
        row: &RequestRow,
        at: i64,
    ) -> Result<(), AppError> {
        if row.email.is_empty() {
            return Ok(());
        }
        let email = self.seals.address_of(row)?;
        let org_name = self.content.org_name(&row.org);
        let mail = UpdateMail {
            org_name: &org_name,
            reference: &row.reference,
            tracking_url: self.links.org_url(
                &row.org,
                &format!("/o/{}/requests/{}", row.org, row.reference),
            ),
        };
        let about = About {
            org: Some(row.org.as_str()),
            request_id: Some(row.id),
        };
        self.outbox
            .write(conn, about, &email, row.language, "update", &mail, at)
            .await
    }

    /// After the commit: the worker sends what was written.
    pub fn sent(&self) {
        self.outbox.wake();
    }
}
