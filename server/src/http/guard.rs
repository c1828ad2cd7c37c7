//! Middleware every request passes: forgery protection, body limits and
//! security headers.
//!
//! Forgery: Leptos server functions do not check where a request comes from.
//! Every state-changing request (anything but GET, HEAD, OPTIONS) that a
//! browser sends from another site is refused with 403: when the browser
//! says it is cross-site (`Sec-Fetch-Site: cross-site`) or its `Origin` is
//! not this portal (`null` included), whatever the body encoding, and
//! whether or not it carries a cookie: a foreign page must not sign a
//! victim into the attacker's account either (login CSRF: posting the
//! attacker's magic link or staff password). Requests with
//! `Authorization: Bearer` are exempt: a browser sends that header across
//! sites only after a CORS preflight, which the portal never grants. So are
//! clients that are not browsers and name no origin (an API client, a mail
//! provider's RFC 8058 unsubscribe).

use crate::http::csp;
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};
use domain::AppError;
use portal::door::ApiError;
use url::Url;

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub struct GuardConfig {
    /// The configured public origin, e.g. `https://privacy.example.com`.
    pub public_origin: String,
    pub https: bool,
}

impl GuardConfig {
    pub fn new(base_url: &Url) -> GuardConfig {
        GuardConfig {
            public_origin: base_url.origin().ascii_serialization(),
            https: base_url.scheme() == "https",
        }
    }
}

/// An API client's bearer token: no browser sends one across sites.
fn carries_bearer(request: &Request) -> bool {
    request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "))
}

/// Same-origin when `Origin` is the configured public origin, or names the
/// host the browser sent the request to (which covers `localhost` versus
/// `127.0.0.1` in development).
fn origin_is_ours(origin: &str, request: &Request, config: &GuardConfig) -> bool {
    if origin == config.public_origin {
        return true;
    }
    let Ok(origin) = Url::parse(origin) else {
        return false;
    };
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let origin_host = match (origin.host_str(), origin.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => return false,
    };
    host.is_some_and(|host| host.eq_ignore_ascii_case(&origin_host))
}

pub async fn forgery_guard(
    State(config): State<GuardConfig>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !carries_bearer(&request) {
        let cross_site = request
            .headers()
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"));
        let foreign_origin = request
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|origin| !origin_is_ours(origin, &request, &config));
        if cross_site || foreign_origin {
            tracing::warn!(method = %request.method(), path = crate::telemetry::loggable_path(request.uri().path()), "cross-site request refused");
            return ApiError(AppError::Forbidden).into_response();
        }
    }
    next.run(request).await
}

/// Refuses bodies that announce more than the limit before reading them, with
/// the JSON error every other refusal uses. Bodies without a length are cut
/// off by `RequestBodyLimitLayer` as they stream.
pub async fn body_limit(request: Request<Body>, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return ApiError(AppError::PayloadTooLarge).into_response();
    }
    next.run(request).await
}

/// Server functions answer failures that happen before their body runs
/// (arguments that do not deserialise) with 500. When the payload is one of
/// our own client-side errors, give it the status that error documents.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/_sfn/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError(AppError::Internal).into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(status) = axum::http::StatusCode::from_u16(error.http_status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Headers on every response, and the nonce of its CSP (see `csp`).
pub async fn security_headers(
    State(config): State<GuardConfig>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = csp::CspNonce::generate();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let policy = csp::policy(&nonce, response.extensions().get::<csp::FrameAncestors>());
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        // Origins are validated when the content loads, so this always
        // builds; if it ever did not, the page gets no script at all.
        let value = HeaderValue::from_str(&policy).unwrap_or(HeaderValue::from_static(
            "script-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'",
        ));
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    let mut set = |name: &'static str, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set("x-content-type-options", "nosniff");
    // Same-origin referrers keep no-JavaScript form errors working (the
    // server-function handler redirects back to the Referer) while tokens in
    // URLs never leave the portal.
    set("referrer-policy", "same-origin");
    set(
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    set("cross-origin-opener-policy", "same-origin");
    if config.https {
        set(
            "strict-transport-security",
            "max-age=63072000; includeSubDomains",
        );
    }
    response
}
