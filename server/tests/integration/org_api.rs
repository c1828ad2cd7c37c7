//! The organisation API: an integration with a token made by an admin
//! works the queue through every staff action, with the console's rules,
//! reads the opt-outs and consents as a feed, and everything it does is
//! audited under its token.

use crate::harness::{demo, spawn_app, spawn_app_with_org, TestApp};
use domain::Role;
use portal::service::StaffMember;
use portal::token::Token;
use serde_json::{json, Value};

/// A member of `org` with `role`, as the use cases take them.
pub(crate) async fn member(
    app: &TestApp,
    email: &str,
    org: &str,
    role: Role,
    totp: bool,
) -> StaffMember {
    let mut staff = app.staff(email, org, role, totp).await;
    let cookie = app.staff_cookie(&mut staff).await;
    app.service
        .accounts
        .staff_member(&Token::presented(
            cookie.trim_start_matches("portal_staff="),
        ))
        .await
        .unwrap()
}

/// A token of `org` made by `admin`: (id, text).
pub(crate) async fn token(
    app: &TestApp,
    admin: &StaffMember,
    org: &str,
    name: &str,
    role: Role,
) -> (i64, String) {
    let (id, token) = app
        .service
        .api_tokens
        .create(admin, org, name, role, 30)
        .await
        .unwrap();
    (id, token.expose().to_owned())
}

