//! The database goes away and comes back: meanwhile every request that
//! needs it gets a clear 503 (never a 500, never a hang), pages that need
//! nothing of it still render, and once it is back the same servers serve
//! again without a restart. Always on PostgreSQL, where a database can be
//! taken away from under a running server.

use crate::harness::{fresh_postgres_database, postgres_server_url, spawn_app_configured};
use sqlx::Connection;
use std::time::Duration;

/// Renames the portal's database, terminating its connections first (the
/// server's pool may reconnect in between, hence the retries).
async fn rename(from: &str, to: &str) {
    let mut admin = sqlx::AnyConnection::connect(&postgres_server_url())
        .await
        .unwrap();
    for _ in 0..50 {
        sqlx::query(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1",
        )
        .bind(from)
        .execute(&mut admin)
        .await
        .unwrap();
        if sqlx::query(&format!("ALTER DATABASE \"{from}\" RENAME TO \"{to}\""))
            .execute(&mut admin)
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("could not rename {from}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_database_is_away_requests_get_503_and_service_resumes_when_it_returns() {
    let url = fresh_postgres_database().await;
    let name = url.rsplit('/').next().unwrap().to_owned();
    let app = spawn_app_configured(|s| s.database_url = url.clone()).await;
    let (reference, token) = app.verified_subject("kari@example.no").await;
    let track = format!("/api/v1/requests/{reference}");
    assert_eq!(app.get_json(&track, Some(&token)).await.0, 200);
    app.db.close().await;

    let away = format!("{name}_away");
    rename(&name, &away).await;
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap()["database"],
        "unreachable"
    );
    let (status, body) = app.get_json(&track, Some(&token)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("unavailable")),
        "{body}"
    );
    let submitted = app
        .submit(serde_json::json!({"org": "demo", "kind": "access", "email": "ola@example.no"}))
        .await;
    assert_eq!(submitted.status(), 503);
    // Alive all the same: restarting the server would not bring the database back.
    let alive = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(alive.status(), 200);

    rename(&away, &name).await;
    let mut back = 0;
    for _ in 0..100 {
        back = app
            .client
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        if back == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(back, 200, "ready again");
    assert_eq!(app.get_json(&track, Some(&token)).await.0, 200);
    let submitted = app
        .submit(serde_json::json!({"org": "demo", "kind": "access", "email": "ola@example.no"}))
        .await;
    assert_eq!(
        submitted.status(),
        201,
        "nothing was half-written meanwhile"
    );
}
