//! Probes: `/healthz` says the process answers, `/readyz` that the database
//! answers with exactly this build's schema, on any host and without a
//! session, cached by nobody.

use crate::harness::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_probes_tell_alive_from_ready() {
    let app = spawn_app().await;
    let get = |path: &'static str| app.client.get(app.url(path)).send();

    let health = get("/healthz").await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.headers()["cache-control"], "no-store");
    assert_eq!(
        health.json::<serde_json::Value>().await.unwrap()["status"],
        "ok"
    );

    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({ "status": "ready", "database": "ok", "migrations": "current" })
    );

    // The newest migration of this build failed half-way: not ready.
    let (last,): (i64,) = sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let set_success = |ok: bool| {
        sqlx::query("UPDATE _sqlx_migrations SET success = $1 WHERE version = $2")
            .bind(ok)
            .bind(last)
            .execute(&app.db)
    };
    set_success(false).await.unwrap();
    let behind = get("/readyz").await.unwrap();
    assert_eq!(behind.status(), 503);
    assert_eq!(
        behind.json::<serde_json::Value>().await.unwrap()["migrations"],
        "behind"
    );
    // Alive all the same: restarting would not help.
    assert_eq!(get("/healthz").await.unwrap().status(), 200);

    // Mended, but a newer build has migrated the database: not ready either.
    set_success(true).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ($1, 'from a newer build', $2, $3, 0)",
    )
    .bind(last + 1000)
    .bind(true)
    .bind(vec![0_u8])
    .execute(&app.db)
    .await
    .unwrap();
    let ahead = get("/readyz").await.unwrap();
    assert_eq!(ahead.status(), 503);
    assert_eq!(
        ahead.json::<serde_json::Value>().await.unwrap()["migrations"],
        "ahead"
    );
}
