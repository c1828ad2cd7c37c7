//! Outbound webhooks, against a real HTTP receiver in the test: every
//! delivery verified with the Standard Webhooks project's Python library
//! (`verify_webhooks.py`), not with the portal's code; a receiver that is
//! down and comes back loses nothing and gets each request's events in
//! order; a delivery given up shows on the admins' page and can be sent
//! again; no delivery goes to a private address unless the operator allows
//! it, and no redirect is followed.

use crate::harness::{demo, location, spawn_app_configured, TestApp};
use crate::lifecycle::enrolled_agent;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use domain::{OutcomeForm, Reference, Role, StaffAction};
use portal::config::Settings;
use portal::service::Backoff;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A Standard Webhooks secret (24 bytes, base64).
pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// What the receiver got: one POST.
#[derive(Clone, Debug)]
pub struct Got {
    pub headers: HashMap<String, String>,
    pub body: String,
    /// What the receiver answered.
    pub answered: u16,
    pub at: std::time::Instant,
}

impl Got {
    pub fn id(&self) -> &str {
        &self.headers["webhook-id"]
    }

    pub fn payload(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

#[derive(Clone)]
struct Shared {
    got: Arc<Mutex<Vec<Got>>>,
    answer: Arc<AtomicU16>,
    redirect_to: Option<String>,
}

/// An HTTP receiver on a port of its own: records every POST and answers
/// what it is told to (204 at first); `stop` closes its port, `start`
/// opens it again.
pub struct Receiver {
    pub port: u16,
    shared: Shared,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

async fn take(
    State(shared): State<Shared>,
    headers: HeaderMap,
    body: String,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let answered = shared.answer.load(Ordering::SeqCst);
    let headers = headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    shared.got.lock().unwrap().push(Got {
        headers,
        body,
        answered,
        at: std::time::Instant::now(),
    });
    let status = StatusCode::from_u16(answered).unwrap();
    match &shared.redirect_to {
        Some(to) => (status, [("location", to.clone())]).into_response(),
        None => status.into_response(),
    }
}

impl Receiver {
    pub async fn start() -> Receiver {
        Receiver::start_redirecting(None).await
    }

    /// A receiver that answers `302 Found` towards `to`.
    pub async fn start_redirecting(to: Option<String>) -> Receiver {
        let shared = Shared {
            got: Arc::default(),
            answer: Arc::new(AtomicU16::new(if to.is_some() { 302 } else { 204 })),
            redirect_to: to,
        };
        let receiver = Receiver {
            port: 0,
            shared,
            task: Mutex::new(None),
        };
        let port = receiver.listen(0).await;
        Receiver { port, ..receiver }
    }

    async fn listen(&self, port: u16) -> u16 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.bind(([127, 0, 0, 1], port).into()).unwrap();
        let listener = socket.listen(64).unwrap();
        let port = listener.local_addr().unwrap().port();
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(take))
            .with_state(self.shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        *self.task.lock().unwrap() = Some(task);
        port
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    /// Closes the port: connections are refused.
    pub fn stop(&self) {
        if let Some(task) = self.task.lock().unwrap().take() {
            task.abort();
        }
    }

    pub async fn restart(&self) {
        self.stop();
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.listen(self.port).await;
    }

    pub fn answer(&self, status: u16) {
        self.shared.answer.store(status, Ordering::SeqCst);
    }

    pub fn all(&self) -> Vec<Got> {
        self.shared.got.lock().unwrap().clone()
    }

    /// The deliveries it accepted (answered 2xx), in the order they came.
    pub fn accepted(&self) -> Vec<Got> {
        self.all()
            .into_iter()
            .filter(|g| (200..300).contains(&g.answered))
            .collect()
    }

    /// Waits until `n` deliveries were accepted; panics after 60 s.
    pub async fn wait_for_accepted(&self, n: usize) -> Vec<Got> {
        for _ in 0..600 {
            let accepted = self.accepted();
            if accepted.len() >= n {
                return accepted;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{} of {n} deliveries accepted: {:#?}",
            self.accepted().len(),
            self.all()
        );
    }
}

/// Retries a second apart, so that a test sees several within seconds.
pub fn quick_retries(give_up_after_secs: i64) -> Backoff {
    Backoff {
        first_secs: 1,
        max_secs: 1,
        give_up_after_secs,
        lease_secs: 30,
    }
}

/// Adds an endpoint for `events` (TOML list items) at `url` to the demo
/// organisation, its secret in a file beside (not in) the content folder.
pub fn add_webhook(settings: &Settings, name: &str, url: &str, events: &str) {
    let secret_file = settings
        .content_dir
        .parent()
        .unwrap()
        .join(format!("{name}.secret"));
    std::fs::write(&secret_file, format!("{SECRET}\n")).unwrap();
    let org_toml = settings.content_dir.join("orgs/demo/org.toml");
    let mut toml = std::fs::read_to_string(&org_toml).unwrap();
    toml.push_str(&format!(
        "\n[[webhooks]]\nname = \"{name}\"\nurl = \"{url}\"\nevents = [{events}]\nsecret_file = \"{}\"\n",
        secret_file.display()
    ));
    std::fs::write(org_toml, toml).unwrap();
}

pub const EVERY_EVENT: &str = r#""request.received", "request.status_changed", "request.completed", "request.message_from_subject", "optout.recorded", "consent.changed", "request.due_soon", "request.overdue""#;

/// Each delivery as the Standard Webhooks library judged it: Ok with the
/// payload it verified, or Err with its reason.
pub fn verify_with_the_standard_library(
    deliveries: &[Got],
) -> Vec<Result<serde_json::Value, String>> {
    use std::io::Write;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/verify_webhooks.py");
    let asked = serde_json::json!({
        "secret": SECRET,
        "deliveries": deliveries.iter().map(|g| serde_json::json!({"headers": g.headers, "body": g.body})).collect::<Vec<_>>(),
    });
    let mut child = std::process::Command::new("python3")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(asked.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the Standard Webhooks library did not run (make python-tools installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let judged: serde_json::Value = serde_json::from_str(line).unwrap();
            if judged["ok"] == true {
                Ok(judged["payload"].clone())
            } else {
                Err(judged["error"].as_str().unwrap_or_default().to_owned())
            }
        })
        .collect()
}

/// The events of one request, in the order the receiver accepted them.
fn events_of(accepted: &[Got], reference: &str) -> Vec<String> {
    accepted
        .iter()
        .map(Got::payload)
        .filter(|p| p["data"]["reference"] == reference)
        .map(|p| {
            let kind = p["type"].as_str().unwrap().to_owned();
            if kind == "request.status_changed" {
                assert!(p["data"]["previous_status"].is_string(), "{p}");
                format!("{kind}:{}", p["data"]["status"].as_str().unwrap())
            } else {
                kind
            }
        })
        .collect()
}

async fn webhook_app(receiver: &Receiver, retry: Backoff) -> TestApp {
    let url = receiver.url();
    spawn_app_configured(move |s| {
        s.webhooks_allow_private = true;
        s.webhook_retry = retry;
        add_webhook(s, "crm", &url, EVERY_EVENT);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_verify_with_the_standard_library_and_a_receiver_down_loses_nothing_and_order_is_kept(
) {
    let receiver = Receiver::start().await;
    let app = webhook_app(&receiver, quick_retries(3600)).await;
    let agent = enrolled_agent(&app, "agent@fjordlys.example").await;

    // The receiver is away (its port closed) while the request is worked.
    receiver.stop();
    let (reference, _) = app
        .verified_request(serde_json::json!({
            "org": "demo", "kind": "erasure", "email": "kari@example.no",
            "details": {"erasure_scope": "specific", "description": "The loyalty card account, card 4711"}
        }))
        .await;
    let r = Reference::parse(&reference).unwrap();
    let act = |action| app.service.cases.staff_act(&agent, "demo", &r, action);
    act(StaffAction::Start).await.unwrap();
    act(StaffAction::AskSubject {
        question: "Which card number?".into(),
    })
    .await
    .unwrap();
    let subject = app.service.sessions.subject_of(&demo(), "kari@example.no");
    app.service
        .cases
        .subject_reply(&subject, &r, "Card 4711, and the newsletter address")
        .await
        .unwrap();
    // It comes back, answering 503 for a while, then takes deliveries.
    tokio::time::sleep(Duration::from_secs(2)).await;
    receiver.answer(503);
    receiver.restart().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    act(StaffAction::Complete {
        response: "Erased from the loyalty system.".into(),
        outcome: OutcomeForm::default(),
    })
    .await
    .unwrap();
    // An opt-out, with its address and purpose, and a consent change.
    let (opt_out, _) = app
        .verified_request(serde_json::json!({
            "org": "demo", "kind": "withdraw_consent", "email": "ola@example.no",
            "details": {"purpose": "energy_advice"}
        }))
        .await;
    let ola = app.service.sessions.subject_of(&demo(), "ola@example.no");
    app.service
        .consents
        .set_preferences(&ola, &[("marketing_sms".into(), "granted".into())])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let refused = receiver.all().len();
    assert!(refused > 0, "the 503s were tried");
    receiver.answer(204);

    let expected_erasure = [
        "request.received",
        "request.status_changed:in_progress",
        "request.status_changed:awaiting_subject",
        "request.message_from_subject",
        "request.status_changed:in_progress",
        "request.status_changed:completed",
        "request.completed",
    ];
    let expected_opt_out = [
        "request.received",
        "optout.recorded",
        "request.status_changed:completed",
        "request.completed",
    ];
    // Two consent changes: the withdrawal's receipt (one truth with the
    // Choices page) and the grant on the Choices page.
    let total = expected_erasure.len() + expected_opt_out.len() + 2;
    let accepted = receiver.wait_for_accepted(total).await;
    // Nothing lost, nothing twice once accepted, each request in order.
    assert_eq!(accepted.len(), total, "{accepted:#?}");
    let mut ids: Vec<&str> = accepted.iter().map(Got::id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), total, "each accepted once");
    assert_eq!(events_of(&accepted, &reference), expected_erasure);
    assert_eq!(events_of(&accepted, &opt_out), expected_opt_out);
    // A retry carries the id of its first try, so receivers can drop repeats.
    let all = receiver.all();
    let tried: Vec<&str> = all
        .iter()
        .filter(|g| g.answered == 503)
        .map(Got::id)
        .collect();
    assert!(
        tried.iter().all(|id| ids.contains(id)),
        "retries reuse their webhook-id"
    );

    // Every accepted delivery verifies with the Standard Webhooks library…
    let judged = verify_with_the_standard_library(&accepted);
    assert_eq!(judged.len(), total);
    for (got, verdict) in accepted.iter().zip(&judged) {
        let payload = verdict.as_ref().unwrap_or_else(|e| panic!("{e}: {got:?}"));
        assert_eq!(payload, &got.payload());
        assert!(got.headers["webhook-signature"].starts_with("v1,"));
        assert_eq!(got.headers["content-type"], "application/json");
    }
    // …and a body changed on the way, or another secret's signature, does not.
    let mut forged = accepted[0].clone();
    forged.body = forged.body.replace("request.received", "request.completed");
    let mut resigned = accepted[1].clone();
    resigned.headers.insert(
        "webhook-signature".into(),
        "v1,Zm9yZ2VkIHNpZ25hdHVyZSBmb3IgdGhlIHRlc3QhIQ==".into(),
    );
    let judged = verify_with_the_standard_library(&[forged, resigned]);
    assert!(judged.iter().all(Result::is_err), "{judged:?}");

    // What the payloads say: references, kinds, statuses, dates; only the
    // opt-out and the consent name the address and purpose.
    let payloads: Vec<serde_json::Value> = accepted.iter().map(Got::payload).collect();
    for p in &payloads {
        let text = p.to_string();
        assert!(
            !text.contains("4711") && !text.contains("newsletter address"),
            "{text}"
        );
        match p["type"].as_str().unwrap() {
            "optout.recorded" => {
                assert_eq!(p["data"]["email"], "ola@example.no");
                assert_eq!(p["data"]["purpose"], "energy_advice");
                assert_eq!(p["data"]["kind"], "withdraw_consent");
            }
            "consent.changed" => {
                assert_eq!(p["data"]["email"], "ola@example.no");
                let change = (
                    p["data"]["purpose"].as_str(),
                    p["data"]["decision"].as_str(),
                );
                assert!(
                    change == (Some("marketing_sms"), Some("granted"))
                        || change == (Some("energy_advice"), Some("withdrawn")),
                    "{text}"
                );
            }
            _ => {
                assert!(!text.contains("@example.no"), "no address: {text}");
                assert_eq!(p["data"]["organisation"], "demo");
                assert!(p["data"]["due_date"].as_str().is_some(), "{text}");
            }
        }
        assert!(p["timestamp"].as_str().unwrap().ends_with('Z'));
    }
    let received = payloads
        .iter()
        .find(|p| p["type"] == "request.received" && p["data"]["reference"] == reference.as_str())
        .unwrap();
    assert_eq!(received["data"]["kind"], "erasure");
    assert_eq!(received["data"]["status"], "received");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_endpoint_shows_to_admins_and_a_given_up_delivery_can_be_sent_again() {
    let receiver = Receiver::start().await;
    receiver.answer(500);
    let app = webhook_app(&receiver, quick_retries(3)).await;
    let (reference, _) = app.verified_subject("kari@example.no").await;
    // Tried for three seconds, then given up.
    let mut given_up = false;
    for _ in 0..100 {
        if app
            .count("webhook_deliveries WHERE status = 'failed'")
            .await
            == 1
        {
            given_up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(given_up, "given up");
    let tries = receiver.all().len();
    assert!(tries >= 2, "{tries} tries");

    let mut admin = app
        .staff("dpo@fjordlys.example", "demo", Role::Admin, true)
        .await;
    let cookie = app.staff_cookie(&mut admin).await;
    let (status, page) = app.page("/console/webhooks", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Failing") && page.contains("the receiver answered 500"),
        "{page}"
    );
    assert!(
        page.contains(&reference) && page.contains("Given up") && page.contains("Send again"),
        "{page}"
    );
    assert!(page.contains(&receiver.url()), "{page}");

    // An admin of another organisation cannot send it again, nor see it.
    let id: i64 = sqlx::query_scalar("SELECT id FROM webhook_deliveries")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let mut stranger = app
        .staff("admin@other.example", "other", Role::Admin, false)
        .await;
    let stranger_cookie = app.staff_cookie(&mut stranger).await;
    let (_, theirs) = app.page("/console/webhooks", Some(&stranger_cookie)).await;
    assert!(!theirs.contains(&reference), "{theirs}");
    let refused = app
        .call(
            "/_sfn/console/replay_webhook",
            Some(&stranger_cookie),
            &[("org", "demo"), ("delivery", &id.to_string())],
        )
        .await;
    assert!(refused == 403 || refused == 404, "{refused}");
    // An agent of the organisation cannot either.
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let agent_cookie = app.staff_cookie(&mut agent).await;
    assert_eq!(
        app.page("/console/webhooks", Some(&agent_cookie)).await.0,
        403
    );
    let refused = app
        .call(
            "/_sfn/console/replay_webhook",
            Some(&agent_cookie),
            &[("org", "demo"), ("delivery", &id.to_string())],
        )
        .await;
    assert_eq!(refused, 404);
    assert_eq!(receiver.accepted().len(), 0);

    // The receiver is mended; the admin sends it again: it arrives, with
    // its first webhook-id, and the replay is in the audit log.
    receiver.answer(200);
    let replayed = app
        .post_form(
            "/_sfn/console/replay_webhook",
            &cookie,
            &[("org", "demo"), ("delivery", &id.to_string())],
        )
        .await;
    assert_eq!(location(&replayed), "/console/webhooks?done=replayed");
    let accepted = receiver.wait_for_accepted(1).await;
    assert_eq!(accepted[0].id(), receiver.all()[0].id());
    assert!(verify_with_the_standard_library(&accepted)[0].is_ok());
    assert_eq!(
        app.count("audit_log WHERE action = 'webhook.replayed'")
            .await,
        1
    );
    let (_, page) = app.page("/console/webhooks", Some(&cookie)).await;
    assert!(page.contains("Taking deliveries"), "{page}");
    // Twice is refused while it is on its way or not ended: only an ended
    // delivery is sent again; a made-up id is not found.
    let missing = app
        .call(
            "/_sfn/console/replay_webhook",
            Some(&cookie),
            &[("org", "demo"), ("delivery", "999999")],
        )
        .await;
    assert_eq!(missing, 404);
}

/// The delivery's last error, once it has one.
async fn last_error(app: &TestApp) -> String {
    for _ in 0..100 {
        let error: Option<String> =
            sqlx::query_scalar("SELECT last_error FROM webhook_deliveries ORDER BY id LIMIT 1")
                .fetch_optional(&app.db)
                .await
                .unwrap()
                .flatten();
        if let Some(error) = error {
            return error;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no try was recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_go_to_no_private_address_unless_allowed_and_follow_no_redirect() {
    // The operator allows nothing private: an address on this machine, by
    // number or by name, is refused before any connection is made.
    for host in ["127.0.0.1", "localhost", "[::1]"] {
        let receiver = Receiver::start().await;
        let url = receiver.url().replace("127.0.0.1", host);
        let app = spawn_app_configured(move |s| {
            s.webhook_retry = quick_retries(3600);
            add_webhook(s, "crm", &url, EVERY_EVENT);
        })
        .await;
        app.verified_subject("kari@example.no").await;
        let error = last_error(&app).await;
        assert!(error.contains("is not a public address"), "{host}: {error}");
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(
            receiver.all().is_empty(),
            "{host}: nothing reached the receiver"
        );
    }

    // Allowed, a redirect is not followed: the receiver it points to gets
    // nothing, and the delivery is tried again later.
    let target = Receiver::start().await;
    let redirecting = Receiver::start_redirecting(Some(target.url())).await;
    let url = redirecting.url();
    let app = spawn_app_configured(move |s| {
        s.webhooks_allow_private = true;
        s.webhook_retry = quick_retries(3600);
        add_webhook(s, "crm", &url, EVERY_EVENT);
    })
    .await;
    app.verified_subject("kari@example.no").await;
    let error = last_error(&app).await;
    assert!(
        error.contains("302") && error.contains("redirects are not followed"),
        "{error}"
    );
    assert!(!redirecting.all().is_empty());
    assert!(target.all().is_empty(), "the redirect was not followed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_a_week_away_and_a_passed_one_are_each_said_once() {
    let receiver = Receiver::start().await;
    let url = receiver.url();
    let app = spawn_app_configured(move |s| {
        s.webhooks_allow_private = true;
        add_webhook(
            s,
            "ticketing",
            &url,
            r#""request.due_soon", "request.overdue""#,
        );
    })
    .await;
    let (reference, _) = app.verified_subject("kari@example.no").await;
    let (done, _) = app.verified_subject("ola@example.no").await;
    let agent = enrolled_agent(&app, "agent@fjordlys.example").await;
    app.service
        .cases
        .staff_act(
            &agent,
            "demo",
            &Reference::parse(&done).unwrap(),
            StaffAction::Reject {
                reason: "A duplicate of an earlier request".into(),
                legal_ground: "excessive".into(),
            },
        )
        .await
        .unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    let hooks = &app.service.hooks;
    // Due in a month: nothing yet. Within a week of it: once.
    assert_eq!(hooks.announce_deadlines(today).await.unwrap(), 0);
    let week_before = today + time::Duration::days(25);
    assert_eq!(hooks.announce_deadlines(week_before).await.unwrap(), 1);
    assert_eq!(hooks.announce_deadlines(week_before).await.unwrap(), 0);
    // Past it: once, and not for the closed request.
    let after = today + time::Duration::days(40);
    assert_eq!(hooks.announce_deadlines(after).await.unwrap(), 1);
    assert_eq!(hooks.announce_deadlines(after).await.unwrap(), 0);
    let accepted = receiver.wait_for_accepted(2).await;
    let said: Vec<(String, String)> = accepted
        .iter()
        .map(Got::payload)
        .map(|p| {
            (
                p["type"].as_str().unwrap().to_owned(),
                p["data"]["reference"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        said,
        [
            ("request.due_soon".to_owned(), reference.clone()),
            ("request.overdue".to_owned(), reference.clone())
        ]
    );
    // The endpoint asked for nothing else: no request.received was sent.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.all().len(), 2);
    assert!(verify_with_the_standard_library(&accepted)
        .iter()
        .all(Result::is_ok));
}

/// The webhook benchmark (`make bench`): the time from an event's commit
/// (the use case has returned) to the receiver answering 2xx, for
/// `PORTAL_BENCH_WEBHOOKS` consent changes (default 300) one after
/// another. Measures; asserts only that every event arrived.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: make bench runs it"]
async fn bench_webhook_latency() {
    let events: usize = std::env::var("PORTAL_BENCH_WEBHOOKS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let receiver = Receiver::start().await;
    let url = receiver.url();
    let app = spawn_app_configured(move |s| {
        s.webhooks_allow_private = true;
        add_webhook(s, "mailing", &url, r#""consent.changed""#);
    })
    .await;
    let subject = app.service.sessions.subject_of(&demo(), "kari@example.no");
    let mut latencies = Vec::with_capacity(events);
    for n in 0..events {
        let decision = if n % 2 == 0 { "granted" } else { "withdrawn" };
        app.service
            .consents
            .set_preferences(&subject, &[("marketing".into(), decision.into())])
            .await
            .unwrap();
        let committed = std::time::Instant::now();
        let arrived = receiver.wait_for_accepted(n + 1).await[n].at;
        latencies.push(arrived.saturating_duration_since(committed).as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| {
        latencies[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    let (p50, p99, max) = (at(0.50), at(0.99), latencies[latencies.len() - 1]);
    println!(
        "\nwebhook delivery, commit to the receiver's 2xx ({events} consent changes, {}): p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms",
        if crate::harness::on_postgres() { "PostgreSQL" } else { "SQLite" }
    );
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("webhooks.json"),
        serde_json::to_string_pretty(&serde_json::json!({
            "events": events, "p50_ms": p50, "p99_ms": p99, "max_ms": max,
        }))
        .unwrap(),
    )
    .unwrap();
}
