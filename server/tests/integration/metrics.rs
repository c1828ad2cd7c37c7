//! `/metrics` as Prometheus scrapes it.

use crate::harness::{spawn_app, spawn_app_configured};

pub(crate) async fn scrape(app: &crate::harness::TestApp, token: Option<&str>) -> (u16, String) {
    let mut request = app.client.get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The value of the sample line that starts with `series`.
pub(crate) fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|line| line.starts_with(series))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_jobs_mails_and_open_requests_are_counted() {
    let app = spawn_app().await;
    let (_, before) = scrape(&app, None).await;
    let notice = r#"http_requests_total{route="/o/{org}",method="GET",status="200"}"#;
    let seen_before = sample(&before, notice).unwrap_or(0.0);
    app.client.get(app.url("/o/demo")).send().await.unwrap();
    app.submit_access("kari@example.no").await;
    let (reference, _) = app.verified_subject("ola@example.no").await;
    // Overdue: a verified request whose due date has passed.
    sqlx::query("UPDATE requests SET due_date = '2020-01-01' WHERE reference = $1")
        .bind(&reference)
        .execute(&app.db)
        .await
        .unwrap();

    let (status, text) = scrape(&app, None).await;
    assert_eq!(status, 200, "served to this machine");
    assert_eq!(sample(&text, notice), Some(seen_before + 1.0), "{text}");
    assert!(
        text.contains(r#"http_request_duration_seconds_bucket{route="/api/v1/requests",method="POST",le="0.1"}"#),
        "latency histogram by route"
    );
    assert_eq!(
        sample(
            &text,
            r#"portal_requests_open{status="pending_verification"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, r#"portal_requests_open{status="received"}"#),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, r#"portal_requests_open{status="in_progress"}"#),
        Some(0.0)
    );
    assert_eq!(sample(&text, "portal_requests_overdue"), Some(1.0));
    assert!(
        sample(
            &text,
            r#"portal_mails_total{template="verification",outcome="sent"}"#
        )
        .unwrap_or(0.0)
            >= 2.0,
        "{text}"
    );
    // Labels carry route patterns, never a reference or a token.
    assert!(!text.contains(&reference));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_token_configured_only_its_bearer_may_scrape() {
    let app = spawn_app_configured(|s| s.metrics_token = Some("scrape-me-0123456789".into())).await;
    assert_eq!(scrape(&app, None).await.0, 404);
    assert_eq!(scrape(&app, Some("wrong")).await.0, 404);
    let (status, text) = scrape(&app, Some("scrape-me-0123456789")).await;
    assert_eq!(status, 200);
    assert!(text.contains("portal_requests_overdue"));
}
