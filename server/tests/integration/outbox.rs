//! Nothing the portal sends is lost: with the mail server away, a
//! submission, a status change and a mail to staff are all accepted, the
//! subject's page says truthfully that the code has not gone yet, `/metrics`
//! counts what waits, and once the server is back every mail arrives, once.
//! The same with the server killed (SIGKILL) after the commit and before
//! the send.

use crate::harness::{
    fresh_postgres_database, on_postgres, server_process, shipped_content, spawn_app_configured,
    SmtpSink, TestApp,
};
use crate::lifecycle::enrolled_agent;
use domain::{Reference, Role, StaffAction};
use portal::service::Backoff;
use std::collections::HashMap;
use std::time::Duration;

/// Retries a second apart, so that an outage of seconds sees several.
fn quick_retries() -> Backoff {
    Backoff {
        first_secs: 1,
        max_secs: 1,
        give_up_after_secs: 3600,
        lease_secs: 5,
    }
}

async fn metric(app: &TestApp, series: &str) -> f64 {
    let (_, text) = crate::metrics::scrape(app, None).await;
    crate::metrics::sample(&text, series).unwrap_or_else(|| panic!("no {series} in /metrics"))
}

/// Waits until `done` holds, for up to `seconds`.
async fn eventually(seconds: u64, mut done: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..seconds * 10 {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_written_while_the_mail_server_is_away_arrives_once_when_it_is_back() {
    let app = spawn_app_configured(|s| s.mail_retry = quick_retries()).await;
    let agent = enrolled_agent(&app, "agent@fjordlys.example").await;
    let (verified, _) = app.verified_subject("ola@example.no").await;
    let before = app.mail_count().await;

    app.mail.stop();
    // A submission: accepted, its code mail waiting.
    let reference = app.submit_access("kari@example.no").await;
    // A status change: the subject is told by mail.
    app.service
        .cases
        .staff_act(
            &agent,
            "demo",
            &Reference::parse(&verified).unwrap(),
            StaffAction::Start,
        )
        .await
        .unwrap();
    // A mail to staff: a password reset link.
    let forgot = app
        .call(
            "/_sfn/console/forgot_password",
            None,
            &[("email", "agent@fjordlys.example")],
        )
        .await;
    assert!(forgot < 400, "{forgot}");

    // The page that would have said "we have sent a code" says it has not gone.
    let page = format!("/o/demo/requests/{reference}?sent=1");
    let delayed = eventually(10, async || {
        let (_, body) = app.page(&page, None).await;
        body.contains("has not gone out yet")
    })
    .await;
    assert!(delayed, "the page tells of the held-up code mail");
    assert!(!app.page(&page, None).await.1.contains("We have sent"));
    assert!(metric(&app, "portal_outbox_unsent").await >= 3.0);
    assert!(metric(&app, "portal_outbox_oldest_unsent_seconds").await >= 0.0);
    // Several tries while the server is away, each recorded.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(app.mail.count(), before, "nothing got through");
    let retries: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox_attempts WHERE outcome = 'retry'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(retries >= 3, "{retries} failed tries recorded");
    let (error,): (Option<String>,) =
        sqlx::query_as("SELECT last_error FROM outbox WHERE status = 'queued' ORDER BY id LIMIT 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(error.is_some_and(|e| !e.contains("kari@example.no")));

    app.mail.restart().await;
    let arrived = app.mail.wait_for(before + 3).await;
    assert!(!arrived.to.is_empty());
    // Give any second copy every chance to arrive.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mails = app.mail.all();
    let new = &mails[before..];
    assert_eq!(
        new.len(),
        3,
        "each mail once: {:?}",
        new.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    let to: HashMap<&str, usize> = new.iter().fold(HashMap::new(), |mut seen, mail| {
        *seen.entry(mail.to.as_str()).or_default() += 1;
        seen
    });
    assert_eq!(to.get("kari@example.no"), Some(&1), "the code mail");
    assert_eq!(to.get("ola@example.no"), Some(&1), "the status mail");
    assert_eq!(to.get("agent@fjordlys.example"), Some(&1), "the staff mail");
    assert!(new.iter().all(|m| !m.message_id.is_empty()));
    // The code still works, and the page now says the mail went.
    let code_mail = new.iter().find(|m| m.to == "kari@example.no").unwrap();
    assert!(app.page(&page, None).await.1.contains("We have sent"));
    assert_eq!(metric(&app, "portal_outbox_unsent").await, 0.0);
    assert_eq!(
        app.verify(&reference, &code_mail.code()).await.status(),
        200
    );
    // What was sent is no longer kept.
    let kept: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE sealed IS NOT NULL AND status = 'sent'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(kept, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_refused_for_good_is_given_up_at_once_and_the_page_says_so() {
    let app = spawn_app_configured(|s| s.mail_retry = quick_retries()).await;
    let reference = app.submit_access("bounce@example.no").await;
    let page = format!("/o/demo/requests/{reference}");
    let given_up = eventually(10, async || {
        app.page(&page, None).await.1.contains("could not deliver")
    })
    .await;
    assert!(given_up, "the page says the code mail was not delivered");
    assert_eq!(metric(&app, "portal_outbox_failed").await, 1.0);
    // One try: a 5xx is not retried. What admins read of it names no one.
    let (attempts, error, sealed): (i64, Option<String>, Option<String>) =
        sqlx::query_as("SELECT attempts, last_error, sealed FROM outbox")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    let error = error.unwrap();
    assert!(
        error.contains("no such mailbox") && !error.contains("bounce@"),
        "{error}"
    );
    assert!(sealed.is_none(), "a given-up mail is not kept");
    assert_eq!(app.mail.count(), 0);

    // The organisation's admins see it in the console, with the server's
    // answer and never the address; agents and other organisations do not.
    let mut admin = app
        .staff("admin@fjordlys.example", "demo", Role::Admin, true)
        .await;
    let cookie = app.staff_cookie(&mut admin).await;
    let (status, page) = app.page("/console/mail", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&reference) && page.contains("Given up") && page.contains("no such mailbox"),
        "{page}"
    );
    assert!(!page.contains("bounce@example.no"));
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    assert_eq!(app.page("/console/mail", Some(&cookie)).await.0, 403);
    let mut stranger = app
        .staff("admin@other.example", "other", Role::Admin, false)
        .await;
    let cookie = app.staff_cookie(&mut stranger).await;
    let (status, page) = app.page("/console/mail", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(!page.contains(&reference) && page.contains("All mail has been delivered"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_committed_before_a_sigkill_is_sent_once_by_the_next_server() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = if on_postgres() {
        fresh_postgres_database().await
    } else {
        format!("sqlite://{}/portal.db", dir.path().display())
    };
    let (mail, smtp_port) = SmtpSink::start().await;
    // The mail server is away: the commit happens, the send cannot.
    mail.stop();
    let client = reqwest::Client::new();
    let (mut server, base) =
        server_process(&database_url, dir.path(), &shipped_content(), smtp_port);
    let mut references = Vec::new();
    for n in 0..5 {
        let response = client
            .post(format!("{base}/api/v1/requests"))
            .json(&serde_json::json!({"org": "demo", "kind": "access", "email": format!("killed{n}@example.no")}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        references.push(response.json::<serde_json::Value>().await.unwrap()["reference"].clone());
    }
    // Killed once every mail is committed and has been tried (so that none
    // is held by a dead worker's lease, which would only make this wait).
    let db = crate::harness::connect_db(&database_url).await;
    let tried = eventually(10, async || {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE status = 'queued' AND attempts > 0",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        waiting == 5
    })
    .await;
    assert!(tried);
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(mail.count(), 0);

    mail.restart().await;
    let (mut server, _) = server_process(&database_url, dir.path(), &shipped_content(), smtp_port);
    // The first retry is due 15 s after the failed try (the default schedule).
    mail.wait_for_within(5, Duration::from_secs(40)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut to: Vec<String> = mail.all().into_iter().map(|m| m.to).collect();
    to.sort();
    let expected: Vec<String> = (0..5).map(|n| format!("killed{n}@example.no")).collect();
    assert_eq!(to, expected, "every code mail, once");
    server.kill().unwrap();
    server.wait().unwrap();
}

/// Per organisation: its own sender and Reply-To, and its own template
/// where it has one, in that language; the shared ones otherwise.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_mails_from_its_own_address_with_its_own_templates() {
    let app = crate::harness::spawn_app_with_org(
        "own",
        "name = \"Own AS\"\ncontact_email = \"privacy@own.example\"\n\n[mail]\nfrom = \"Own AS personvern <personvern@own.example>\"\nreply_to = \"dpo@own.example\"\n",
    )
    .await;
    // Its own English code mail (templates are read when first used).
    let folder = app.content_dir().join("orgs/own/mail/en");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("verification.txt"),
        "{% import \"en/strings.j2\" as s %}Subject: {{ code }} from Own AS for {{ reference }}\n\nOwn words. Your code is {{ code }}.\n",
    )
    .unwrap();
    let before = app.mail_count().await;
    let submitted = app
        .submit(serde_json::json!({"org": "own", "kind": "access", "email": "kari@example.no"}))
        .await;
    assert_eq!(submitted.status(), 201);
    let mail = app.mail.wait_for(before + 1).await;
    assert!(
        mail.subject.contains(" from Own AS for PR-"),
        "its own English template: {}",
        mail.subject
    );
    assert!(mail.body.starts_with("Own words."), "{}", mail.body);
    assert_eq!(mail.from, "personvern@own.example");
    assert_eq!(mail.reply_to.as_deref(), Some("dpo@own.example"));
    mail.code();
    // In Norwegian it has none of its own: the shared one, still from its address.
    let submitted = app
        .submit(serde_json::json!({"org": "own", "kind": "access", "email": "ola@example.no", "language": "nb"}))
        .await;
    assert_eq!(submitted.status(), 201);
    let mail = app.mail.wait_for(before + 2).await;
    assert!(!mail.body.contains("Own words."));
    assert!(
        mail.subject.contains("koden"),
        "the shared Norwegian template: {}",
        mail.subject
    );
    assert_eq!(mail.from, "personvern@own.example");
    // Another organisation's mail is the portal's.
    let submitted = app
        .submit(serde_json::json!({"org": "demo", "kind": "access", "email": "per@example.no"}))
        .await;
    assert_eq!(submitted.status(), 201);
    let mail = app.mail.wait_for(before + 3).await;
    assert_ne!(mail.from, "personvern@own.example");
    assert_eq!(mail.reply_to, None);
}

/// A sender that is not a mailbox stops the start, naming the setting.
#[test]
fn an_organisations_sender_must_be_a_mailbox() {
    let error = portal::content::parse_org_settings(
        "name = \"X\"\ncontact_email = \"a@x.example\"\n[mail]\nfrom = \"not an address\"\n",
    )
    .unwrap_err();
    assert!(format!("{error:#}").contains("[mail] from"), "{error:#}");
}
