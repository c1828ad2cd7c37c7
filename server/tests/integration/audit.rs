//! The audit log records every step, refuses changes, and `server audit
//! verify` finds the first entry someone tampered with.

use crate::harness::{on_postgres, spawn_app};
use portal::audit::Verdict;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_is_audited_in_a_chain_that_the_database_keeps_append_only() {
    let app = spawn_app().await;
    let reference = app.submit_access("audit@example.no").await;
    let code = app.mail.wait_for(1).await.code();
    let wrong = format!("{}{}", &code[..5], (code.as_bytes()[5] - b'0' + 1) % 10);
    assert_eq!(app.verify(&reference, &wrong).await.status(), 422);
    assert_eq!(app.verify(&reference, &code).await.status(), 200);

    let actions: Vec<(String, String)> =
        sqlx::query_as("SELECT action, target FROM audit_log ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        names,
        [
            "request.submitted",
            "verification.code_sent",
            "verification.failed",
            "request.verified",
            "session.opened"
        ]
    );
    assert!(actions.iter().all(|(_, target)| target == &reference));
    let emails: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%@%' OR actor LIKE '%@%'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(emails, 0, "the log names requests, not addresses");

    let update = sqlx::query("UPDATE audit_log SET action = 'nothing' WHERE id = 1")
        .execute(&app.db)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM audit_log WHERE id = 1")
        .execute(&app.db)
        .await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert!(
        matches!(app.audit_verdict().await, Verdict::Intact { entries } if entries == names.len() as i64)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_names_the_first_tampered_entry() {
    let app = spawn_app().await;
    for n in 0..3 {
        app.submit_access(&format!("chain{n}@example.no")).await;
    }
    let database = app.database_url.clone();
    // The chain's key comes from the server secret: the command runs with
    // the portal's own settings.
    let run_verify = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["audit", "verify"])
            .env("DATABASE_URL", &database)
            .env("PORTAL_DATA_DIR", app.data_dir())
            .env("PORTAL_CONTENT_DIR", app.content_dir())
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let clean = run_verify();
    assert!(
        clean.status.success(),
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );
    assert!(String::from_utf8_lossy(&clean.stdout).contains("intact: 6 entries"));

    // Someone with access to the database file drops the guard and edits entry 3.
    // PostgreSQL names a trigger's table too.
    let on = if on_postgres() { " ON audit_log" } else { "" };
    sqlx::query(&format!("DROP TRIGGER audit_log_no_update{on}"))
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET detail = '{\"kind\":\"erasure\"}' WHERE id = 3")
        .execute(&app.db)
        .await
        .unwrap();
    let tampered = run_verify();
    assert_eq!(tampered.status.code(), Some(1));
    let report = String::from_utf8_lossy(&tampered.stdout);
    assert!(report.contains("BROKEN at entry 3"), "{report}");
    assert_eq!(
        app.audit_verdict().await,
        Verdict::Broken {
            id: 3,
            reason: "its content was changed"
        }
    );

    // Put entry 3 back as it was (it recorded the same submission details as
    // entry 1) and remove entry 4 instead: the break shows at entry 5.
    sqlx::query(
        "UPDATE audit_log SET detail = (SELECT detail FROM audit_log WHERE id = 1) WHERE id = 3",
    )
    .execute(&app.db)
    .await
    .unwrap();
    assert!(matches!(
        app.audit_verdict().await,
        Verdict::Intact { entries: 6, .. }
    ));
    sqlx::query(&format!("DROP TRIGGER audit_log_no_delete{on}"))
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_log WHERE id = 4")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.audit_verdict().await,
        Verdict::Broken {
            id: 5,
            reason: "an earlier entry is missing"
        }
    );
}
