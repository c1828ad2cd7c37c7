//! Personal data at rest: what a subject and staff write, what sources
//! return, and subjects' e-mail addresses are sealed in the database. A
//! copy of the database (here: the SQLite file itself, or the PostgreSQL
//! columns) holds none of it in clear, while the subject and staff read it
//! as written and requests are still found by their subject's address.

use crate::{
    harness::{demo, on_postgres, spawn_app},
    lifecycle::enrolled_agent,
};
use domain::Reference;
use domain::StaffAction;

const ANSWER: &str = "Hemmeligveien 13";
const CORRECTION: &str = "Skjultgata 42";
const QUESTION: &str = "Which meter is at Skjultgata?";
const REPLY: &str = "Meter 7070-4242";
const SUBJECT: &str = "kari.hemmelig@example.no";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_conversation_notes_and_addresses_are_sealed_in_the_database() {
    let app = spawn_app().await;
    let agent = enrolled_agent(&app, "agent@fjordlys.example").await;
    let (reference, token) = app
        .verified_request(serde_json::json!({
            "org": "demo", "kind": "rectification", "email": SUBJECT,
            "details": {"inaccurate": format!("Lives at {ANSWER}"), "correction": format!("Lives at {CORRECTION}")}
        }))
        .await;
    let r = Reference::parse(&reference).unwrap();
    app.service
        .cases
        .staff_act(&agent, "demo", &r, StaffAction::Start)
        .await
        .unwrap();
    app.service
        .cases
        .staff_act(
            &agent,
            "demo",
            &r,
            StaffAction::AskSubject {
                question: QUESTION.into(),
            },
        )
        .await
        .unwrap();
    let cookie = format!("portal_session={token}");
    let page = format!("/o/demo/requests/{reference}");
    let replied = app
        .client
        .post(app.url("/_sfn/reply"))
        .header("cookie", &cookie)
        .header("accept", "text/html")
        .header("referer", app.url(&page))
        .form(&[
            ("org", "demo"),
            ("reference", reference.as_str()),
            ("body", REPLY),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(replied.status(), 303);

    // Read back as written, by the subject and through the API.
    let (_, html) = app.page(&page, Some(&cookie)).await;
    assert!(
        html.contains(QUESTION) && html.contains(REPLY),
        "the page shows the conversation"
    );
    let (status, body) = app
        .get_json(&format!("/api/v1/requests/{reference}"), Some(&token))
        .await;
    assert_eq!(status, 200);
    assert!(body.to_string().contains(CORRECTION), "{body}");

    // Found by the address: the subject's list, the staff's duplicate hint
    // and the subject's consent receipts; a marketing opt-out is stored
    // sealed too.
    let (status, list) = app.get_json("/api/v1/requests", Some(&token)).await;
    assert_eq!(status, 200);
    assert_eq!(list["requests"].as_array().map(Vec::len), Some(1), "{list}");
    let (second, _) = app
        .verified_request(serde_json::json!({
            "org": "demo", "kind": "rectification", "email": SUBJECT,
            "details": {"inaccurate": "Name: Kari", "correction": "Name: Kari H."}
        }))
        .await;
    let case = app
        .service
        .console
        .case(&agent, "demo", &Reference::parse(&second).unwrap())
        .await
        .unwrap();
    assert_eq!(case.email, SUBJECT, "staff read the address as written");
    assert_eq!(case.duplicates, vec![reference.clone()]);
    let (_, opt_out_token) = app
        .verified_request(serde_json::json!({
            "org": "demo", "kind": "marketing_opt_out", "email": SUBJECT, "details": {}
        }))
        .await;
    let (status, list) = app.get_json("/api/v1/requests", Some(&opt_out_token)).await;
    assert_eq!(status, 200);
    assert_eq!(list["requests"].as_array().map(Vec::len), Some(3), "{list}");
    assert_eq!(app.count("opt_outs").await, 1);
    let subject = app.service.sessions.subject_of(&demo(), SUBJECT);
    assert!(app.service.consents.honour_gpc(&subject).await.unwrap());
    assert!(
        !app.service.consents.honour_gpc(&subject).await.unwrap(),
        "the earlier receipt is found by the address: nothing new to record"
    );
    let receipts = app
        .service
        .consents
        .consent_receipts(&subject)
        .await
        .unwrap();
    // The opt-out's two (every marketing channel) and the signal's.
    assert_eq!(receipts.len(), 3);
    assert!(receipts.iter().all(|r| r.subject == SUBJECT));
    let stranger = app
        .service
        .sessions
        .subject_of(&demo(), "someone.else@example.no");
    assert!(app
        .service
        .consents
        .consent_receipts(&stranger)
        .await
        .unwrap()
        .is_empty());

    // At rest: none of it in clear.
    let secrets = [ANSWER, CORRECTION, QUESTION, REPLY, SUBJECT];
    if on_postgres() {
        let stored: Vec<(Option<String>,)> = sqlx::query_as(
            "SELECT details FROM requests UNION ALL SELECT outcome FROM requests
             UNION ALL SELECT body FROM request_messages UNION ALL SELECT note FROM request_events
             UNION ALL SELECT email FROM requests UNION ALL SELECT email FROM subject_sessions
             UNION ALL SELECT email FROM opt_outs UNION ALL SELECT email FROM consent_receipts",
        )
        .fetch_all(&app.db)
        .await
        .unwrap();
        let text: String = stored.into_iter().filter_map(|(v,)| v).collect();
        for secret in secrets {
            assert!(!text.contains(secret), "{secret} stored in clear");
        }
    } else {
        // The file a backup would copy, with its write-ahead log.
        let mut bytes = Vec::new();
        for name in ["portal.db", "portal.db-wal"] {
            if let Ok(file) = std::fs::read(app.data_dir().join(name)) {
                bytes.extend(file);
            }
        }
        assert!(bytes.len() > 10_000, "the database was read");
        assert!(
            bytes.windows(22).any(|w| w == b"agent@fjordlys.example"),
            "staff addresses are user names and stay in clear, so this search would find text"
        );
        for secret in secrets {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} stored in clear"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_key_is_rotated_without_losing_anything() {
    let app = spawn_app().await;
    let (reference, token) = app
        .verified_request(serde_json::json!({
            "org": "demo", "kind": "rectification", "email": "kari@example.no",
            "details": {"inaccurate": format!("Lives at {ANSWER}"), "correction": format!("Lives at {CORRECTION}")}
        }))
        .await;
    let path = format!("/api/v1/requests/{reference}");
    let readable = |body: &serde_json::Value| body.to_string().contains(CORRECTION);
    // The first key was generated into the data folder.
    let old = std::fs::read_to_string(app.data_dir().join("data.key")).unwrap();
    let old_key = portal::config::parse_secret(&old).unwrap();
    let new_key = [42_u8; 32];

    // The new key in use, the old one still read.
    let app = app
        .restart_with(|s| {
            s.data_key = Some(new_key);
            s.previous_data_keys = vec![old_key];
        })
        .await;
    let (status, body) = app.get_json(&path, Some(&token)).await;
    assert!(status == 200 && readable(&body), "{body}");

    // The operator's command rewrites what the old key sealed.
    let reseal = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["data", "reseal"])
            .env("DATABASE_URL", &app.database_url)
            .env("PORTAL_DATA_DIR", app.data_dir())
            .env("PORTAL_CONTENT_DIR", app.content_dir())
            .env("PORTAL_DATA_KEY", hex::encode(new_key))
            .env("PORTAL_DATA_KEYS_PREVIOUS", old.trim())
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let first = reseal();
    let said = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(
        first.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let count: u64 = said.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert_eq!(
        count, 3,
        "the request's answers and address, and its session's address: {said}"
    );
    assert!(
        String::from_utf8_lossy(&reseal().stdout).starts_with("resealed 0 values"),
        "a second run finds nothing left"
    );

    // The old key dropped: everything still reads.
    let app = app.restart_with(|s| s.previous_data_keys.clear()).await;
    let (status, body) = app.get_json(&path, Some(&token)).await;
    assert!(status == 200 && readable(&body), "{body}");
}

/// A database written before addresses were sealed: the server seals and
/// indexes them when it starts, and the subject still finds everything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn addresses_written_before_sealing_are_sealed_at_start_up() {
    let app = spawn_app().await;
    // What a server of schema 18 wrote: addresses in clear, no index.
    sqlx::query(
        "INSERT INTO requests (reference, org, kind, email, language, details, status,
                               tracking_key_hash, created_at, updated_at, due_date, verified_at)
         VALUES ('PR-AGED-0001', 'demo', 'access', 'old@example.no', 'nb', '{}', 'received',
                 'legacy-hash', 1700000000, 1700000000, '2023-12-14', 1700000000)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO opt_outs (org, email, kind, purpose, request_id, at)
         SELECT 'demo', 'old@example.no', 'marketing_opt_out', NULL, id, 1700000000
         FROM requests WHERE reference = 'PR-AGED-0001'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    // Anonymised by a retention purge before the upgrade: no address.
    sqlx::query(
        "INSERT INTO requests (reference, org, kind, email, language, details, status,
                               tracking_key_hash, created_at, updated_at, anonymised_at)
         VALUES ('PR-AGED-0002', 'demo', 'access', '', 'nb', '{}', 'completed',
                 'legacy-hash-2', 1600000000, 1600000000, 1700000000)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO consent_receipts (org, email, purpose, decision, method, notice_version, at)
         VALUES ('demo', 'old@example.no', 'marketing', 'withdrawn', 'form', '2023-01-01', 1700000000)",
    )
    .execute(&app.db)
    .await
    .unwrap();

    let app = app.restart_with(|_| {}).await;
    let (email, index): (String, Option<String>) =
        sqlx::query_as("SELECT email, email_index FROM requests WHERE reference = 'PR-AGED-0002'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (email.as_str(), index.as_deref()),
        ("", Some("")),
        "nothing to seal, found by nothing"
    );
    assert_eq!(
        app.service.upkeep.seal_emails().await.unwrap(),
        0,
        "once is enough"
    );
    for (table, bound) in [
        ("requests", "reference"),
        ("opt_outs", "org"),
        ("consent_receipts", "org"),
    ] {
        let rows: Vec<(String, Option<String>, String)> = sqlx::query_as(&format!(
            "SELECT email, email_index, {bound} FROM {table} WHERE email <> ''"
        ))
        .fetch_all(&app.db)
        .await
        .unwrap();
        assert_eq!(rows.len(), 1, "{table}");
        let (email, index, bound) = &rows[0];
        assert!(!email.contains("old@example.no"), "{table}: {email}");
        let row = match table {
            "requests" => portal::sealing::Row::Request(bound),
            _ => portal::sealing::Row::Subject {
                org: bound,
                index: index.as_deref().unwrap_or_default(),
            },
        };
        assert_eq!(
            app.open(portal::sealing::Column::Email, row, email),
            "old@example.no"
        );
        assert!(index.as_deref().is_some_and(|i| i.len() == 64), "{table}");
    }

    // The subject signs in with a new request and finds the old one too.
    let (_, token) = app.verified_subject("old@example.no").await;
    let (status, list) = app.get_json("/api/v1/requests", Some(&token)).await;
    assert_eq!(status, 200);
    let references: Vec<&str> = list["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["reference"].as_str())
        .collect();
    assert!(references.contains(&"PR-AGED-0001"), "{list}");
    assert_eq!(references.len(), 2, "{list}");
}
