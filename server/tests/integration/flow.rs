//! The subject's journey through the REST API: submit, read the code from
//! the mail, verify, follow.

use crate::harness::{spawn_app, spawn_app_with};
use domain::one_month_after;
use serde_json::json;
use time::OffsetDateTime;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subject_submits_verifies_and_follows_an_access_request() {
    let app = spawn_app().await;

    let response = app
        .submit(json!({"org": "demo", "kind": "access", "email": "Kari@Example.no"}))
        .await;
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "pending_verification");
    let reference = body["reference"].as_str().unwrap().to_owned();

    let mail = app.mail.wait_for(1).await;
    assert_eq!(mail.to, "kari@example.no");
    assert!(mail.body.contains(&reference), "{}", mail.body);
    assert!(
        mail.body.contains("access to your data"),
        "the kind is named: {}",
        mail.body
    );
    let due = one_month_after(OffsetDateTime::now_utc().date());
    assert!(
        mail.body.contains(&due.year().to_string()),
        "the due date is given: {}",
        mail.body
    );
    let tracking = mail.link_containing("?key=");
    assert!(
        tracking.starts_with(&app.url(&format!("/o/demo/requests/{reference}"))),
        "{tracking}"
    );
    assert!(mail.link_containing("/o/demo/confirm/").len() > 40);

    let response = app.verify(&reference, &mail.code()).await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("portal_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let verified: serde_json::Value = response.json().await.unwrap();
    assert_eq!(verified["status"], "received");
    let token = verified["access_token"].as_str().unwrap();
    assert!(token.len() >= 43, "at least 256 bits, base64url");

    let (status, request) = app
        .get_json(&format!("/api/v1/requests/{reference}"), Some(token))
        .await;
    assert_eq!(status, 200);
    assert_eq!(request["reference"], reference.as_str());
    assert_eq!(request["kind"], "access");
    assert_eq!(request["status"], "received");
    assert_eq!(request["due_date"], due.to_string());
    let events: Vec<&str> = request["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["submitted", "code_sent", "verified"]);

    let (status, list) = app.get_json("/api/v1/requests", Some(token)).await;
    assert_eq!(status, 200);
    assert_eq!(list["requests"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_receipt_mail_speaks_the_subjects_language() {
    let app = spawn_app().await;
    for (n, (language, subject_words, kind_words)) in [
        ("nb", "er koden din", "retting av opplysningene"),
        ("nl", "is uw code", "correctie van uw gegevens"),
    ]
    .into_iter()
    .enumerate()
    {
        let response = app
            .submit(json!({
                "org": "demo", "kind": "rectification", "email": format!("{language}@example.no"), "language": language,
                "details": {"inaccurate": "Adressen min er feil", "correction": "Storgata 1, 0155 Oslo"}
            }))
            .await;
        assert_eq!(response.status(), 201);
        let mail = app.mail.wait_for(n + 1).await;
        assert!(mail.subject.contains(subject_words), "{}", mail.subject);
        assert!(mail.body.contains(kind_words), "{}", mail.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subject_sees_all_their_requests_and_nobody_else_sees_them() {
    let app = spawn_app().await;
    let (x_reference, x_token) = app.verified_subject("x@example.no").await;
    let second = app.submit_access("x@example.no").await;
    let (y_reference, y_token) = app.verified_subject("y@example.no").await;

    let (_, list) = app.get_json("/api/v1/requests", Some(&x_token)).await;
    let references: Vec<&str> = list["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(
        references,
        [second.as_str(), x_reference.as_str()],
        "newest first, both of X's"
    );

    let (status, body) = app
        .get_json(&format!("/api/v1/requests/{x_reference}"), Some(&y_token))
        .await;
    assert_eq!(
        status, 404,
        "another subject's request does not exist for Y"
    );
    assert_eq!(body["error"]["code"], "not_found");
    let (status, _) = app
        .get_json("/api/v1/requests/PR-0000-0000", Some(&y_token))
        .await;
    assert_eq!(
        status, 404,
        "same answer as for a reference that does not exist"
    );
    let (status, _) = app
        .get_json(&format!("/api/v1/requests/{y_reference}"), Some(&y_token))
        .await;
    assert_eq!(status, 200);

    let (status, body) = app
        .get_json(&format!("/api/v1/requests/{x_reference}"), None)
        .await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthenticated");
    let (status, _) = app
        .get_json("/api/v1/requests", Some("not-a-real-token"))
        .await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_end_after_thirty_idle_minutes_and_after_twelve_hours() {
    let app = spawn_app().await;
    let (_, token) = app.verified_subject("idle@example.no").await;
    assert_eq!(app.get_json("/api/v1/requests", Some(&token)).await.0, 200);

    sqlx::query("UPDATE subject_sessions SET last_seen_at = last_seen_at - 31 * 60")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.get_json("/api/v1/requests", Some(&token)).await.0,
        401,
        "idle too long"
    );

    // Sessions are not found by address (it is sealed): the new one is the
    // session whose idle clock was not set back.
    let (_, token) = app.verified_subject("long@example.no").await;
    sqlx::query(
        "UPDATE subject_sessions SET expires_at = last_seen_at - 1 WHERE last_seen_at >= created_at",
    )
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(
        app.get_json("/api/v1/requests", Some(&token)).await.0,
        401,
        "past the absolute end"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_the_session_cookie_is_a_secure_host_cookie() {
    let app = spawn_app_with(Some("https://privacy.example.com")).await;
    let reference = app.submit_access("secure@example.no").await;
    let mail = app.mail.wait_for(1).await;
    assert!(mail
        .link_containing("?key=")
        .starts_with("https://privacy.example.com/o/demo/requests/"));
    let response = app.verify(&reference, &mail.code()).await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-portal_session="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Domain"),
        "__Host- cookies carry no Domain: {cookie}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_the_api() {
    let app = spawn_app().await;
    let (status, doc) = app.get_json("/api/v1/openapi.json", None).await;
    assert_eq!(status, 200);
    for path in [
        "/api/v1/requests",
        "/api/v1/requests/{reference}",
        "/api/v1/requests/{reference}/verify",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["paths"]["/api/v1/requests"]["post"]["responses"]["201"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
}

/// The tracking page shows the request as its subject submitted it: the
/// kind, each question in their language and their own answer, so they
/// can check what the team is working on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tracking_page_shows_what_the_subject_asked() {
    let app = spawn_app().await;
    let (reference, token) = app
        .verified_request(serde_json::json!({
            "org": "demo", "kind": "rectification", "email": "kari@example.no", "language": "nb",
            "details": {"inaccurate": "Gammel adresse: Kaigata 1", "correction": "Storgata 1, 0155 Oslo"}
        }))
        .await;
    let cookie = format!("portal_session={token}");
    let (status, page) = app
        .page(
            &format!("/o/demo/requests/{reference}?lang=nb"),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Det du ba om"), "{page}");
    for (question, answer) in [
        ("field-inaccurate", "Gammel adresse: Kaigata 1"),
        ("field-correction", "Storgata 1, 0155 Oslo"),
    ] {
        let asked = domain::i18n::t(domain::Language::Nb, question);
        assert!(page.contains(&asked), "the question in Norwegian: {asked}");
        assert!(page.contains(answer), "their own words: {answer}");
    }
    // An erasure's scope is said as the choice they made.
    let (reference, token) = app
        .verified_request(serde_json::json!({
            "org": "demo", "kind": "erasure", "email": "ola@example.no",
            "details": {"erasure_scope": "all"}
        }))
        .await;
    let (_, page) = app
        .page(
            &format!("/o/demo/requests/{reference}?lang=en"),
            Some(&format!("portal_session={token}")),
        )
        .await;
    assert!(page.contains("Everything you hold about me"), "{page}");
    // Nobody else sees it.
    let (_, stranger) = app
        .page(&format!("/o/demo/requests/{reference}"), None)
        .await;
    assert!(!stranger.contains("Everything you hold about me"));
}
