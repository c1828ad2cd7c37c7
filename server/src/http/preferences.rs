//! `POST /o/{org}/preferences`: the Choices page's form, any number of
//! `purpose=decision` pairs in one post (a plain HTML form, no JavaScript).
//! The subject's session says who; the service writes the receipts.

use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    Form,
};
use portal::door::{ApiError, Caller, Framing, MaybeSubject};
use portal::service::Service;
use std::sync::Arc;

pub async fn save(
    State(service): State<Arc<Service>>,
    Path(org): Path<String>,
    subject: MaybeSubject,
    caller: Caller,
    Form(choices): Form<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let subject = subject.in_org(&org)?;
    let changed = service.consents.set_preferences(&subject, &choices).await?;
    // Back to the page the form was on, in or out of an iframe.
    let prefix = if caller.framing == Framing::Framed {
        "embed"
    } else {
        "o"
    };
    Ok(Redirect::to(&format!("/{prefix}/{org}/preferences?saved={changed}")).into_response())
}
