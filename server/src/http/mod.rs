//! The HTTP surface besides the Leptos pages: the REST API, file uploads and
//! downloads, the error mapping, and the middleware every response passes
//! through.

pub mod api;
pub mod csp;
pub mod embed;
pub mod files;
pub mod gpc;
pub mod guard;
pub mod health;
pub mod hosts;
pub mod language;
pub mod org_api;
pub mod org_assets;
pub mod page_cache;
pub mod preferences;
pub mod redirects;
pub mod throttle;

/// The organisation slug right after `prefix` in a path:
/// `slug_after("/o/demo/new", "/o/")` is `demo`.
pub(crate) fn slug_after<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(prefix)?;
    Some(rest.split('/').next().unwrap_or(rest))
}
