//! Data sources: the organisation's own SQLite and PostgreSQL databases
//! (PostgreSQL as on CI, at 127.0.0.1:5432, user postgres), asked with
//! named, parameterised queries, and an HTTP endpoint (a server in the test)
//! that checks the portal's signature. Every row about the subject ends up
//! in the package, nobody else's; a failing source is shown to staff, who
//! can build without it.

use crate::harness::{spawn_app_with_org, TestApp};
use domain::Role;
use sqlx::{Connection, Executor};
use std::io::Read;

const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A fresh PostgreSQL database for this test, with the CRM's tables.
async fn postgres_source() -> (String, String) {
    let name = format!(
        "portal_source_{}",
        std::process::id() as u64 * 1000 + rand_suffix()
    );
    let mut admin = sqlx::PgConnection::connect(PG_ADMIN)
        .await
        .expect("PostgreSQL at 127.0.0.1:5432 (as on CI)");
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
        .await
        .unwrap();
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
    let mut db = sqlx::PgConnection::connect(&url).await.unwrap();
    db.execute(
        "CREATE TABLE customers (id SERIAL PRIMARY KEY, email TEXT NOT NULL, full_name TEXT NOT NULL, phone TEXT,
                                 vip BOOLEAN NOT NULL DEFAULT false, since DATE NOT NULL);
         INSERT INTO customers (email, full_name, phone, vip, since) VALUES
           ('kari@example.no', 'Kari Nordmann', '+47 912 34 567', true, '2019-03-01'),
           ('ola@example.no', 'Ola Nordmann', NULL, false, '2020-01-01');",
    )
    .await
    .unwrap();
    (url, name)
}

async fn drop_postgres_source(name: &str) {
    let mut admin = sqlx::PgConnection::connect(PG_ADMIN).await.unwrap();
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    (SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
        % 1000) as u64
}

/// A second SQLite database: the meter readings.
pub(crate) async fn sqlite_source(dir: &std::path::Path) -> String {
    let url = format!("sqlite://{}/meters.db?mode=rwc", dir.display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    db.execute(
        "CREATE TABLE readings (email TEXT, meter TEXT, hour TEXT, kwh REAL);
         INSERT INTO readings VALUES
           ('kari@example.no', '7070-1', '2026-11-01T00:00', 1.25),
           ('kari@example.no', '7070-1', '2026-11-01T01:00', 0.75),
           ('kari@example.no', '7070-1', '2026-11-01T02:00', NULL),
           ('ola@example.no', '8080-1', '2026-11-01T00:00', 9.5);",
    )
    .await
    .unwrap();
    url
}

/// The organisation's billing endpoint: checks the signature and its age,
/// fails its first call (the portal retries), answers for Kari only.
async fn http_source(secret: &'static str) -> String {
    use axum::{
        body::Bytes, extract::State, http::HeaderMap, response::IntoResponse, routing::post, Router,
    };
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };
    async fn lookup(
        State((secret, calls)): State<(&'static str, Arc<AtomicUsize>)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> axum::response::Response {
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "warming up").into_response();
        }
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let timestamp: i64 = header("x-portal-timestamp").parse().unwrap_or(0);
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let expected = portal::sources::http::signature(secret.as_bytes(), timestamp, &body);
        if (now - timestamp).abs() > 300 || header("x-portal-signature") != expected {
            return (axum::http::StatusCode::UNAUTHORIZED, "bad signature").into_response();
        }
        let asked: serde_json::Value = serde_json::from_slice(&body).unwrap();
        if asked["operation"] == "erase" {
            let kept = "invoices are kept 5 years (Bookkeeping Act)";
            return axum::Json(
                serde_json::json!({"done": false, "exception": "legal_obligation", "detail": kept}),
            )
            .into_response();
        }
        let invoices = if asked["email"] == "kari@example.no" {
            serde_json::json!([{"invoice": "2026-10", "amount": 412.5}, {"invoice": "2026-11", "amount": 388.0}])
        } else {
            serde_json::json!([{"invoice": "someone else's"}])
        };
        axum::Json(serde_json::json!({"categories": {"payments": invoices}})).into_response()
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/lookup", post(lookup))
        .with_state((secret, Arc::new(AtomicUsize::new(0))));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/lookup")
}

