//! An organisation's theme stylesheet and logo (see `portal::theme`).

use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};
use domain::AppError;
use portal::service::Service;
use std::sync::Arc;

use portal::door::ApiError;

/// `/o/{org}/theme.css`: its colours, radius and font as custom properties.
pub async fn theme_css(
    State(service): State<Arc<Service>>,
    Path(org): Path<String>,
) -> Result<Response, ApiError> {
    let organisation = service.organisation(&org)?;
    let theme = organisation
        .settings
        .theme
        .as_ref()
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        theme.css(),
    )
        .into_response())
}

/// `/o/{org}/logo`. An SVG logo is sandboxed: no scripts, nothing fetched.
pub async fn logo(
    State(service): State<Arc<Service>>,
    Path(org): Path<String>,
) -> Result<Response, ApiError> {
    let organisation = service.organisation(&org)?;
    let (content_type, bytes) = organisation.logo.as_ref().ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, *content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            ),
        ],
        bytes.clone(),
    )
        .into_response())
}
