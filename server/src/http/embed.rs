//! Embedding: `/embed/{org}/…` pages may be framed by the organisation's
//! own sites and no others. The browser enforces it from CSP
//! `frame-ancestors`; this middleware hands the organisation's list to
//! `security_headers`, which writes the policy.

use super::csp::FrameAncestors;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use portal::service::Service;
use std::sync::Arc;

pub async fn frame_ancestors(
    State(service): State<Arc<Service>>,
    request: Request,
    next: Next,
) -> Response {
    let org = super::slug_after(request.uri().path(), "/embed/").map(str::to_owned);
    let mut response = next.run(request).await;
    if let Some(organisation) = org.and_then(|org| service.organisation(&org).ok()) {
        response
            .extensions_mut()
            .insert(FrameAncestors(organisation.view.embed_origins.clone()));
    }
    response
}
