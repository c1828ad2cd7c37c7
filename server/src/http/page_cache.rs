//! Anonymous notice pages from memory. A privacy notice is the page most
//! people open, mostly without a session; rendering it costs a few hundred
//! microseconds of CPU, serving it from memory a few. The rendered page
//! depends on the organisation (path and host), the language and, for a
//! visitor with a session, on their cookies; so only requests with no
//! cookie, no query and no Global Privacy Control signal are served from
//! here, keyed by host, path and language. Content is loaded once at
//! start-up, so a cached page never goes stale within a process. Each
//! response still gets its own CSP nonce: the cached page's is replaced.

use super::csp::CspNonce;
use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use domain::Language;
use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

/// Hosts × organisations × languages; past this nothing more is kept (a
/// client making up host names cannot grow it without bound).
const MAX_PAGES: usize = 1024;
/// Larger pages are not kept.
const MAX_PAGE_BYTES: usize = 512 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    host: String,
    path: String,
    language: Language,
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    nonce: String,
}

#[derive(Default)]
pub struct PageCache {
    pages: RwLock<HashMap<Key, Arc<Page>>>,
}

/// A notice page: `/o/{org}` exactly.
fn is_notice(path: &str) -> bool {
    path.strip_prefix("/o/")
        .is_some_and(|org| !org.is_empty() && !org.contains('/'))
}

fn key(request: &Request) -> Option<Key> {
    let headers = request.headers();
    let anonymous = !headers.contains_key(header::COOKIE) && !headers.contains_key("sec-gpc");
    (request.method() == Method::GET
        && request.uri().query().is_none()
        && anonymous
        && is_notice(request.uri().path()))
    .then(|| Key {
        host: headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase(),
        path: request.uri().path().to_owned(),
        language: request
            .extensions()
            .get::<Language>()
            .copied()
            .unwrap_or_default(),
    })
}

impl Page {
    fn response(&self, nonce: Option<&CspNonce>) -> Response {
        let body = match nonce {
            Some(nonce) if !self.nonce.is_empty() => {
                // The nonce is 32 random hex characters: it occurs nowhere
                // but where it was written.
                let text = String::from_utf8_lossy(&self.body).replace(&self.nonce, &nonce.0);
                Body::from(text)
            }
            _ => Body::from(self.body.clone()),
        };
        let mut response = (self.status, body).into_response();
        *response.headers_mut() = self.headers.clone();
        response.headers_mut().remove(header::CONTENT_LENGTH);
        response
    }
}

pub async fn serve(State(cache): State<Arc<PageCache>>, request: Request, next: Next) -> Response {
    let Some(key) = key(&request) else {
        return next.run(request).await;
    };
    let nonce = request.extensions().get::<CspNonce>().cloned();
    let hit = cache.pages.read().expect("not poisoned").get(&key).cloned();
    if let Some(page) = hit {
        metrics::counter!("portal_page_cache_total", "outcome" => "hit").increment(1);
        return page.response(nonce.as_ref());
    }
    metrics::counter!("portal_page_cache_total", "outcome" => "miss").increment(1);
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        // Too large or broken while streaming: nothing kept, nothing to send.
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let page = Arc::new(Page {
        status: parts.status,
        headers: parts.headers,
        body,
        nonce: nonce.map(|n| n.0).unwrap_or_default(),
    });
    let mut pages = cache.pages.write().expect("not poisoned");
    if pages.len() < MAX_PAGES {
        pages.insert(key, page.clone());
    }
    drop(pages);
    let mut response = (page.status, Body::from(page.body.clone())).into_response();
    *response.headers_mut() = page.headers.clone();
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder()
            .uri(path)
            .header("host", "Portal.example");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let mut request = builder.body(Body::empty()).unwrap();
        request.extensions_mut().insert(Language::Nb);
        request
    }

    #[test]
    fn only_anonymous_notice_pages_are_kept() {
        let key = key(&request("/o/demo", &[])).unwrap();
        assert_eq!(
            (key.host.as_str(), key.path.as_str(), key.language),
            ("portal.example", "/o/demo", Language::Nb)
        );
        for (path, headers) in [
            ("/o/demo", &[("cookie", "portal_session=x")][..]),
            ("/o/demo", &[("sec-gpc", "1")][..]),
            ("/o/demo?lang=nl", &[][..]),
            ("/o/demo/requests", &[][..]),
            ("/embed/demo", &[][..]),
            ("/o/", &[][..]),
        ] {
            assert!(
                super::key(&request(path, headers)).is_none(),
                "{path} {headers:?}"
            );
        }
    }
}
