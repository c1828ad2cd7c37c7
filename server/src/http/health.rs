//! Probes for load balancers and orchestrators. `/healthz`: the process
//! answers (restart it if not). `/readyz`: it can serve, meaning the
//! database answers and carries exactly this build's migrations (send it no
//! traffic if not). Neither needs authentication or reveals more than that.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use portal::service::Service;
use portal::store::Schema;
use serde_json::json;
use std::sync::Arc;

const NO_STORE: (header::HeaderName, &str) = (header::CACHE_CONTROL, "no-store");

pub async fn healthz() -> Response {
    ([NO_STORE], Json(json!({ "status": "ok" }))).into_response()
}

pub async fn readyz(State(service): State<Arc<Service>>) -> Response {
    let (status, database, migrations) = match service.schema().await {
        Ok(Schema::Current) => (StatusCode::OK, "ok", "current"),
        Ok(Schema::Behind) => (StatusCode::SERVICE_UNAVAILABLE, "ok", "behind"),
        Ok(Schema::Ahead) => (StatusCode::SERVICE_UNAVAILABLE, "ok", "ahead"),
        Err(error) => {
            tracing::warn!(error = %error, "readiness: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "unreachable", "unknown")
        }
    };
    let ready = if status == StatusCode::OK {
        "ready"
    } else {
        "not_ready"
    };
    (
        status,
        [NO_STORE],
        Json(json!({ "status": ready, "database": database, "migrations": migrations })),
    )
        .into_response()
}