async fn get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, token: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = app.client.post(app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crm_works_the_queue_through_every_staff_action() {
    let app = spawn_app().await;
    let admin = member(&app, "dpo@fjordlys.example", "demo", Role::Admin, true).await;
    let (token_id, crm) = token(&app, &admin, "demo", "CRM", Role::Agent).await;
    assert!(crm.starts_with("ppo_"), "recognisable as a portal token");
    let (r1, kari) = app.verified_subject("kari@example.no").await;
    let (r2, _) = app.verified_subject("ola@example.no").await;
    let (r3, _) = app.verified_subject("per@example.no").await;
    let base = "/api/v1/orgs/demo/requests";

    // The queue, a page at a time, oldest first, by cursor.
    let (status, page) = get(&app, &crm, &format!("{base}?limit=2")).await;
    assert_eq!(status, 200, "{page}");
    let refs = |page: &Value| -> Vec<String> {
        page["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["reference"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(refs(&page), vec![r1.clone(), r2.clone()]);
    assert_eq!(page["requests"][0]["kind"], "access");
    assert_eq!(page["requests"][0]["status"], "received");
    assert!(page["requests"][0]["due_date"].is_string());
    let cursor = page["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let (_, page) = get(&app, &crm, &format!("{base}?limit=2&cursor={cursor}")).await;
    assert_eq!(refs(&page), vec![r3.clone()]);
    assert!(page["next_cursor"].is_null(), "the last page");
    // The queue's filters, and their refusals.
    let (_, page) = get(&app, &crm, &format!("{base}?kind=erasure")).await;
    assert_eq!(refs(&page), Vec::<String>::new());
    assert_eq!(
        get(&app, &crm, &format!("{base}?status=bogus")).await.0,
        422
    );
    assert_eq!(get(&app, &crm, &format!("{base}?limit=0")).await.0, 422);
    assert_eq!(get(&app, &crm, &format!("{base}?cursor=-3")).await.0, 422);
    assert_eq!(get(&app, &crm, &format!("{base}?limit=many")).await.0, 400);
    assert_eq!(
        get(&app, &crm, &format!("{base}?assignee=me")).await.0,
        422,
        "a token is nobody's me"
    );

    // One request in full, with what its status allows.
    let (status, case) = get(&app, &crm, &format!("{base}/{r1}")).await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["email"], "kari@example.no");
    let actions: Vec<&str> = case["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        actions.contains(&"assign") && actions.contains(&"start"),
        "{actions:?}"
    );
    assert!(!actions.contains(&"nonsense"));
    assert!(case["colleagues"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == admin.id));
    assert_eq!(
        get(&app, &crm, &format!("{base}/PR-AAAA-AAAA")).await.0,
        404
    );

    // Every action, through the console's rules.
    let (status, done) = post(
        &app,
        &crm,
        &format!("{base}/{r1}/assign"),
        Some(json!({"to": admin.id, "note": "Yours"})),
    )
    .await;
    assert_eq!(
        (status, &done["assignee"]),
        (200, &json!(admin.id)),
        "{done}"
    );
    let (_, page) = get(&app, &crm, &format!("{base}?assignee={}", admin.id)).await;
    assert_eq!(refs(&page), vec![r1.clone()]);
    let (status, _) = post(
        &app,
        &crm,
        &format!("{base}/{r1}/assign"),
        Some(json!({"to": 999_999})),
    )
    .await;
    assert_eq!(status, 422, "only a member of the organisation");
    let (status, done) = post(&app, &crm, &format!("{base}/{r1}/start"), None).await;
    assert_eq!(
        (status, done["status"].as_str()),
        (200, Some("in_progress")),
        "{done}"
    );
    let (status, done) = post(
        &app,
        &crm,
        &format!("{base}/{r1}/questions"),
        Some(json!({"text": "Which meter?"})),
    )
    .await;
    assert_eq!(
        (status, done["status"].as_str()),
        (200, Some("awaiting_subject")),
        "{done}"
    );
    let (status, done) = post(
        &app,
        &crm,
        &format!("{base}/{r1}/messages"),
        Some(json!({"text": "We are on it."})),
    )
    .await;
    assert_eq!(
        (status, done["event"].as_str()),
        (200, Some("message")),
        "{done}"
    );
    let due_before = case["due_date"].as_str().unwrap().to_owned();
    let (status, done) = post(
        &app,
        &crm,
        &format!("{base}/{r1}/extend"),
        Some(json!({"months": 2, "reason": "Many systems"})),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_ne!(
        done["due_date"].as_str().unwrap(),
        due_before,
        "the deadline moved"
    );
    let (status, refused) = post(
        &app,
        &crm,
        &format!("{base}/{r1}/extend"),
        Some(json!({"months": 1, "reason": "Again"})),
    )
    .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (409, Some("transition_refused")),
        "once only"
    );
    let (status, _) = post(
        &app,
        &crm,
        &format!("{base}/{r1}/messages"),
        Some(json!({"text": "  "})),
    )
    .await;
    assert_eq!(status, 422, "an empty message");
    let (status, _) = post(
        &app,
        &crm,
        &format!("{base}/{r1}/messages"),
        Some(json!({"body": "wrong field"})),
    )
    .await;
    assert_eq!(status, 400, "not this body");

    // Completing with a file, as a multipart form.
    let form = reqwest::multipart::Form::new()
        .text("response", "Here is everything we hold.")
        .part(
            "attachments",
            reqwest::multipart::Part::bytes(b"meter;kwh\n7070;1.25\n".to_vec())
                .file_name("readings.csv")
                .mime_str("text/csv")
                .unwrap(),
        )
        // A file larger than any page takes: the API has the console's limits.
        .part(
            "attachments",
            reqwest::multipart::Part::bytes(vec![b'x'; 3 * 1024 * 1024]).file_name("letter.pdf"),
        );
    let response = app
        .client
        .post(app.url(&format!("{base}/{r1}/complete")))
        .bearer_auth(&crm)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let done: Value = response.json().await.unwrap();
    assert_eq!(done["status"], "completed");
    let (_, case) = get(&app, &crm, &format!("{base}/{r1}")).await;
    assert_eq!(case["attachments"].as_array().unwrap().len(), 2, "{case}");
    assert_eq!(case["attachments"][1]["size"], 3 * 1024 * 1024);
    let file = &case["attachments"][0];
    assert_eq!(file["name"], "readings.csv");
    let bytes = app
        .client
        .get(app.url(file["url"].as_str().unwrap()))
        .bearer_auth(&crm)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"meter;kwh\n7070;1.25\n");
    assert!(
        case["actions"].as_array().unwrap().is_empty(),
        "nothing more to do: {case}"
    );

    // Rejecting another, with its ground.
    let (status, done) = post(
        &app,
        &crm,
        &format!("{base}/{r2}/reject"),
        Some(json!({"reason": "Asked twice", "legal_ground": "excessive"})),
    )
    .await;
    assert_eq!(
        (status, done["status"].as_str()),
        (200, Some("rejected")),
        "{done}"
    );
    let (status, _) = post(&app, &crm, &format!("{base}/{r2}/start"), None).await;
    assert_eq!(status, 409, "a rejected request is closed");

    // The subject sees the team's words as from the team.
    let (_, mine) = app
        .get_json(&format!("/api/v1/requests/{r1}"), Some(&kari))
        .await;
    let said: Vec<&str> = mine["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["from"] == "staff")
        .filter_map(|m| m["body"].as_str())
        .collect();
    assert_eq!(
        said,
        vec![
            "Which meter?",
            "We are on it.",
            "Here is everything we hold."
        ]
    );
    assert_eq!(mine["status"], "completed");

    // Every action is the token's in the audit log, every call is counted.
    let actors: Vec<String> = sqlx::query_scalar("SELECT actor FROM audit_log WHERE target = $1 AND action IN ('request.assigned', 'request.started', 'request.completed', 'request.viewed')")
        .bind(&r1).fetch_all(&app.db).await.unwrap();
    assert!(actors.len() >= 4, "{actors:?}");
    assert!(
        actors.iter().all(|a| *a == format!("token:{token_id}")),
        "{actors:?}"
    );
    let used: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'api_token.used' AND actor = $1",
    )
    .bind(format!("token:{token_id}"))
    .fetch_one(&app.db)
    .await
    .unwrap();
    let uses: i64 = sqlx::query_scalar("SELECT uses FROM api_tokens WHERE id = $1")
        .bind(token_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(used >= 25, "one entry per call: {used}");
    assert_eq!(used, uses);
    assert!(matches!(
        app.audit_verdict().await,
        portal::audit::Verdict::Intact { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_is_carried_out_on_the_sources_through_the_api() {
    let sources = tempfile::tempdir().unwrap();
    let sqlite_url = crate::sources::sqlite_source(sources.path()).await;
    let toml = format!(
        r#"name = "Erasing AS"
contact_email = "privacy@erasing.example"

[[categories]]
id = "consumption"
name = "Consumption"
purpose = "Invoicing"
legal_basis = "Art. 6(1)(b)"
retention = "3 years"
source = "Meters"

[[sources]]
name = "Meters"
type = "sql"
url = "{sqlite_url}"
erase = ["DELETE FROM readings WHERE email = :email"]
[[sources.queries]]
category = "consumption"
sql = "SELECT meter, hour, kwh FROM readings WHERE email = :email"
"#
    );
    let app = spawn_app_with_org("erasing", &toml).await;
    let admin = member(&app, "dpo@erasing.example", "erasing", Role::Admin, false).await;
    let (_, ticketing) = token(&app, &admin, "erasing", "Ticketing", Role::Agent).await;
    let body = json!({"org": "erasing", "kind": "erasure", "email": "kari@example.no", "details": {"erasure_scope": "all"}});
    let (reference, _) = app.verified_request(body).await;
    let base = format!("/api/v1/orgs/erasing/requests/{reference}");
    let (status, done) = post(&app, &ticketing, &format!("{base}/execute"), None).await;
    assert_eq!((status, &done), (200, &json!({"failed": 0})));
    let (_, case) = get(&app, &ticketing, &base).await;
    assert_eq!(case["executions"][0]["source"], "Meters");
    assert_eq!(case["executions"][0]["outcome"], "done", "{case}");
    use sqlx::Connection;
    let mut meters = sqlx::SqliteConnection::connect(&sqlite_url).await.unwrap();
    let left: Vec<String> = sqlx::query_scalar("SELECT DISTINCT email FROM readings")
        .fetch_all(&mut meters)
        .await
        .unwrap();
    assert_eq!(left, vec!["ola@example.no".to_owned()]);
    // An erasure has no sources to ask for a package.
    assert_eq!(
        post(&app, &ticketing, &format!("{base}/collect"), None)
            .await
            .0,
        422
    );
    let form = reqwest::multipart::Form::new()
        .text("response", "Erased everywhere.")
        .text("decision", "yes");
    let response = app
        .client
        .post(app.url(&format!("{base}/complete")))
        .bearer_auth(&ticketing)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opt_outs_and_consents_reach_the_company_as_a_feed_and_as_csv() {
    let app = spawn_app().await;
    let admin = member(&app, "dpo@fjordlys.example", "demo", Role::Admin, true).await;
    let (_, mailing) = token(&app, &admin, "demo", "Mailing system", Role::Admin).await;
    let (_, crm) = token(&app, &admin, "demo", "CRM", Role::Agent).await;
    let (first, _) = app
        .verified_request(
            json!({"org": "demo", "kind": "marketing_opt_out", "email": "kari@example.no"}),
        )
        .await;

    let (status, feed) = get(&app, &mailing, "/api/v1/orgs/demo/opt-outs").await;
    assert_eq!(status, 200, "{feed}");
    assert_eq!(feed["opt_outs"].as_array().unwrap().len(), 1);
    assert_eq!(feed["opt_outs"][0]["email"], "kari@example.no");
    assert_eq!(feed["opt_outs"][0]["kind"], "marketing_opt_out");
    assert_eq!(feed["opt_outs"][0]["reference"], first.as_str());
    let cursor = feed["cursor"].as_str().unwrap().to_owned();
    // Nothing new: the same cursor back.
    let (_, feed) = get(
        &app,
        &mailing,
        &format!("/api/v1/orgs/demo/opt-outs?cursor={cursor}"),
    )
    .await;
    assert_eq!(
        (
            feed["opt_outs"].as_array().unwrap().len(),
            feed["cursor"].as_str()
        ),
        (0, Some(cursor.as_str()))
    );
    // A withdrawal comes after the cursor, and only it.
    app.verified_request(json!({"org": "demo", "kind": "withdraw_consent", "email": "ola@example.no", "details": {"purpose": "energy_advice"}})).await;
    let (_, feed) = get(
        &app,
        &mailing,
        &format!("/api/v1/orgs/demo/opt-outs?cursor={cursor}"),
    )
    .await;
    let entries = feed["opt_outs"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{feed}");
    assert_eq!(
        (entries[0]["email"].as_str(), entries[0]["purpose"].as_str()),
        (Some("ola@example.no"), Some("energy_advice"))
    );

    // Consent receipts, the same way.
    let subject = app.service.sessions.subject_of(&demo(), "kari@example.no");
    assert!(app.service.consents.honour_gpc(&subject).await.unwrap());
    let (status, feed) = get(&app, &mailing, "/api/v1/orgs/demo/consents").await;
    assert_eq!(status, 200, "{feed}");
    let karis: Vec<(String, String, String)> = feed["receipts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["email"] == "kari@example.no")
        .map(|r| {
            let field = |name: &str| r[name].as_str().unwrap_or_default().to_owned();
            (field("purpose"), field("decision"), field("method"))
        })
        .collect();
    let withdrawn = |purpose: &str, method: &str| {
        (
            purpose.to_owned(),
            "withdrawn".to_owned(),
            method.to_owned(),
        )
    };
    // Her opt-out's receipts (every marketing channel), then the signal's.
    assert_eq!(
        karis,
        [
            withdrawn("marketing", "request"),
            withdrawn("marketing_sms", "request"),
            withdrawn("marketing_profiling_and_sharing", "gpc"),
        ]
    );

    // Addresses are for admins: an agent's token reaches neither.
    assert_eq!(get(&app, &crm, "/api/v1/orgs/demo/opt-outs").await.0, 404);
    assert_eq!(get(&app, &crm, "/api/v1/orgs/demo/consents").await.0, 404);
    // Every read is audited.
    let reads: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('opt_outs.read', 'consents.read')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(reads, 4);

    // The console's admin downloads both as CSV; an agent cannot.
    let mut dpo = app
        .staff("dpo2@fjordlys.example", "demo", Role::Admin, true)
        .await;
    let dpo = app.staff_cookie(&mut dpo).await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let agent = app.staff_cookie(&mut agent).await;
    let download = |path: &'static str, cookie: String| {
        let app = &app;
        async move {
            let response = app
                .client
                .get(app.url(path))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let kind = response
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned());
            (status, kind, response.text().await.unwrap())
        }
    };
    let (status, kind, csv) = download("/console/o/demo/opt-outs.csv", dpo.clone()).await;
    assert_eq!(status, 200);
    assert!(kind.unwrap().starts_with("text/csv"));
    assert!(
        csv.starts_with("id,email,kind,purpose,reference,at\n"),
        "{csv}"
    );
    assert!(
        csv.contains("kari@example.no,marketing_opt_out,")
            && csv.contains("ola@example.no,withdraw_consent,energy_advice"),
        "{csv}"
    );
    let (status, _, csv) = download("/console/o/demo/consents.csv", dpo).await;
    assert_eq!(status, 200);
    assert!(
        csv.contains("kari@example.no,marketing_profiling_and_sharing,withdrawn"),
        "{csv}"
    );
    assert_eq!(
        download("/console/o/demo/opt-outs.csv", agent.clone())
            .await
            .0,
        404
    );
    assert_eq!(download("/console/o/demo/consents.csv", agent).await.0, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_named_bounded_and_revoked_at_once() {
    let app = spawn_app().await;
    let admin = member(&app, "dpo@fjordlys.example", "demo", Role::Admin, true).await;
    let agent = member(&app, "agent@fjordlys.example", "demo", Role::Agent, true).await;
    let tokens = &app.service.api_tokens;
    // Admins of the organisation only; names unique among live tokens; a year at most.
    assert_eq!(
        tokens
            .create(&agent, "demo", "x", Role::Agent, 30)
            .await
            .unwrap_err(),
        domain::AppError::NotFound
    );
    assert_eq!(
        tokens
            .create(&admin, "other", "x", Role::Agent, 30)
            .await
            .unwrap_err(),
        domain::AppError::NotFound
    );
    assert!(tokens
        .create(&admin, "demo", "x", Role::Agent, 366)
        .await
        .is_err());
    assert!(tokens
        .create(&admin, "demo", "x", Role::Agent, 0)
        .await
        .is_err());
    assert!(tokens
        .create(&admin, "demo", " ", Role::Agent, 30)
        .await
        .is_err());
    let (id, crm) = token(&app, &admin, "demo", "CRM", Role::Agent).await;
    assert!(
        tokens
            .create(&admin, "demo", "CRM", Role::Agent, 30)
            .await
            .is_err(),
        "one live CRM"
    );
    // Only its hash is stored.
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert!(stored.iter().all(|h| !h.contains(&crm[4..])));
    assert_eq!(get(&app, &crm, "/api/v1/orgs/demo/requests").await.0, 200);
    tokens.revoke(&admin, "demo", id).await.unwrap();
    let (status, body) = get(&app, &crm, "/api/v1/orgs/demo/requests").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    assert_eq!(
        tokens.revoke(&admin, "demo", id).await.unwrap_err(),
        domain::AppError::NotFound,
        "once"
    );
    // The name is free again, and the list shows both.
    token(&app, &admin, "demo", "CRM", Role::Agent).await;
    let view = tokens.list(&admin).await.unwrap();
    let states: Vec<_> = view
        .tokens
        .iter()
        .map(|t| (t.name.as_str(), t.state))
        .collect();
    use domain::views::console::ApiTokenState::*;
    assert_eq!(states, vec![("CRM", Live), ("CRM", Revoked)]);
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'api_token.%' AND action <> 'api_token.used' ORDER BY id")
        .fetch_all(&app.db).await.unwrap();
    assert_eq!(
        actions,
        [
            "api_token.created",
            "api_token.revoked",
            "api_token.created"
        ]
    );
}

/// A token of `org` made by `staff` (an admin of it): its id.
pub(crate) async fn token_of(app: &TestApp, mut staff: crate::harness::Staff, org: &str) -> i64 {
    let cookie = app.staff_cookie(&mut staff).await;
    let admin = app
        .service
        .accounts
        .staff_member(&Token::presented(
            cookie.trim_start_matches("portal_staff="),
        ))
        .await
        .unwrap();
    token(app, &admin, org, "other's", Role::Agent).await.0
}
