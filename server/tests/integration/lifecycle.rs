//! Staff work a request through its lifecycle; the subject answers,
//! follows every step, and can cancel while nothing was carried out.

use crate::harness::{demo, spawn_app, TestApp};
use domain::StaffAction;
use domain::{add_months, one_month_after, AppError, Reference, Role, Status, TransitionError};
use portal::service::{LoginStep, StaffMember};
use time::OffsetDateTime;

/// An agent of `demo` with TOTP enrolled (the demo organisation requires it).
pub(crate) async fn enrolled_agent(app: &TestApp, email: &str) -> StaffMember {
    app.service
        .accounts
        .create_staff(email, "correct horse battery", "demo", Role::Agent)
        .await
        .unwrap();
    let LoginStep::SignedIn(token) = app
        .service
        .accounts
        .staff_login(email, "correct horse battery", &crate::harness::client())
        .await
        .unwrap()
    else {
        panic!("not enrolled yet, so no second factor")
    };
    let secret = app
        .service
        .accounts
        .begin_totp(&app.service.accounts.staff_member(&token).await.unwrap())
        .await
        .unwrap()
        .secret_base32;
    let bytes = totp_rs::Secret::Encoded(secret).to_bytes().unwrap();
    let totp = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        None,
        email.into(),
    )
    .unwrap();
    app.service
        .accounts
        .confirm_totp(
            &app.service.accounts.staff_member(&token).await.unwrap(),
            &totp.generate_current().unwrap(),
            "correct horse battery",
            &crate::harness::client(),
        )
        .await
        .unwrap();
    app.service.accounts.staff_member(&token).await.unwrap()
}

