//! Requests that arrive another way: an agent enters a letter that came
//! ten days ago; the subject gets the usual code mail and confirms; the
//! deadline runs from the day the letter arrived, and the history and the
//! audit log say a member of staff entered it, and how it came. Nobody
//! outside the organisation's team can enter one, and a bad form stores
//! nothing.

use crate::harness::{location, spawn_app};
use domain::Role;
use time::{Duration, OffsetDateTime};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_entered_by_staff_runs_its_deadline_from_the_day_it_arrived() {
    let app = spawn_app().await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let (status, page) = app
        .page("/console/new-request?kind=erasure", Some(&cookie))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"name="arrived_on""#) && page.contains(r#"name="erasure_scope""#),
        "{page}"
    );

    let today = OffsetDateTime::now_utc().date();
    let arrived = (today - Duration::days(10)).to_string();
    let before = app.mail_count().await;
    let entered = app
        .post_form(
            "/_sfn/console/enter_request",
            &cookie,
            &[
                ("org", "demo"),
                ("kind", "erasure"),
                ("channel", "post"),
                ("arrived_on", &arrived),
                ("email", "kari@example.no"),
                ("language", "nb"),
                ("erasure_scope", "all"),
            ],
        )
        .await;
    let to = location(&entered);
    let reference = to
        .strip_prefix("/console/new-request?entered=")
        .unwrap_or_else(|| panic!("{to}"))
        .to_owned();
    let (_, page) = app.page(&to, Some(&cookie)).await;
    assert!(
        page.contains(&format!("Request {reference} was entered")),
        "{page}"
    );

    // The subject gets the receipt with its code, in their language, and confirms.
    let mail = app.mail.wait_for(before + 1).await;
    assert_eq!(mail.to, "kari@example.no");
    assert!(mail.body.contains(&reference));
    assert_eq!(app.verify(&reference, &mail.code()).await.status(), 200);
    let (due, channel, arrived_on, entered_by): (String, String, String, i64) = sqlx::query_as(
        "SELECT due_date, channel, arrived_on, entered_by FROM requests WHERE reference = $1",
    )
    .bind(&reference)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let expected = domain::one_month_after(today - Duration::days(10));
    assert_eq!(
        due,
        expected.to_string(),
        "a month from the letter, not from today"
    );
    assert_eq!(
        (channel.as_str(), arrived_on.as_str(), entered_by),
        ("post", arrived.as_str(), agent.id)
    );

    // Marked as staff-entered in its history and in the audit log.
    let (actor, detail): (String, String) = sqlx::query_as(
        "SELECT actor, detail FROM audit_log WHERE target = $1 AND action = 'request.submitted'",
    )
    .bind(&reference)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(actor, format!("staff:{}", agent.id));
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["entered_by_staff"], true);
    assert_eq!(detail["channel"], "post");
    assert_eq!(detail["arrived_on"], arrived.as_str());
    let event_actor: String = sqlx::query_scalar(
        "SELECT e.actor FROM request_events e JOIN requests r ON r.id = e.request_id
         WHERE r.reference = $1 AND e.event = 'submitted'",
    )
    .bind(&reference)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(event_actor, "staff");
    // The queue has it, received the day the letter came, with its deadline.
    let (_, queue) = app.page("/console", Some(&cookie)).await;
    let long = |iso: &str| domain::i18n::long_date(domain::Language::En, iso);
    let row = queue
        .split("<tr")
        .find(|row| row.contains(&reference))
        .unwrap_or_else(|| panic!("{queue}"));
    assert!(
        row.contains(&long(&arrived)) && row.contains(&long(&expected.to_string())),
        "{row}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_team_enters_requests_and_a_bad_form_stores_nothing() {
    let app = spawn_app().await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let today = OffsetDateTime::now_utc().date();
    let form = |arrived: String, channel: &'static str, org: &'static str| {
        vec![
            ("org", org.to_owned()),
            ("kind", "access".to_owned()),
            ("channel", channel.to_owned()),
            ("arrived_on", arrived),
            ("email", "ola@example.no".to_owned()),
        ]
    };
    let call = |cookie: Option<String>, form: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call("/_sfn/console/enter_request", cookie.as_deref(), &form)
                .await
        }
    };
    let tomorrow = (today + Duration::days(1)).to_string();
    let long_ago = (today - Duration::days(400)).to_string();
    let yesterday = (today - Duration::days(1)).to_string();
    assert_eq!(
        call(Some(cookie.clone()), form(tomorrow, "post", "demo")).await,
        422
    );
    assert_eq!(
        call(Some(cookie.clone()), form(long_ago, "post", "demo")).await,
        422
    );
    assert_eq!(
        call(Some(cookie.clone()), form(yesterday.clone(), "fax", "demo")).await,
        422
    );
    assert_eq!(
        call(
            Some(cookie.clone()),
            form("not a day".into(), "post", "demo")
        )
        .await,
        422
    );
    // Another organisation's, or nobody's: as if it did not exist.
    let other = call(
        Some(cookie.clone()),
        form(yesterday.clone(), "post", "other"),
    )
    .await;
    assert!(other == 401 || other == 404, "{other}");
    assert_eq!(
        call(None, form(yesterday.clone(), "post", "demo")).await,
        401
    );
    // An admin of another organisation neither.
    let mut stranger = app
        .staff("admin@other.example", "other", Role::Admin, false)
        .await;
    let stranger_cookie = app.staff_cookie(&mut stranger).await;
    let refused = call(
        Some(stranger_cookie),
        form(yesterday.clone(), "post", "demo"),
    )
    .await;
    assert!(refused == 401 || refused == 404, "{refused}");
    assert_eq!(app.count("requests").await, 0, "nothing half-written");
    assert_eq!(app.mail_count().await, 0);
    // The same form, right, is taken.
    assert_eq!(
        call(Some(cookie), form(yesterday, "phone", "demo")).await,
        200
    );
    assert_eq!(app.count("requests").await, 1);
}
