//! Several server processes against one database behave as one portal:
//! what one writes (codes, sessions, counters, jobs) the other sees, and
//! background work is done once. Runs on SQLite and, in the PostgreSQL run
//! of the suite, on PostgreSQL, which is what several servers behind a load
//! balancer use.

use crate::harness::spawn_app_configured;
use domain::Role;
use portal::service::Limit;
use std::time::Duration;

const REQUESTS: usize = 24;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_database_behave_as_one_portal() {
    let a = spawn_app_configured(|s| {
        s.rate_limits.submit = Some(Limit {
            // Kari's request and the alternating ones; the next is one too many.
            hits: REQUESTS as i64 + 1,
            window_secs: 600,
        });
    })
    .await;
    let b = a.another_instance().await;
    assert_ne!(a.address, b.address);

    // A code mailed by one server is checked by the other, and the session
    // it opens works on both.
    let reference = a.submit_access("kari@example.no").await;
    let code = a.mail.wait_for(1).await.code();
    let verified = b.verify(&reference, &code).await;
    assert_eq!(verified.status(), 200);
    let token = verified.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/requests/{reference}");
    for server in [&a, &b] {
        let (status, body) = server.get_json(&path, Some(&token)).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("received")));
    }

    // A staff member signed in on one is signed in on the other.
    let mut agent = a
        .staff("agent@fjordlys.example", "demo", Role::Agent, false)
        .await;
    let cookie = a.staff_cookie(&mut agent).await;
    let (status, html) = b.page("/console", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("agent@fjordlys.example"));

    // One rate limit, counted by both: submissions alternate between them.
    for n in 1..REQUESTS + 1 {
        let server = if n % 2 == 0 { &a } else { &b };
        server
            .submit_access(&format!("subject{n}@example.no"))
            .await;
    }
    let over = b
        .submit(serde_json::json!({"org": "demo", "kind": "access", "email": "late@example.no"}))
        .await;
    assert_eq!(
        over.status(),
        429,
        "the limit counts what both servers took"
    );

    // Jobs queued all at once are each run by one of the two workers, once.
    sqlx::query(
        "INSERT INTO jobs (kind, request_id, status, run_after, created_at)
         SELECT 'collect', id, 'queued', 0, 0 FROM requests",
    )
    .execute(&a.db)
    .await
    .unwrap();
    let jobs = a.count("jobs").await;
    assert_eq!(jobs, REQUESTS as i64 + 1);
    let mut finished = 0;
    for _ in 0..600 {
        finished = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE status = 'done'")
            .fetch_one(&a.db)
            .await
            .unwrap();
        if finished == jobs {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(finished, jobs, "every job done");
    let attempts: Vec<i64> = sqlx::query_scalar("SELECT attempts FROM jobs ORDER BY id")
        .fetch_all(&a.db)
        .await
        .unwrap();
    assert!(
        attempts.iter().all(|&n| n == 1),
        "claimed once each: {attempts:?}"
    );
    let (done, distinct): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT target) FROM audit_log WHERE action = 'job.done'",
    )
    .fetch_one(&a.db)
    .await
    .unwrap();
    assert_eq!((done, distinct), (jobs, jobs), "one completion per job");
    // The audit chain, written by both, is whole.
    assert!(matches!(
        a.audit_verdict().await,
        portal::audit::Verdict::Intact { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_with_another_key_refuses_to_start_and_says_which() {
    let app = crate::harness::spawn_app().await;
    app.submit_access("kari@example.no").await;
    for (setting, change) in [
        ("PORTAL_SECRET", 0),
        ("PORTAL_EXPORT_KEY", 1),
        ("PORTAL_DATA_KEY", 2),
    ] {
        let mut settings = app.settings().clone();
        let other = Some([7_u8; 32]);
        match change {
            0 => settings.secret = other,
            1 => settings.export_key = other,
            _ => settings.data_key = other,
        }
        let error = match server::startup::Application::build(settings).await {
            Ok(_) => panic!("a server with another {setting} started"),
            Err(error) => format!("{error:#}"),
        };
        assert!(
            error.contains(setting) && error.contains("not the key this database was written with"),
            "{error}"
        );
    }
    // The same keys (from the shared data folder): a second server starts.
    let again = app.another_instance().await;
    assert_eq!(again.get_json("/healthz", None).await.0, 200);
}
