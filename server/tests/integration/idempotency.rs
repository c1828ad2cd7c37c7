//! A client that retries a submission after a lost response, with the same
//! `Idempotency-Key`, gets the request it already made: one request, one
//! mail. The same key with a different request is refused; a malformed key
//! is a 422; without a key every submission is new.

use crate::harness::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_submission_with_its_key_makes_one_request() {
    let app = spawn_app().await;
    let post = |key: Option<&str>, email: &str| {
        let mut request = app
            .client
            .post(app.url("/api/v1/requests"))
            .json(&serde_json::json!({"org": "demo", "kind": "access", "email": email}));
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.send()
    };
    let key = "5b0f2c8e-1d7a-4c1e-9a57-3f1f3f9e8a10";

    let first = post(Some(key), "retry@example.no").await.unwrap();
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: serde_json::Value = first.json().await.unwrap();
    app.mail.wait_for(1).await;

    for _ in 0..3 {
        let again = post(Some(key), "retry@example.no").await.unwrap();
        assert_eq!(again.status(), 201);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        let again: serde_json::Value = again.json().await.unwrap();
        assert_eq!(again["reference"], first["reference"]);
    }
    assert_eq!(app.count("requests").await, 1);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.mail_count().await, 1, "no second code mail");

    // The same key for another request: refused, nothing stored.
    let other = post(Some(key), "someone.else@example.no").await.unwrap();
    assert_eq!(other.status(), 409);
    let body: serde_json::Value = other.json().await.unwrap();
    assert_eq!(body["error"]["code"], "idempotency_conflict");
    assert_eq!(app.count("requests").await, 1);

    // Malformed keys: a clear 422 naming the header, nothing stored.
    for bad in ["", "with space", &"k".repeat(256), "nøkkel"] {
        let response = app
            .client
            .post(app.url("/api/v1/requests"))
            .header("idempotency-key", bad.as_bytes())
            .json(&serde_json::json!({"org": "demo", "kind": "access", "email": "bad@example.no"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{bad:?}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(
            body["error"]["fields"][0]["field"], "idempotency_key",
            "{bad:?}"
        );
    }
    assert_eq!(app.count("requests").await, 1);

    // Without a key, each submission is a request of its own.
    assert_eq!(post(None, "retry@example.no").await.unwrap().status(), 201);
    assert_eq!(post(None, "retry@example.no").await.unwrap().status(), 201);
    assert_eq!(app.count("requests").await, 3);

    // After a day the key is forgotten by the sweep.
    sqlx::query("UPDATE idempotency_keys SET created_at = created_at - 86401")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.service
            .requests
            .forget_idempotency_keys()
            .await
            .unwrap(),
        1
    );
    let fresh = post(Some(key), "someone.else@example.no").await.unwrap();
    assert_eq!(fresh.status(), 201);
    assert_eq!(app.count("requests").await, 4);
}
