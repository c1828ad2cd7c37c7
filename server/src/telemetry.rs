//! Logging. `PORTAL_LOG_FORMAT=json` gives one JSON object per line for log
//! shippers; the default (`text`) is human-readable. Spans never record
//! personal data.

use tracing_subscriber::{fmt, prelude::*, EnvFilter};

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if json {
        registry
            .with(fmt::layer().json().with_current_span(true))
            .try_init()
    } else {
        registry.with(fmt::layer()).try_init()
    };
    // A second init (tests) keeps the first subscriber.
    let _ = result;
}

/// A request's path as the logs may show it: without the query (tracking
/// keys travel there) and with the token of a magic or unsubscribe link cut
/// out, so no log line lets anyone act as a subject.
pub fn loggable_path(path: &str) -> String {
    let mut redact_next = false;
    path.split('/')
        .map(|segment| {
            let shown = if redact_next && !segment.is_empty() {
                "…"
            } else {
                segment
            };
            redact_next = matches!(segment, "confirm" | "unsubscribe" | "reset" | "invitation");
            shown
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The span of each HTTP request: method and loggable path only.
pub fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %loggable_path(request.uri().path()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_tokens_are_cut_from_logged_paths() {
        assert_eq!(loggable_path("/o/demo/confirm/abc123"), "/o/demo/confirm/…");
        assert_eq!(loggable_path("/console/reset/abc123"), "/console/reset/…");
        assert_eq!(
            loggable_path("/console/invitation/abc"),
            "/console/invitation/…"
        );
        assert_eq!(
            loggable_path("/embed/demo/confirm/abc"),
            "/embed/demo/confirm/…"
        );
        assert_eq!(
            loggable_path("/o/demo/unsubscribe/a2Fy.3f9c"),
            "/o/demo/unsubscribe/…"
        );
        assert_eq!(
            loggable_path("/o/demo/requests/PR-7K3M-Q9XD"),
            "/o/demo/requests/PR-7K3M-Q9XD"
        );
        assert_eq!(loggable_path("/"), "/");
    }
}
