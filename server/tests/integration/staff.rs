//! Staff accounts: created from the command line, argon2id hashes, logins
//! that fail the same way for unknown accounts, lock-out after repeated
//! failures, and sessions that end.

use crate::harness::{spawn_app, totp_code};
use domain::{AppError, Role};
use portal::service::LoginStep;
use portal::token::Token;

fn signed_in(step: LoginStep) -> Token {
    match step {
        LoginStep::SignedIn(token) => token,
        other => panic!("expected a complete sign-in, got {other:?}"),
    }
}

fn admin_create(
    app: &crate::harness::TestApp,
    email: &str,
    password: Option<&str>,
) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .args(["admin", "create", "--org", "demo", "--email", email])
        .env("DATABASE_URL", &app.database_url)
        .env("PORTAL_DATA_DIR", app.data_dir())
        .env("PORTAL_CONTENT_DIR", app.content_dir())
        .env("RUST_LOG", "error");
    match password {
        Some(password) => command.env("PORTAL_ADMIN_PASSWORD", password),
        None => command.env_remove("PORTAL_ADMIN_PASSWORD"),
    };
    command.output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_admin_is_created_from_the_command_line_and_can_log_in() {
    let app = spawn_app().await;
    let created = admin_create(&app, "Dpo@Fjordlys.example", None);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let printed = String::from_utf8_lossy(&created.stdout).to_string();
    let password = printed
        .lines()
        .find_map(|l| l.strip_prefix("Password (shown once, store it safely): "))
        .unwrap();
    assert!(password.len() >= 40, "a generated password is long");

    let stored: String = sqlx::query_scalar("SELECT password_hash FROM staff")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(!stored.contains(password));

    let token = signed_in(
        app.service
            .accounts
            .staff_login("dpo@fjordlys.example", password, &crate::harness::client())
            .await
            .unwrap(),
    );
    let member = app.service.accounts.staff_member(&token).await.unwrap();
    assert_eq!(member.email, "dpo@fjordlys.example");
    assert_eq!(
        member.must_enrol_for,
        vec!["demo".to_owned()],
        "the demo organisation requires two-factor"
    );
    assert!(!member.may("demo", Role::Agent), "nothing until enrolled");

    let enrolment = app
        .service
        .accounts
        .begin_totp(&app.service.accounts.staff_member(&token).await.unwrap())
        .await
        .unwrap();
    assert!(enrolment.otpauth_url.starts_with("otpauth://totp/"));
    assert!(enrolment.qr_svg.contains("<svg"));
    let wrong = app
        .service
        .accounts
        .confirm_totp(
            &app.service.accounts.staff_member(&token).await.unwrap(),
            "000000",
            password,
            &crate::harness::client(),
        )
        .await;
    assert!(
        wrong.is_err()
            || totp_code(&enrolment.secret_base32, "dpo@fjordlys.example", 0) == "000000"
    );
    let recovery = app
        .service
        .accounts
        .confirm_totp(
            &app.service.accounts.staff_member(&token).await.unwrap(),
            &totp_code(&enrolment.secret_base32, "dpo@fjordlys.example", 0),
            password,
            &crate::harness::client(),
        )
        .await
        .unwrap();
    assert_eq!(recovery.len(), 10);
    let member = app.service.accounts.staff_member(&token).await.unwrap();
    assert_eq!(member.roles, vec![(crate::harness::demo(), Role::Admin)]);
    assert!(member.two_factor && member.must_enrol_for.is_empty());
    assert!(member.may("demo", Role::Agent) && member.may("demo", Role::Admin));
    assert!(
        !member.may("other", Role::Agent),
        "bound to its organisations only"
    );

    app.service
        .accounts
        .staff_logout(&app.service.accounts.staff_member(&token).await.unwrap())
        .await;
    assert_eq!(
        app.service.accounts.staff_member(&token).await.map(|_| ()),
        Err(AppError::Unauthenticated)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weak_passwords_and_unknown_organisations_are_refused() {
    let app = spawn_app().await;
    let short = admin_create(&app, "a@fjordlys.example", Some("short"));
    assert_eq!(short.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&short.stderr).contains("12 to 128 characters"));
    let bad = app
        .service
        .accounts
        .create_staff(
            "b@fjordlys.example",
            "long enough password",
            "nowhere",
            Role::Agent,
        )
        .await;
    assert!(bad
        .unwrap_err()
        .to_string()
        .contains("no organisation nowhere"));
    assert_eq!(app.count("staff").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_login_does_not_reveal_whether_the_account_exists_and_five_lock_it() {
    let app = spawn_app().await;
    app.service
        .accounts
        .create_staff(
            "agent@fjordlys.example",
            "correct horse battery",
            "demo",
            Role::Agent,
        )
        .await
        .unwrap();

    let wrong_password = app
        .service
        .accounts
        .staff_login(
            "agent@fjordlys.example",
            "wrong password!",
            &crate::harness::client(),
        )
        .await;
    let unknown_account = app
        .service
        .accounts
        .staff_login(
            "nobody@fjordlys.example",
            "wrong password!",
            &crate::harness::client(),
        )
        .await;
    assert_eq!(wrong_password.map(|_| ()), Err(AppError::LoginFailed));
    assert_eq!(
        unknown_account.map(|_| ()),
        Err(AppError::LoginFailed),
        "the same answer for an unknown account"
    );
    assert_eq!(
        app.service
            .accounts
            .staff_login("not an address", "x", &crate::harness::client())
            .await
            .map(|_| ()),
        Err(AppError::LoginFailed)
    );

    for _ in 0..4 {
        assert_eq!(
            app.service
                .accounts
                .staff_login(
                    "agent@fjordlys.example",
                    "guess guess guess",
                    &crate::harness::client()
                )
                .await
                .map(|_| ()),
            Err(AppError::LoginFailed)
        );
    }
    assert_eq!(
        app.service
            .accounts
            .staff_login(
                "agent@fjordlys.example",
                "correct horse battery",
                &crate::harness::client()
            )
            .await
            .map(|_| ()),
        Err(AppError::RateLimited),
        "five failures lock the address for 15 minutes, even with the right password"
    );
    for _ in 0..4 {
        let _ = app
            .service
            .accounts
            .staff_login(
                "nobody@fjordlys.example",
                "guess guess guess",
                &crate::harness::client(),
            )
            .await;
    }
    assert_eq!(
        app.service
            .accounts
            .staff_login("nobody@fjordlys.example", "x", &crate::harness::client())
            .await
            .map(|_| ()),
        Err(AppError::RateLimited),
        "unknown accounts lock the same way"
    );

    sqlx::query("UPDATE login_failures SET at = at - 15 * 60 - 1")
        .execute(&app.db)
        .await
        .unwrap();
    assert!(matches!(
        app.service
            .accounts
            .staff_login(
                "Agent@Fjordlys.example",
                "correct horse battery",
                &crate::harness::client()
            )
            .await,
        Ok(LoginStep::SignedIn(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_totp_a_password_alone_grants_nothing_and_codes_cannot_be_replayed() {
    let app = spawn_app().await;
    let email = "totp@fjordlys.example";
    app.service
        .accounts
        .create_staff(email, "correct horse battery", "demo", Role::Agent)
        .await
        .unwrap();
    let token = signed_in(
        app.service
            .accounts
            .staff_login(email, "correct horse battery", &crate::harness::client())
            .await
            .unwrap(),
    );
    let secret = app
        .service
        .accounts
        .begin_totp(&app.service.accounts.staff_member(&token).await.unwrap())
        .await
        .unwrap()
        .secret_base32;
    let used = totp_code(&secret, email, 0);
    let recovery = app
        .service
        .accounts
        .confirm_totp(
            &app.service.accounts.staff_member(&token).await.unwrap(),
            &used,
            "correct horse battery",
            &crate::harness::client(),
        )
        .await
        .unwrap();
    app.service
        .accounts
        .staff_logout(&app.service.accounts.staff_member(&token).await.unwrap())
        .await;

    let LoginStep::SecondFactor(pending) = app
        .service
        .accounts
        .staff_login(email, "correct horse battery", &crate::harness::client())
        .await
        .unwrap()
    else {
        panic!("an enrolled account needs its second factor");
    };
    assert_eq!(
        app.service
            .accounts
            .staff_member(&pending)
            .await
            .map(|_| ()),
        Err(AppError::Unauthenticated),
        "a password alone grants nothing"
    );
    assert_eq!(
        app.service
            .accounts
            .staff_second_factor(&pending, &used, &crate::harness::client())
            .await
            .map(|_| ()),
        Err(AppError::LoginFailed),
        "a used code is a replay"
    );
    assert_eq!(
        app.service
            .accounts
            .staff_second_factor(
                &pending,
                &totp_code(&secret, email, 1),
                &crate::harness::client()
            )
            .await
            .map(|_| ()),
        Err(AppError::Unauthenticated),
        "a failed second factor costs the pending login"
    );

    let LoginStep::SecondFactor(pending) = app
        .service
        .accounts
        .staff_login(email, "correct horse battery", &crate::harness::client())
        .await
        .unwrap()
    else {
        panic!()
    };
    let session = app
        .service
        .accounts
        .staff_second_factor(
            &pending,
            &totp_code(&secret, email, 1),
            &crate::harness::client(),
        )
        .await
        .unwrap();
    assert!(app
        .service
        .accounts
        .staff_member(&session)
        .await
        .unwrap()
        .may("demo", Role::Agent));

    let LoginStep::SecondFactor(pending) = app
        .service
        .accounts
        .staff_login(email, "correct horse battery", &crate::harness::client())
        .await
        .unwrap()
    else {
        panic!()
    };
    let with_recovery = app
        .service
        .accounts
        .staff_second_factor(
            &pending,
            &recovery[0].to_uppercase(),
            &crate::harness::client(),
        )
        .await
        .unwrap();
    assert!(app
        .service
        .accounts
        .staff_member(&with_recovery)
        .await
        .is_ok());
    let LoginStep::SecondFactor(pending) = app
        .service
        .accounts
        .staff_login(email, "correct horse battery", &crate::harness::client())
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(
        app.service
            .accounts
            .staff_second_factor(&pending, &recovery[0], &crate::harness::client())
            .await
            .map(|_| ()),
        Err(AppError::LoginFailed),
        "spent once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_resets_a_lost_second_factor_from_the_command_line() {
    let app = spawn_app().await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let reset = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "admin",
            "reset-two-factor",
            "--email",
            "agent@fjordlys.example",
        ])
        .env("DATABASE_URL", &app.database_url)
        .env("PORTAL_DATA_DIR", app.data_dir())
        .env("PORTAL_CONTENT_DIR", app.content_dir())
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(
        reset.status.success(),
        "{}",
        String::from_utf8_lossy(&reset.stderr)
    );
    assert!(String::from_utf8_lossy(&reset.stdout).contains("enrols again"));
    let (status, _) = app.page("/console", Some(&cookie)).await;
    assert!((300..400).contains(&status), "its sessions ended: {status}");
    let token = signed_in(
        app.service
            .accounts
            .staff_login(
                "agent@fjordlys.example",
                crate::harness::STAFF_PASSWORD,
                &crate::harness::client(),
            )
            .await
            .unwrap(),
    );
    let member = app.service.accounts.staff_member(&token).await.unwrap();
    assert!(
        member.must_enrol && member.roles.is_empty(),
        "it enrols before it reaches anything"
    );
    let unknown = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "admin",
            "reset-two-factor",
            "--email",
            "nobody@fjordlys.example",
        ])
        .env("DATABASE_URL", &app.database_url)
        .env("PORTAL_DATA_DIR", app.data_dir())
        .env("PORTAL_CONTENT_DIR", app.content_dir())
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no staff account"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweep_forgets_ended_staff_sessions_old_failures_and_spent_links() {
    let app = spawn_app().await;
    let mut admin = app
        .staff("dpo@fjordlys.example", "demo", Role::Admin, true)
        .await;
    let cookie = app.staff_cookie(&mut admin).await;
    let _ = app
        .service
        .accounts
        .staff_login(
            "dpo@fjordlys.example",
            "a wrong password",
            &crate::harness::client(),
        )
        .await;
    let invited = app
        .post_form(
            "/_sfn/console/invite",
            &cookie,
            &[
                ("org", "demo"),
                ("email", "new@fjordlys.example"),
                ("role", "agent"),
            ],
        )
        .await;
    assert_eq!(
        crate::harness::location(&invited),
        "/console/team?done=invited"
    );
    app.client
        .post(app.url("/_sfn/console/forgot_password"))
        .form(&[("email", "dpo@fjordlys.example")])
        .send()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    app.service.upkeep.expire_unverified().await.unwrap();
    for table in [
        "staff_sessions",
        "login_failures",
        "staff_password_resets",
        "staff_invitations",
    ] {
        assert!(
            app.count(table).await > 0,
            "{table}: still in use, still there"
        );
    }
    let month = 31 * 86_400;
    for statement in [
        format!("UPDATE staff_sessions SET expires_at = expires_at - {month}, last_seen_at = last_seen_at - {month}"),
        format!("UPDATE login_failures SET at = at - {month}"),
        format!("UPDATE staff_password_resets SET created_at = created_at - {month}, expires_at = expires_at - {month}"),
        format!("UPDATE staff_invitations SET created_at = created_at - {month}, expires_at = expires_at - {month}"),
    ] {
        sqlx::query(&statement).execute(&app.db).await.unwrap();
    }
    app.service.upkeep.expire_unverified().await.unwrap();
    for table in [
        "staff_sessions",
        "login_failures",
        "staff_password_resets",
        "staff_invitations",
    ] {
        assert_eq!(app.count(table).await, 0, "{table}");
    }
}
