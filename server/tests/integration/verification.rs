//! Codes and links: wrong, burned, expired, reused, limited; magic links that
//! only verify on POST; requests that expire unverified.

use crate::harness::spawn_app;

async fn error_code(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap();
    (status, body["error"].clone())
}

fn wrong(code: &str) -> String {
    let last = (code.as_bytes()[5] - b'0' + 1) % 10;
    format!("{}{}", &code[..5], last)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_codes_burn_the_code_and_a_new_one_works() {
    let app = spawn_app().await;
    let reference = app.submit_access("burn@example.no").await;
    let code = app.mail.wait_for(1).await.code();

    for attempts_left in [4, 3, 2, 1] {
        let (status, error) = error_code(app.verify(&reference, &wrong(&code)).await).await;
        assert_eq!(status, 422);
        assert_eq!(error["code"], "code_invalid");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains(&attempts_left.to_string()),
            "{error}"
        );
    }
    let (status, error) = error_code(app.verify(&reference, &wrong(&code)).await).await;
    assert_eq!((status, error["code"].as_str()), (422, Some("code_burned")));
    let (_, error) = error_code(app.verify(&reference, &code).await).await;
    assert_eq!(
        error["code"], "code_burned",
        "the right code no longer works once burned"
    );
    assert!(
        error["message"].as_str().unwrap().contains("new code"),
        "the message says what to do: {error}"
    );

    let resend = app.resend(&reference).await;
    assert_eq!(resend.status(), 202);
    let fresh = app.mail.wait_for(2).await;
    assert!(
        fresh.link_containing("?key=").contains(&reference),
        "every code mail carries the tracking link"
    );
    assert_eq!(app.verify(&reference, &fresh.code()).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_works_once_and_not_after_ten_minutes() {
    let app = spawn_app().await;
    let reference = app.submit_access("once@example.no").await;
    let code = app.mail.wait_for(1).await.code();
    assert_eq!(app.verify(&reference, &code).await.status(), 200);
    let (status, error) = error_code(app.verify(&reference, &code).await).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (422, Some("code_expired")),
        "a used code is spent"
    );

    let late = app.submit_access("late@example.no").await;
    let code = app.mail.wait_for(2).await.code();
    sqlx::query(
        "UPDATE verification_codes SET expires_at = expires_at - 601 WHERE state = 'active'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let (status, error) = error_code(app.verify(&late, &code).await).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (422, Some("code_expired"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_is_bound_to_its_request() {
    let app = spawn_app().await;
    let first = app.submit_access("bound@example.no").await;
    let second = app.submit_access("bound@example.no").await;
    let code_of_first = app.mail.wait_for(1).await.code();
    let _ = app.mail.wait_for(2).await;
    let (status, error) = error_code(app.verify(&second, &code_of_first).await).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (422, Some("code_invalid"))
    );
    assert_eq!(app.verify(&first, &code_of_first).await.status(), 200);
}

/// Ages every code by a minute, as if the subject waited before asking again.
async fn a_minute_passes(app: &crate::harness::TestApp) {
    sqlx::query("UPDATE verification_codes SET created_at = created_at - 61")
        .execute(&app.db)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_a_stranger_asks_for_are_limited_per_request_client_and_address() {
    let app = spawn_app().await;
    let reference = app.submit_access("limit@example.no").await;
    let _ = app.mail.wait_for(1).await;
    // Within a minute, "send a new code" sends nothing: the code on its way works.
    assert_eq!(app.resend(&reference).await.status(), 202);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.mail_count().await, 1, "the fresh code was not replaced");
    for sent in 2..=3 {
        a_minute_passes(&app).await;
        assert_eq!(app.resend(&reference).await.status(), 202);
        let _ = app.mail.wait_for(sent).await;
    }
    // One client network has three codes a day for an address it has not
    // shown it reads.
    a_minute_passes(&app).await;
    let (status, error) = error_code(app.resend(&reference).await).await;
    assert_eq!((status, error["code"].as_str()), (429, Some("code_limit")));
    assert_eq!(app.count("verification_codes").await, 3);

    // A new request from the same address is still taken, and answered the same way, but no code goes out.
    let response = app
        .submit(serde_json::json!({"org": "demo", "kind": "access", "email": "limit@example.no"}))
        .await;
    assert_eq!(response.status(), 201);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.mail_count().await, 3);
    let refusals: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'verification.limit_reached'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(refusals, 2, "each refusal is audited");

    // Another organisation counts on its own.
    let response = app
        .submit(serde_json::json!({"org": "other", "kind": "access", "email": "limit@example.no"}))
        .await;
    assert_eq!(response.status(), 201);
    let _ = app.mail.wait_for(4).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_holder_of_the_tracking_link_draws_on_a_quota_of_their_own() {
    let app = spawn_app().await;
    let reference = app.submit_access("owner@example.no").await;
    let first = app.mail.wait_for(1).await;
    let key = first
        .link_containing("?key=")
        .rsplit("key=")
        .next()
        .unwrap()
        .to_owned();
    for _ in 0..2 {
        a_minute_passes(&app).await;
        assert_eq!(app.resend(&reference).await.status(), 202);
    }
    a_minute_passes(&app).await;
    assert_eq!(
        app.resend(&reference).await.status(),
        429,
        "the stranger's quota is used up"
    );
    let resend_with = |key: String| {
        let app = &app;
        let path = format!("/api/v1/requests/{reference}/resend");
        async move {
            app.client
                .post(app.url(&path))
                .json(&serde_json::json!({ "key": key }))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        resend_with("not the key".into()).await.status(),
        429,
        "a wrong key is no key"
    );
    assert_eq!(resend_with(key.clone()).await.status(), 202);
    let mail = app.mail.wait_for(4).await;
    assert!(
        mail.link_containing("?key=").ends_with(&key),
        "every code mail carries the same tracking link"
    );
    assert_eq!(app.verify(&reference, &mail.code()).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unverified_requests_expire_after_seven_days_and_the_subject_is_told() {
    let app = spawn_app().await;
    let old = app.submit_access("old@example.no").await;
    let fresh = app.submit_access("fresh@example.no").await;
    let _ = app.mail.wait_for(2).await;
    sqlx::query("UPDATE requests SET created_at = created_at - 7 * 86400 - 1 WHERE reference = $1")
        .bind(&old)
        .execute(&app.db)
        .await
        .unwrap();

    assert_eq!(app.service.upkeep.expire_unverified().await.unwrap(), 1);
    let notice = app.mail.wait_for(3).await;
    assert_eq!(notice.to, "old@example.no");
    assert!(
        notice.subject.contains(&old) && notice.body.contains("7"),
        "{}",
        notice.body
    );

    let status: String = sqlx::query_scalar("SELECT status FROM requests WHERE reference = $1")
        .bind(&old)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "cancelled");
    let resend = app.resend(&old).await;
    assert_eq!(resend.status(), 410);
    let (status, error) = error_code(app.verify(&old, "123456").await).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (410, Some("request_expired"))
    );

    let still: String = sqlx::query_scalar("SELECT status FROM requests WHERE reference = $1")
        .bind(&fresh)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(still, "pending_verification");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_magic_link_shows_a_button_and_only_the_post_verifies() {
    let app = spawn_app().await;
    let reference = app.submit_access("magic@example.no").await;
    let link = app.mail.wait_for(1).await.link_containing("/confirm/");
    let token = link.rsplit('/').next().unwrap().to_owned();

    // What a mail scanner does: fetch the link. Nothing may happen.
    let page = app.client.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Confirm your e-mail address") && html.contains("<button"),
        "a confirm button"
    );
    let status: String = sqlx::query_scalar("SELECT status FROM requests")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "pending_verification");

    // The person presses the button: a plain form post (no JavaScript).
    let response = app
        .client
        .post(app.url("/_sfn/confirm_link"))
        .header("accept", "text/html")
        .header("referer", &link)
        .form(&[("org", "demo"), ("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        303,
        "the token leaves the URL with a 303"
    );
    assert_eq!(
        response.headers()["location"],
        format!("/o/demo/requests/{reference}")
    );
    assert!(response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("portal_session="));
    let status: String = sqlx::query_scalar("SELECT status FROM requests")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "received");

    // The link is single use.
    let again = app
        .client
        .post(app.url("/_sfn/confirm_link"))
        .form(&[("org", "demo"), ("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 422);
}
