//! What browsers see: server-rendered pages, plain form posts to server
//! functions (no JavaScript), and the forgery guard.

use crate::harness::spawn_app;

async fn page(app: &crate::harness::TestApp, path: &str, cookie: Option<&str>) -> (u16, String) {
    let mut request = app.client.get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notice_and_forms_are_rendered_on_the_server() {
    let app = spawn_app().await;
    let root = app.client.get(app.url("/")).send().await.unwrap();
    assert!(root.status().is_redirection());
    assert_eq!(root.headers()["location"], "/o/demo");

    let (status, html) = page(&app, "/o/demo", None).await;
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("Fjordlys Energi AS"));
    assert!(html.contains("Last updated") && html.contains("1 October 2026"));
    for anchor in [
        "#controller",
        "#data-protection-officer",
        "#your-rights",
        "#complaints",
        "#transfers-outside-the-eu-eea",
    ] {
        assert!(
            html.contains(&format!("href=\"{anchor}\"")),
            "table of contents links {anchor}"
        );
    }
    assert!(
        html.contains("<table>"),
        "purposes and legal bases as a table"
    );

    let (status, html) = page(&app, "/o/demo/new", None).await;
    assert_eq!(status, 200);
    for kind in [
        "access",
        "rectification",
        "erasure",
        "restriction",
        "portability",
        "objection",
        "automated_decision",
        "marketing_opt_out",
        "withdraw_consent",
    ] {
        assert!(
            html.contains(&format!("/o/demo/new/{kind}\"")),
            "a form for {kind}"
        );
    }
    let (status, html) = page(&app, "/o/demo/new/rectification", None).await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"inaccurate\"") && html.contains("name=\"correction\""));
    assert!(
        !html.contains("name=\"grounds\""),
        "each kind asks only what it needs"
    );
    assert!(
        html.contains("action=\"/_sfn/submit_request\"") && html.contains("method=\"post\""),
        "a plain HTML form"
    );

    let find = app
        .client
        .get(app.url("/o/demo/find?reference=pr-abcd-ef12"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        find.headers()["location"],
        "/o/demo/requests/PR-ABCD-EF12",
        "typed references are normalised"
    );
    let find = app
        .client
        .get(app.url("/o/demo/find?reference=nonsense"))
        .send()
        .await
        .unwrap();
    let back = find.headers()["location"].to_str().unwrap().to_owned();
    let (status, html) = page(&app, &back, None).await;
    assert_eq!(
        status, 401,
        "my requests without a session: the sign-in help"
    );
    assert!(html.contains("not a reference we recognise"), "{back}");
    let odd = app
        .client
        .get(app.url("/o/%0Aevil/find?reference=PR-ABCD-EF12"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        odd.headers()["location"],
        "/",
        "only slugs go back into a Location header"
    );

    assert_eq!(page(&app, "/o/nobody", None).await.0, 404);
    assert_eq!(page(&app, "/o/demo/new/teleport", None).await.0, 404);
    assert_eq!(page(&app, "/nowhere", None).await.0, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_submit_form_works_without_javascript() {
    let app = spawn_app().await;
    let form_page = app.url("/o/demo/new/objection");
    let post = |fields: Vec<(&'static str, &'static str)>| {
        app.client
            .post(app.url("/_sfn/submit_request"))
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", &form_page)
            .form(&fields)
            .send()
    };

    // A mistake comes back to the form, with the error inline.
    let response = post(vec![
        ("org", "demo"),
        ("kind", "objection"),
        ("email", "nope"),
        ("grounds", ""),
    ])
    .await
    .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let back = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        back.starts_with(&form_page) && back.contains("__err="),
        "{back}"
    );
    let path = back.strip_prefix(&app.address).unwrap();
    let (status, html) = page(&app, path, None).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("does not look like an e-mail address"),
        "inline e-mail error"
    );
    assert!(
        html.contains("Please fill this in."),
        "inline error for the missing grounds"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    assert_eq!(app.count("requests").await, 0);

    // A correct form is stored and leads to the code page.
    let response = post(vec![
        ("org", "demo"),
        ("kind", "objection"),
        ("email", "nojs@example.no"),
        ("grounds", "I never agreed to profiling."),
        ("language", "en"),
    ])
    .await
    .unwrap();
    assert_eq!(response.status(), 303);
    let next = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        next.starts_with("/o/demo/requests/PR-") && next.ends_with("?sent=1"),
        "{next}"
    );
    let (status, html) = page(&app, &next, None).await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"code\"") && html.contains("Send me a new code"));
    assert!(
        !html.contains("Object to the use of my data"),
        "without the personal link, nothing about the request shows"
    );
    let mail = app.mail.wait_for(1).await;
    assert!(mail.body.contains("objection to processing"));

    // Verifying by the plain form starts a session and shows the request.
    let reference = next
        .trim_start_matches("/o/demo/requests/")
        .trim_end_matches("?sent=1")
        .to_owned();
    let response = app
        .client
        .post(app.url("/_sfn/verify_code"))
        .header("accept", "text/html")
        .header("referer", app.url(&next))
        .form(&[
            ("org", "demo"),
            ("reference", reference.as_str()),
            ("code", mail.code().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (status, html) = page(
        &app,
        &format!("/o/demo/requests/{reference}"),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("History") && html.contains("Object to the use of my data"));
    assert!(html.contains("class=\"due-date\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tracking_page_shows_each_visitor_only_what_they_may_see() {
    let app = spawn_app().await;
    let reference = app.submit_access("owner@example.no").await;
    let mail = app.mail.wait_for(1).await;
    let tracking = mail.link_containing("?key=");
    let tracking_path = tracking.strip_prefix(&app.address).unwrap();

    let (_, html) = page(&app, tracking_path, None).await;
    assert!(
        html.contains("Get a copy of my data"),
        "the link holder sees a summary"
    );
    assert!(html.contains("name=\"code\""), "and can finish verifying");
    let (_, html) = page(&app, &format!("/o/demo/requests/{reference}"), None).await;
    assert!(
        !html.contains("Get a copy of my data"),
        "without the key: only the sign-in form"
    );
    let (_, html) = page(&app, "/o/demo/requests/PR-0000-0000", None).await;
    assert!(
        html.contains("name=\"code\""),
        "a reference that does not exist looks the same"
    );

    let (_, other_token) = app.verified_subject("other@example.no").await;
    let (_, html) = page(
        &app,
        &format!("/o/demo/requests/{reference}"),
        Some(&format!("portal_session={other_token}")),
    )
    .await;
    assert!(
        !html.contains("History") && !html.contains("Get a copy of my data"),
        "another subject sees nothing"
    );

    let (status, html) = page(
        &app,
        "/o/demo/requests",
        Some(&format!("portal_session={other_token}")),
    )
    .await;
    assert_eq!(status, 200);
    assert!(!html.contains(&reference), "my requests lists only my own");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_requests_with_the_session_cookie_are_refused() {
    let app = spawn_app().await;
    let (_, token) = app.verified_subject("csrf@example.no").await;
    let cookie = format!("portal_session={token}");
    let sign_out = |origin: Option<&str>, fetch_site: Option<&str>, encoding: &str| {
        let mut request = app
            .client
            .post(app.url("/_sfn/sign_out"))
            .header("cookie", &cookie);
        request = match encoding {
            "json" => request
                .header("content-type", "application/json")
                .body("{\"org\":\"demo\"}"),
            _ => request
                .header("content-type", "application/x-www-form-urlencoded")
                .body("org=demo"),
        };
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(site) = fetch_site {
            request = request.header("sec-fetch-site", site);
        }
        request.send()
    };
    for encoding in ["form", "json"] {
        assert_eq!(
            sign_out(Some("https://evil.example"), None, encoding)
                .await
                .unwrap()
                .status(),
            403
        );
        assert_eq!(
            sign_out(None, Some("cross-site"), encoding)
                .await
                .unwrap()
                .status(),
            403
        );
        assert_eq!(
            sign_out(Some("null"), None, encoding)
                .await
                .unwrap()
                .status(),
            403
        );
    }
    let refused = app
        .client
        .post(app.url("/api/v1/requests"))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .json(&serde_json::json!({"org": "demo", "kind": "access", "email": "csrf@example.no"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(
        app.get_json("/api/v1/requests", Some(&token)).await.0,
        200,
        "the session survived the forgeries"
    );

    // An API client with a bearer token and no cookie is not affected by the Origin.
    let api = app
        .client
        .get(app.url("/api/v1/requests"))
        .bearer_auth(&token)
        .header("origin", "https://crm.example")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 200);

    let own = sign_out(Some(&app.address), Some("same-origin"), "form")
        .await
        .unwrap();
    assert!(
        own.status().is_success() || own.status().is_redirection(),
        "{}",
        own.status()
    );
    assert_eq!(
        app.get_json("/api/v1/requests", Some(&token)).await.0,
        401,
        "signed out"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_accept_only_post_and_answer_errors_with_4xx() {
    let app = spawn_app().await;
    let get = app
        .client
        .get(app.url("/_sfn/submit_request?org=demo&kind=access&email=a@example.no"))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405);
    assert_eq!(app.count("requests").await, 0);

    // The hydrated app's call (no text/html in Accept) gets the error's own status.
    let response = app
        .client
        .post(app.url("/_sfn/submit_request"))
        .form(&[("org", "demo"), ("kind", "access"), ("email", "broken")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let error: serde_json::Value = response.json().await.unwrap();
    assert_eq!(error["code"], "validation");

    let response = app
        .client
        .post(app.url("/_sfn/submit_request"))
        .form(&[("org", "demo")])
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_client_error(),
        "missing arguments: {}",
        response.status()
    );
    let response = app
        .client
        .post(app.url("/_sfn/submit_request"))
        .form(&[
            ("org", "elsewhere"),
            ("kind", "access"),
            ("email", "a@example.no"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}