fn org_toml(sqlite_url: &str, pg_url: &str, http_url: &str) -> String {
    format!(
        r#"name = "Sourced AS"
contact_email = "privacy@sourced.example"

[[categories]]
id = "identity"
name = "Identity"
purpose = "Contract"
legal_basis = "Art. 6(1)(b)"
retention = "3 years"
source = "You"
provided_by_subject = true

[[categories]]
id = "consumption"
name = "Consumption"
purpose = "Invoicing"
legal_basis = "Art. 6(1)(b)"
retention = "3 years"
source = "Meters"

[[categories]]
id = "payments"
name = "Payments"
purpose = "Invoicing"
legal_basis = "Art. 6(1)(c)"
retention = "5 years"
source = "Billing"

[[sources]]
name = "Billing API"
type = "http"
url = "{http_url}"
secret = "shared secret of the test"
categories = ["payments"]

[[sources]]
name = "Forged billing"
type = "http"
url = "{http_url}"
secret = "not the shared secret"
categories = ["payments"]

[[sources]]
name = "CRM"
type = "sql"
url = "{pg_url}"
[[sources.queries]]
category = "identity"
sql = "SELECT full_name, phone, vip, since::text AS since, ':email' AS literal FROM customers WHERE email = :email"

[[sources]]
name = "Meters"
type = "sql"
url = "{sqlite_url}"
[[sources.queries]]
category = "consumption"
sql = "SELECT meter, hour, kwh FROM readings WHERE email = :email ORDER BY hour"

[[sources]]
name = "Old billing"
type = "sql"
url = "postgres://postgres@127.0.0.1:5432/no_such_database_here"
[[sources.queries]]
category = "identity"
sql = "SELECT * FROM invoices WHERE email = :email"
"#
    )
}

