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

    /// A link to an organisation's page: on its own host name when it has
    /// one (same scheme as the portal), else on the portal's address.
    pub fn org_url(&self, org: &str, path: &str) -> String {
        match self.content.org(org).and_then(|o| o.settings.hosts.first()) {
            Some(host) => format!("{}://{host}{path}", self.base_url.scheme()),
            None => self.url(path),
        }
    }
}
