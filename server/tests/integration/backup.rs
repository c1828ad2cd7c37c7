//! Backup and restore, as the README tells an operator to do them: on
//! SQLite with `server data backup` while submissions keep arriving, on
//! PostgreSQL with pg_dump and pg_restore. The restored portal has every
//! request the backup saw, its codes still work, and its audit chain is
//! intact.

use crate::harness::{on_postgres, spawn_app, spawn_app_configured};
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_to_a_working_portal() {
    let app = spawn_app().await;
    let mut references = Vec::new();
    for n in 0..5 {
        references.push(app.submit_access(&format!("before{n}@example.no")).await);
    }
    let code = app.mail.wait_for(5).await.code();
    let backup_dir = tempfile::tempdir().unwrap();

    let restored_url = if on_postgres() {
        let dump = backup_dir.path().join("portal.dump");
        let dumped = Command::new("pg_dump")
            .args(["--format=custom", "--file"])
            .arg(&dump)
            .arg(&app.database_url)
            .status()
            .expect("pg_dump");
        assert!(dumped.success());
        let target = crate::harness::fresh_postgres_database().await;
        let restored = Command::new("pg_restore")
            .args(["--no-owner", "--dbname", &target])
            .arg(&dump)
            .status()
            .expect("pg_restore");
        assert!(restored.success());
        target
    } else {
        // Online: the server keeps taking submissions while the copy is made.
        let file = backup_dir.path().join("portal-backup.db");
        let writer = {
            let client = app.client.clone();
            let url = app.url("/api/v1/requests");
            tokio::spawn(async move {
                for n in 0..20 {
                    let _ = client
                        .post(&url)
                        .json(&serde_json::json!({"org": "demo", "kind": "access", "email": format!("during{n}@example.no")}))
                        .send()
                        .await;
                }
            })
        };
        let output = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["data", "backup", "--to"])
            .arg(&file)
            .env("DATABASE_URL", &app.database_url)
            .env("PORTAL_DATA_DIR", app.data_dir())
            .env("PORTAL_CONTENT_DIR", app.content_dir())
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).starts_with("backup written to"));
        writer.await.unwrap();
        // A second backup to the same file is refused, not overwritten.
        let again = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["data", "backup", "--to"])
            .arg(&file)
            .env("DATABASE_URL", &app.database_url)
            .env("PORTAL_DATA_DIR", app.data_dir())
            .env("PORTAL_CONTENT_DIR", app.content_dir())
            .output()
            .unwrap();
        assert!(!again.status.success());
        format!("sqlite://{}", file.display())
    };

    // Restore: a portal on the copy, with the same keys (the data folder).
    let data_dir = app.data_dir().to_path_buf();
    let restored = spawn_app_configured(|s| {
        s.database_url = restored_url.clone();
        s.data_dir = data_dir.clone();
    })
    .await;
    for reference in &references {
        let (found,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM requests WHERE reference = $1")
            .bind(reference)
            .fetch_one(&restored.db)
            .await
            .unwrap();
        assert_eq!(found, 1, "{reference} restored");
    }
    // The code mailed before the backup verifies on the restored portal.
    let verified = restored.verify(&references[4], &code).await;
    assert_eq!(verified.status(), 200);
    assert!(matches!(
        restored.audit_verdict().await,
        portal::audit::Verdict::Intact { .. }
    ));
    if !on_postgres() {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&restored.db)
            .await
            .unwrap();
        assert_eq!(check, "ok");
    }
}