async fn post(app: &TestApp, cookie: &str, path: &str) -> String {
    let response = app
        .client
        .post(app.url(path))
        .header("cookie", cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn art_15_sources_fill_the_package_and_one_that_did_not_answer_is_never_no_data_found() {
    let sources_dir = tempfile::tempdir().unwrap();
    let sqlite_url = sqlite_source(sources_dir.path()).await;
    let (pg_url, pg_name) = postgres_source().await;
    let http_url = http_source("shared secret of the test").await;
    let app = spawn_app_with_org("sourced", &org_toml(&sqlite_url, &pg_url, &http_url)).await;
    let mut agent = app
        .staff("agent@sourced.example", "sourced", Role::Agent, false)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;

    let (reference, token) = app
        .verified_request(
            serde_json::json!({"org": "sourced", "kind": "access", "email": "kari@example.no"}),
        )
        .await;

    let base = format!("/console/o/sourced/requests/{reference}");
    assert!(post(&app, &cookie, &format!("{base}/collect"))
        .await
        .ends_with("done=collected_with_failures"));
    let (_, html) = app.page(&base, Some(&cookie)).await;
    let listed = html
        .split("class=\"sources\">")
        .nth(1)
        .and_then(|s| s.split("</ul>").next())
        .unwrap_or_default()
        .to_owned();
    assert!(
        listed.contains("CRM: 1 record(s)") && listed.contains("Meters: 3 record(s)"),
        "per-source results: {listed}"
    );
    assert!(
        listed.contains("Billing API: 2 record(s)"),
        "retried after a 503 and signed: {listed}"
    );
    assert!(
        listed.contains("Forged billing: failed") && listed.contains("refused with 401"),
        "{listed}"
    );
    assert!(
        html.contains("Old billing: failed on") && html.contains("cannot connect"),
        "the failure is shown"
    );
    assert!(
        !html.contains("no_such_database_here"),
        "connection details are not shown"
    );

    // Asking again replaces, never duplicates.
    post(&app, &cookie, &format!("{base}/collect")).await;
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM export_data")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 3, "one row per source and category");

    // Art. 15: no package while two sources have not answered; a source
    // that did not answer is never "no data found".
    assert!(post(&app, &cookie, &format!("{base}/export"))
        .await
        .contains("error=validation&field=sources"));
    let without = |source: &'static str, text: &'static str| {
        let (app, cookie, base) = (&app, &cookie, &base);
        async move {
            let response = app
                .client
                .post(app.url(&format!("{base}/without")))
                .header("cookie", cookie.as_str())
                .header("accept", "text/html")
                .form(&[("source", source), ("text", text)])
                .send()
                .await
                .unwrap();
            crate::harness::location(&response)
        }
    };
    assert!(
        without("Meters", "It answered")
            .await
            .contains("error=validation&field=source"),
        "it answered"
    );
    assert!(
        without("Forged billing", " ")
            .await
            .contains("error=validation&field=text"),
        "staff must say why"
    );
    assert!(without(
        "Forged billing",
        "The billing system refused us; we send its data within a week."
    )
    .await
    .ends_with("done=without_source"));
    assert!(
        post(&app, &cookie, &format!("{base}/export"))
            .await
            .contains("field=sources"),
        "Old billing still has not answered"
    );
    assert!(without(
        "Old billing",
        "The old billing system is offline; we ask its archive and write to you."
    )
    .await
    .ends_with("done=without_source"));
    assert!(post(&app, &cookie, &format!("{base}/export"))
        .await
        .ends_with("done=export_built"));
    let zip = app
        .client
        .get(app.url(&format!("/api/v1/requests/{reference}/export")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let bytes = zip.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_ref())).unwrap();
    let mut data = String::new();
    archive
        .by_name("data.json")
        .unwrap()
        .read_to_string(&mut data)
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    let records = data["records"].as_array().unwrap();
    let identity: Vec<_> = records
        .iter()
        .filter(|r| r["category"] == "identity")
        .collect();
    assert_eq!(identity.len(), 1);
    assert_eq!(identity[0]["source"], "CRM");
    assert_eq!(identity[0]["data"]["full_name"], "Kari Nordmann");
    assert_eq!(identity[0]["data"]["vip"], true);
    assert_eq!(identity[0]["data"]["since"], "2019-03-01");
    assert_eq!(
        identity[0]["data"]["literal"], ":email",
        "a quoted :email is text, not a parameter"
    );
    let consumption: Vec<_> = records
        .iter()
        .filter(|r| r["category"] == "consumption")
        .collect();
    assert_eq!(consumption.len(), 3, "every reading of the subject");
    assert_eq!(consumption[0]["data"]["kwh"], 1.25);
    assert!(consumption[2]["data"]["kwh"].is_null());
    let payments: Vec<_> = records
        .iter()
        .filter(|r| r["category"] == "payments")
        .collect();
    assert_eq!(payments.len(), 2);
    assert_eq!(payments[0]["source"], "Billing API");
    assert_eq!(payments[1]["data"]["amount"], 388.0);
    let text = data.to_string();
    assert!(
        !text.contains("Ola") && !text.contains("8080-1") && !text.contains("someone else"),
        "nobody else's data"
    );
    // Which systems did not answer, and what the team will do, in data.json…
    let status_of = |source: &str, category: &str| {
        data["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["source"] == source && s["category"] == category)
            .map(|s| s["status"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(
        status_of("Forged billing", "payments").as_deref(),
        Some("not_reached")
    );
    assert_eq!(
        status_of("Old billing", "identity").as_deref(),
        Some("not_reached")
    );
    assert_eq!(
        status_of("Billing API", "payments").as_deref(),
        Some("found")
    );
    assert!(
        !data["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["status"] == "no_data_found" && s["source"] == "Privacy team"),
        "Art. 15: nothing is called \"no data found\" for a system that did not answer: {data}"
    );
    assert_eq!(data["not_reached"].as_array().unwrap().len(), 2, "{data}");
    // …in index.html…
    let mut index = String::new();
    archive
        .by_name("index.html")
        .unwrap()
        .read_to_string(&mut index)
        .unwrap();
    assert!(
        index.contains("Systems that did not answer")
            && index.contains("we send its data within a week"),
        "{index}"
    );
    // …and on the tracking page.
    let (_, page) = app
        .page(
            &format!("/o/sourced/requests/{reference}"),
            Some(&format!("portal_session={token}")),
        )
        .await;
    assert!(page.contains("This package is not complete"), "{page}");
    assert!(
        page.contains("we ask its archive and write to you"),
        "{page}"
    );
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export.source_without'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(audited, 2);
    drop_postgres_source(&pg_name).await;
}

#[test]
fn a_source_with_an_unknown_parameter_or_category_stops_the_start() {
    let org = |category: &str, sql: &str| {
        format!(
            "name = \"Bad\"\ncontact_email = \"a@b.example\"\n[[categories]]\nid = \"x\"\nname = \"X\"\npurpose = \"p\"\n\
             legal_basis = \"b\"\nretention = \"r\"\nsource = \"s\"\n[[sources]]\nname = \"S\"\ntype = \"sql\"\n\
             url = \"sqlite::memory:\"\n[[sources.queries]]\ncategory = \"{category}\"\nsql = \"{sql}\"\n"
        )
    };
    let load = |toml: String| {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("orgs/bad");
        std::fs::create_dir_all(folder.join("notice")).unwrap();
        std::fs::write(folder.join("org.toml"), toml).unwrap();
        std::fs::write(
            folder.join("notice/en.md"),
            "+++\ntitle = \"N\"\nlast_updated = \"2026-01-01\"\n+++\n",
        )
        .unwrap();
        portal::content::Content::load(dir.path())
            .map(|_| ())
            .map_err(|e| format!("{e:#}"))
    };
    assert!(load(org("x", "SELECT * FROM t WHERE e = :email")).is_ok());
    let error = load(org("x", "SELECT * FROM t WHERE id = :customer_id")).unwrap_err();
    assert!(error.contains("unknown parameter :customer_id"), "{error}");
    let error = load(org("secrets", "SELECT 1")).unwrap_err();
    assert!(error.contains("unknown category"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_is_carried_out_on_each_source_and_exceptions_are_recorded() {
    let sources_dir = tempfile::tempdir().unwrap();
    let sqlite_url = sqlite_source(sources_dir.path()).await;
    let http_url = http_source("shared secret of the test").await;
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

[[categories]]
id = "payments"
name = "Payments"
purpose = "Invoicing"
legal_basis = "Art. 6(1)(c)"
retention = "5 years"
source = "Billing"

[[sources]]
name = "Meters"
type = "sql"
url = "{sqlite_url}"
erase = ["DELETE FROM readings WHERE email = :email"]
[[sources.queries]]
category = "consumption"
sql = "SELECT meter, hour, kwh FROM readings WHERE email = :email"

[[sources]]
name = "Billing API"
type = "http"
url = "{http_url}"
secret = "shared secret of the test"
categories = ["payments"]
operations = ["erase"]
"#
    );
    let app = spawn_app_with_org("erasing", &toml).await;
    let mut agent = app
        .staff("agent@erasing.example", "erasing", Role::Agent, false)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let body = serde_json::json!({"org": "erasing", "kind": "erasure", "email": "kari@example.no", "details": {"erasure_scope": "all"}});
    let (reference, _) = app.verified_request(body).await;

    let base = format!("/console/o/erasing/requests/{reference}");
    let (_, html) = app.page(&base, Some(&cookie)).await;
    assert!(html.contains("Sources that carry this out: Meters, Billing API."));
    assert!(post(&app, &cookie, &format!("{base}/execute"))
        .await
        .ends_with("done=executed"));

    let mut meters = sqlx::SqliteConnection::connect(&sqlite_url).await.unwrap();
    let left: Vec<String> = sqlx::query_scalar("SELECT DISTINCT email FROM readings")
        .fetch_all(&mut meters)
        .await
        .unwrap();
    assert_eq!(
        left,
        vec!["ola@example.no".to_owned()],
        "only the subject's rows were erased"
    );
    let (_, html) = app.page(&base, Some(&cookie)).await;
    assert!(
        html.contains("done — 3 row(s) erased"),
        "what the SQL source did"
    );
    assert!(
        html.contains("kept under an exception — legal_obligation: invoices are kept 5 years"),
        "the HTTP source's exception"
    );
    let executed: i64 = sqlx::query_scalar("SELECT executed FROM requests WHERE reference = $1")
        .bind(&reference)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(executed, 1, "carried out: the subject can no longer cancel");
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'erase.%' ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(audited, ["erase.done", "erase.exception"]);

    // Access requests have nothing to carry out.
    let access = serde_json::json!({"org": "erasing", "kind": "access", "email": "ola@example.no"});
    let other = app
        .submit(access)
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.verify(&other, &app.code_mail(&other).await.code())
            .await
            .status(),
        200
    );
    let refused = post(
        &app,
        &cookie,
        &format!("/console/o/erasing/requests/{other}/execute"),
    )
    .await;
    assert!(
        refused.contains("error=validation&field=operation"),
        "{refused}"
    );
}

/// Art. 18: a restriction, carried out like an erasure. The source's
/// `restrict` statements run for the subject alone, the result is recorded
/// and audited per source, the subject can no longer cancel, and the
/// completion records that processing is now restricted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn art_18_a_restriction_is_carried_out_on_the_sources() {
    let sources_dir = tempfile::tempdir().unwrap();
    let sqlite_url = sqlite_source(sources_dir.path()).await;
    let mut meters = sqlx::SqliteConnection::connect(&sqlite_url).await.unwrap();
    meters
        .execute("ALTER TABLE readings ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0")
        .await
        .unwrap();
    let toml = format!(
        r#"name = "Restricting AS"
contact_email = "privacy@restricting.example"

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
restrict = ["UPDATE readings SET restricted = 1 WHERE email = :email"]
[[sources.queries]]
category = "consumption"
sql = "SELECT meter, hour, kwh FROM readings WHERE email = :email"
"#
    );
    let app = spawn_app_with_org("restricting", &toml).await;
    let admin = crate::org_api::member(
        &app,
        "dpo@restricting.example",
        "restricting",
        Role::Admin,
        false,
    )
    .await;
    let (_, token) =
        crate::org_api::token(&app, &admin, "restricting", "Ticketing", Role::Agent).await;
    let body = serde_json::json!({"org": "restricting", "kind": "restriction", "email": "kari@example.no",
        "details": {"grounds": "I contest the readings of October"}});
    let (reference, subject) = app.verified_request(body).await;
    let base = format!("/api/v1/orgs/restricting/requests/{reference}");
    let done = app
        .client
        .post(app.url(&format!("{base}/execute")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    assert_eq!(
        done.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({"failed": 0})
    );
    let flagged: Vec<(String, i64)> =
        sqlx::query_as("SELECT email, MAX(restricted) FROM readings GROUP BY email ORDER BY email")
            .fetch_all(&mut meters)
            .await
            .unwrap();
    assert_eq!(
        flagged,
        [
            ("kari@example.no".to_owned(), 1),
            ("ola@example.no".to_owned(), 0)
        ],
        "Art. 18: only the subject's data is restricted"
    );
    let (_, case) = app.get_json(&base, Some(&token)).await;
    assert_eq!(case["executions"][0]["operation"], "restrict", "{case}");
    assert_eq!(case["executions"][0]["outcome"], "done", "{case}");
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'restrict.%'")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(audited, ["restrict.done"]);
    // Carried out: the subject can no longer cancel it.
    let cancel = app
        .client
        .post(app.url("/_sfn/cancel_request"))
        .header("cookie", format!("portal_session={subject}"))
        .form(&[("org", "restricting"), ("reference", reference.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cancel.status(), 409);
    // Completed with the decision: processing is restricted.
    let form = reqwest::multipart::Form::new()
        .text(
            "response",
            "Your readings are restricted while we check them.",
        )
        .text("decision", "yes");
    let response = app
        .client
        .post(app.url(&format!("{base}/complete")))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (_, case) = app.get_json(&base, Some(&token)).await;
    assert_eq!(case["outcome"]["type"], "restriction", "{case}");
    assert_eq!(case["outcome"]["applied"], true, "{case}");
}
