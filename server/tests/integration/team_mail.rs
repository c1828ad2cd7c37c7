//! Staff are told: a new verified request mails the team, the subject's
//! reply mails the assignee (the team while nobody is), an assignment
//! mails the colleague; each is on by default and switched per member on
//! their account page. No staff mail carries the subject's data.

use crate::harness::{location, spawn_app, Mail, TestApp};
use crate::lifecycle::enrolled_agent;
use domain::{Reference, Role, StaffAction};

/// The mails to `to` that arrived after the first `from`.
async fn mails_to(app: &TestApp, from: usize, to: &str) -> Vec<Mail> {
    app.mails()
        .await
        .into_iter()
        .skip(from)
        .filter(|mail| mail.to == to)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_are_mailed_what_concerns_them_and_never_the_subjects_data() {
    let app = spawn_app().await;
    let agent = enrolled_agent(&app, "agent@fjordlys.example").await;
    let colleague = enrolled_agent(&app, "colleague@fjordlys.example").await;
    let start = app.mail_count().await;

    // A new request, once its subject confirms it: both agents hear of it.
    let (reference, _) = app
        .verified_request(serde_json::json!({
            "org": "demo", "kind": "erasure", "email": "kari@example.no",
            "details": {"erasure_scope": "specific", "description": "The loyalty card account, card 4711"}
        }))
        .await;
    for to in ["agent@fjordlys.example", "colleague@fjordlys.example"] {
        let news = mails_to(&app, start, to).await;
        assert_eq!(news.len(), 1, "{to}: one mail");
        let mail = &news[0];
        assert!(
            mail.subject.contains(&reference) && mail.subject.contains("Erasure (Art. 17)"),
            "{}",
            mail.subject
        );
        assert!(
            mail.body
                .contains(&format!("/console/o/demo/requests/{reference}")),
            "{}",
            mail.body
        );
        assert!(
            !mail.body.contains("kari@example.no") && !mail.body.contains("4711"),
            "no subject data: {}",
            mail.body
        );
    }

    // The agent assigns it to the colleague: the colleague is told, the agent not.
    let r = Reference::parse(&reference).unwrap();
    let before = app.mail_count().await;
    app.service
        .cases
        .staff_act(
            &agent,
            "demo",
            &r,
            StaffAction::Assign {
                to: colleague.id,
                note: None,
            },
        )
        .await
        .unwrap();
    let assigned = mails_to(&app, before, "colleague@fjordlys.example").await;
    assert_eq!(assigned.len(), 1);
    assert!(assigned[0].subject.contains("assigned to you"));
    assert!(mails_to(&app, before, "agent@fjordlys.example")
        .await
        .is_empty());

    // The subject writes: the assignee is told, with a link to the conversation.
    let subject = app
        .service
        .sessions
        .subject_of(&crate::harness::demo(), "kari@example.no");
    let before = app.mail_count().await;
    app.service
        .cases
        .subject_reply(&subject, &r, "Also the newsletter address, please")
        .await
        .unwrap();
    let wrote = mails_to(&app, before, "colleague@fjordlys.example").await;
    assert_eq!(wrote.len(), 1);
    assert!(
        wrote[0].body.contains("#conversation-heading") && !wrote[0].body.contains("newsletter")
    );
    assert!(
        mails_to(&app, before, "agent@fjordlys.example")
            .await
            .is_empty(),
        "not the assignee"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_turns_a_kind_of_mail_off_on_their_account_page() {
    let app = spawn_app().await;
    let mut member = app
        .staff("admin@other.example", "other", Role::Admin, false)
        .await;
    let cookie = app.staff_cookie(&mut member).await;
    let (status, page) = app.page("/console/account", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Requests to Other Org AS") && page.contains(r#"name="new_request""#),
        "{page}"
    );
    // Unticking "new request" (the form sends only the ticked boxes).
    let saved = app
        .post_form(
            "/_sfn/console/save_mail_settings",
            &cookie,
            &[
                ("org", "other"),
                ("subject_wrote", "on"),
                ("assigned", "on"),
            ],
        )
        .await;
    assert_eq!(location(&saved), "/console/account?done=mail");
    let start = app.mail_count().await;
    let (_, _) = app
        .verified_request(
            serde_json::json!({"org": "other", "kind": "access", "email": "ola@example.no"}),
        )
        .await;
    assert!(
        mails_to(&app, start, "admin@other.example")
            .await
            .is_empty(),
        "turned off"
    );
    // Another organisation's settings are not theirs to change.
    let refused = app
        .call(
            "/_sfn/console/save_mail_settings",
            Some(&cookie),
            &[("org", "demo")],
        )
        .await;
    assert_eq!(refused, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_names_kinds_and_statuses_as_staff_do() {
    let app = spawn_app().await;
    let agent = enrolled_agent(&app, "agent@fjordlys.example").await;
    let (reference, _) = app.verified_subject("kari@example.no").await;
    let r = Reference::parse(&reference).unwrap();
    // Asking is for a request in progress.
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
                question: "Which account?".into(),
            },
        )
        .await
        .unwrap();
    let mut admin = app
        .staff("admin@fjordlys.example", "demo", Role::Admin, true)
        .await;
    let cookie = app.staff_cookie(&mut admin).await;
    let (_, queue) = app.page("/console?status=all", Some(&cookie)).await;
    assert!(
        queue.contains("Access (Art. 15)") && queue.contains("Waiting for the subject"),
        "{queue}"
    );
    assert!(!queue.contains("Waiting for your answer") && !queue.contains("Get a copy of my data"));
    let (_, case) = app
        .page(
            &format!("/console/o/demo/requests/{reference}"),
            Some(&cookie),
        )
        .await;
    assert!(case.contains("Access (Art. 15)") && case.contains("Waiting for the subject"));
}

/// 2026-12-10 and 2026-12-11 at `hh:30` UTC, as seconds: Auckland is UTC+13
/// in December, so 20:30 UTC on the 10th is 09:30 on the 11th there.
fn utc(day: u8, hour: u8) -> i64 {
    time::Date::from_calendar_date(2026, time::Month::December, day)
        .unwrap()
        .with_hms(hour, 30, 0)
        .unwrap()
        .assume_utc()
        .unix_timestamp()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_digest_names_what_is_due_at_the_members_hour_and_is_silent_otherwise() {
    let app = spawn_app().await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let mut quiet = app
        .staff("quiet@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let quiet_cookie = app.staff_cookie(&mut quiet).await;
    app.staff("admin@other.example", "other", Role::Admin, false)
        .await;

    // The agent's day is Auckland's, the digest at nine; a zone that does
    // not exist is a field error and changes nothing.
    let (_, page) = app.page("/console/account", Some(&cookie)).await;
    assert!(
        page.contains(r#"name="digest""#) && page.contains(r#"<option value="Europe/Oslo">"#),
        "the digest's box and the zones: {page}"
    );
    let refused = app
        .call(
            "/_sfn/console/save_digest_time",
            Some(&cookie),
            &[("time_zone", "Mars/Olympus"), ("hour", "9")],
        )
        .await;
    assert_eq!(refused, 422);
    let refused = app
        .call(
            "/_sfn/console/save_digest_time",
            Some(&cookie),
            &[("time_zone", "Pacific/Auckland"), ("hour", "24")],
        )
        .await;
    assert!((400..500).contains(&refused), "{refused}");
    let saved = app
        .post_form(
            "/_sfn/console/save_digest_time",
            &cookie,
            &[("time_zone", "Pacific/Auckland"), ("hour", "9")],
        )
        .await;
    assert_eq!(location(&saved), "/console/account?done=digest");
    let (_, page) = app.page("/console/account", Some(&cookie)).await;
    assert!(
        page.contains(r#"value="Pacific/Auckland""#)
            && page.contains(r#"<option value="9" selected"#),
        "{page}"
    );
    // The colleague turns the digest off (the form sends the ticked boxes).
    let off = app
        .post_form(
            "/_sfn/console/save_mail_settings",
            &quiet_cookie,
            &[
                ("org", "demo"),
                ("new_request", "on"),
                ("subject_wrote", "on"),
                ("assigned", "on"),
            ],
        )
        .await;
    assert_eq!(location(&off), "/console/account?done=mail");

    let (overdue, _) = app.verified_subject("kari@example.no").await;
    let (soon, _) = app.verified_subject("ola@example.no").await;
    let (later, _) = app.verified_subject("per@example.no").await;
    let (closed, _) = app.verified_subject("liv@example.no").await;
    let start = app.mail_count().await;

    // 10 December in Auckland: every deadline is weeks away. Nothing to say.
    app.service
        .upkeep
        .send_digests_at(utc(9, 20))
        .await
        .unwrap();
    assert!(mails_to(&app, start, "agent@fjordlys.example")
        .await
        .is_empty());

    for (reference, due) in [
        (&overdue, "2026-12-09"),
        (&soon, "2026-12-14"),
        (&later, "2027-01-20"),
        (&closed, "2026-12-01"),
    ] {
        sqlx::query("UPDATE requests SET due_date = $1 WHERE reference = $2")
            .bind(due)
            .bind(reference)
            .execute(&app.db)
            .await
            .unwrap();
    }
    sqlx::query("UPDATE requests SET status = 'completed' WHERE reference = $1")
        .bind(&closed)
        .execute(&app.db)
        .await
        .unwrap();

    // 08:30 on the 11th in Auckland: before the agent's hour.
    app.service
        .upkeep
        .send_digests_at(utc(10, 19))
        .await
        .unwrap();
    assert!(mails_to(&app, start, "agent@fjordlys.example")
        .await
        .is_empty());
    // 09:30: the digest, once, however often the sweep runs that day.
    app.service
        .upkeep
        .send_digests_at(utc(10, 20))
        .await
        .unwrap();
    app.service
        .upkeep
        .send_digests_at(utc(10, 21))
        .await
        .unwrap();
    let digests = mails_to(&app, start, "agent@fjordlys.example").await;
    assert_eq!(digests.len(), 1, "one digest");
    let digest = &digests[0];
    assert!(
        digest.subject.contains("1 overdue") && digest.subject.contains("1 due within 7 days"),
        "{}",
        digest.subject
    );
    let body = &digest.body;
    assert!(
        body.contains(&overdue) && body.contains("due 2026-12-09, 2 days ago"),
        "{body}"
    );
    assert!(
        body.contains(&soon) && body.contains("due 2026-12-14, in 3 days"),
        "{body}"
    );
    assert!(
        body.contains("Access (Art. 15)") && body.contains("assigned to nobody"),
        "{body}"
    );
    assert!(
        body.contains(&format!("/console/o/demo/requests/{soon}")),
        "{body}"
    );
    assert!(
        !body.contains(&later) && !body.contains(&closed),
        "only what is due within a week and still open: {body}"
    );
    assert!(
        !body.contains("kari@") && !body.contains("ola@"),
        "no subject data: {body}"
    );
    assert!(
        body.find("Overdue:").unwrap() < body.find(&overdue).unwrap()
            && body.find(&overdue).unwrap() < body.find("Due within 7 days:").unwrap()
    );

    // The colleague who turned it off, and another organisation's admin,
    // hear nothing of it (the admin's UTC 08:00 has long passed).
    assert!(mails_to(&app, start, "quiet@fjordlys.example")
        .await
        .is_empty());
    assert!(mails_to(&app, start, "admin@other.example")
        .await
        .is_empty());
}
