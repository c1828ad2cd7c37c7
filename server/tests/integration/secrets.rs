//! Secrets never reach the logs. The real binary runs with the most verbose
//! logging (`RUST_LOG=debug`, JSON lines) through a whole subject journey:
//! submit, a wrong code, the right code, the magic link, the API with its
//! token, the pages with the session. Then every line it wrote is searched
//! for the address, the codes, the tokens and the tracking key.

use crate::harness::{logged_server_process, shipped_content, SmtpSink};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_journey_leaves_no_personal_data_or_secret_in_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let (mail, smtp_port) = SmtpSink::start().await;
    let database = format!("sqlite://{}/portal.db", dir.path().display());
    let (mut child, base, lines) =
        logged_server_process(&database, dir.path(), &shipped_content(), smtp_port);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let email = "hemmelig.person@example.no";
    let submitted: serde_json::Value = client
        .post(format!("{base}/api/v1/requests"))
        .json(&serde_json::json!({"org": "demo", "kind": "access", "email": email}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reference = submitted["reference"].as_str().unwrap().to_owned();
    let message = mail.wait_for(1).await;
    let code = message.code();
    let confirm = message.link_containing("/confirm/");
    let link_token = confirm.rsplit('/').next().unwrap().to_owned();
    let tracking = message.link_containing("key=");
    let tracking_key = tracking.rsplit("key=").next().unwrap().to_owned();

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let verify = |code: String| {
        client
            .post(format!("{base}/api/v1/requests/{reference}/verify"))
            .json(&serde_json::json!({ "code": code }))
            .send()
    };
    assert_eq!(verify(wrong.to_owned()).await.unwrap().status(), 422);
    let verified = verify(code.clone()).await.unwrap();
    assert_eq!(verified.status(), 200);
    let session = verified
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("portal_session="))
        .unwrap();
    let token = verified.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let api = client
        .get(format!("{base}/api/v1/requests/{reference}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 200);
    // Each response names its request id, and the logs carry it.
    let request_id = api.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(request_id.len(), 36, "a UUID: {request_id}");
    for path in [
        format!("/o/demo/requests/{reference}"),
        "/o/demo/requests".to_owned(),
        "/o/demo/preferences".to_owned(),
    ] {
        let page = client
            .get(format!("{base}{path}"))
            .header("accept", "text/html")
            .header("cookie", &session)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{path}");
    }
    let tracked = client
        .get(&tracking)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(tracked.status(), 200);
    let link = client
        .get(&confirm)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(link.status(), 200);

    child.kill().unwrap();
    child.wait().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let logs = lines.lock().unwrap().join("\n");
    // The logs are there, and detailed: this is not a silent run.
    assert!(logs.contains("request submitted"), "{logs}");
    assert!(
        logs.contains(&reference),
        "references are not secret and help support"
    );
    assert!(logs.lines().count() > 20, "{logs}");
    let with_id: Vec<&str> = logs.lines().filter(|l| l.contains(&request_id)).collect();
    assert!(
        !with_id.is_empty()
            && with_id
                .iter()
                .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
        "JSON log lines carry the request id {request_id}"
    );
    let session_value = session.split_once('=').unwrap().1;
    for (what, secret) in [
        ("the e-mail address", email),
        ("its local part", "hemmelig.person"),
        ("the code", code.as_str()),
        ("the magic-link token", link_token.as_str()),
        ("the tracking key", tracking_key.as_str()),
        ("the access token", token.as_str()),
        ("the session cookie", session_value),
    ] {
        assert!(!logs.contains(secret), "{what} is in the logs");
    }
}
