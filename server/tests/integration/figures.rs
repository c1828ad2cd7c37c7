//! The organisation's figures on a seeded month with known answers: six
//! requests received in October 2026, worked through the use cases, then
//! dated in the database. The CSV and the page say exactly what they
//! should; only the organisation's admins see them.

use crate::harness::{spawn_app, TestApp};
use crate::lifecycle::enrolled_agent;
use domain::{Reference, Role, StaffAction};
use portal::service::StaffMember;
use time::macros::datetime;

/// Moves a request's receipt, deadline and (if answered) its answer to the
/// given days of 2026.
async fn date(
    app: &TestApp,
    reference: &str,
    received: time::OffsetDateTime,
    answered: Option<time::OffsetDateTime>,
) {
    let due = domain::one_month_after(received.date()).to_string();
    sqlx::query(
        "UPDATE requests SET created_at = $1, verified_at = $2, due_date = $3 WHERE reference = $4",
    )
    .bind(received.unix_timestamp())
    .bind(received.unix_timestamp())
    .bind(due)
    .bind(reference)
    .execute(&app.db)
    .await
    .unwrap();
    if let Some(answered) = answered {
        sqlx::query(
            "UPDATE request_events SET at = $1 WHERE event IN ('completed', 'rejected')
             AND request_id = (SELECT id FROM requests WHERE reference = $2)",
        )
        .bind(answered.unix_timestamp())
        .bind(reference)
        .execute(&app.db)
        .await
        .unwrap();
    }
}

async fn received(app: &TestApp, kind: &str, email: &str) -> String {
    let details = match kind {
        "erasure" => serde_json::json!({"erasure_scope": "all"}),
        _ => serde_json::json!({}),
    };
    app.verified_request(
        serde_json::json!({"org": "demo", "kind": kind, "email": email, "details": details}),
    )
    .await
    .0
}

async fn act(app: &TestApp, agent: &StaffMember, reference: &str, action: StaffAction) {
    let r = Reference::parse(reference).unwrap();
    app.service
        .cases
        .staff_act(agent, "demo", &r, action)
        .await
        .unwrap();
}

