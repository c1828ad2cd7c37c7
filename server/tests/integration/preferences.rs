//! The Choices page: a verified subject gives and withdraws consents; every
//! change is a receipt (who, what, when, which notice version, how), all of
//! one form or none, and the receipts download as JSON.

use crate::harness::{spawn_app, TestApp};

async fn session(app: &TestApp, email: &str) -> String {
    app.subject_session(email).await.1
}

async fn post(app: &TestApp, cookie: Option<&str>, form: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/o/demo/preferences"))
        .header("accept", "text/html")
        .header("origin", app.address.as_str())
        .form(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subject_gives_and_withdraws_consents_and_every_change_is_receipted() {
    let app = spawn_app().await;

    // Without a session: how to get one, and nothing to change.
    let (status, page) = app.page("/o/demo/preferences", None).await;
    assert_eq!(status, 401);
    assert!(page.contains("enter your reference"));
    let refused = post(&app, None, &[("marketing", "granted")]).await;
    assert_eq!(refused.status(), 401);

    let cookie = session(&app, "siri@example.no").await;
    let (status, page) = app.page("/o/demo/preferences", Some(&cookie)).await;
    assert_eq!(status, 200);
    for id in [
        "marketing",
        "marketing_sms",
        "energy_advice",
        "marketing_profiling_and_sharing",
    ] {
        assert!(page.contains(&format!(r#"name="{id}""#)), "{id}");
    }
    assert!(page.contains("Energy-saving advice based on your consumption"));
    assert!(page.contains("You have not given your consent."));
    assert!(!page.contains("checked"), "no consent is presumed");

    // Give two, refuse one: three receipts.
    let saved = post(
        &app,
        Some(&cookie),
        &[
            ("marketing", "granted"),
            ("energy_advice", "granted"),
            ("marketing_sms", "withdrawn"),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(saved.headers()["location"], "/o/demo/preferences?saved=3");
    let (_, page) = app
        .page("/o/demo/preferences?saved=3&lang=nb", Some(&cookie))
        .await;
    assert!(page.contains("Valgene dine er lagret"));
    assert!(
        page.contains("Strømsparingsråd basert på forbruket ditt"),
        "names in the reader's language"
    );
    assert!(page.contains("Du ga samtykke"));

    // The same form again changes nothing; withdrawing one writes one.
    post(
        &app,
        Some(&cookie),
        &[("marketing", "granted"), ("energy_advice", "granted")],
    )
    .await;
    assert_eq!(app.count("consent_receipts").await, 3);
    let saved = post(
        &app,
        Some(&cookie),
        &[("marketing", "withdrawn"), ("energy_advice", "granted")],
    )
    .await;
    assert_eq!(saved.headers()["location"], "/o/demo/preferences?saved=1");

    // A purpose the organisation does not ask for, or a made-up decision,
    // refuses the whole form: nothing of it is written.
    for form in [
        vec![("energy_advice", "withdrawn"), ("sell_my_data", "granted")],
        vec![("energy_advice", "withdrawn"), ("marketing_sms", "maybe")],
    ] {
        let refused = post(&app, Some(&cookie), &form).await;
        assert_eq!(refused.status(), 422);
        assert_eq!(app.count("consent_receipts").await, 4);
    }

    // The receipts: who, what, when, which notice version, how.
    let receipts: serde_json::Value = app
        .client
        .get(app.url("/o/demo/consents.json"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let receipts = receipts["receipts"].as_array().unwrap();
    assert_eq!(receipts.len(), 4);
    let last = &receipts[3];
    assert_eq!(last["subject"], "siri@example.no");
    assert_eq!(last["purpose"], "marketing");
    assert_eq!(last["decision"], "withdrawn");
    assert_eq!(last["method"], "preferences_page");
    assert_eq!(last["notice_version"], "2026-10-01");
    assert!(last["at"].as_str().unwrap().ends_with('Z'));

    // Each change is in the audit log too.
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'consent.changed'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(audited, 4);

    // Another subject sees only their own state.
    let other = session(&app, "per@example.no").await;
    let (_, page) = app.page("/o/demo/preferences", Some(&other)).await;
    assert!(!page.contains("checked"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gpc_signal_shows_as_a_withdrawn_choice() {
    let app = spawn_app().await;
    let cookie = session(&app, "gpc@example.no").await;
    let response = app
        .client
        .get(app.url("/o/demo/preferences"))
        .header("accept", "text/html")
        .header("cookie", &cookie)
        .header("sec-gpc", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (_, page) = app.page("/o/demo/preferences", Some(&cookie)).await;
    let field = page
        .split("<fieldset")
        .find(|f| f.contains(r#"name="marketing_profiling_and_sharing""#))
        .unwrap();
    assert!(field.contains("You withdrew it on"), "{field}");
    assert!(field.contains(r#"value="withdrawn" checked"#), "{field}");
}

/// Art. 7(3) and 21(3): a "Withdraw my consent" or "Stop marketing"
/// request writes the same receipts as the Choices page, which then shows
/// the new state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn art_7_3_a_withdrawal_request_and_the_choices_page_tell_one_truth() {
    use domain::views::ConsentState;
    let app = crate::harness::spawn_app().await;
    let kari = app
        .service
        .sessions
        .subject_of(&crate::harness::demo(), "kari@example.no");
    app.service
        .consents
        .set_preferences(
            &kari,
            &[
                ("energy_advice".into(), "granted".into()),
                ("marketing".into(), "granted".into()),
                ("marketing_sms".into(), "granted".into()),
            ],
        )
        .await
        .unwrap();
    let state = |view: &domain::views::PreferencesView, id: &str| {
        view.choices.iter().find(|c| c.id == id).map(|c| c.state)
    };
    app.verified_request(serde_json::json!({
        "org": "demo", "kind": "withdraw_consent", "email": "kari@example.no", "details": {"purpose": "energy_advice"}
    }))
    .await;
    let view = app
        .service
        .consents
        .preferences(&kari, domain::Language::En)
        .await
        .unwrap();
    assert_eq!(
        state(&view, "energy_advice"),
        Some(ConsentState::Withdrawn),
        "Art. 7(3): the Choices page shows the withdrawal"
    );
    assert_eq!(
        state(&view, "marketing"),
        Some(ConsentState::Given),
        "only the consent named"
    );

    // A purpose in the subject's own words that is none of the
    // organisation's consents stays on the opt-out list, with no receipt.
    app.verified_request(serde_json::json!({
        "org": "demo", "kind": "withdraw_consent", "email": "kari@example.no", "details": {"purpose": "the newsletter"}
    }))
    .await;
    app.verified_request(
        serde_json::json!({"org": "demo", "kind": "marketing_opt_out", "email": "kari@example.no"}),
    )
    .await;
    let view = app
        .service
        .consents
        .preferences(&kari, domain::Language::En)
        .await
        .unwrap();
    assert_eq!(
        state(&view, "marketing"),
        Some(ConsentState::Withdrawn),
        "Art. 21(3): every marketing channel"
    );
    assert_eq!(state(&view, "marketing_sms"), Some(ConsentState::Withdrawn));
    let methods: Vec<String> = sqlx::query_scalar(
        "SELECT method FROM consent_receipts WHERE decision = 'withdrawn' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        methods,
        ["request", "request", "request"],
        "receipts of the requests"
    );
}

/// Art. 6(1)(a) and 7: the consents an organisation asks for are the
/// purposes its notice rests on consent, one for one; a mismatch stops the
/// start with the file and the reason.
#[test]
fn art_6_1_a_consents_and_the_notices_consent_purposes_match_or_nothing_starts() {
    let load = |consents: &str, purposes: &str| {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("orgs/shop");
        std::fs::create_dir_all(folder.join("notice")).unwrap();
        std::fs::write(
            folder.join("org.toml"),
            format!("name = \"Shop\"\ncontact_email = \"a@shop.example\"\n{consents}"),
        )
        .unwrap();
        std::fs::write(
            folder.join("notice/en.md"),
            format!("+++\ntitle = \"N\"\nlast_updated = \"2026-01-01\"\n{purposes}+++\n"),
        )
        .unwrap();
        portal::content::Content::load(dir.path())
            .map(|_| ())
            .map_err(|e| format!("{e:#}"))
    };
    let news = "[[consents]]\nid = \"news\"\nname = { en = \"News\" }\n";
    let on_consent = |consent: &str| {
        format!("[[purposes]]\nname = \"Newsletter\"\nlegal_basis = \"Consent (Art. 6(1)(a))\"\nretention = \"Until withdrawn\"\n{consent}")
    };
    assert!(load(news, &on_consent("consent = \"news\"\n")).is_ok());
    assert!(load("", "").is_ok(), "no consents, no consent purposes");
    let error = load(news, "").unwrap_err();
    assert!(
        error.contains("\"news\" is asked for, but no purpose of notice/en.md rests on it"),
        "{error}"
    );
    let error = load("", &on_consent("")).unwrap_err();
    assert!(
        error.contains("rests on consent (Art. 6(1)(a)) but names no consent"),
        "{error}"
    );
    let error = load(news, &on_consent("consent = \"other\"\n")).unwrap_err();
    assert!(
        error.contains("names consent \"other\", which org.toml's [[consents]] does not list"),
        "{error}"
    );
    let contract = "[[purposes]]\nname = \"Billing\"\nlegal_basis = \"Contract (Art. 6(1)(b))\"\nretention = \"3 years\"\nconsent = \"news\"\n";
    let error = load(
        news,
        &format!("{}{contract}", on_consent("consent = \"news\"\n")),
    )
    .unwrap_err();
    assert!(error.contains("its legal basis is not consent"), "{error}");
}
