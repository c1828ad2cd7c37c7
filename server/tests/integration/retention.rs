//! The retention purge: a closed request keeps its subject's data for its
//! organisation's retention period, then only its bare record remains.

use crate::harness::spawn_app_with_org;

async fn row(
    app: &crate::harness::TestApp,
    reference: &str,
) -> (String, String, Option<String>, Option<i64>) {
    sqlx::query_as(
        "SELECT email, details, outcome, anonymised_at FROM requests WHERE reference = $1",
    )
    .bind(reference)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn count(app: &crate::harness::TestApp, table: &str, reference: &str) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {table} t JOIN requests r ON r.id = t.request_id WHERE r.reference = $1"
    ))
    .bind(reference)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_requests_past_retention_are_anonymised_and_nothing_else() {
    let app = spawn_app_with_org(
        "brief",
        "name = \"Brief AS\"\ncontact_email = \"privacy@brief.example\"\nretention_days = 30\n",
    )
    .await;
    let request = |email: &str| {
        serde_json::json!({"org": "brief", "kind": "rectification", "email": email,
                           "details": {"inaccurate": "Address: Kaigata 12", "correction": "Address: Storgata 1"}})
    };
    let (old, _) = app.verified_request(request("kari@example.no")).await;
    let (recent, _) = app.verified_request(request("kari@example.no")).await;
    let (open, _) = app.verified_request(request("ola@example.no")).await;
    let day = 86_400;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    for (reference, status, closed_days_ago) in [
        (&old, "completed", 31),
        (&recent, "completed", 29),
        (&open, "in_progress", 400),
    ] {
        sqlx::query(
            "UPDATE requests SET status = $1, updated_at = $2, outcome = '{\"response\":\"Changed as asked, Kari.\"}' WHERE reference = $3",
        )
        .bind(status)
        .bind(now - closed_days_ago * day)
        .bind(reference)
        .execute(&app.db)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO request_messages (request_id, at, author, body)
             SELECT id, $1, 'subject', 'My new address is Storgata 1' FROM requests WHERE reference = $2",
        )
        .bind(now)
        .bind(reference)
        .execute(&app.db)
        .await
        .unwrap();
    }

    assert_eq!(app.service.upkeep.purge_retention().await.unwrap(), 1);
    let (email, details, outcome, anonymised) = row(&app, &old).await;
    assert_eq!(
        (email.as_str(), details.as_str(), outcome),
        ("", "{}", None)
    );
    assert!(anonymised.is_some());
    // Nothing for a key rotation to seal again.
    app.service.upkeep.reseal().await.unwrap();
    assert_eq!(
        row(&app, &old).await.0,
        "",
        "still no address after a reseal"
    );
    // Nobody to send a code to: the same quiet answer as for an unknown reference.
    let mails = app.mail_count().await;
    let resend = app.resend(&old).await;
    assert_eq!(resend.status(), 202);
    assert_eq!(count(&app, "verification_codes", &old).await, 0);
    assert_eq!(app.mail_count().await, mails);
    assert_eq!(count(&app, "request_messages", &old).await, 0);
    assert!(
        count(&app, "request_events", &old).await > 0,
        "its history stays"
    );
    let (status,): (String,) = sqlx::query_as("SELECT status FROM requests WHERE reference = $1")
        .bind(&old)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        status, "completed",
        "the bare record stays for the statistics"
    );

    // Closed too recently, or not closed at all: untouched.
    for reference in [&recent, &open] {
        let (email, details, outcome, anonymised) = row(&app, reference).await;
        let bound = portal::sealing::Row::Request(reference);
        let details = app.open(portal::sealing::Column::RequestDetails, bound, &details);
        let email = app.open(portal::sealing::Column::Email, bound, &email);
        assert!(email.ends_with("@example.no") && details.contains("Storgata"));
        assert!(outcome.is_some() && anonymised.is_none());
        assert_eq!(count(&app, "request_messages", reference).await, 1);
    }

    // Recorded, the chain intact, and a second sweep finds nothing to do.
    let (actions,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'request.anonymised' AND target = $1",
    )
    .bind(&old)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(actions, 1);
    assert!(matches!(
        app.audit_verdict().await,
        portal::audit::Verdict::Intact { .. }
    ));
    assert_eq!(app.service.upkeep.purge_retention().await.unwrap(), 0);
}

/// An organisation taken out of the content folder: nobody reaches its
/// requests any more, and its closed ones are purged after the default
/// period (three years) instead of being kept for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_requests_of_a_removed_organisation_are_purged_after_the_default_period() {
    let app = spawn_app_with_org(
        "gone",
        "name = \"Gone AS\"\ncontact_email = \"privacy@gone.example\"\n",
    )
    .await;
    let request =
        |email: &str| serde_json::json!({"org": "gone", "kind": "access", "email": email});
    let (old, _) = app.verified_request(request("kari@example.no")).await;
    let (younger, _) = app.verified_request(request("ola@example.no")).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    for (reference, closed_days_ago) in [(&old, 1096), (&younger, 1000)] {
        sqlx::query(
            "UPDATE requests SET status = 'completed', updated_at = $1 WHERE reference = $2",
        )
        .bind(now - closed_days_ago * 86_400)
        .bind(reference)
        .execute(&app.db)
        .await
        .unwrap();
    }

    std::fs::remove_dir_all(app.content_dir().join("orgs/gone")).unwrap();
    let app = app.restart_with(|_| {}).await;
    assert_eq!(
        app.page("/o/gone", None).await.0,
        404,
        "the organisation is gone"
    );
    // The sweep also runs when the server starts: whichever comes first
    // anonymises it, the other finds it done.
    app.service.upkeep.purge_retention().await.unwrap();
    let (email, _, _, anonymised) = row(&app, &old).await;
    assert_eq!(email, "");
    assert!(anonymised.is_some());
    let (email, _, _, anonymised) = row(&app, &younger).await;
    assert_eq!(
        app.open(
            portal::sealing::Column::Email,
            portal::sealing::Row::Request(&younger),
            &email
        ),
        "ola@example.no"
    );
    assert!(anonymised.is_none());
    let (retention,): (String,) = sqlx::query_as(
        "SELECT detail FROM audit_log WHERE action = 'request.anonymised' AND target = $1",
    )
    .bind(&old)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(retention.contains("\"retention_days\":1095"), "{retention}");
}
