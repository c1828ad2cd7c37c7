//! Global Privacy Control: announced at /.well-known/gpc.json, honoured on
//! the server for a verified subject (one receipt, however often the
//! signal comes), shown on the page, and downloadable as a receipt.

use crate::harness::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gpc_signal_is_honoured_recorded_once_and_receipted() {
    let app = spawn_app().await;
    let (status, gpc) = app.get_json("/.well-known/gpc.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(gpc["gpc"], true);
    assert!(gpc["lastUpdate"].is_string());

    let page = |cookie: Option<String>, gpc: bool| {
        let mut request = app
            .client
            .get(app.url("/o/demo/requests"))
            .header("accept", "text/html");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        if gpc {
            request = request.header("sec-gpc", "1");
        }
        request.send()
    };
    // Anyone: the page says the signal was seen; nobody to record it for.
    let anonymous = page(None, true).await.unwrap().text().await.unwrap();
    assert!(anonymous.contains("Global Privacy Control signal"));
    assert_eq!(app.count("consent_receipts").await, 0);
    let without = page(None, false).await.unwrap().text().await.unwrap();
    assert!(!without.contains("Global Privacy Control signal"));

    // A verified subject: recorded once, however often the signal comes.
    let (_, token) = app.verified_subject("kari@example.no").await;
    let cookie = format!("portal_session={token}");
    for _ in 0..3 {
        assert_eq!(
            page(Some(cookie.clone()), true).await.unwrap().status(),
            200
        );
    }
    assert_eq!(app.count("consent_receipts").await, 1);
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'consent.gpc_honoured'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(audited, 1);

    // The receipt: who, what, when, which notice version, how.
    let response = app
        .client
        .get(app.url("/o/demo/consents.json"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let receipts: serde_json::Value = response.json().await.unwrap();
    let receipt = &receipts["receipts"][0];
    assert_eq!(receipt["subject"], "kari@example.no");
    assert_eq!(receipt["purpose"], "marketing_profiling_and_sharing");
    assert_eq!(receipt["decision"], "withdrawn");
    assert_eq!(receipt["method"], "gpc");
    assert_eq!(receipt["notice_version"], "2026-10-01");
    assert!(receipt["at"].as_str().unwrap().ends_with('Z'));

    // Nobody else gets them.
    assert_eq!(
        app.client
            .get(app.url("/o/demo/consents.json"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let (_, other) = app.verified_subject("ola@example.no").await;
    let theirs: serde_json::Value = app
        .client
        .get(app.url("/o/demo/consents.json"))
        .header("cookie", format!("portal_session={other}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["receipts"], serde_json::json!([]));
    let elsewhere = app
        .client
        .get(app.url("/o/other/consents.json"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    // Another organisation's session is no session here: answered as
    // without one.
    assert_eq!(elsewhere.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_click_unsubscribe_is_honoured_once_and_only_for_links_the_portal_made() {
    let app = spawn_app().await;
    let url = app
        .service
        .consents
        .unsubscribe_url("demo", "kari@example.no")
        .unwrap();
    let path = url
        .strip_prefix(&app.address)
        .expect("on the portal's address")
        .to_owned();
    assert!(path.starts_with("/o/demo/unsubscribe/"), "{path}");

    // Opening the link changes nothing; the page has the button.
    let (status, html) = app.page(&path, None).await;
    assert_eq!(status, 200);
    assert!(html.contains("Unsubscribe me"));
    assert_eq!(app.count("consent_receipts").await, 0);

    // A mail provider's one-click POST: no cookies, no Origin; 200, once.
    for _ in 0..2 {
        let response = app
            .client
            .post(app.url(&path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    assert_eq!(app.count("consent_receipts").await, 1);
    let (purpose, method, email, index): (String, String, String, String) =
        sqlx::query_as("SELECT purpose, method, email, email_index FROM consent_receipts")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let row = portal::sealing::Row::Subject {
        org: "demo",
        index: &index,
    };
    assert_eq!(
        (
            purpose.as_str(),
            method.as_str(),
            app.open(portal::sealing::Column::Email, row, &email)
                .as_str()
        ),
        ("marketing", "one_click_unsubscribe", "kari@example.no")
    );

    // A browser pressing the button is sent back to a confirmation.
    let button = app
        .client
        .post(app.url(&path))
        .header("accept", "text/html")
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(button.status(), 303);
    let (_, confirmed) = app
        .page(button.headers()["location"].to_str().unwrap(), None)
        .await;
    assert!(confirmed.contains("You are unsubscribed"));

    // Links the portal did not make, or made for another organisation: 422, nothing recorded.
    let token = path.rsplit('/').next().unwrap();
    let forged = format!("{}.{}", token.split('.').next().unwrap(), "0".repeat(32));
    for bad in [
        format!("/o/demo/unsubscribe/{forged}"),
        format!("/o/other/unsubscribe/{token}"),
        "/o/demo/unsubscribe/garbage".into(),
    ] {
        let response = app
            .client
            .post(app.url(&bad))
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{bad}");
    }
    assert_eq!(app.count("consent_receipts").await, 1);

    // The subject sees the receipt among theirs once verified.
    let (_, token) = app.verified_subject("kari@example.no").await;
    let receipts: serde_json::Value = app
        .client
        .get(app.url("/o/demo/consents.json"))
        .header("cookie", format!("portal_session={token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(receipts["receipts"][0]["method"], "one_click_unsubscribe");
}