fn complete() -> StaffAction {
    StaffAction::Complete {
        response: "Here is your answer.".into(),
        outcome: Default::default(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seeded_month_gives_the_figures_it_should() {
    let app = spawn_app().await;
    let agent = enrolled_agent(&app, "agent@fjordlys.example").await;
    let october = |day: u8| datetime!(2026-10-01 12:00 UTC).replace_day(day).unwrap();
    // Access: answered in 4, 10 and 37 days (that one late), rejected in 2
    // under Art. 12(5); one still open, past its deadline.
    let mut access = Vec::new();
    for (n, email) in [
        "a1@example.no",
        "a2@example.no",
        "a3@example.no",
        "a4@example.no",
        "a5@example.no",
    ]
    .iter()
    .enumerate()
    {
        let reference = received(&app, "access", email).await;
        if n < 4 {
            act(&app, &agent, &reference, StaffAction::Start).await;
        }
        match n {
            0 | 1 | 3 => act(&app, &agent, &reference, complete()).await,
            2 => {
                act(
                    &app,
                    &agent,
                    &reference,
                    StaffAction::Reject {
                        reason: "The fifth identical request this week".into(),
                        legal_ground: "excessive".into(),
                    },
                )
                .await
            }
            _ => {}
        }
        access.push(reference);
    }
    date(&app, &access[0], october(1), Some(october(5))).await;
    date(&app, &access[1], october(2), Some(october(12))).await;
    date(&app, &access[2], october(3), Some(october(5))).await;
    date(
        &app,
        &access[3],
        october(4),
        Some(datetime!(2026-11-10 12:00 UTC)),
    )
    .await;
    date(&app, &access[4], october(6), None).await;
    // Erasure: extended, answered the next day.
    let erasure = received(&app, "erasure", "e1@example.no").await;
    act(&app, &agent, &erasure, StaffAction::Start).await;
    act(
        &app,
        &agent,
        &erasure,
        StaffAction::Extend {
            months: 2,
            reason: "Many systems to check".into(),
        },
    )
    .await;
    act(&app, &agent, &erasure, complete()).await;
    date(&app, &erasure, october(7), Some(october(8))).await;

    let mut admin = app
        .staff("dpo@fjordlys.example", "demo", Role::Admin, true)
        .await;
    let cookie = app.staff_cookie(&mut admin).await;
    let csv = app
        .client
        .get(app.url("/console/o/demo/figures.csv"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "month,kind,received,completed,rejected,rejected_by_ground,cancelled,median_days_to_answer,p95_days_to_answer,extended,late",
            "2026-10,access,5,3,1,Art. 12(5)(b): excessive (in particular repetitive): 1,0,7,37,0,2",
            "2026-10,erasure,1,1,0,,0,1,1,1,0",
        ],
        "{csv}"
    );

    // The page: a chart, the months' table beside it, the full table.
    let (status, page) = app.page("/console/figures", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<svg")
            && page.contains("requests per month")
            && page.contains("Access (Art. 15)"),
        "{page}"
    );
    assert!(page.contains("/console/o/demo/figures.csv"), "{page}");

    // Nobody else: an agent of the organisation, an admin of another.
    let mut member = app
        .staff("member@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let member_cookie = app.staff_cookie(&mut member).await;
    assert_eq!(
        app.page("/console/figures", Some(&member_cookie)).await.0,
        403
    );
    let mut stranger = app
        .staff("admin@other.example", "other", Role::Admin, false)
        .await;
    let stranger_cookie = app.staff_cookie(&mut stranger).await;
    for cookie in [&member_cookie, &stranger_cookie] {
        let status = app
            .client
            .get(app.url("/console/o/demo/figures.csv"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 404);
    }
    let (_, theirs) = app.page("/console/figures", Some(&stranger_cookie)).await;
    assert!(!theirs.contains("2026-10"), "{theirs}");
}

/// An organisation that publishes its figures (`[metrics] public = true`)
/// shows them to anyone, in the reader's language, without the grounds
/// staff wrote for a refusal; one that does not has no such page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_figures_are_there_for_anyone_in_their_language() {
    let app = crate::harness::spawn_app_with_org(
        "open",
        "name = \"Open AS\"\ncontact_email = \"privacy@open.example\"\n\n[metrics]\npublic = true\n",
    )
    .await;
    let agent =
        crate::org_api::member(&app, "agent@open.example", "open", Role::Agent, false).await;
    let ask = |email: &'static str| {
        let app = &app;
        async move {
            app.verified_request(
                serde_json::json!({"org": "open", "kind": "access", "email": email}),
            )
            .await
            .0
        }
    };
    let (answered, refused) = (ask("a@example.no").await, ask("b@example.no").await);
    let work = |reference: String, action: StaffAction| {
        let (app, agent) = (&app, &agent);
        async move {
            app.service
                .cases
                .staff_act(
                    agent,
                    "open",
                    &Reference::parse(&reference).unwrap(),
                    action,
                )
                .await
                .unwrap();
        }
    };
    work(answered.clone(), StaffAction::Start).await;
    work(answered, complete()).await;
    work(
        refused,
        StaffAction::Reject {
            reason: "Bjørn asks every week".into(),
            legal_ground: "excessive".into(),
        },
    )
    .await;

    let (status, nb) = app.page("/o/open/figures?lang=nb", None).await;
    assert_eq!(status, 200, "{nb}");
    assert!(nb.contains("Slik svarer vi på henvendelser"), "{nb}");
    assert!(
        nb.contains("Innsyn (art. 15)"),
        "the kind in the reader's words"
    );
    assert!(nb.contains("<svg"), "the chart, drawn on the server");
    let month = time::OffsetDateTime::now_utc().month();
    let nb_month = domain::i18n::t(domain::Language::Nb, &format!("month-{}", u8::from(month)));
    assert!(nb.contains(&nb_month), "the month in Norwegian: {nb_month}");
    assert!(!nb.contains("Bjørn"), "nothing staff wrote is published");
    let (_, en) = app.page("/o/open/figures?lang=en", None).await;
    assert!(
        !en.contains("in particular repetitive"),
        "nor the grounds: {en}"
    );
    let (_, nl) = app.page("/o/open/figures?lang=nl", None).await;
    assert!(nl.contains("Hoe wij verzoeken beantwoorden") && nl.contains("Inzage (art. 15)"));
    let (_, en) = app.page("/o/open/figures?lang=en", None).await;
    assert!(en.contains("<td>2</td>"), "two received: {en}");
    // Linked from every page of the organisation, and framed as well.
    let (_, notice) = app.page("/o/open?lang=en", None).await;
    assert!(notice.contains("href=\"/o/open/figures\""), "{notice}");
    assert_eq!(app.page("/embed/open/figures", None).await.0, 200);
    // An organisation that does not publish them has no such page.
    let (status, _) = app.page("/o/demo/figures", None).await;
    assert_eq!(status, 404);
    let (_, notice) = app.page("/o/demo", None).await;
    assert!(!notice.contains("/o/demo/figures"));
}
