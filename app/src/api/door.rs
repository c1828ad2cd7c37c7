//! The server functions' end of the one door (`portal::door`). A server
//! function runs inside a Leptos request, not an axum handler, so it asks
//! for its caller here: the same extractors the REST and file routes take
//! as arguments, applied to the request Leptos provides. The use cases come
//! from context (`Arc<Service>`, provided by the server at start-up).
//!
//! Cookies, sessions and the host rule are `portal::door`'s; this module
//! only hands the request to it and writes the answer's status, redirect
//! and `Set-Cookie` headers.

use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use domain::{AppError, Language};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use portal::door::{ApiError, Caller};
use portal::service::Service;
use std::future::Future;
use std::sync::Arc;

/// Runs a server function's work with the use cases and the caller, and
/// gives a failure the HTTP status it documents (plain form posts keep the
/// redirect that carries the error back to the form instead).
pub async fn serve<T, Work, Done>(work: Work) -> Result<T, AppError>
where
    Work: FnOnce(Arc<Service>, Caller) -> Done,
    Done: Future<Output = Result<T, AppError>>,
{
    let service = service()?;
    let caller = caller(&service)?;
    let plain_form = caller.plain_form;
    work(service, caller).await.inspect_err(|error| {
        if !plain_form {
            if let (Some(response), Ok(status)) = (
                use_context::<ResponseOptions>(),
                StatusCode::from_u16(error.http_status()),
            ) {
                response.set_status(status);
            }
        }
    })
}

/// Who else the caller is, by the extractor `T` (`MaybeSubject`,
/// `StaffCaller`, …): exactly what a REST handler taking `T` would get.
pub async fn identify<T>(service: &Arc<Service>) -> Result<T, AppError>
where
    T: axum::extract::FromRequestParts<Arc<Service>, Rejection = ApiError>,
{
    let mut parts = parts()?;
    T::from_request_parts(&mut parts, service)
        .await
        .map_err(|ApiError(error)| error)
}

/// Adds a `Set-Cookie` header that `portal::door::cookies` built.
pub fn set_cookie(value: HeaderValue) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(header::SET_COOKIE, value);
    }
}

/// Redirects after a state change with 303 See Other, so reloading the next
/// page never re-posts the form (and a token in a posted form leaves the URL).
/// A reader who works inside an iframe stays inside it.
pub fn see_other(caller: &Caller, path: &str) {
    let framed;
    let path = match path.strip_prefix("/o/") {
        Some(rest) if caller.framing == portal::door::Framing::Framed => {
            framed = format!("/embed/{rest}");
            framed.as_str()
        }
        _ => path,
    };
    leptos_axum::redirect(path);
    if caller.plain_form {
        if let Some(response) = use_context::<ResponseOptions>() {
            response.set_status(StatusCode::SEE_OTHER);
        }
    }
}

/// The language the server chose for this request (`?lang=`, then the
/// cookie, then `Accept-Language`), for rendering.
pub fn language() -> Language {
    use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<Language>().copied())
        .unwrap_or_default()
}

/// Whether the page request carries the Global Privacy Control signal.
pub fn gpc_signalled() -> bool {
    service()
        .and_then(|service| caller(&service))
        .is_ok_and(|caller| caller.gpc)
}

fn service() -> Result<Arc<Service>, AppError> {
    use_context::<Arc<Service>>().ok_or(AppError::Internal)
}

fn caller(service: &Service) -> Result<Caller, AppError> {
    Ok(Caller::of(service, &parts()?))
}

fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or(AppError::Internal)
}
