//! Embedding: `/embed/{org}/…` pages may be framed by the organisation's
//! own sites and no others. The browser enforces it from CSP
//! `frame-ancestors`; this middleware writes the organisation's list there
//! (`security_headers` leaves a policy set here alone).

use crate::service::Service;
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
};
use std::sync::Arc;

/// The policy for a page of `org` in a frame.
pub fn frame_policy(origins: &[String]) -> String {
    let mut ancestors = String::from("'self'");
    for origin in origins {
        ancestors.push(' ');
        ancestors.push_str(origin);
    }
    format!("frame-ancestors {ancestors}; object-src 'none'; base-uri 'none'")
}

pub async fn frame_ancestors(
    State(service): State<Arc<Service>>,
    request: Request,
    next: Next,
) -> Response {
    let org = super::slug_after(request.uri().path(), "/embed/").map(str::to_owned);
    let mut response = next.run(request).await;
    if let Some(organisation) = org.and_then(|org| service.organisation(&org).ok()) {
        if let Ok(value) = HeaderValue::from_str(&frame_policy(&organisation.view.embed_origins)) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_origins_may_frame_a_page() {
        assert_eq!(
            frame_policy(&["https://www.a.example".into(), "http://localhost:4173".into()]),
            "frame-ancestors 'self' https://www.a.example http://localhost:4173; object-src 'none'; base-uri 'none'"
        );
        assert!(frame_policy(&[]).starts_with("frame-ancestors 'self';"));
    }
}
