//! Background collection: starting an access request sets a durable job to
//! work; a server that dies in the middle of it leaves the job to the next
//! one, which finishes it exactly once.

use crate::harness::{spawn_app_with_org, TestApp};
use domain::Role;
use sqlx::{Connection, Executor};
use std::time::Duration;

const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A PostgreSQL source whose query takes a few seconds.
pub async fn slow_source(name: &str) -> String {
    let mut admin = sqlx::PgConnection::connect(PG_ADMIN)
        .await
        .expect("PostgreSQL at 127.0.0.1:5432 (as on CI)");
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    format!("postgres://postgres@127.0.0.1:5432/{name}")
}

async fn job(app: &TestApp) -> Option<(String, i64)> {
    sqlx::query_as("SELECT status, attempts FROM jobs ORDER BY id DESC LIMIT 1")
        .fetch_optional(&app.db)
        .await
        .unwrap()
}

async fn wait_for(app: &TestApp, status: &str) -> (String, i64) {
    for _ in 0..300 {
        if let Some(found) = job(app).await.filter(|(s, _)| s == status) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the job never became {status}: {:?}", job(app).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collection_interrupted_by_a_crash_is_finished_once_by_the_next_server() {
    let db_name = format!("portal_slow_{}", std::process::id());
    let url = slow_source(&db_name).await;
    let toml = format!(
        "name = \"Slow AS\"\ncontact_email = \"privacy@slow.example\"\n\
         [[categories]]\nid = \"identity\"\nname = \"Identity\"\npurpose = \"Contract\"\nlegal_basis = \"Art. 6(1)(b)\"\n\
         retention = \"3 years\"\nsource = \"You\"\n\
         [[sources]]\nname = \"Slow CRM\"\ntype = \"sql\"\nurl = \"{url}\"\n[[sources.queries]]\ncategory = \"identity\"\n\
         sql = \"SELECT CAST(:email AS text) AS email, (SELECT 'done' FROM pg_sleep(3)) AS note\"\n"
    );
    let app = spawn_app_with_org("slow", &toml).await;
    let mut agent = app
        .staff("agent@slow.example", "slow", Role::Agent, false)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let (reference, token) = app
        .verified_request(
            serde_json::json!({"org": "slow", "kind": "access", "email": "kari@example.no"}),
        )
        .await;
    let subject = format!("portal_session={token}");
    let tracking = format!("/o/slow/requests/{reference}");

    // Starting the request queues the collection; the worker takes it.
    let started = app
        .client
        .post(app.url("/_sfn/console/act"))
        .header("cookie", &cookie)
        .header("accept", "text/html")
        .form(&[
            ("org", "slow"),
            ("reference", reference.as_str()),
            ("action", "start"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 303);
    assert_eq!(wait_for(&app, "running").await.1, 1);
    let (_, html) = app.page(&tracking, Some(&subject)).await;
    assert!(
        html.contains("Collecting your data") && html.contains("Slow CRM: waiting"),
        "the subject sees the progress"
    );
    // It follows by itself: the small script (not the WebAssembly) with
    // JavaScript, a refresh without.
    assert!(
        html.contains(r#"<script src="/progress.js" defer"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<noscript><meta http-equiv="refresh" content="10""#),
        "{html}"
    );
    assert!(!html.contains("Reload this page"));

    // The server dies while the source is still answering.
    let app = app.crash_and_restart().await;
    let (_, attempts) = wait_for(&app, "done").await;
    assert_eq!(
        attempts, 2,
        "the next server took the job over once its lease ran out"
    );
    let (_, html) = app.page(&tracking, Some(&subject)).await;
    assert!(
        !html.contains("Collecting your data"),
        "no progress once done"
    );
    assert!(
        !html.contains("progress.js") && !html.contains("http-equiv=\"refresh\""),
        "nothing refreshes once done"
    );

    let completions: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'job.done'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(completions, 1, "finished exactly once");
    let runs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM source_runs WHERE ok = 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(runs, 1, "the interrupted run left nothing behind");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM export_data")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 1, "the interrupted run's half-written data is gone");
    let (sealed, reference): (String, String) = sqlx::query_as(
        "SELECT lines, r.reference FROM export_chunks JOIN export_data d ON d.id = data_id
         JOIN requests r ON r.id = d.request_id WHERE d.complete = 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let records = app.open(
        portal::sealing::Column::ExportLines,
        portal::sealing::Row::Request(&reference),
        &sealed,
    );
    assert!(
        records.contains("kari@example.no") && records.contains("done"),
        "{records}"
    );

    let mut admin = sqlx::PgConnection::connect(PG_ADMIN).await.unwrap();
    admin
        .execute(format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)").as_str())
        .await
        .unwrap();
}
