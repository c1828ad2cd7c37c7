//! Prometheus metrics, served at `/metrics`: requests by route and status
//! with latency histograms (this middleware), jobs and mails (counted where
//! they happen), and, read from the database at each scrape, open requests
//! by status and how many are overdue. The database figures are the same
//! from every server of a portal; the others are per process, as
//! Prometheus expects.
//!
//! `/metrics` tells how busy and how late a privacy team is, so it is not
//! public: with `PORTAL_METRICS_TOKEN` set it wants that bearer token;
//! without it only connections from the machine itself get it, and behind
//! a proxy (`PORTAL_CLIENT_IP_HEADER` set) nobody does.

use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use portal::service::Service;
use std::{
    net::SocketAddr,
    sync::{Arc, OnceLock},
    time::Instant,
};

/// Seconds; from a fast page (1 ms) to a slow export (10 s).
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process's recorder, installed once (tests start many apps in one
/// process; they share it).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                &LATENCY_BUCKETS,
            )
            .expect("the buckets are not empty")
            .install_recorder()
            .expect("no other metrics recorder is installed")
    })
}

/// Counts and times every request under its route's pattern (never the
/// concrete path: references and tokens stay out of the labels).
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!("http_request_duration_seconds", "route" => route.clone(), "method" => method.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("http_requests_total", "route" => route, "method" => method, "status" => status)
        .increment(1);
    response
}

#[derive(Clone)]
pub struct MetricsConfig {
    pub service: Arc<Service>,
    pub token: Option<String>,
    /// Behind a proxy (a client address header is configured) every
    /// request may come from loopback, so the token is the only way in.
    pub behind_proxy: bool,
}

pub async fn endpoint(State(config): State<MetricsConfig>, request: Request) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>();
    let allowed = match &config.token {
        Some(token) => request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| {
                use subtle::ConstantTimeEq;
                bool::from(given.as_bytes().ct_eq(token.as_bytes()))
            }),
        None if config.behind_proxy => false,
        None => peer.is_some_and(|ConnectInfo(addr)| addr.ip().is_loopback()),
    };
    if !allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    match config.service.console.request_figures().await {
        Ok(figures) => {
            for (status, count) in figures.by_status {
                metrics::gauge!("portal_requests_open", "status" => status).set(count as f64);
            }
            metrics::gauge!("portal_requests_overdue").set(figures.overdue as f64);
        }
        Err(error) => {
            // The other figures are still worth having.
            tracing::warn!(error = %error, "metrics could not read the database");
            metrics::counter!("portal_metrics_database_errors_total").increment(1);
        }
    }
    match config.service.outbox.figures().await {
        Ok(outbox) => {
            metrics::gauge!("portal_outbox_unsent").set(outbox.unsent as f64);
            metrics::gauge!("portal_outbox_failed").set(outbox.failed as f64);
            let oldest = outbox.oldest_at.map_or(0, |at| {
                (time::OffsetDateTime::now_utc().unix_timestamp() - at).max(0)
            });
            metrics::gauge!("portal_outbox_oldest_unsent_seconds").set(oldest as f64);
        }
        Err(error) => {
            tracing::warn!(error = %error, "metrics could not read the outbox");
            metrics::counter!("portal_metrics_database_errors_total").increment(1);
        }
    }
    match config.service.hooks.figures().await {
        Ok(queue) => {
            metrics::gauge!("portal_webhooks_waiting").set(queue.waiting as f64);
            metrics::gauge!("portal_webhooks_failed").set(queue.failed as f64);
            let oldest = queue.oldest_at.map_or(0, |at| {
                (time::OffsetDateTime::now_utc().unix_timestamp() - at).max(0)
            });
            metrics::gauge!("portal_webhooks_oldest_waiting_seconds").set(oldest as f64);
        }
        Err(error) => {
            tracing::warn!(error = %error, "metrics could not read the webhook queue");
            metrics::counter!("portal_metrics_database_errors_total").increment(1);
        }
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle().render(),
    )
        .into_response()
}
