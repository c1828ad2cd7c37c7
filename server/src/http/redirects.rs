//! Small GET routes that only redirect.

use crate::startup::AppState;
use axum::{
    extract::{Path, Query, State},
    response::Redirect,
};
use domain::Reference;
use serde::Deserialize;

/// `/` leads to the default organisation's notice.
pub async fn root(State(state): State<AppState>) -> Redirect {
    Redirect::to(&format!("/o/{}", state.default_org))
}

#[derive(Deserialize)]
pub struct Find {
    reference: Option<String>,
}

/// The "enter your reference" form on "My requests" works without
/// JavaScript: it GETs here and is sent on to the request's page.
pub async fn find(Path(org): Path<String>, Query(find): Query<Find>) -> Redirect {
    // Only slugs go back into a Location header.
    if org.is_empty()
        || !org
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Redirect::to("/");
    }
    match find.reference.as_deref().map(Reference::parse) {
        Some(Ok(reference)) => Redirect::to(&format!("/o/{org}/requests/{reference}")),
        _ => Redirect::to(&format!("/o/{org}/requests?invalid=1")),
    }
}
