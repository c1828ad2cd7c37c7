//! Bad input gets a 4xx with a JSON error, never a 500, and leaves nothing
//! half-written behind.

use crate::harness::spawn_app;
use serde_json::json;

async fn refused(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON error body, got {text:?}"));
    (status, body["error"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_submissions_are_refused_with_a_clear_error_and_nothing_is_stored() {
    let app = spawn_app().await;
    let long = "x".repeat(10_001);
    let cases = [
        (
            json!({"org": "demo", "kind": "access", "email": "not-an-email"}),
            422,
            "validation",
            Some(("email", "invalid_email")),
        ),
        (
            json!({"org": "demo", "kind": "access", "email": ""}),
            422,
            "validation",
            Some(("email", "required")),
        ),
        (
            json!({"org": "demo", "kind": "teleport", "email": "a@example.no"}),
            422,
            "unknown_kind",
            None,
        ),
        (
            json!({"org": "nobody", "kind": "access", "email": "a@example.no"}),
            404,
            "unknown_organisation",
            None,
        ),
        (
            json!({"org": "demo", "kind": "access"}),
            400,
            "malformed_body",
            None,
        ),
        (
            json!({"org": "demo", "kind": "access", "email": 42}),
            400,
            "malformed_body",
            None,
        ),
        (
            json!({"org": "demo", "kind": "access", "email": "a@example.no", "sneaky": true}),
            400,
            "malformed_body",
            None,
        ),
        (
            json!({"org": "demo", "kind": "access", "email": "a@example.no", "language": "de"}),
            422,
            "validation",
            Some(("language", "invalid_choice")),
        ),
        (
            json!({"org": "demo", "kind": "access", "email": "a@example.no", "details": {"description": long}}),
            422,
            "validation",
            Some(("description", "too_long")),
        ),
        (
            json!({"org": "demo", "kind": "rectification", "email": "a@example.no", "details": {"inaccurate": "old"}}),
            422,
            "validation",
            Some(("correction", "required")),
        ),
        (
            json!({"org": "demo", "kind": "access", "email": "a@example.no", "details": {"grounds": "why not"}}),
            422,
            "validation",
            Some(("grounds", "not_applicable")),
        ),
        (
            json!({"org": "demo", "kind": "erasure", "email": "a@example.no", "details": {"erasure_scope": "specific"}}),
            422,
            "validation",
            Some(("description", "required")),
        ),
    ];
    for (body, status, code, field) in cases {
        let (got_status, error) = refused(app.submit(body.clone()).await).await;
        assert_eq!(
            (got_status, error["code"].as_str().unwrap()),
            (status, code),
            "{body}"
        );
        assert!(!error["message"].as_str().unwrap().is_empty());
        if let Some((name, field_code)) = field {
            let fields = error["fields"].as_array().unwrap();
            assert!(
                fields.iter().any(|f| f["field"] == name
                    && f["code"] == field_code
                    && f["message"].is_string()),
                "{body} -> {error}"
            );
        }
    }
    assert_eq!(app.count("requests").await, 0);
    assert_eq!(app.count("verification_codes").await, 0);
    assert_eq!(app.mail_count().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_bodies_are_refused() {
    let app = spawn_app().await;
    let post = |body: Vec<u8>, content_type: &'static str| {
        app.client
            .post(app.url("/api/v1/requests"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let (status, error) = refused(
        post(b"{\"org\": \"demo\", ".to_vec(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (400, Some("malformed_body"))
    );
    let (status, _) = refused(
        post(b"org=demo".to_vec(), "application/x-www-form-urlencoded")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);

    let huge = json!({"org": "demo", "kind": "access", "email": "a@example.no", "details": {"description": "y".repeat(70_000)}});
    let (status, error) = refused(
        post(huge.to_string().into_bytes(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (413, Some("payload_too_large"))
    );

    // A streamed body without Content-Length is cut off as it arrives: the
    // client sees the 413, or, when it is still sending, the connection
    // closed under it. Either way nothing is stored.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..20).map(|_| Ok(vec![b' '; 8192])).collect();
    let streamed = app
        .client
        .post(app.url("/api/v1/requests"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await;
    match streamed {
        Ok(response) => assert_eq!(response.status(), 413),
        Err(error) => assert!(error.is_request() || error.is_body(), "{error:?}"),
    }
    assert_eq!(app.count("requests").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_and_references_get_4xx() {
    let app = spawn_app().await;
    let reference = app.submit_access("codes@example.no").await;
    for code in ["", "12345", "1234567", "abcdef", "12 456"] {
        let (status, error) = refused(app.verify(&reference, code).await).await;
        assert_eq!(
            (status, error["code"].as_str()),
            (422, Some("code_invalid")),
            "{code:?}"
        );
    }
    let (status, _) = refused(app.verify("PR-0000-0000", "123456").await).await;
    assert_eq!(status, 404);
    let (status, _) = refused(app.verify("not-a-reference", "123456").await).await;
    assert_eq!(status, 404);
    let response = app
        .client
        .post(app.url(&format!("/api/v1/requests/{reference}/verify")))
        .header("content-type", "application/json")
        .body("{\"code\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(refused(response).await.0, 400);
    let (status, _) = app.get_json("/api/v1/nothing-here", None).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reply_to_a_submission_does_not_depend_on_the_address() {
    let app = spawn_app().await;
    let _ = app.verified_subject("known@example.no").await;
    let known = app
        .submit(json!({"org": "demo", "kind": "access", "email": "known@example.no"}))
        .await;
    let unknown = app
        .submit(json!({"org": "demo", "kind": "access", "email": "stranger@example.no"}))
        .await;
    assert_eq!(known.status(), unknown.status());
    let names = |headers: &reqwest::header::HeaderMap| {
        let mut names: Vec<String> = headers
            .keys()
            .map(|k| k.to_string())
            .filter(|k| k != "date" && k != "content-length")
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(known.headers()), names(unknown.headers()));
    let known: serde_json::Value = known.json().await.unwrap();
    let unknown: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(
        known.as_object().unwrap().keys().collect::<Vec<_>>(),
        unknown.as_object().unwrap().keys().collect::<Vec<_>>()
    );
    assert_eq!(known["status"], unknown["status"]);
}
