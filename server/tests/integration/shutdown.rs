//! Stopping a server (SIGTERM, as an orchestrator does) lets it finish what
//! it started: the job it is running completes before the process exits,
//! and it exits cleanly.

use crate::{
    harness::{
        copy_tree, fresh_postgres_database, on_postgres, server_process, shipped_content, SmtpSink,
    },
    jobs::slow_source,
};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_waits_for_the_running_job_to_finish() {
    let dir = tempfile::tempdir().unwrap();
    let source = format!("portal_slow_stop_{}", std::process::id());
    let source_url = slow_source(&source).await;
    let content = dir.path().join("content");
    copy_tree(&shipped_content(), &content);
    let org = content.join("orgs/slow");
    std::fs::create_dir_all(org.join("notice")).unwrap();
    std::fs::write(
        org.join("org.toml"),
        format!(
            "name = \"Slow AS\"\ncontact_email = \"privacy@slow.example\"\n\
             [[categories]]\nid = \"identity\"\nname = \"Identity\"\npurpose = \"Contract\"\nlegal_basis = \"Art. 6(1)(b)\"\n\
             retention = \"3 years\"\nsource = \"You\"\n\
             [[sources]]\nname = \"Slow CRM\"\ntype = \"sql\"\nurl = \"{source_url}\"\n[[sources.queries]]\ncategory = \"identity\"\n\
             sql = \"SELECT CAST(:email AS text) AS email, (SELECT 'done' FROM pg_sleep(3)) AS note\"\n"
        ),
    )
    .unwrap();
    std::fs::write(
        org.join("notice/en.md"),
        "+++\ntitle = \"Privacy notice\"\nlast_updated = \"2026-01-01\"\n+++\n\n## Controller\n\nSlow AS.\n",
    )
    .unwrap();
    let database_url = if on_postgres() {
        fresh_postgres_database().await
    } else {
        format!("sqlite://{}/portal.db", dir.path().display())
    };
    let (_mail, smtp_port) = SmtpSink::start().await;
    let (mut server, base) = server_process(&database_url, dir.path(), &content, smtp_port);
    let client = reqwest::Client::new();
    let submitted = client
        .post(format!("{base}/api/v1/requests"))
        .json(&serde_json::json!({"org": "slow", "kind": "access", "email": "kari@example.no"}))
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 201);

    let db = crate::harness::connect_db(&database_url).await;
    sqlx::query(
        "INSERT INTO jobs (kind, request_id, status, run_after, created_at)
         SELECT 'collect', id, 'queued', 0, 0 FROM requests",
    )
    .execute(&db)
    .await
    .unwrap();
    let job = || async {
        sqlx::query_as::<_, (String, i64)>("SELECT status, attempts FROM jobs")
            .fetch_one(&db)
            .await
            .unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while job().await.0 != "running" {
        assert!(Instant::now() < deadline, "the worker never took the job");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let stopped_at = Instant::now();
    let term = std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopped_at.elapsed() < Duration::from_secs(30),
            "still running"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "a clean exit: {status:?}");
    assert_eq!(
        job().await,
        ("done".to_owned(), 1),
        "finished by the server that was stopping, not left for a lease to run out"
    );
    assert!(
        reqwest::get(format!("{base}/healthz")).await.is_err(),
        "and then it is gone"
    );
}
