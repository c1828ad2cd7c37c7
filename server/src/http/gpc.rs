//! Global Privacy Control (https://privacycg.github.io/gpc-spec/): the
//! portal says it honours the signal (`/.well-known/gpc.json`), and a page
//! request of a verified subject that carries `Sec-GPC: 1` is recorded as
//! their objection to marketing profiling and sharing, with a receipt
//! (see `service::consents`). No JavaScript is involved. Subjects download
//! their receipts from `/o/{org}/consents.json`.

use axum::extract::FromRequestParts;
use axum::{
    extract::{Path, Request, State},
    http::{header, HeaderMap, Method},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use portal::door::ApiError;
use portal::door::MaybeSubject;
use portal::service::Service;
use std::sync::Arc;

/// The date the portal's handling of the signal last changed.
const GPC_SINCE: &str = "2026-11-22";

pub fn signalled(headers: &HeaderMap) -> bool {
    headers
        .get("sec-gpc")
        .is_some_and(|v| v.as_bytes().trim_ascii() == b"1")
}

/// `/.well-known/gpc.json`.
pub async fn well_known() -> Response {
    (
        [(header::CACHE_CONTROL, "public, max-age=86400")],
        Json(serde_json::json!({ "gpc": true, "lastUpdate": GPC_SINCE })),
    )
        .into_response()
}

/// Records the signal for the verified subject of the organisation whose
/// page is asked for; never stands in the page's way.
pub async fn honour(State(service): State<Arc<Service>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let org = super::slug_after(path, "/o/")
        .or_else(|| super::slug_after(path, "/embed/"))
        .map(str::to_owned);
    if let (Some(org), true, true) = (
        org,
        request.method() == Method::GET,
        signalled(request.headers()),
    ) {
        let (mut parts, body) = request.into_parts();
        if let Ok(MaybeSubject(Some(subject))) =
            MaybeSubject::from_request_parts(&mut parts, &service).await
        {
            if subject.org == org {
                if let Err(error) = service.consents.honour_gpc(&subject).await {
                    tracing::warn!(error = %error, "could not record a GPC signal");
                }
            }
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    next.run(request).await
}

/// The subject's consent receipts, as JSON, with their session.
pub async fn receipts(
    State(service): State<Arc<Service>>,
    Path(org): Path<String>,
    caller: MaybeSubject,
) -> Result<Response, ApiError> {
    let subject = caller.in_org(&org)?;
    let receipts = service.consents.consent_receipts(&subject).await?;
    Ok((
        [
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"consent-receipts.json\"",
            ),
        ],
        Json(serde_json::json!({ "receipts": receipts })),
    )
        .into_response())
}

/// `POST /o/{org}/unsubscribe/{token}`: RFC 8058 one-click unsubscribe.
/// Mail providers post `List-Unsubscribe=One-Click` without cookies and
/// get 200; the button on the page (a browser) is sent back to the page,
/// which confirms. A link the portal did not make gets 422.
pub async fn unsubscribe(
    State(service): State<Arc<Service>>,
    Path((org, token)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    service.consents.one_click_unsubscribe(&org, &token).await?;
    let browser = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    Ok(if browser {
        axum::response::Redirect::to(&format!("/o/{org}/unsubscribe/{token}?done=1"))
            .into_response()
    } else {
        "Unsubscribed.".into_response()
    })
}
