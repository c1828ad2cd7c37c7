//! The authorisation matrix: every server function, API route, file route
//! and console page, called by each of six actors, is either allowed or
//! refused as designed. Refusals are 401/403/404 (pages send strangers to
//! the login), and another organisation's or subject's data answers exactly
//! like data that does not exist. After the matrix, what the allowed
//! callers see is checked for leaks.

use crate::harness::{spawn_app, TestApp};
use domain::StaffAction;
use domain::{Reference, Role};
use portal::service::Upload;
use portal::token::Token;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// 2xx or a redirect to where the action leads.
    Allow,
    /// 401, 403 or 404.
    Deny,
    /// A page that sends the visitor to the console's login.
    Login,
    /// This exact status (a refusal by the rules, not by the door).
    Status(u16),
}
use Expect::*;

const ACTORS: [&str; 6] = [
    "anonymous",
    "subject X",
    "subject Y",
    "agent of A",
    "agent of B",
    "admin of A",
];

struct Actor {
    cookie: Option<String>,
    bearer: Option<String>,
}

enum Body {
    None,
    Form(Vec<(&'static str, String)>),
    Json(serde_json::Value),
    Multipart(&'static str),
    /// A data file for a category of an export package.
    Upload(&'static str),
}

struct Route<const N: usize = 6> {
    method: &'static str,
    path: String,
    body: Body,
    /// One expectation per actor, in the order of `ACTORS` (or `TOKEN_ACTORS`).
    expect: [Expect; N],
}

fn form(pairs: &[(&'static str, &str)]) -> Body {
    Body::Form(pairs.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

async fn call<const N: usize>(app: &TestApp, route: &Route<N>, actor: &Actor) -> (u16, String) {
    let url = app.url(&route.path);
    let mut request = match route.method {
        "GET" => app.client.get(url),
        _ => app.client.post(url),
    };
    if let Some(cookie) = &actor.cookie {
        request = request.header("cookie", cookie);
    }
    // Pages are asked for as browsers ask for them.
    if route.method == "GET" && !route.path.starts_with("/api/") {
        request = request.header("accept", "text/html");
    }
    // Bearer tokens only matter to the REST API; browsers never send them.
    if let (Some(token), true) = (&actor.bearer, route.path.starts_with("/api/")) {
        request = request.bearer_auth(token);
    }
    request = match &route.body {
        Body::None => request,
        Body::Form(pairs) => request.form(pairs),
        Body::Json(value) => request.json(value),
        Body::Multipart(text) => {
            request.multipart(reqwest::multipart::Form::new().text("response", *text))
        }
        Body::Upload(category) => request.multipart(
            reqwest::multipart::Form::new()
                .text("category", *category)
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(br#"{"name": "Kari"}"#.to_vec())
                        .file_name("crm.json"),
                ),
        ),
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

fn satisfied(expect: Expect, status: u16) -> bool {
    match expect {
        Allow => (200..400).contains(&status),
        Deny => [401, 403, 404].contains(&status),
        Login => (300..400).contains(&status),
        Status(wanted) => status == wanted,
    }
}

async fn subject(app: &TestApp, email: &str) -> (Vec<String>, String) {
    let mut references = Vec::new();
    let mut token = String::new();
    for _ in 0..4 {
        let (reference, t) = app.verified_subject(email).await;
        references.push(reference);
        token = t;
    }
    (references, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_door_lets_in_exactly_who_it_should() {
    let app = spawn_app().await;
    // Subject X has four requests: x (open), x2 (answered with a file),
    // z (to cancel) and w (to complete); subject Y has their own.
    let (x_refs, x_token) = subject(&app, "kari@example.no").await;
    let (y, y_token) = app.verified_subject("ola@example.no").await;
    // Codes are limited per address and day: resends go to two more subjects.
    let (p, _) = app.verified_subject("per@example.no").await;
    let (q, _) = app.verified_subject("pia@example.no").await;
    let (x, x2, z, w) = (
        x_refs[0].clone(),
        x_refs[1].clone(),
        x_refs[2].clone(),
        x_refs[3].clone(),
    );
    let mut agent_a = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let mut agent_b = app
        .staff("agent@other.example", "other", Role::Agent, false)
        .await;
    let mut admin_a = app
        .staff("dpo@fjordlys.example", "demo", Role::Admin, true)
        .await;
    let temp = app
        .staff("temp@fjordlys.example", "demo", Role::Agent, false)
        .await;
    let temp_id = temp.id.to_string();

    let (a_cookie, b_cookie, admin_cookie) = (
        app.staff_cookie(&mut agent_a).await,
        app.staff_cookie(&mut agent_b).await,
        app.staff_cookie(&mut admin_a).await,
    );

    let token = a_cookie.trim_start_matches("portal_staff=");
    let member = app
        .service
        .accounts
        .staff_member(&Token::presented(token))
        .await
        .unwrap();
    // An invitation for the matrix to revoke.
    let admin_member = app
        .service
        .accounts
        .staff_member(&Token::presented(
            admin_cookie.trim_start_matches("portal_staff="),
        ))
        .await
        .unwrap();
    app.service
        .team
        .invite(
            &admin_member,
            "demo",
            "invited@fjordlys.example",
            Role::Agent,
        )
        .await
        .unwrap();
    let invitation: String = sqlx::query_scalar::<_, i64>("SELECT id FROM staff_invitations")
        .fetch_one(&app.db)
        .await
        .unwrap()
        .to_string();
    let upload = Upload {
        file_name: "answer.txt".into(),
        content_type: "text/plain".into(),
        data: b"hello".to_vec(),
    };
    let complete = StaffAction::Complete {
        response: "Here.".into(),
        outcome: Default::default(),
    };
    app.service
        .cases
        .staff_act_with_files(
            &member,
            "demo",
            &Reference::parse(&x2).unwrap(),
            complete,
            vec![upload],
        )
        .await
        .unwrap();
    let file_id: i64 = sqlx::query_scalar("SELECT id FROM request_attachments")
        .fetch_one(&app.db)
        .await
        .unwrap();

    // A token of the other organisation, for the revocation a stranger tries.
    let admin_b = app
        .staff("dpo@other.example", "other", Role::Admin, false)
        .await;
    let other_token_id = crate::org_api::token_of(&app, admin_b, "other")
        .await
        .to_string();

    let actors = [
        Actor {
            cookie: None,
            bearer: None,
        },
        Actor {
            cookie: Some(format!("portal_session={x_token}")),
            bearer: Some(x_token.clone()),
        },
        Actor {
            cookie: Some(format!("portal_session={y_token}")),
            bearer: Some(y_token.clone()),
        },
        Actor {
            cookie: Some(a_cookie.clone()),
            bearer: None,
        },
        Actor {
            cookie: Some(b_cookie.clone()),
            bearer: None,
        },
        Actor {
            cookie: Some(admin_cookie.clone()),
            bearer: None,
        },
    ];
    let sfn = |name: &str| format!("/_sfn/{name}");
    let everyone = [Allow; 6];
    let staff_of_a = [Deny, Deny, Deny, Allow, Deny, Allow];
    let any_staff = [Deny, Deny, Deny, Allow, Allow, Allow];
    let routes = vec![
        // Subject-side server functions.
        Route {
            method: "POST",
            path: sfn("organisation"),
            body: form(&[("org", "demo")]),
            expect: everyone,
        },
        Route {
            method: "POST",
            path: sfn("notice"),
            body: form(&[("org", "demo")]),
            expect: everyone,
        },
        Route {
            method: "POST",
            path: sfn("submit_request"),
            body: form(&[
                ("org", "demo"),
                ("kind", "access"),
                ("email", "new@example.no"),
            ]),
            expect: everyone,
        },
        // The code is the credential: a wrong one is refused for everyone alike.
        Route {
            method: "POST",
            path: sfn("verify_code"),
            body: form(&[("org", "demo"), ("reference", &x), ("code", "000000")]),
            expect: [Status(422); 6],
        },
        Route {
            method: "POST",
            path: sfn("confirm_link"),
            body: form(&[("org", "demo"), ("token", "forged")]),
            expect: [Status(422); 6],
        },
        Route {
            method: "POST",
            path: sfn("resend_code"),
            body: form(&[("org", "demo"), ("reference", &p)]),
            expect: everyone,
        },
        // Everyone may ask; only the owner's session gets the detail (checked below).
        Route {
            method: "POST",
            path: sfn("track_request"),
            body: form(&[("org", "demo"), ("reference", &x)]),
            expect: everyone,
        },
        Route {
            method: "POST",
            path: sfn("my_requests"),
            body: form(&[("org", "demo")]),
            expect: [Deny, Allow, Allow, Deny, Deny, Deny],
        },
        Route {
            method: "POST",
            path: sfn("reply"),
            body: form(&[("org", "demo"), ("reference", &x), ("body", "Hello")]),
            expect: [Deny, Allow, Deny, Deny, Deny, Deny],
        },
        Route {
            method: "POST",
            path: sfn("cancel_request"),
            body: form(&[("org", "demo"), ("reference", &z)]),
            expect: [Deny, Allow, Deny, Deny, Deny, Deny],
        },
        // Console server functions.
        Route {
            method: "POST",
            path: sfn("console/me"),
            body: form(&[]),
            expect: any_staff,
        },
        Route {
            method: "POST",
            path: sfn("console/queue"),
            body: form(&[]),
            expect: any_staff,
        },
        Route {
            method: "POST",
            path: sfn("console/case"),
            body: form(&[("org", "demo"), ("reference", &x)]),
            expect: staff_of_a,
        },
        // Naming one's own organisation does not reach another's request.
        Route {
            method: "POST",
            path: sfn("console/case"),
            body: form(&[("org", "other"), ("reference", &x)]),
            expect: [Deny, Deny, Deny, Deny, Deny, Deny],
        },
        Route {
            method: "POST",
            path: sfn("console/act"),
            body: form(&[
                ("org", "demo"),
                ("reference", &x),
                ("action", "message"),
                ("text", "A note"),
            ]),
            expect: staff_of_a,
        },
        Route {
            method: "POST",
            path: sfn("console/audit"),
            body: form(&[]),
            expect: [Deny, Deny, Deny, Status(403), Status(403), Allow],
        },
        // Any member may set up an authenticator: one that replaces a
        // working factor waits until confirmed with the password.
        Route {
            method: "POST",
            path: sfn("console/enrolment"),
            body: form(&[]),
            expect: [Deny, Deny, Deny, Allow, Allow, Allow],
        },
        Route {
            method: "POST",
            path: sfn("console/confirm_enrolment"),
            body: form(&[("code", "000000")]),
            expect: [Deny, Deny, Deny, Status(422), Status(422), Status(422)],
        },
        Route {
            method: "POST",
            path: sfn("console/recovery_codes"),
            body: form(&[]),
            expect: [Deny, Deny, Deny, Allow, Status(403), Allow],
        },
        Route {
            method: "POST",
            path: sfn("console/team"),
            body: form(&[]),
            expect: [Deny, Deny, Deny, Status(403), Status(403), Allow],
        },
        Route {
            method: "POST",
            path: sfn("console/invite"),
            body: form(&[
                ("org", "demo"),
                ("email", "added@fjordlys.example"),
                ("role", "agent"),
            ]),
            expect: [Deny, Deny, Deny, Status(403), Status(404), Allow],
        },
        Route {
            method: "POST",
            path: sfn("console/revoke_invitation"),
            body: form(&[("org", "demo"), ("invitation", &invitation)]),
            expect: [Deny, Deny, Deny, Status(403), Status(404), Allow],
        },
        Route {
            method: "POST",
            path: sfn("console/webhooks"),
            body: form(&[]),
            expect: [Deny, Deny, Deny, Status(403), Status(403), Allow],
        },
        Route {
            method: "POST",
            path: sfn("console/replay_webhook"),
            body: form(&[("org", "demo"), ("delivery", "999999")]),
            expect: [Deny, Deny, Deny, Status(404), Status(404), Status(404)],
        },
        // Published only where the organisation says so; the demo does not.
        Route {
            method: "POST",
            path: sfn("figures"),
            body: form(&[("org", "demo")]),
            expect: [Status(404); 6],
        },
        Route {
            method: "POST",
            path: sfn("console/figures"),
            body: form(&[]),
            expect: [Deny, Deny, Deny, Status(403), Status(403), Allow],
        },
        Route {
            method: "GET",
            path: "/console/o/demo/figures.csv".into(),
            body: Body::None,
            expect: [Deny, Deny, Deny, Status(404), Status(404), Allow],
        },
        Route {
            method: "GET",
            path: "/console/figures".into(),
            body: Body::None,
            expect: [Login, Login, Login, Status(403), Status(403), Allow],
        },
        Route {
            method: "POST",
            path: sfn("console/intake"),
            body: form(&[]),
            expect: [Deny, Deny, Deny, Allow, Allow, Allow],
        },
        // A day in the future: the team's members reach the rules (422),
        // nothing is stored; nobody else reaches them.
        Route {
            method: "POST",
            path: sfn("console/enter_request"),
            body: form(&[
                ("org", "demo"),
                ("kind", "access"),
                ("channel", "post"),
                ("arrived_on", "2999-01-01"),
                ("email", "entered@example.no"),
            ]),
            expect: [Deny, Deny, Deny, Status(422), Status(404), Status(422)],
        },
        // Temp belongs to demo alone, whose admin may reset their factor.
        Route {
            method: "POST",
            path: sfn("console/reset_two_factor"),
            body: form(&[("org", "demo"), ("staff_id", &temp_id)]),
            expect: [Deny, Deny, Deny, Status(403), Status(404), Allow],
        },
        // One's own password, with the current one (a wrong one here).
        Route {
            method: "POST",
            path: sfn("console/change_password"),
            body: form(&[
                ("password", "not my password at all"),
                ("new_password", "a new long password"),
                ("repeat", "a new long password"),
            ]),
            expect: [Deny, Deny, Deny, Status(422), Status(422), Status(422)],
        },
        // Anyone may ask for a reset link, with the same answer for every
        // address; three an hour per address (counted for any address).
        Route {
            method: "POST",
            path: sfn("console/forgot_password"),
            body: form(&[("email", "nobody@fjordlys.example")]),
            expect: [Allow, Allow, Allow, Status(429), Status(429), Status(429)],
        },
        // The links are the credentials: forged ones are refused alike.
        Route {
            method: "POST",
            path: sfn("console/reset_link"),
            body: form(&[("token", "forged")]),
            expect: everyone,
        },
        Route {
            method: "POST",
            path: sfn("console/reset_password"),
            body: form(&[
                ("token", "forged"),
                ("new_password", "a new long password"),
                ("repeat", "a new long password"),
            ]),
            expect: [Status(422); 6],
        },
        Route {
            method: "POST",
            path: sfn("console/invitation"),
            body: form(&[("token", "forged")]),
            expect: [Status(422); 6],
        },
        Route {
            method: "POST",
            path: sfn("console/join"),
            body: form(&[
                ("token", "forged"),
                ("new_password", "a new long password"),
                ("repeat", "a new long password"),
            ]),
            expect: [Status(422); 6],
        },
        Route {
            method: "POST",
            path: sfn("console/accept_invitation"),
            body: form(&[("token", "forged")]),
            expect: [Deny, Deny, Deny, Status(422), Status(422), Status(422)],
        },
        Route {
            method: "POST",
            path: sfn("console/remove_member"),
            body: form(&[("org", "demo"), ("staff_id", &temp_id)]),
            expect: [Deny, Deny, Deny, Status(403), Status(404), Allow],
        },
        // New recovery codes ask for the password again.
        Route {
            method: "POST",
            path: sfn("console/new_recovery_codes"),
            body: form(&[("password", crate::harness::STAFF_PASSWORD)]),
            expect: [Deny, Deny, Deny, Allow, Status(403), Allow],
        },
        // The second step needs the pending-login cookie, which nobody here has.
        Route {
            method: "POST",
            path: sfn("console/second_factor"),
            body: form(&[("code", "123456")]),
            expect: [Status(401); 6],
        },
        // REST API.
        Route {
            method: "GET",
            path: "/api/v1/openapi.json".into(),
            body: Body::None,
            expect: everyone,
        },
        Route {
            method: "POST",
            path: "/api/v1/requests".into(),
            body: Body::Json(
                serde_json::json!({"org": "demo", "kind": "access", "email": "api@example.no"}),
            ),
            expect: everyone,
        },
        Route {
            method: "POST",
            path: format!("/api/v1/requests/{x}/verify"),
            body: Body::Json(serde_json::json!({"code": "000000"})),
            expect: [Status(422); 6],
        },
        Route {
            method: "POST",
            path: format!("/api/v1/requests/{q}/resend"),
            body: Body::None,
            expect: everyone,
        },
        Route {
            method: "GET",
            path: "/api/v1/requests".into(),
            body: Body::None,
            expect: [Deny, Allow, Allow, Deny, Deny, Deny],
        },
        Route {
            method: "GET",
            path: format!("/api/v1/requests/{x}"),
            body: Body::None,
            expect: [Deny, Allow, Deny, Deny, Deny, Deny],
        },
        Route {
            method: "GET",
            path: format!("/api/v1/requests/{x2}/attachments/{file_id}"),
            body: Body::None,
            expect: [Deny, Allow, Deny, Deny, Deny, Deny],
        },
        // Files.
        Route {
            method: "GET",
            path: format!("/o/demo/requests/{x2}/attachments/{file_id}"),
            body: Body::None,
            expect: [Deny, Allow, Deny, Deny, Deny, Deny],
        },
        Route {
            method: "GET",
            path: format!("/console/o/demo/requests/{x2}/attachments/{file_id}"),
            body: Body::None,
            expect: staff_of_a,
        },
        // Agent A completes w; the admin then finds it closed (allowed in,
        // refused by the lifecycle).
        Route {
            method: "POST",
            path: format!("/console/o/demo/requests/{w}/complete"),
            body: Body::Multipart("Done."),
            expect: [Deny, Deny, Deny, Allow, Deny, Status(409)],
        },
        // Export packages: staff of A collect and build; only X downloads.
        Route {
            method: "POST",
            path: format!("/console/o/demo/requests/{x}/export-data"),
            body: Body::Upload("identity"),
            expect: staff_of_a,
        },
        Route {
            method: "POST",
            path: format!("/console/o/demo/requests/{x}/collect"),
            body: Body::None,
            expect: staff_of_a,
        },
        // An access request has nothing to erase: staff of A get in and are refused by the rules.
        Route {
            method: "POST",
            path: format!("/console/o/demo/requests/{x}/execute"),
            body: Body::None,
            expect: [Deny, Deny, Deny, Status(422), Deny, Status(422)],
        },
        Route {
            method: "POST",
            path: format!("/console/o/demo/requests/{x}/export"),
            body: Body::None,
            expect: staff_of_a,
        },
        Route {
            method: "GET",
            path: format!("/console/o/demo/requests/{x}/export"),
            body: Body::None,
            expect: staff_of_a,
        },
        // The demo organisation releases packages at once: staff of A get
        // in, and the lifecycle refuses a second release.
        Route {
            method: "POST",
            path: format!("/console/o/demo/requests/{x}/export/release"),
            body: Body::None,
            expect: [Deny, Deny, Deny, Status(409), Deny, Status(409)],
        },
        Route {
            method: "GET",
            path: format!("/o/demo/requests/{x}/export"),
            body: Body::None,
            expect: [Deny, Allow, Deny, Deny, Deny, Deny],
        },
        Route {
            method: "GET",
            path: format!("/api/v1/requests/{x}/export"),
            body: Body::None,
            expect: [Deny, Allow, Deny, Deny, Deny, Deny],
        },
        Route {
            method: "GET",
            path: "/api/v1/schemas/export.json".into(),
            body: Body::None,
            expect: everyone,
        },
        // Pages.
        Route {
            method: "GET",
            path: "/o/demo".into(),
            body: Body::None,
            expect: everyone,
        },
        Route {
            method: "GET",
            path: format!("/o/demo/requests/{x}"),
            body: Body::None,
            expect: everyone,
        },
        Route {
            method: "GET",
            path: "/o/demo/requests".into(),
            body: Body::None,
            expect: [
                Status(401),
                Allow,
                Allow,
                Status(401),
                Status(401),
                Status(401),
            ],
        },
        Route {
            method: "GET",
            path: "/console".into(),
            body: Body::None,
            expect: [Login, Login, Login, Allow, Allow, Allow],
        },
        Route {
            method: "GET",
            path: format!("/console/o/demo/requests/{x}"),
            body: Body::None,
            expect: [Login, Login, Login, Allow, Status(404), Allow],
        },
        Route {
            method: "GET",
            path: "/console/audit".into(),
            body: Body::None,
            expect: [Login, Login, Login, Status(403), Status(403), Allow],
        },
        Route {
            method: "GET",
            path: "/console/team".into(),
            body: Body::None,
            expect: [Login, Login, Login, Status(403), Status(403), Allow],
        },
        Route {
            method: "GET",
            path: "/console/webhooks".into(),
            body: Body::None,
            expect: [Login, Login, Login, Status(403), Status(403), Allow],
        },
        Route {
            method: "GET",
            path: "/console/new-request?kind=access".into(),
            body: Body::None,
            expect: [Login, Login, Login, Allow, Allow, Allow],
        },
        Route {
            method: "GET",
            path: "/console/api-tokens".into(),
            body: Body::None,
            expect: [Login, Login, Login, Status(403), Status(403), Allow],
        },
        Route {
            method: "POST",
            path: sfn("console/api_tokens"),
            body: form(&[]),
            expect: [Deny, Deny, Deny, Status(403), Status(403), Allow],
        },
        Route {
            method: "POST",
            path: sfn("console/create_api_token"),
            body: form(&[
                ("org", "demo"),
                ("name", "matrix"),
                ("role", "agent"),
                ("days", "30"),
            ]),
            expect: [Deny, Deny, Deny, Deny, Deny, Allow],
        },
        // Only an admin of the token's organisation revokes it.
        Route {
            method: "POST",
            path: sfn("console/revoke_api_token"),
            body: form(&[("org", "other"), ("token", &other_token_id)]),
            expect: [Deny; 6],
        },
        Route {
            method: "GET",
            path: "/console/o/demo/opt-outs.csv".into(),
            body: Body::None,
            expect: [Deny, Deny, Deny, Deny, Deny, Allow],
        },
        Route {
            method: "GET",
            path: "/console/o/demo/consents.csv".into(),
            body: Body::None,
            expect: [Deny, Deny, Deny, Deny, Deny, Allow],
        },
        Route {
            method: "GET",
            path: "/console/o/other/opt-outs.csv".into(),
            body: Body::None,
            expect: [Deny; 6],
        },
        Route {
            method: "GET",
            path: "/console/login".into(),
            body: Body::None,
            expect: everyone,
        },
        Route {
            method: "GET",
            path: "/console/enrol".into(),
            body: Body::None,
            expect: [Login, Login, Login, Allow, Allow, Allow],
        },
        // Anyone may try to log in; failures look alike and, counted per
        // address, lock it after five.
        Route {
            method: "POST",
            path: sfn("console/login"),
            body: form(&[
                ("email", "nobody@fjordlys.example"),
                ("password", "not a password at all"),
            ]),
            expect: [
                Status(401),
                Status(401),
                Status(401),
                Status(401),
                Status(401),
                Status(429),
            ],
        },
        Route {
            method: "GET",
            path: "/console/account".into(),
            body: Body::None,
            expect: [Login, Login, Login, Allow, Allow, Allow],
        },
        Route {
            method: "GET",
            path: "/console/login/forgot".into(),
            body: Body::None,
            expect: everyone,
        },
        Route {
            method: "GET",
            path: "/console/reset/forged".into(),
            body: Body::None,
            expect: everyone,
        },
        Route {
            method: "GET",
            path: "/console/invitation/forged".into(),
            body: Body::None,
            expect: everyone,
        },
        Route {
            method: "GET",
            path: "/console/recovery-codes".into(),
            body: Body::None,
            expect: [Login, Login, Login, Allow, Status(403), Allow],
        },
        // Last, since they end the callers' own sessions: anyone may sign out.
        Route {
            method: "POST",
            path: sfn("sign_out"),
            body: form(&[("org", "demo")]),
            expect: everyone,
        },
        Route {
            method: "POST",
            path: sfn("console/logout"),
            body: form(&[]),
            expect: everyone,
        },
    ];

    let mut failures = Vec::new();
    let mut bodies = std::collections::HashMap::new();
    for route in &routes {
        for (i, actor) in actors.iter().enumerate() {
            let (status, body) = call(&app, route, actor).await;
            if !satisfied(route.expect[i], status) {
                failures.push(format!(
                    "{} {} as {}: got {status}, expected {:?}",
                    route.method, route.path, ACTORS[i], route.expect[i]
                ));
            }
            bodies.insert((route.path.clone(), i), body);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} calls wrong:\n{}",
        failures.len(),
        routes.len() * 6,
        failures.join("\n")
    );
    println!(
        "authorisation matrix: {} routes x {} actors = {} calls",
        routes.len(),
        ACTORS.len(),
        routes.len() * ACTORS.len()
    );

    // What the allowed callers saw: nothing of anyone else.
    let body = |path: &str, actor: usize| bodies[&(path.to_owned(), actor)].clone();
    let track = sfn("track_request");
    assert!(
        body(&track, 1).contains("Owner"),
        "the owner sees the request"
    );
    for actor in [0, 2, 3, 4, 5] {
        assert!(
            !body(&track, actor).contains("Owner"),
            "{} sees no detail",
            ACTORS[actor]
        );
    }
    let mine = sfn("my_requests");
    assert!(body(&mine, 1).contains(&x) && !body(&mine, 1).contains(&y));
    assert!(body(&mine, 2).contains(&y) && !body(&mine, 2).contains(&x));
    let queue = sfn("console/queue");
    assert!(body(&queue, 3).contains(&x) && body(&queue, 5).contains(&x));
    assert!(
        !body(&queue, 4).contains(&x) && !body(&queue, 4).contains(&y),
        "agent of B sees nothing of A"
    );
    let audit = serde_json::from_str::<serde_json::Value>(&body(&sfn("console/audit"), 5)).unwrap();
    let orgs: std::collections::HashSet<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["org"].as_str().unwrap())
        .collect();
    assert_eq!(
        orgs,
        ["demo"].into_iter().collect(),
        "the admin of A reads only A's log"
    );
    let page = body(&format!("/o/demo/requests/{x}"), 2);
    assert!(
        !page.contains("History") && !page.contains("kari@example.no"),
        "subject Y sees only the sign-in form"
    );
}

const TOKEN_ACTORS: [&str; 8] = [
    "anonymous",
    "subject X's token",
    "admin of A, signed in to the console",
    "agent token of A",
    "admin token of A",
    "admin token of B",
    "revoked token of A",
    "expired token of A",
];

/// The organisation API, called by each of eight actors: tokens of two
/// organisations, a revoked and an expired one, a subject's token and a
/// console session (which the API does not read). A token reaches its own
/// organisation, with its role, and nothing else; no other door lets a
/// token in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisation_tokens_reach_their_own_organisation_and_nothing_else() {
    use crate::org_api::{member, token};
    let app = spawn_app().await;
    let (x, x_token) = app.verified_subject("kari@example.no").await;
    let (r, _) = app.verified_subject("ola@example.no").await;
    let (o, _) = app
        .verified_request(serde_json::json!({"org": "demo", "kind": "marketing_opt_out", "email": "per@example.no"}))
        .await;
    let admin_a = member(&app, "dpo@fjordlys.example", "demo", Role::Admin, true).await;
    let mut console_admin = app
        .staff("boss@fjordlys.example", "demo", Role::Admin, true)
        .await;
    let admin_cookie = app.staff_cookie(&mut console_admin).await;
    let admin_b = member(&app, "dpo@other.example", "other", Role::Admin, false).await;
    let (_, agent_a) = token(&app, &admin_a, "demo", "CRM", Role::Agent).await;
    let (_, full_a) = token(&app, &admin_a, "demo", "Mailing", Role::Admin).await;
    let (_, full_b) = token(&app, &admin_b, "other", "Other's CRM", Role::Admin).await;
    let (revoked_id, revoked) = token(&app, &admin_a, "demo", "Old", Role::Admin).await;
    app.service
        .api_tokens
        .revoke(&admin_a, "demo", revoked_id)
        .await
        .unwrap();
    let (expired_id, expired) = token(&app, &admin_a, "demo", "Lapsed", Role::Admin).await;
    sqlx::query("UPDATE api_tokens SET expires_at = 1 WHERE id = $1")
        .bind(expired_id)
        .execute(&app.db)
        .await
        .unwrap();
    let bearer = |t: &str| Actor {
        cookie: None,
        bearer: Some(t.to_owned()),
    };
    let actors = [
        Actor {
            cookie: None,
            bearer: None,
        },
        bearer(&x_token),
        Actor {
            cookie: Some(admin_cookie.clone()),
            bearer: None,
        },
        bearer(&agent_a),
        bearer(&full_a),
        bearer(&full_b),
        bearer(&revoked),
        bearer(&expired),
    ];
    let of_a = [Deny, Deny, Deny, Allow, Allow, Deny, Deny, Deny];
    let admins_of_a = [Deny, Deny, Deny, Deny, Allow, Deny, Deny, Deny];
    let once = [Deny, Deny, Deny, Allow, Status(409), Deny, Deny, Deny];
    let of_b = [Deny, Deny, Deny, Deny, Deny, Allow, Deny, Deny];
    let nobody = [Deny; 8];
    let api = |rest: &str| format!("/api/v1/orgs/demo/requests/{x}{rest}");
    let json = |v: serde_json::Value| Body::Json(v);
    let routes: Vec<Route<8>> = vec![
        Route {
            method: "GET",
            path: "/api/v1/orgs/demo/requests?status=all".into(),
            body: Body::None,
            expect: of_a,
        },
        Route {
            method: "GET",
            path: api(""),
            body: Body::None,
            expect: of_a,
        },
        Route {
            method: "POST",
            path: api("/assign"),
            body: json(serde_json::json!({"to": admin_a.id})),
            expect: of_a,
        },
        Route {
            method: "POST",
            path: api("/start"),
            body: Body::None,
            expect: once,
        },
        Route {
            method: "POST",
            path: api("/messages"),
            body: json(serde_json::json!({"text": "Hello"})),
            expect: of_a,
        },
        Route {
            method: "POST",
            path: api("/questions"),
            body: json(serde_json::json!({"text": "Which?"})),
            expect: once,
        },
        Route {
            method: "POST",
            path: api("/extend"),
            body: json(serde_json::json!({"months": 1, "reason": "Busy"})),
            expect: once,
        },
        Route {
            method: "POST",
            path: api("/collect"),
            body: Body::None,
            expect: of_a,
        },
        Route {
            method: "POST",
            path: api("/execute"),
            body: Body::None,
            expect: [Deny, Deny, Deny, Status(422), Status(422), Deny, Deny, Deny],
        },
        Route {
            method: "POST",
            path: api("/export-data"),
            body: Body::Upload("consumption"),
            expect: of_a,
        },
        Route {
            method: "POST",
            path: api("/export"),
            body: Body::None,
            expect: of_a,
        },
        Route {
            method: "GET",
            path: api("/export"),
            body: Body::None,
            expect: of_a,
        },
        Route {
            method: "GET",
            path: api("/attachments/1"),
            body: Body::None,
            expect: nobody,
        },
        Route {
            method: "POST",
            path: format!("/api/v1/orgs/demo/requests/{r}/reject"),
            body: json(serde_json::json!({"reason": "No", "legal_ground": "excessive"})),
            expect: once,
        },
        Route {
            method: "POST",
            path: api("/complete"),
            body: Body::Multipart("Done."),
            expect: once,
        },
        Route {
            method: "GET",
            path: "/api/v1/orgs/demo/opt-outs".into(),
            body: Body::None,
            expect: admins_of_a,
        },
        Route {
            method: "GET",
            path: "/api/v1/orgs/demo/consents".into(),
            body: Body::None,
            expect: admins_of_a,
        },
        // B's token in B's organisation, and what it finds of A there: nothing.
        Route {
            method: "GET",
            path: "/api/v1/orgs/other/requests?status=all".into(),
            body: Body::None,
            expect: of_b,
        },
        Route {
            method: "GET",
            path: format!("/api/v1/orgs/other/requests/{x}"),
            body: Body::None,
            expect: nobody,
        },
        Route {
            method: "POST",
            path: format!("/api/v1/orgs/other/requests/{o}/messages"),
            body: json(serde_json::json!({"text": "x"})),
            expect: nobody,
        },
        Route {
            method: "GET",
            path: "/api/v1/orgs/other/opt-outs".into(),
            body: Body::None,
            expect: of_b,
        },
        // No other door takes a token.
        Route {
            method: "GET",
            path: "/api/v1/requests".into(),
            body: Body::None,
            expect: [Deny, Allow, Deny, Deny, Deny, Deny, Deny, Deny],
        },
        Route {
            method: "GET",
            path: format!("/api/v1/requests/{x}"),
            body: Body::None,
            expect: [Deny, Allow, Deny, Deny, Deny, Deny, Deny, Deny],
        },
        Route {
            method: "GET",
            path: "/api/v1/orgs/nowhere/requests".into(),
            body: Body::None,
            expect: nobody,
        },
    ];
    let mut failures = Vec::new();
    let mut bodies = std::collections::HashMap::new();
    for route in &routes {
        for (i, actor) in actors.iter().enumerate() {
            let (status, body) = call(&app, route, actor).await;
            if !satisfied(route.expect[i], status) {
                failures.push(format!(
                    "{} {} as {}: got {status} {body}, expected {:?}",
                    route.method, route.path, TOKEN_ACTORS[i], route.expect[i]
                ));
            }
            bodies.insert((route.path.clone(), i), (status, body));
        }
    }
    assert!(
        failures.is_empty(),
        "{} calls wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // A token that is not live, or of another organisation, is no token (401).
    for actor in [6, 7] {
        let (status, body) = &bodies[&("/api/v1/orgs/demo/requests?status=all".to_owned(), actor)];
        assert_eq!(*status, 401, "{}: {body}", TOKEN_ACTORS[actor]);
        assert!(body.contains("unauthenticated"), "{body}");
    }
    assert_eq!(
        bodies[&("/api/v1/orgs/demo/requests?status=all".to_owned(), 5)].0,
        401
    );
    // What B's token saw of its own organisation holds nothing of A's.
    let (_, seen) = &bodies[&("/api/v1/orgs/other/requests?status=all".to_owned(), 5)];
    assert!(
        !seen.contains(&x) && !seen.contains(&r) && !seen.contains(&o),
        "{seen}"
    );
    let (_, seen) = &bodies[&("/api/v1/orgs/other/opt-outs".to_owned(), 5)];
    assert!(!seen.contains("per@example.no"), "{seen}");
    let (_, seen) = &bodies[&("/api/v1/orgs/demo/opt-outs".to_owned(), 4)];
    assert!(seen.contains("per@example.no"), "{seen}");
    println!(
        "organisation API matrix: {} routes x {} actors",
        routes.len(),
        TOKEN_ACTORS.len()
    );
}
