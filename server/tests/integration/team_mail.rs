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
