//! A subject who has not confirmed a request a day after making it is
//! reminded once, in their language, with their tracking link (where they
//! ask for a new code) and the day it closes by itself; confirmed and fresh
//! requests are not.

use crate::harness::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subject_who_has_not_confirmed_after_a_day_is_reminded_once() {
    let app = spawn_app().await;
    let kari = app.submit_access("kari@example.no").await;
    let ola = app
        .submit(serde_json::json!({
            "org": "demo", "kind": "access", "email": "ola@example.no", "language": "nb",
        }))
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let (confirmed, _) = app.verified_subject("per@example.no").await;
    let fresh = app.submit_access("fresh@example.no").await;
    // A day and a bit goes by for all but the fresh one.
    sqlx::query(
        "UPDATE requests SET created_at = created_at - 90000 WHERE reference IN ($1, $2, $3)",
    )
    .bind(&kari)
    .bind(&ola)
    .bind(&confirmed)
    .execute(&app.db)
    .await
    .unwrap();
    let before = app.mail_count().await;
    assert_eq!(app.service.upkeep.remind_unverified().await.unwrap(), 2);
    let mails: Vec<_> = app.mails().await.into_iter().skip(before).collect();
    assert_eq!(
        mails.len(),
        2,
        "kari and ola, not the confirmed or the fresh request"
    );
    let to_kari = mails.iter().find(|m| m.to == "kari@example.no").unwrap();
    assert!(
        to_kari.subject.contains(&kari)
            && to_kari.subject.contains("waiting for your confirmation")
    );
    assert!(to_kari.body.contains("access to your data") && to_kari.body.contains("only reminder"));
    let to_ola = mails.iter().find(|m| m.to == "ola@example.no").unwrap();
    assert!(
        to_ola.subject.contains("venter på bekreftelse"),
        "{}",
        to_ola.subject
    );
    assert!(mails
        .iter()
        .all(|m| !m.body.contains(&fresh) && !m.to.contains("per@")));

    // The link is the personal one: it opens the summary and the form for a new code.
    let link = to_kari.link_containing("?key=");
    let path = &link[link.find("/o/").unwrap()..];
    let (status, page) = app.page(path, None).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Send me a new code") && page.contains("Get a copy of my data"),
        "the summary, shown to the link's holder: {page}"
    );

    // Once only.
    assert_eq!(app.service.upkeep.remind_unverified().await.unwrap(), 0);
    assert_eq!(app.mail_count().await, before + 2);
}
