//! Addresses the portal writes into mail: its own, or an organisation's
//! host name when it has one.

use crate::content::Content;
use std::sync::Arc;
use url::Url;

#[derive(Clone)]
pub struct Links {
    base_url: Url,
    content: Arc<Content>,
}

impl Links {
    pub fn new(base_url: Url, content: Arc<Content>) -> Links {
        Links { base_url, content }
    }

    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Whether the portal is served over https: cookies are then `__Host-` and `Secure`.
    pub fn secure(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// A page of the portal's own address.
    pub fn url(&self, path: &str) -> String {
        let mut base = self.base_url.as_str().trim_end_matches('/').to_owned();
        base.push_str(path);
        base
    }

    /// The personal tracking link of a request: its holder sees the
    /// summary and may ask for a new code (`secret` derives the key).
    pub fn personal_tracking_url(&self, secret: &[u8; 32], org: &str, reference: &str) -> String {
        let key = crate::crypto::tracking_key(secret, reference);
        self.org_url(
            org,
            &format!(
                "/o/{org}/requests/{reference}?key={}",
                crate::crypto::expose(&key)
            ),
        )
    }

    /// A link to an organisation's page: on its own host name when it has
    /// one (same scheme as the portal), else on the portal's address.
    pub fn org_url(&self, org: &str, path: &str) -> String {
        match self.content.org(org).and_then(|o| o.settings.hosts.first()) {
            Some(host) => format!("{}://{host}{path}", self.base_url.scheme()),
            None => self.url(path),
        }
    }
}

/// A date as the mail templates' `date` macro reads it (`d.day`,
/// `d.month`, `d.year`), written in the mail's language there.
#[derive(serde::Serialize)]
pub struct MailDate {
    year: i32,
    month: u8,
    day: u8,
}

impl From<time::Date> for MailDate {
    fn from(date: time::Date) -> MailDate {
        MailDate {
            year: date.year(),
            month: date.month() as u8,
            day: date.day(),
        }
    }
}
