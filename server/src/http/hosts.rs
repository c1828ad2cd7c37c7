//! Organisations chosen by host name. An organisation may list host names
//! in its `org.toml` (`hosts = ["privacy.fjordlys.example"]`); a request
//! to one of them is for that organisation alone: `/` leads to its notice,
//! and another organisation's pages are not found there. Everything else
//! (the REST API, assets, server functions) is served as on any host, and
//! the portal's own address keeps serving every organisation under
//! `/o/{org}`.

use axum::{
    extract::{Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use portal::service::Service;
use std::sync::Arc;

/// The organisation slug a path is about: `/o/{org}/…`, `/embed/{org}/…`
/// or `/console/o/{org}/…`.
fn org_in_path(path: &str) -> Option<&str> {
    ["/o/", "/embed/", "/console/o/"]
        .into_iter()
        .find_map(|prefix| super::slug_after(path, prefix))
}

pub async fn one_org_per_host(
    State(service): State<Arc<Service>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let Some(org) = service.content().org_for_host(host) else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    if path == "/" {
        return Redirect::to(&format!("/o/{}", org.slug)).into_response();
    }
    match org_in_path(path) {
        Some(other) if other != org.slug => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Not found: this address serves one organisation only.",
        )
            .into_response(),
        _ => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_organisation_of_a_path() {
        assert_eq!(org_in_path("/o/demo"), Some("demo"));
        assert_eq!(org_in_path("/o/demo/requests/PR-AAAA-BBBB"), Some("demo"));
        assert_eq!(org_in_path("/embed/other/new"), Some("other"));
        assert_eq!(org_in_path("/console/o/other/requests/x"), Some("other"));
        assert_eq!(org_in_path("/console"), None);
        assert_eq!(org_in_path("/api/v1/requests"), None);
    }
}
