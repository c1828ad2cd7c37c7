//! The staff console over HTTP, as a browser without JavaScript uses it:
//! login with a second factor, the queue with its flags, filters and pages,
//! a request's page (audited), actions, completing with a file the subject
//! then downloads, kind-specific outcomes, and opt-outs that need no staff.

use crate::harness::{location, set_cookie, spawn_app, totp_code, TestApp, STAFF_PASSWORD};
use domain::Role;

async fn post_form(
    app: &TestApp,
    path: &str,
    cookie: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    app.post_form(path, cookie, form).await
}

async fn act(
    app: &TestApp,
    cookie: &str,
    reference: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields = vec![("org", "demo"), ("reference", reference)];
    fields.extend_from_slice(form);
    post_form(app, "/_sfn/console/act", cookie, &fields).await
}

async fn complete(
    app: &TestApp,
    cookie: &str,
    reference: &str,
    form: reqwest::multipart::Form,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/console/o/demo/requests/{reference}/complete")))
        .header("cookie", cookie)
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn status_of(app: &TestApp, reference: &str) -> String {
    sqlx::query_scalar("SELECT status FROM requests WHERE reference = $1")
        .bind(reference)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_sign_in_with_password_and_authenticator_code_and_out_again() {
    let app = spawn_app().await;
    let staff = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let secret = staff.secret.clone().unwrap();

    let (status, html) = app.page("/console/login", None).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("action=\"/_sfn/console/login\"")
            && html.contains("autocomplete=\"current-password\"")
    );
    // Without a session the console sends you to the login page.
    let (status, _) = app.page("/console", None).await;
    assert!((300..400).contains(&status), "{status}");

    let wrong = post_form(
        &app,
        "/_sfn/console/login",
        "",
        &[("email", &staff.email), ("password", "not the password!")],
    )
    .await;
    assert!(
        set_cookie(&wrong, "portal_staff").is_none()
            && set_cookie(&wrong, "portal_staff_pending").is_none()
    );

    let login = post_form(
        &app,
        "/_sfn/console/login",
        "",
        &[("email", &staff.email), ("password", &staff.password)],
    )
    .await;
    assert_eq!(login.status(), 303);
    assert_eq!(location(&login), "/console/login/code");
    assert!(
        set_cookie(&login, "portal_staff").is_none(),
        "the password alone does not sign in"
    );
    let pending = set_cookie(&login, "portal_staff_pending").unwrap();
    let raw = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    assert!(
        raw.iter()
            .any(|c| c.contains("SameSite=Strict") && c.contains("HttpOnly")),
        "{raw:?}"
    );

    // The next step's code (the enrolment used this step's).
    let step = post_form(
        &app,
        "/_sfn/console/second_factor",
        &pending,
        &[("code", &totp_code(&secret, &staff.email, 1))],
    )
    .await;
    assert_eq!(step.status(), 303);
    assert_eq!(location(&step), "/console");
    let cookie = set_cookie(&step, "portal_staff").unwrap();
    let (status, html) = app.page("/console", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("agent@fjordlys.example") && html.contains("Requests"));
    assert!(
        !html.contains("Audit log"),
        "agents do not get the audit log"
    );

    // The pending cookie was spent with the login.
    let again = post_form(
        &app,
        "/_sfn/console/second_factor",
        &pending,
        &[("code", &totp_code(&secret, &staff.email, 1))],
    )
    .await;
    assert!(set_cookie(&again, "portal_staff").is_none());

    let out = post_form(&app, "/_sfn/console/logout", &cookie, &[]).await;
    assert_eq!(out.status(), 303);
    let (status, _) = app.page("/console", Some(&cookie)).await;
    assert!(
        (300..400).contains(&status),
        "the session is gone: {status}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_without_the_required_second_factor_enrols_and_gets_recovery_codes() {
    let app = spawn_app().await;
    let mut staff = app
        .staff("new@fjordlys.example", "demo", Role::Agent, false)
        .await;
    let (reference, _) = app.verified_subject("kari@example.no").await;
    let cookie = app.staff_cookie(&mut staff).await;

    let (status, html) = app.page("/console", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("requires two-factor sign-in"));
    assert!(
        !html.contains(&reference),
        "the organisation's requests stay hidden until enrolled"
    );

    let (status, html) = app.page("/console/enrol", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("<svg"), "a QR code");
    let secret = html
        .split("data-secret=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let wrong = post_form(
        &app,
        "/_sfn/console/confirm_enrolment",
        &cookie,
        &[("code", "000000"), ("password", STAFF_PASSWORD)],
    )
    .await;
    assert_ne!(location(&wrong), "/console/recovery-codes");
    let confirmed: i64 = sqlx::query_scalar("SELECT totp_confirmed FROM staff WHERE id = $1")
        .bind(staff.id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(confirmed, 0, "a wrong code enrols nothing");
    let code = totp_code(&secret, &staff.email, 0);
    let without_password = post_form(
        &app,
        "/_sfn/console/confirm_enrolment",
        &cookie,
        &[("code", &code)],
    )
    .await;
    assert_ne!(
        location(&without_password),
        "/console/recovery-codes",
        "a session alone does not change the second factor"
    );
    let confirmed = post_form(
        &app,
        "/_sfn/console/confirm_enrolment",
        &cookie,
        &[("code", &code), ("password", STAFF_PASSWORD)],
    )
    .await;
    assert_eq!(location(&confirmed), "/console/recovery-codes");
    let (status, html) = app.page("/console/recovery-codes", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("<li><code>").count(), 10, "ten recovery codes");
    let codes = |html: &str| {
        html.split("class=\"recovery-codes\">")
            .nth(1)
            .unwrap()
            .split("</ul>")
            .next()
            .unwrap()
            .to_owned()
    };
    let (_, again) = app.page("/console/recovery-codes", Some(&cookie)).await;
    assert_eq!(
        codes(&html),
        codes(&again),
        "shown again (a page may render twice), the same codes"
    );
    let refused = post_form(&app, "/_sfn/console/new_recovery_codes", &cookie, &[]).await;
    assert_ne!(
        location(&refused),
        "/console/recovery-codes",
        "a session alone mints no recovery codes"
    );
    let renewed = post_form(
        &app,
        "/_sfn/console/new_recovery_codes",
        &cookie,
        &[("password", STAFF_PASSWORD)],
    )
    .await;
    assert_eq!(location(&renewed), "/console/recovery-codes");
    let (_, fresh) = app.page("/console/recovery-codes", Some(&cookie)).await;
    assert_ne!(
        codes(&html),
        codes(&fresh),
        "a new set replaces the old one"
    );

    let (_, html) = app.page("/console", Some(&cookie)).await;
    assert!(
        html.contains(&reference),
        "enrolled: the queue shows the organisation's requests"
    );
    // A new authenticator waits beside the working one, which stays in
    // force until the new one is confirmed (with the password).
    let (_, html) = app.page("/console/enrol", Some(&cookie)).await;
    assert!(html.contains("replaces the authenticator you use now") && html.contains("<svg"));
    let (working, pending): (String, Option<String>) =
        sqlx::query_as("SELECT totp_secret, totp_pending FROM staff WHERE id = $1")
            .bind(staff.id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(
        pending.is_some() && !working.contains(&secret),
        "sealed, and still the first one"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_sorts_by_deadline_flags_overdue_and_duplicates_and_pages() {
    let app = spawn_app().await;
    let mut staff = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let cookie = app.staff_cookie(&mut staff).await;
    let mut references = Vec::new();
    for i in 0..27 {
        references.push(
            app.verified_subject(&format!("subject{i}@example.no"))
                .await
                .0,
        );
    }
    // Time passes for two of them: one overdue, one due in three days.
    let overdue = &references[20];
    let soon = &references[21];
    let today = time::OffsetDateTime::now_utc().date();
    for (reference, due) in [
        (overdue, today - time::Duration::days(2)),
        (soon, today + time::Duration::days(3)),
    ] {
        sqlx::query("UPDATE requests SET due_date = $1 WHERE reference = $2")
            .bind(due.to_string())
            .bind(reference)
            .execute(&app.db)
            .await
            .unwrap();
    }
    // The same subject asks twice for access.
    let duplicate = app.verified_subject("subject3@example.no").await.0;

    let (status, html) = app.page("/console", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("28 requests"));
    assert!(
        html.contains("<strong>1</strong> overdue")
            && html.contains("<strong>1</strong> due within 7 days"),
        "counts"
    );
    let first = html.find(overdue.as_str()).unwrap();
    let second = html.find(soon.as_str()).unwrap();
    assert!(first < second, "overdue first, then the one due soon");
    assert!(html.contains("Page 1 of 2") && html.contains("rel=\"next\""));
    assert!(html.contains("Possible duplicate"));
    let (_, page2) = app.page("/console?page=2", Some(&cookie)).await;
    assert!(page2.contains("Page 2 of 2"));
    let on_page = |html: &str| {
        references
            .iter()
            .chain([&duplicate])
            .filter(|r| html.contains(r.as_str()))
            .count()
    };
    assert_eq!(
        on_page(&html) + on_page(&page2),
        28,
        "every request on exactly one page"
    );

    // Filters: kind, status, assignee.
    let (_, html) = app.page("/console?kind=erasure", Some(&cookie)).await;
    assert!(html.contains("0 requests"));
    act(
        &app,
        &cookie,
        &references[0],
        &[("action", "assign"), ("to", &staff.id.to_string())],
    )
    .await;
    act(&app, &cookie, &references[0], &[("action", "start")]).await;
    let (_, html) = app.page("/console?assignee=me", Some(&cookie)).await;
    assert!(html.contains("1 request<") && html.contains(references[0].as_str()));
    let (_, html) = app.page("/console?status=in_progress", Some(&cookie)).await;
    assert!(html.contains("1 request<"));
    let (status, _) = app.page("/console?status=lost", Some(&cookie)).await;
    assert_eq!(
        status, 422,
        "an unknown filter value is an error, not an empty list"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_works_a_request_in_the_console_and_the_subject_downloads_the_answer() {
    let app = spawn_app().await;
    let mut staff = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let cookie = app.staff_cookie(&mut staff).await;
    let (reference, token) = app.verified_subject("kari@example.no").await;
    let subject_cookie = format!("portal_session={token}");

    let views_before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'request.viewed'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let case_page = format!("/console/o/demo/requests/{reference}");
    let (status, html) = app.page(&case_page, Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("kari@example.no") && html.contains("E-mail address confirmed on"));
    let views_after: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'request.viewed'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        views_after,
        views_before + 1,
        "viewing personal data is audited"
    );

    let started = act(&app, &cookie, &reference, &[("action", "start")]).await;
    assert_eq!(started.status(), 303);
    assert_eq!(location(&started), format!("{case_page}?done=started"));
    let asked = act(
        &app,
        &cookie,
        &reference,
        &[("action", "ask"), ("text", "Which meter number?")],
    )
    .await;
    assert_eq!(asked.status(), 303);
    assert_eq!(status_of(&app, &reference).await, "awaiting_subject");
    let extend = act(
        &app,
        &cookie,
        &reference,
        &[
            ("action", "extend"),
            ("months", "2"),
            ("text", "Three systems to search"),
        ],
    )
    .await;
    assert_eq!(extend.status(), 303);
    let due: String = sqlx::query_scalar("SELECT due_date FROM requests WHERE reference = $1")
        .bind(&reference)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let twice = act(
        &app,
        &cookie,
        &reference,
        &[("action", "extend"), ("months", "1"), ("text", "More")],
    )
    .await;
    assert!(
        !location(&twice).contains("done="),
        "refused: {}",
        location(&twice)
    );
    let due_after: String =
        sqlx::query_scalar("SELECT due_date FROM requests WHERE reference = $1")
            .bind(&reference)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(due, due_after, "extended once only");

    // Completing refuses an empty response and leaves nothing behind.
    let file = || {
        reqwest::multipart::Part::bytes(b"{\"meter\":\"7070\"}".to_vec())
            .file_name("export.json")
            .mime_str("application/json")
            .unwrap()
    };
    let empty = complete(
        &app,
        &cookie,
        &reference,
        reqwest::multipart::Form::new()
            .text("response", " ")
            .part("attachments", file()),
    )
    .await;
    assert_eq!(
        location(&empty),
        format!("{case_page}?error=validation&field=response")
    );
    assert_eq!(app.count("request_attachments").await, 0);
    assert_eq!(status_of(&app, &reference).await, "awaiting_subject");

    let form = reqwest::multipart::Form::new()
        .text("response", "Here is your data.")
        .part("attachments", file());
    let done = complete(&app, &cookie, &reference, form).await;
    assert_eq!(location(&done), format!("{case_page}?done=completed"));
    assert_eq!(status_of(&app, &reference).await, "completed");

    // The subject sees every step and downloads the file.
    let (_, html) = app
        .page(
            &format!("/o/demo/requests/{reference}"),
            Some(&subject_cookie),
        )
        .await;
    for text in [
        "Which meter number?",
        "Three systems to search",
        "Here is your data.",
        "export.json",
        "Completed",
    ] {
        assert!(html.contains(text), "the subject sees {text:?}");
    }
    let link = html
        .split("href=\"")
        .find(|s| s.contains("/attachments/"))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let download = app
        .client
        .get(app.url(&link))
        .header("cookie", &subject_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert!(download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(
        download.bytes().await.unwrap().as_ref(),
        b"{\"meter\":\"7070\"}"
    );
    let (_, body) = app
        .get_json(&format!("/api/v1/requests/{reference}"), Some(&token))
        .await;
    assert_eq!(body["attachments"][0]["name"], "export.json");
    assert_eq!(body["attachments"][0]["sha256"].as_str().unwrap().len(), 64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_records_its_own_outcome() {
    let app = spawn_app().await;
    let mut staff = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let cookie = app.staff_cookie(&mut staff).await;
    let submit = |kind: &'static str, details: serde_json::Value, email: &'static str| {
        let app = &app;
        async move {
            let before = app.mail_count().await;
            let response = app.submit(serde_json::json!({"org": "demo", "kind": kind, "email": email, "details": details})).await;
            assert_eq!(response.status(), 201, "{kind}");
            let reference = response.json::<serde_json::Value>().await.unwrap()["reference"]
                .as_str()
                .unwrap()
                .to_owned();
            let code = app.mail.wait_for(before + 1).await.code();
            assert_eq!(app.verify(&reference, &code).await.status(), 200);
            reference
        }
    };

    // Rectification: the page shows what is wrong beside what is right.
    let rectify = submit("rectification", serde_json::json!({"inaccurate": "Address: Storgata 1", "correction": "Address: Kaigata 12"}), "r@example.no").await;
    let (_, html) = app
        .page(
            &format!("/console/o/demo/requests/{rectify}"),
            Some(&cookie),
        )
        .await;
    assert!(
        html.contains("What is wrong")
            && html.contains("Storgata 1")
            && html.contains("What is right")
            && html.contains("Kaigata 12")
    );

    // Erasure: an exception must say what it kept.
    let erase = submit(
        "erasure",
        serde_json::json!({"erasure_scope": "all"}),
        "e@example.no",
    )
    .await;
    let form = || {
        reqwest::multipart::Form::new()
            .text("response", "Erased.")
            .text("exceptions", "legal_obligation")
    };
    let refused = complete(&app, &cookie, &erase, form()).await;
    assert!(
        location(&refused).ends_with("error=validation&field=retained"),
        "{}",
        location(&refused)
    );
    let kept = complete(
        &app,
        &cookie,
        &erase,
        form().text(
            "retained",
            "Invoices, kept 5 years under the Bookkeeping Act",
        ),
    )
    .await;
    assert!(location(&kept).ends_with("done=completed"));
    let (outcome, executed): (String, i64) =
        sqlx::query_as("SELECT outcome, executed FROM requests WHERE reference = $1")
            .bind(&erase)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let outcome = app.open(
        portal::sealing::Column::RequestOutcome,
        portal::sealing::Row::Request(&erase),
        &outcome,
    );
    assert!(
        outcome.contains("legal_obligation") && outcome.contains("Bookkeeping Act"),
        "{outcome}"
    );
    assert_eq!(executed, 1, "an erasure was carried out");

    // Objection: the decision is required and recorded.
    let object = submit(
        "objection",
        serde_json::json!({"grounds": "Stop profiling me"}),
        "o@example.no",
    )
    .await;
    let undecided = complete(
        &app,
        &cookie,
        &object,
        reqwest::multipart::Form::new().text("response", "Noted."),
    )
    .await;
    assert!(location(&undecided).ends_with("field=decision"));
    let upheld = complete(
        &app,
        &cookie,
        &object,
        reqwest::multipart::Form::new()
            .text("response", "Stopped.")
            .text("decision", "yes"),
    )
    .await;
    assert!(location(&upheld).ends_with("done=completed"));
    let (_, html) = app
        .page(&format!("/console/o/demo/requests/{object}"), Some(&cookie))
        .await;
    assert!(html.contains("Objection upheld"));

    // A marketing opt-out takes effect on verification, with no staff work.
    let mails = app.mail_count().await;
    let opt_out = submit("marketing_opt_out", serde_json::json!({}), "m@example.no").await;
    assert_eq!(status_of(&app, &opt_out).await, "completed");
    let listed: Vec<(String, String)> =
        sqlx::query_as("SELECT email, email_index FROM opt_outs WHERE org = 'demo'")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(listed.len(), 1);
    let row = portal::sealing::Row::Subject {
        org: "demo",
        index: &listed[0].1,
    };
    assert_eq!(
        app.open(portal::sealing::Column::Email, row, &listed[0].0),
        "m@example.no"
    );
    let confirmation = app.mail.wait_for(mails + 2).await;
    assert!(
        confirmation
            .body
            .contains(&format!("/o/demo/requests/{opt_out}")),
        "the subject is told: {}",
        confirmation.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_or_too_large_files_are_refused_and_nothing_is_kept() {
    let app = spawn_app().await;
    let mut staff = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let cookie = app.staff_cookie(&mut staff).await;
    let (reference, _) = app.verified_subject("kari@example.no").await;
    let part = |n: usize| reqwest::multipart::Part::bytes(vec![b'x'; n]).file_name("data.txt");
    let mut six = reqwest::multipart::Form::new().text("response", "Here.");
    for _ in 0..6 {
        six = six.part("attachments", part(10));
    }
    let response = complete(&app, &cookie, &reference, six).await;
    assert!(
        location(&response).ends_with("error=validation&field=attachments"),
        "{}",
        location(&response)
    );
    let big = reqwest::multipart::Form::new()
        .text("response", "Here.")
        .part("attachments", part(10 * 1024 * 1024 + 1));
    let response = complete(&app, &cookie, &reference, big).await;
    assert!(
        location(&response).ends_with("field=attachments"),
        "{}",
        location(&response)
    );
    assert_eq!(app.count("request_attachments").await, 0);
    assert_eq!(status_of(&app, &reference).await, "received");

    // A name with a path keeps only its last part.
    let sneaky = reqwest::multipart::Form::new()
        .text("response", "Here.")
        .part(
            "attachments",
            reqwest::multipart::Part::bytes(b"hi".to_vec()).file_name("../../etc/passwd"),
        );
    assert!(
        location(&complete(&app, &cookie, &reference, sneaky).await).ends_with("done=completed")
    );
    let name: String = sqlx::query_scalar("SELECT file_name FROM request_attachments")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!name.contains("passwd"), "names are sealed: {name}");
    assert_eq!(
        app.open(
            portal::sealing::Column::AttachmentName,
            portal::sealing::Row::Request(&reference),
            &name
        ),
        "passwd"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_read_and_filter_the_audit_log_of_their_organisation() {
    let app = spawn_app().await;
    let mut admin = app
        .staff("dpo@fjordlys.example", "demo", Role::Admin, true)
        .await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let (reference, _) = app.verified_subject("kari@example.no").await;
    let admin_cookie = app.staff_cookie(&mut admin).await;
    let agent_cookie = app.staff_cookie(&mut agent).await;

    let (status, html) = app.page("/console/audit", Some(&admin_cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("<td>request.verified</td>") && html.contains("<td>staff.login</td>"));
    let (_, filtered) = app
        .page(
            &format!("/console/audit?action=request.&target={reference}"),
            Some(&admin_cookie),
        )
        .await;
    assert!(
        filtered.contains("<td>request.submitted</td>")
            && !filtered.contains("<td>staff.login</td>")
    );
    let (status, _) = app.page("/console/audit", Some(&agent_cookie)).await;
    assert_eq!(status, 403, "agents may not read the audit log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_invite_and_remove_members_and_nobody_chooses_another_persons_password() {
    let app = spawn_app().await;
    let mut admin = app
        .staff("dpo@fjordlys.example", "demo", Role::Admin, true)
        .await;
    let mut existing = app
        .staff("helper@other.example", "other", Role::Agent, false)
        .await;
    let cookie = app.staff_cookie(&mut admin).await;
    let invite = |email: &'static str| {
        let (app, cookie) = (&app, cookie.clone());
        async move {
            app.post_form(
                "/_sfn/console/invite",
                &cookie,
                &[("org", "demo"), ("email", email), ("role", "agent")],
            )
            .await
        }
    };
    let link_in = |mail: &crate::harness::Mail| mail.link_containing("/console/invitation/");

    // Someone new: the invitation makes nothing yet.
    let mails = app.mail_count().await;
    assert_eq!(
        location(&invite("new@fjordlys.example").await),
        "/console/team?done=invited"
    );
    let mail = app.mail.wait_for(mails + 1).await;
    assert_eq!(mail.to, "new@fjordlys.example");
    assert!(mail.subject.contains("invited"), "{}", mail.subject);
    assert_eq!(app.count("staff").await, 2, "no account until they accept");
    let (_, team) = app.page("/console/team", Some(&cookie)).await;
    assert!(team.contains("Invited, not yet joined") && team.contains("new@fjordlys.example"));
    assert!(
        !team.contains("password\""),
        "the team page asks for no password"
    );

    let link = link_in(&mail);
    let path = link.trim_start_matches(&app.address).to_owned();
    let token = path.rsplit('/').next().unwrap().to_owned();
    let (status, page) = app.page(&path, None).await;
    assert_eq!(status, 200);
    assert!(page.contains("Choose a password") && page.contains("new@fjordlys.example"));
    let join = |password: &'static str| {
        let (app, token) = (&app, token.clone());
        async move {
            app.client
                .post(app.url("/_sfn/console/join"))
                .header("accept", "text/html")
                .form(&[
                    ("token", token.as_str()),
                    ("new_password", password),
                    ("repeat", password),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let short = join("short").await;
    assert_ne!(location(&short), "/console/enrol");
    assert_eq!(app.count("staff").await, 2, "nothing half-made");
    let joined = join("a long password of my own").await;
    assert_eq!(location(&joined), "/console/enrol");
    let new_cookie = set_cookie(&joined, "portal_staff").expect("signed in");
    let (_, html) = app.page("/console", Some(&new_cookie)).await;
    assert!(
        html.contains("needs two-factor sign-in"),
        "a new account reaches nothing before it has a second factor"
    );
    assert_ne!(
        location(&join("another long password").await),
        "/console/enrol",
        "the link works once"
    );
    let mut new = crate::harness::Staff {
        id: 0,
        email: "new@fjordlys.example".into(),
        password: "a long password of my own".into(),
        secret: None,
        recovery: vec![],
    };
    app.staff_cookie(&mut new).await;

    // An existing account: its password stays its own, and the role waits
    // until the account holder accepts, signed in.
    let mails = app.mail_count().await;
    assert_eq!(
        location(&invite("helper@other.example").await),
        "/console/team?done=invited"
    );
    let mail = app.mail.wait_for(mails + 1).await;
    let roles = |id: i64| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT org FROM staff_roles WHERE staff_id = $1 ORDER BY org",
            )
            .bind(id)
            .fetch_all(&db)
            .await
            .unwrap()
        }
    };
    assert_eq!(
        roles(existing.id).await,
        vec!["other".to_owned()],
        "nothing before it is accepted"
    );
    let (_, page) = app
        .page(link_in(&mail).trim_start_matches(&app.address), None)
        .await;
    assert!(
        page.contains("already has an account"),
        "the holder is sent to sign in"
    );
    let helper_cookie = app.staff_cookie(&mut existing).await;
    let (_, console) = app.page("/console", Some(&helper_cookie)).await;
    assert!(console.contains("You are invited to the privacy team of"));
    let invitation: i64 = sqlx::query_scalar(
        "SELECT id FROM staff_invitations WHERE email = 'helper@other.example' AND accepted_at IS NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let accepted = app
        .post_form(
            "/_sfn/console/accept_invitation",
            &helper_cookie,
            &[("invitation", &invitation.to_string())],
        )
        .await;
    assert_eq!(location(&accepted), "/console?done=joined");
    assert_eq!(
        roles(existing.id).await,
        vec!["demo".to_owned(), "other".to_owned()]
    );

    let (status, html) = app.page("/console/team", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("new@fjordlys.example") && html.contains("helper@other.example"));
    assert!(
        !html.contains("Remove dpo@fjordlys.example"),
        "admins cannot remove themselves"
    );
    let removed = app
        .post_form(
            "/_sfn/console/remove_member",
            &cookie,
            &[("org", "demo"), ("staff_id", &existing.id.to_string())],
        )
        .await;
    assert_eq!(location(&removed), "/console/team?done=removed");
    assert_eq!(
        roles(existing.id).await,
        vec!["other".to_owned()],
        "only the role in demo was taken away"
    );
    let entries: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'staff.%' AND action <> 'staff.login' AND org = 'demo' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        entries,
        [
            "staff.created",
            "staff.two_factor_enrolled",
            "staff.invited",
            "staff.joined",
            "staff.invited",
            "staff.joined",
            "staff.removed"
        ]
    );
}

/// The action added after the redesign, as proof of its shape: handing a
/// request to a colleague with a note for them. The note is the team's: the
/// console's history shows it, the subject's page and the REST API do not,
/// and it is sealed at rest like every other note.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_hands_a_request_to_a_colleague_with_a_note_the_subject_never_sees() {
    let app = spawn_app().await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let colleague = app
        .staff("colleague@fjordlys.example", "demo", Role::Agent, false)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let (reference, token) = app.verified_subject("kari@example.no").await;
    let note = "She called on Monday; the meter numbers are in ticket 4711.";

    let handed = act(
        &app,
        &cookie,
        &reference,
        &[
            ("action", "assign"),
            ("to", &colleague.id.to_string()),
            ("text", note),
        ],
    )
    .await;
    assert_eq!(handed.status(), 303);
    assert!(
        location(&handed).ends_with("?done=assigned"),
        "{}",
        location(&handed)
    );

    let (_, case) = app
        .page(
            &format!("/console/o/demo/requests/{reference}"),
            Some(&cookie),
        )
        .await;
    assert!(
        case.contains("colleague@fjordlys.example"),
        "the new assignee"
    );
    assert!(case.contains("ticket 4711"), "the team reads the note");

    let (status, view) = app
        .get_json(&format!("/api/v1/requests/{reference}"), Some(&token))
        .await;
    assert_eq!(status, 200);
    let assigned = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "assigned")
        .expect("the subject sees that someone took the request");
    assert!(assigned["note"].is_null(), "but not the note: {assigned}");
    let (_, page) = app
        .page(
            &format!("/o/demo/requests/{reference}"),
            Some(&format!("portal_session={token}")),
        )
        .await;
    assert!(!page.contains("ticket 4711"), "nor on their page");

    let stored: String = sqlx::query_scalar(
        "SELECT note FROM request_events WHERE event = 'assigned' AND note IS NOT NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(!stored.contains("4711"), "sealed at rest");

    // A blank note is no note; a colleague of another organisation is refused.
    let again = act(
        &app,
        &cookie,
        &reference,
        &[
            ("action", "assign"),
            ("to", &agent.id.to_string()),
            ("text", "  "),
        ],
    )
    .await;
    assert_eq!(again.status(), 303);
    let notes: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM request_events WHERE event = 'assigned' AND note IS NOT NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(notes, 1);
    let outsider = app
        .staff("outsider@example.org", "other", Role::Agent, false)
        .await;
    let refused = act(
        &app,
        &cookie,
        &reference,
        &[
            ("action", "assign"),
            ("to", &outsider.id.to_string()),
            ("text", note),
        ],
    )
    .await;
    // A plain form's failure goes back with the error for the form to show.
    assert!(
        location(&refused).contains("__err="),
        "{}",
        location(&refused)
    );
    let (assigned_notes, assignee): (i64, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM request_events WHERE event = 'assigned' AND note IS NOT NULL), \
         (SELECT assignee_id FROM requests)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (assigned_notes, assignee),
        (1, Some(agent.id)),
        "nothing of the refused hand-over is kept"
    );
}
