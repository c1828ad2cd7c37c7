//! Rate limits per client address, as a script hammering the portal meets them.

use crate::harness::spawn_app_configured;
use portal::service::{Limit, RateLimits};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submissions_past_the_limit_get_429_with_retry_after() {
    let app = spawn_app_configured(|s| {
        s.rate_limits.submit = Some(Limit {
            hits: 3,
            window_secs: 600,
        });
    })
    .await;
    for n in 0..3 {
        app.submit_access(&format!("ok{n}@example.no")).await;
    }
    let refused = app
        .submit(serde_json::json!({"org": "demo", "kind": "access", "email": "fourth@example.no"}))
        .await;
    assert_eq!(refused.status(), 429);
    let wait: i64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&wait), "{wait}");
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    // Refused before anything happened: no request, no mail.
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM requests")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 3);
    assert_eq!(app.mail_count().await, 3);
    // Reading is never limited.
    let notice = app.client.get(app.url("/o/demo")).send().await.unwrap();
    assert_eq!(notice.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_guessing_is_limited_per_address_across_requests() {
    let app = spawn_app_configured(|s| {
        s.rate_limits.verify = Some(Limit {
            hits: 4,
            window_secs: 600,
        });
    })
    .await;
    // Spread over requests, so the per-code limit (5 attempts) never trips.
    let mut statuses = Vec::new();
    for n in 0..3 {
        let reference = app.submit_access(&format!("guess{n}@example.no")).await;
        for _ in 0..2 {
            statuses.push(app.verify(&reference, "000000").await.status().as_u16());
        }
    }
    assert_eq!(statuses, [422, 422, 422, 422, 429, 429], "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_load_balancer_each_client_counts_on_its_own() {
    let app = spawn_app_configured(|s| {
        s.rate_limits.submit = Some(Limit {
            hits: 1,
            window_secs: 600,
        });
        s.client_ip_header = Some("x-forwarded-for".parse().unwrap());
    })
    .await;
    let submit = |client: &'static str, email: &'static str| {
        app.client
            .post(app.url("/api/v1/requests"))
            .header("x-forwarded-for", client)
            .json(&serde_json::json!({"org": "demo", "kind": "access", "email": email}))
            .send()
    };
    assert_eq!(
        submit("203.0.113.1", "a@example.no")
            .await
            .unwrap()
            .status(),
        201
    );
    assert_eq!(
        submit("203.0.113.2", "b@example.no")
            .await
            .unwrap()
            .status(),
        201
    );
    // A client cannot dodge the limit by claiming another address in front.
    assert_eq!(
        submit("198.51.100.7, 203.0.113.1", "c@example.no")
            .await
            .unwrap()
            .status(),
        429
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_limits_leave_a_household_alone() {
    let app = spawn_app_configured(|s| s.rate_limits = RateLimits::default()).await;
    // A few people behind one address, each making a request and
    // mistyping a code once.
    for n in 0..8 {
        let reference = app.submit_access(&format!("person{n}@example.no")).await;
        assert_eq!(app.verify(&reference, "000000").await.status(), 422);
    }
}
