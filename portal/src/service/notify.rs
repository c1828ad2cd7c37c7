//! "There is news on your request": the one mail every use case that moves
//! a request sends. A link to the tracking page, never the content, in the
//! subject's language. A mail failure is logged, not returned: what was
//! done stands, and the tracking page shows it.

use super::{Links, Seals};
use crate::mail::Mailer;
use crate::{content::Content, store::RequestRow};
use serde::Serialize;
use std::sync::Arc;

#[derive(Clone)]
pub struct Notify {
    mailer: Arc<Mailer>,
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
    pub fn new(mailer: Arc<Mailer>, content: Arc<Content>, links: Links, seals: Seals) -> Notify {
        Notify {
            mailer,
            content,
            links,
            seals,
        }
    }

    pub async fn mail_update(&self, row: &RequestRow) {
        let (Ok(email), Some(language)) = (self.seals.address_of(row), Some(row.language)) else {
            return;
        };
        let org_name = self
            .content
            .org(&row.org)
            .map(|o| o.settings.name.clone())
            .unwrap_or_default();
        let mail = UpdateMail {
            org_name: &org_name,
            reference: &row.reference,
            tracking_url: self.links.org_url(
                &row.org,
                &format!("/o/{}/requests/{}", row.org, row.reference),
            ),
        };
        if let Err(error) = self.mailer.send(&email, language, "update", &mail).await {
            tracing::error!(error = %error, "update mail failed");
        }
    }
}