fn refused(result: Result<Status, AppError>) -> TransitionError {
    match result {
        Err(AppError::TransitionRefused { reason }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_works_a_request_and_the_subject_sees_every_step() {
    let app = spawn_app().await;
    let agent = enrolled_agent(&app, "agent@fjordlys.example").await;
    let (reference, token) = app.verified_subject("kari@example.no").await;
    let r = Reference::parse(&reference).unwrap();
    let act = async |action| {
        let transition = app.service.cases.staff_act(&agent, "demo", &r, action);
        transition.await.map(|t| t.state.status)
    };
    let mails_before = app.mail_count().await;

    assert_eq!(
        act(StaffAction::Assign {
            to: agent.id,
            note: None
        })
        .await
        .unwrap(),
        Status::Received
    );
    assert_eq!(act(StaffAction::Start).await.unwrap(), Status::InProgress);
    assert_eq!(
        refused(act(StaffAction::Start).await),
        TransitionError::NotInThisStatus
    );
    let question = "Which delivery address is this about?".to_owned();
    assert_eq!(
        act(StaffAction::AskSubject {
            question: question.clone()
        })
        .await
        .unwrap(),
        Status::AwaitingSubject
    );

    let news = app.mail.wait_for(mails_before + 2).await;
    assert_eq!(news.to, "kari@example.no");
    assert!(
        news.body.contains(&reference) && !news.body.contains(&question),
        "news, never the content"
    );

    let subject = app.service.sessions.subject_of(&demo(), "kari@example.no");
    assert_eq!(
        app.service
            .cases
            .subject_reply(&subject, &r, "Kaigata 12, Bergen")
            .await
            .unwrap(),
        Status::InProgress
    );

    let verified_due = one_month_after(OffsetDateTime::now_utc().date());
    act(StaffAction::Extend {
        months: 2,
        reason: "We must search three archives.".into(),
    })
    .await
    .unwrap();
    assert_eq!(
        refused(
            act(StaffAction::Extend {
                months: 1,
                reason: "More".into()
            })
            .await
        ),
        TransitionError::AlreadyExtended
    );
    assert_eq!(
        act(StaffAction::Complete {
            response: "Your data is attached.".into(),
            outcome: Default::default()
        })
        .await
        .unwrap(),
        Status::Completed
    );
    assert_eq!(
        refused(act(StaffAction::Start).await),
        TransitionError::NotInThisStatus
    );

    let (status, view) = app
        .get_json(&format!("/api/v1/requests/{reference}"), Some(&token))
        .await;
    assert_eq!(status, 200);
    assert_eq!(view["status"], "completed");
    assert_eq!(view["due_date"], add_months(verified_due, 2).to_string());
    let events: Vec<&str> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "submitted",
            "code_sent",
            "verified",
            "assigned",
            "started",
            "asked_subject",
            "subject_answered",
            "extended",
            "completed"
        ]
    );
    let extension = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "extended")
        .unwrap();
    assert_eq!(
        extension["note"], "We must search three archives.",
        "the subject is told why"
    );
    let messages: Vec<(&str, &str)> = view["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["from"].as_str().unwrap(), m["body"].as_str().unwrap()))
        .collect();
    assert_eq!(
        messages,
        [
            ("staff", question.as_str()),
            ("subject", "Kaigata 12, Bergen"),
            ("staff", "Your data is attached.")
        ]
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE actor LIKE 'staff:%' AND target = $1",
    )
    .bind(&reference)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        audited, 5,
        "every staff action is audited: assign, start, ask, extend, complete"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_reach_nothing_outside_their_organisations_and_rejections_need_a_legal_ground() {
    let app = spawn_app().await;
    let agent = enrolled_agent(&app, "agent@fjordlys.example").await;
    // A Norwegian subject: what the portal itself says is in Norwegian.
    let (reference, token) = app
        .verified_request(serde_json::json!({
            "org": "demo", "kind": "access", "email": "ola@example.no", "language": "nb",
        }))
        .await;
    let r = Reference::parse(&reference).unwrap();

    let outsider = StaffMember {
        id: agent.id,
        email: agent.email.clone(),
        roles: vec![(domain::OrgSlug::parse("other").unwrap(), Role::Admin)],
        two_factor: true,
        must_enrol_for: vec![],
        must_enrol: false,
        session_hash: agent.session_hash.clone(),
    };
    assert_eq!(
        app.service
            .cases
            .staff_act(&outsider, "demo", &r, StaffAction::Start)
            .await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        app.service
            .cases
            .staff_act(&outsider, "other", &r, StaffAction::Start)
            .await,
        Err(AppError::NotFound)
    );
    let unknown = Reference::parse("PR-0000-0000").unwrap();
    assert_eq!(
        app.service
            .cases
            .staff_act(&agent, "demo", &unknown, StaffAction::Start)
            .await,
        Err(AppError::NotFound)
    );

    let reject = |reason: &str, ground: &str| StaffAction::Reject {
        reason: reason.into(),
        legal_ground: ground.into(),
    };
    assert_eq!(
        refused(
            app.service
                .cases
                .staff_act(&agent, "demo", &r, reject("Manifestly unfounded", " "))
                .await
                .map(|t| t.state.status)
        ),
        TransitionError::LegalGroundRequired
    );
    // Art. 12(4): the ground is one the GDPR gives for this kind, chosen
    // from its list; free text alone, or another right's ground, is refused.
    for ground in ["GDPR Art. 12(5)(b)", "legal_claims"] {
        let error = app
            .service
            .cases
            .staff_act(&agent, "demo", &r, reject("Unfounded", ground))
            .await
            .unwrap_err();
        assert_eq!(error.field_errors()[0].field, "legal_ground", "{ground}");
    }
    let status = app
        .service
        .cases
        .staff_act(
            &agent,
            "demo",
            &r,
            reject("The same request was answered last week.", "excessive"),
        )
        .await
        .unwrap()
        .state
        .status;
    assert_eq!(status, Status::Rejected);
    let (sealed, bound): (String, String) = sqlx::query_as(
        "SELECT note, r.reference FROM request_events e JOIN requests r ON r.id = e.request_id
         WHERE event = 'rejected'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(!sealed.contains("excessive"), "sealed at rest");
    let note = app.open(
        portal::sealing::Column::EventNote,
        portal::sealing::Row::Request(&bound),
        &sealed,
    );
    // Stored as a code with staff's words, not as a sentence in the
    // language of whoever was reading.
    assert_eq!(
        domain::EventNote::from_stored(&note),
        domain::EventNote::Refused {
            reason: "The same request was answered last week.".into(),
            legal_ground: "excessive".into(),
            authority: Some(domain::SupervisoryAuthority {
                name: "Datatilsynet".into(),
                address: "Postboks 458 Sentrum, 0105 Oslo".into(),
                url: "https://www.datatilsynet.no".into(),
            }),
        }
    );
    let (status, view) = app
        .get_json(&format!("/api/v1/requests/{reference}"), Some(&token))
        .await;
    assert_eq!(status, 200);
    let told = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "rejected")
        .unwrap()["note"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        told.starts_with(
            "The same request was answered last week. Rettslig grunnlag: forespørselen er overdreven"
        ),
        "Art. 12(4): the reasons and the ground, in Norwegian: {told}"
    );
    assert!(
        told.contains(
            "klage til Datatilsynet, Postboks 458 Sentrum, 0105 Oslo, https://www.datatilsynet.no"
        ),
        "Art. 12(4), 77: the organisation's supervisory authority, named: {told}"
    );
    assert!(
        told.contains("bringe saken inn for domstolene"),
        "Art. 12(4), 79: the judicial remedy, in Norwegian: {told}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_subject_can_cancel_their_own_open_request_once() {
    let app = spawn_app().await;
    let (reference, _) = app.verified_subject("cancel@example.no").await;
    let r = Reference::parse(&reference).unwrap();
    let stranger = app
        .service
        .sessions
        .subject_of(&demo(), "someone@example.no");
    assert_eq!(
        app.service.cases.subject_cancel(&stranger, &r).await,
        Err(AppError::NotFound)
    );
    let owner = app
        .service
        .sessions
        .subject_of(&demo(), "cancel@example.no");
    app.service.cases.subject_cancel(&owner, &r).await.unwrap();
    assert!(matches!(
        app.service.cases.subject_cancel(&owner, &r).await,
        Err(AppError::TransitionRefused {
            reason: TransitionError::NotInThisStatus
        })
    ));
    assert!(matches!(
        app.service.cases.subject_reply(&owner, &r, "hello").await,
        Err(AppError::TransitionRefused { .. })
    ));
    let status: String = sqlx::query_scalar("SELECT status FROM requests")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "cancelled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_subject_answers_and_cancels_from_the_tracking_page_without_javascript() {
    let app = spawn_app().await;
    let agent = enrolled_agent(&app, "agent@fjordlys.example").await;
    let (reference, token) = app.verified_subject("page@example.no").await;
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
                question: "Which meter number?".into(),
            },
        )
        .await
        .unwrap();

    let cookie = format!("portal_session={token}");
    let page_path = format!("/o/demo/requests/{reference}");
    let page = || async {
        let response = app
            .client
            .get(app.url(&page_path))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        response.text().await.unwrap()
    };
    let html = page().await;
    assert!(html.contains("We need information from you") && html.contains("Which meter number?"));

    let post = |endpoint: &str, form: Vec<(&str, &str)>| {
        app.client
            .post(app.url(&format!("/_sfn/{endpoint}")))
            .header("cookie", &cookie)
            .header("accept", "text/html")
            .header("referer", app.url(&page_path))
            .form(&form)
            .send()
    };
    let answered = post(
        "reply",
        vec![
            ("org", "demo"),
            ("reference", &reference),
            ("body", "Meter 7070-1"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(answered.status(), 303);
    let html = page().await;
    assert!(html.contains("Meter 7070-1") && html.contains("In progress"));

    let cancelled = post(
        "cancel_request",
        vec![("org", "demo"), ("reference", &reference)],
    )
    .await
    .unwrap();
    assert_eq!(cancelled.status(), 303);
    let html = page().await;
    assert!(html.contains("Cancelled") && !html.contains("Cancel this request"));

    // Without the session cookie nothing happens.
    let anonymous = app
        .client
        .post(app.url("/_sfn/reply"))
        .form(&[
            ("org", "demo"),
            ("reference", reference.as_str()),
            ("body", "hi"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

/// Art. 12(3): the subject is told of an extension "within one month of
/// receipt". Once the first month is over, no extension is made: not
/// through the console's use case, not through the API, and the case page
/// no longer offers it; the request can still be answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn art_12_3_no_extension_once_the_first_month_is_over() {
    let app = spawn_app().await;
    let agent = enrolled_agent(&app, "agent@fjordlys.example").await;
    let (reference, _) = app.verified_subject("late@example.no").await;
    let r = Reference::parse(&reference).unwrap();
    let extend = || StaffAction::Extend {
        months: 2,
        reason: "Many systems to search".into(),
    };
    // Its month ended yesterday.
    let yesterday = (OffsetDateTime::now_utc().date() - time::Duration::days(1)).to_string();
    sqlx::query("UPDATE requests SET due_date = $1 WHERE reference = $2")
        .bind(&yesterday)
        .bind(&reference)
        .execute(&app.db)
        .await
        .unwrap();
    let result = app
        .service
        .cases
        .staff_act(&agent, "demo", &r, extend())
        .await;
    assert_eq!(
        refused(result.map(|t| t.state.status)),
        TransitionError::FirstMonthOver
    );
    let due: String = sqlx::query_scalar("SELECT due_date FROM requests WHERE reference = $1")
        .bind(&reference)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(due, yesterday, "the deadline did not move");
    // Through the organisation API, the same rule.
    let admin =
        crate::org_api::member(&app, "dpo@fjordlys.example", "demo", Role::Admin, true).await;
    let (_, token) = crate::org_api::token(&app, &admin, "demo", "CRM", Role::Agent).await;
    let response = app
        .client
        .post(app.url(&format!("/api/v1/orgs/demo/requests/{reference}/extend")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"months": 1, "reason": "Late"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    let (_, case) = app
        .get_json(
            &format!("/api/v1/orgs/demo/requests/{reference}"),
            Some(&token),
        )
        .await;
    let actions: Vec<&str> = case["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert!(
        !actions.contains(&"extend") && actions.contains(&"complete"),
        "{actions:?}"
    );
    // Answering late is still possible, and must be done.
    app.service
        .cases
        .staff_act(
            &agent,
            "demo",
            &r,
            StaffAction::Complete {
                response: "Here, late.".into(),
                outcome: Default::default(),
            },
        )
        .await
        .unwrap();
}

/// Art. 22(3): a review of an automated decision records who reviewed it,
/// what they considered and whether it stands, and the subject is told all
/// three, in their language; a completion without them is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn art_22_3_the_subject_is_told_who_reviewed_the_decision_what_they_considered_and_the_outcome(
) {
    let app = spawn_app().await;
    let agent = enrolled_agent(&app, "agent@fjordlys.example").await;
    let (reference, token) = app
        .verified_request(serde_json::json!({
            "org": "demo", "kind": "automated_decision", "email": "kari@example.no", "language": "nb",
            "details": {"decision": "Kredittvurderingen i oktober"}
        }))
        .await;
    let r = Reference::parse(&reference).unwrap();
    let complete = |form: domain::OutcomeForm| StaffAction::Complete {
        response: "Vi har gått gjennom avgjørelsen.".into(),
        outcome: form,
    };
    let without = app
        .service
        .cases
        .staff_act(&agent, "demo", &r, complete(domain::OutcomeForm::default()))
        .await
        .unwrap_err();
    assert_eq!(without.field_errors()[0].field, "reviewer");
    app.service
        .cases
        .staff_act(
            &agent,
            "demo",
            &r,
            complete(domain::OutcomeForm {
                reviewer: Some("Ingrid Solberg, kredittavdelingen".into()),
                considered: Some("betalingshistorikken og inntekten du oppga".into()),
                decision: Some("changed".into()),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    let (_, view) = app
        .get_json(&format!("/api/v1/requests/{reference}"), Some(&token))
        .await;
    let note = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "completed")
        .and_then(|e| e["note"].as_str())
        .unwrap_or_default()
        .to_owned();
    assert!(
        note.contains("Ingrid Solberg, kredittavdelingen"),
        "who: {note}"
    );
    assert!(
        note.contains("betalingshistorikken og inntekten du oppga"),
        "what: {note}"
    );
    assert!(
        note.contains("Avgjørelsen ble endret"),
        "the outcome, in Norwegian: {note}"
    );
}
