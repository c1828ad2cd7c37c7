//! The OpenAPI document says exactly what the API does: schemathesis (from
//! PyPI, `make python-tools`) generates requests from the whole document,
//! the subject's authenticated operations included (with a real subject's
//! token), and runs every check it has: no server errors, no status, header
//! or body the document does not describe, schema-valid requests accepted
//! and invalid ones refused.

use crate::harness::spawn_app_configured;
use domain::Role;
use portal::service::RateLimits;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_openapi_document_holds_under_schemathesis() {
    // Thousands of generated submissions from one address.
    let app = spawn_app_configured(|s| {
        s.rate_limits = RateLimits {
            submit: None,
            verify: None,
            login: None,
        }
    })
    .await;
    let (_, token) = app.verified_subject("kari@example.no").await;
    // The organisation's side: an admin token of demo, and a request of it
    // to work (another subject's, so the subject's own operations keep theirs).
    let admin =
        crate::org_api::member(&app, "dpo@fjordlys.example", "demo", Role::Admin, true).await;
    let (_, org_token) =
        crate::org_api::token(&app, &admin, "demo", "schemathesis", Role::Admin).await;
    let (org_reference, _) = app.verified_subject("ola@example.no").await;
    app.verified_request(
        serde_json::json!({"org": "demo", "kind": "marketing_opt_out", "email": "per@example.no"}),
    )
    .await;
    let schema = app.url("/api/v1/openapi.json");
    let report = tempfile::tempdir().unwrap();
    let junit = report.path().join("junit.xml");
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schemathesis.toml");
    let args = vec![
        "--config-file".to_owned(),
        config.to_owned(),
        "run".to_owned(),
        schema,
        "--checks".into(),
        "all".into(),
        "--max-examples".into(),
        "100".into(),
        "--seed".into(),
        "20261203".into(),
        "--workers".into(),
        "2".into(),
        "--report".into(),
        "junit".into(),
        "--report-junit-path".into(),
        junit.display().to_string(),
    ];
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("st")
            .args(&args)
            .env("NO_COLOR", "1")
            .env("PORTAL_SUBJECT_TOKEN", &token)
            .env("PORTAL_ORG_TOKEN", &org_token)
            .env("PORTAL_ORG_REFERENCE", &org_reference)
            .output()
            .expect("schemathesis (st) runs: make python-tools installs it")
    })
    .await
    .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found failures:\n{said}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // It did test: every operation, with cases run and none failed.
    let junit = std::fs::read_to_string(&junit).unwrap();
    assert!(junit.contains("testcase"), "{junit}");
    for operation in [
        "POST /api/v1/requests",
        "POST /api/v1/requests/{reference}/verify",
        "GET /api/v1/requests/{reference}",
        "GET /api/v1/requests",
        "GET /api/v1/orgs/{org}/requests",
        "GET /api/v1/orgs/{org}/requests/{reference}",
        "POST /api/v1/orgs/{org}/requests/{reference}/assign",
        "POST /api/v1/orgs/{org}/requests/{reference}/complete",
        "GET /api/v1/orgs/{org}/opt-outs",
        "GET /api/v1/orgs/{org}/consents",
    ] {
        assert!(
            junit.contains(operation),
            "{operation} was not tested: {junit}"
        );
    }
}
