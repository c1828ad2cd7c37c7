//! `POST /o/{org}/preferences`: the Choices page's form, any number of
//! `purpose=decision` pairs in one post (a plain HTML form, no JavaScript).
//! The subject's session says who; the service writes the receipts.

use super::error::ApiError;
use crate::service::Service;
use app::port::posted_from_frame;
use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use std::sync::Arc;

pub async fn save(
    State(service): State<Arc<Service>>,
    Path(org): Path<String>,
    caller: super::identity::MaybeSubject,
    headers: HeaderMap,
    Form(choices): Form<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let subject = caller.in_org(&org)?;
    let changed = service.set_preferences(&subject, &choices).await?;
    // Back to the page the form was on, in or out of an iframe.
    let prefix = if posted_from_frame(&headers) {
        "embed"
    } else {
        "o"
    };
    Ok(Redirect::to(&format!("/{prefix}/{org}/preferences?saved={changed}")).into_response())
}
