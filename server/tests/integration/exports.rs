//! Export packages: staff add what each source holds, build the package; the
//! subject downloads a zip whose data.json follows the published schema,
//! whose manifest checks out, which holds every row, says "no data found"
//! for empty sources, and which is encrypted at rest and expires.

use crate::harness::{spawn_app, TestApp};
use domain::Role;
use sha2::{Digest, Sha256};
use std::io::Read;

pub(crate) async fn upload(
    app: &TestApp,
    cookie: &str,
    reference: &str,
    category: &str,
    name: &str,
    bytes: &[u8],
) -> String {
    let form = reqwest::multipart::Form::new()
        .text("category", category.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
        );
    let response = app
        .client
        .post(app.url(&format!("/console/o/demo/requests/{reference}/export-data")))
        .header("cookie", cookie)
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

pub(crate) async fn build(app: &TestApp, cookie: &str, reference: &str) -> String {
    let response = app
        .client
        .post(app.url(&format!("/console/o/demo/requests/{reference}/export")))
        .header("cookie", cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

pub(crate) fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            (file.name().unwrap().into_owned(), content)
        })
        .collect()
}

async fn submit(app: &TestApp, kind: &str, email: &str) -> (String, String) {
    app.verified_request(serde_json::json!({"org": "demo", "kind": kind, "email": email}))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subject_downloads_a_complete_checkable_package_of_their_data() {
    let app = spawn_app().await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let (reference, token) = submit(&app, "access", "kari@example.no").await;
    let subject_cookie = format!("portal_session={token}");

    let meters = b"meter,hour,kwh\n7070-1,2026-11-01T00:00,1.25\n7070-1,2026-11-01T01:00,0.75\n7070-1,2026-11-01T02:00,0.5\n";
    assert!(upload(
        &app,
        &cookie,
        &reference,
        "consumption",
        "meters.csv",
        meters
    )
    .await
    .ends_with("done=data_added"));
    let crm =
        br#"[{"name": "Kari Nordmann", "phone": "+47 912 34 567", "customer_number": 401122}]"#;
    assert!(
        upload(&app, &cookie, &reference, "identity", "crm.json", crm)
            .await
            .ends_with("done=data_added")
    );
    // Bad files and unknown categories are refused, and nothing is kept.
    assert!(upload(
        &app,
        &cookie,
        &reference,
        "identity",
        "broken.json",
        b"{not json"
    )
    .await
    .ends_with("error=validation&field=file"));
    assert!(
        upload(&app, &cookie, &reference, "secrets", "x.json", b"{}")
            .await
            .ends_with("error=validation&field=category")
    );
    assert_eq!(app.count("export_data").await, 2);

    assert!(build(&app, &cookie, &reference)
        .await
        .ends_with("done=export_built"));

    // At rest the package is sealed: no zip structure, no readable data.
    let sealed_dir = app.data_dir().join("exports");
    let sealed: Vec<_> = std::fs::read_dir(&sealed_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|path| path.is_file())
        .map(|path| std::fs::read(path).unwrap())
        .collect();
    assert_eq!(sealed.len(), 1);
    assert_eq!(
        std::fs::read_dir(sealed_dir.join("partial"))
            .unwrap()
            .count(),
        0,
        "no scratch file left behind"
    );
    assert!(
        !sealed[0].windows(8).any(|w| w == b"data.jso")
            && !sealed[0].windows(4).any(|w| w == b"7070")
    );

    // The tracking page offers it; the download is the zip.
    let (_, html) = app
        .page(
            &format!("/o/demo/requests/{reference}"),
            Some(&subject_cookie),
        )
        .await;
    assert!(html.contains("Your data package") && html.contains("Download your data"));
    let response = app
        .client
        .get(app.url(&format!("/o/demo/requests/{reference}/export")))
        .header("cookie", &subject_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let files = unzip(&response.bytes().await.unwrap());
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    for expected in [
        "data.json",
        "index.html",
        "manifest.json",
        "export.schema.json",
        "csv/identity.csv",
        "csv/consumption.csv",
        "csv/payments.csv",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }

    // data.json follows the schema the API publishes.
    let (status, schema) = app.get_json("/api/v1/schemas/export.json", None).await;
    assert_eq!(status, 200);
    let validator = jsonschema::validator_for(&schema).unwrap();
    let data: serde_json::Value = serde_json::from_slice(&files["data.json"]).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&data)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&files["export.schema.json"]).unwrap(),
        schema
    );

    // Every checksum in the manifest checks out.
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(
        listed.len(),
        files.len() - 1,
        "every file but the manifest itself"
    );
    for entry in listed {
        let content = &files[entry["file"].as_str().unwrap()];
        assert_eq!(
            entry["sha256"].as_str().unwrap(),
            hex::encode(Sha256::digest(content)),
            "{}",
            entry["file"]
        );
        assert_eq!(entry["size"].as_u64().unwrap() as usize, content.len());
    }

    // Every source row is there, labelled; empty sources say so.
    let records = data["records"].as_array().unwrap();
    let consumption: Vec<_> = records
        .iter()
        .filter(|r| r["category"] == "consumption")
        .collect();
    assert_eq!(consumption.len(), 3);
    assert_eq!(consumption[2]["data"]["kwh"], "0.5");
    assert_eq!(
        consumption[0]["legal_basis"],
        "Contract (GDPR Art. 6(1)(b))"
    );
    assert_eq!(consumption[0]["source"], "Upload: meters.csv");
    let identity: Vec<_> = records
        .iter()
        .filter(|r| r["category"] == "identity")
        .collect();
    assert_eq!(identity[0]["data"]["customer_number"], 401122);
    let payments = data["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["category"] == "payments")
        .unwrap();
    assert_eq!(payments["status"], "no_data_found");
    let csv = String::from_utf8(files["csv/consumption.csv"].clone()).unwrap();
    assert_eq!(csv.lines().count(), 4, "a header and three rows");
    let index = String::from_utf8(files["index.html"].clone()).unwrap();
    assert!(
        index.contains("no data found about you")
            && index.contains("How long we keep it")
            && index.contains("Kari Nordmann")
    );

    // Only its subject may fetch it.
    let (other_reference, other_token) = submit(&app, "access", "ola@example.no").await;
    let url = app.url(&format!("/o/demo/requests/{reference}/export"));
    let other = app
        .client
        .get(&url)
        .header("cookie", format!("portal_session={other_token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 401);
    let (status, _) = app
        .get_json(
            &format!("/api/v1/requests/{other_reference}/export"),
            Some(&other_token),
        )
        .await;
    assert_eq!(status, 404, "no package yet");
    let api = app
        .client
        .get(app.url(&format!("/api/v1/requests/{reference}/export")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 200);
    let downloads: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export.downloaded'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(downloads, 2, "every download is audited");

    // After the download period: 410, and the page explains.
    sqlx::query("UPDATE exports SET expires_at = 0")
        .execute(&app.db)
        .await
        .unwrap();
    let late = app
        .client
        .get(&url)
        .header("cookie", &subject_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), 410);
    let late_browser = app
        .client
        .get(&url)
        .header("cookie", &subject_cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(late_browser.status(), 303);
    let (_, html) = app
        .page(
            &format!("/o/demo/requests/{reference}"),
            Some(&subject_cookie),
        )
        .await;
    assert!(html.contains("The download period ended") && !html.contains("Download your data"));

    // The sweep deletes the expired package's file, and says so in the
    // audit log; staff get 410 too, and nothing can release it again.
    let stored = |dir: &std::path::Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_file())
            .count()
    };
    assert_eq!(stored(&sealed_dir), 1);
    assert_eq!(app.service.exports.purge_exports().await.unwrap(), 1);
    assert_eq!(stored(&sealed_dir), 0, "the file is gone");
    assert_eq!(
        app.service.exports.purge_exports().await.unwrap(),
        0,
        "once"
    );
    let purged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'export.purged' AND target = $1",
    )
    .bind(&reference)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(purged, 1);
    let review = app
        .client
        .get(app.url(&format!("/console/o/demo/requests/{reference}/export")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(review.status(), 410);
    assert_eq!(late_status(&app, &url, &subject_cookie).await, 410);

    // Collected data stays while the request is open (staff may rebuild),
    // and goes once it is closed.
    assert_eq!(app.count("export_data").await, 2);
    // Closing by hand here: the lifecycle tests cover how staff close.
    sqlx::query("UPDATE requests SET status = 'completed' WHERE reference = $1")
        .bind(&reference)
        .execute(&app.db)
        .await
        .unwrap();
    app.service.exports.purge_exports().await.unwrap();
    assert_eq!(app.count("export_data").await, 0);
    assert_eq!(app.count("export_chunks").await, 0, "with every chunk");
}

async fn late_status(app: &TestApp, url: &str, cookie: &str) -> u16 {
    app.client
        .get(url)
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portability_package_holds_only_what_the_subject_provided() {
    let app = spawn_app().await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let (reference, token) = submit(&app, "portability", "kari@example.no").await;
    upload(
        &app,
        &cookie,
        &reference,
        "payments",
        "invoices.json",
        br#"{"invoice": 1}"#,
    )
    .await;
    upload(
        &app,
        &cookie,
        &reference,
        "identity",
        "crm.json",
        br#"{"name": "Kari"}"#,
    )
    .await;
    assert!(build(&app, &cookie, &reference)
        .await
        .ends_with("done=export_built"));
    let response = app
        .client
        .get(app.url(&format!("/api/v1/requests/{reference}/export")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let files = unzip(&response.bytes().await.unwrap());
    let data: serde_json::Value = serde_json::from_slice(&files["data.json"]).unwrap();
    let categories: Vec<&str> = data["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        !categories.contains(&"payments") && categories.contains(&"identity"),
        "{categories:?}"
    );
    assert!(!files.contains_key("csv/payments.csv"));
    assert!(data["records"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["category"] != "payments"));

    // Other kinds take no package.
    let (opt_out, _) = submit(&app, "marketing_opt_out", "ola@example.no").await;
    assert!(
        upload(&app, &cookie, &opt_out, "identity", "crm.json", b"{}")
            .await
            .contains("error=")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_that_reviews_packages_releases_them_by_hand() {
    let toml = "name = \"Careful AS\"\ncontact_email = \"privacy@careful.example\"\nreview_exports = true\n\
                [[categories]]\nid = \"identity\"\nname = \"Identity\"\npurpose = \"Contract\"\nlegal_basis = \"Art. 6(1)(b)\"\n\
                retention = \"3 years\"\nsource = \"You\"\nprovided_by_subject = true\n";
    let app = crate::harness::spawn_app_with_org("careful", toml).await;
    let mut agent = app
        .staff("agent@careful.example", "careful", Role::Agent, false)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let (reference, token) = app
        .verified_request(
            serde_json::json!({"org": "careful", "kind": "access", "email": "kari@example.no"}),
        )
        .await;
    let base = format!("/console/o/careful/requests/{reference}");
    let post = |path: String| {
        let (app, cookie) = (&app, cookie.clone());
        async move {
            let response = app
                .client
                .post(app.url(&path))
                .header("cookie", cookie)
                .header("accept", "text/html")
                .send()
                .await
                .unwrap();
            response
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        }
    };

    assert!(post(format!("{base}/export"))
        .await
        .ends_with("done=export_built"));
    let subject_url = format!("/api/v1/requests/{reference}/export");
    assert_eq!(
        app.get_json(&subject_url, Some(&token)).await.0,
        404,
        "not the subject's until released"
    );
    let (_, html) = app
        .page(
            &format!("/o/careful/requests/{reference}"),
            Some(&format!("portal_session={token}")),
        )
        .await;
    assert!(!html.contains("Your data package"));
    let (status, html) = app.page(&base, Some(&cookie)).await;
    let main = html
        .split("<main")
        .nth(1)
        .unwrap_or_default()
        .chars()
        .take(600)
        .collect::<String>();
    assert!(
        html.contains("Release the package to the subject"),
        "{status}: {main}"
    );

    let review = app
        .client
        .get(app.url(&format!("{base}/export")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(review.status(), 200);
    assert!(
        zip::ZipArchive::new(std::io::Cursor::new(review.bytes().await.unwrap().to_vec())).is_ok()
    );
    let mails = app.mail_count().await;
    assert!(post(format!("{base}/export/release"))
        .await
        .ends_with("done=export_released"));
    assert_eq!(
        app.mail.wait_for(mails + 1).await.to,
        "kari@example.no",
        "the subject is told"
    );
    let download = app
        .client
        .get(app.url(&subject_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert!(
        post(format!("{base}/export/release"))
            .await
            .contains("error=transition_refused"),
        "released once"
    );
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'export.%' ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        audited,
        [
            "export.built",
            "export.reviewed",
            "export.released",
            "export.downloaded"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notice_is_published_as_json_with_dpv_terms() {
    let app = spawn_app().await;
    let (status, notice) = app.get_json("/api/v1/orgs/demo/notice.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(notice["@context"]["dpv"], "https://w3id.org/dpv#");
    assert_eq!(notice["organisation"]["name"], "Fjordlys Energi AS");
    assert!(notice["notice"]["url"]
        .as_str()
        .unwrap()
        .ends_with("/o/demo?lang=en"));
    let processing = notice["processing"].as_array().unwrap();
    assert_eq!(processing.len(), 4, "one entry per category of the notice");
    let payments = processing
        .iter()
        .find(|p| p["category"] == "payments")
        .unwrap();
    assert_eq!(
        payments["dpv:hasLegalBasis"],
        serde_json::json!([
            "dpv:Contract",
            "eu-gdpr:A6-1-b",
            "dpv:LegalObligation",
            "eu-gdpr:A6-1-c"
        ])
    );
    assert_eq!(
        payments["dpv:hasPersonalData"],
        serde_json::json!(["pd:Financial"])
    );
    for entry in processing {
        for field in [
            "purpose",
            "legal_basis",
            "retention",
            "source",
            "recipients",
        ] {
            assert!(!entry[field].is_null(), "{field}");
        }
    }
    let (status, error) = app.get_json("/api/v1/orgs/nobody/notice.json", None).await;
    assert_eq!(status, 404);
    assert_eq!(error["error"]["code"], "unknown_organisation");
}

/// An S3-compatible server for the test: moto's, from PyPI (`make tools`
/// installs it), on a free port, stopped when dropped.
struct S3Server {
    child: std::process::Child,
    endpoint: String,
}

impl S3Server {
    async fn start() -> S3Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // Owned by the guard at once, so that it is stopped whatever happens.
        let server = S3Server {
            child: std::process::Command::new("moto_server")
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("moto_server (pip install 'moto[server]'; make tools does)"),
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..200 {
            if reqwest::get(&server.endpoint).await.is_ok() {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("moto_server did not start");
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packages_can_live_in_an_s3_compatible_object_store() {
    let s3 = S3Server::start().await;
    let client = reqwest::Client::new();
    let bucket = format!("{}/portal-packages", s3.endpoint);
    assert!(client
        .put(&bucket)
        .send()
        .await
        .unwrap()
        .status()
        .is_success());
    // The object store reads its endpoint and credentials from the usual
    // AWS variables (tests run one at a time, see the Makefile).
    for (name, value) in [
        ("AWS_ENDPOINT", s3.endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "eu-north-1"),
    ] {
        std::env::set_var(name, value);
    }
    let app = crate::harness::spawn_app_configured(|s| {
        s.export_store = Some("s3://portal-packages/exports".into());
    })
    .await;
    let mut agent = app
        .staff("agent@fjordlys.example", "demo", Role::Agent, true)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let (reference, token) = submit(&app, "access", "kari@example.no").await;
    let crm = br#"[{"name": "Kari Nordmann", "phone": "+47 912 34 567"}]"#;
    assert!(
        upload(&app, &cookie, &reference, "identity", "crm.json", crm)
            .await
            .ends_with("done=data_added")
    );
    assert!(build(&app, &cookie, &reference)
        .await
        .ends_with("done=export_built"));

    // The package is in the bucket, sealed, and not on the server's disk.
    let listing = client
        .get(format!("{bucket}?list-type=2"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let key = listing
        .split("<Key>")
        .nth(1)
        .and_then(|rest| rest.split("</Key>").next())
        .unwrap_or_else(|| panic!("no package in the bucket: {listing}"))
        .to_owned();
    assert!(
        key.starts_with("exports/") && key.ends_with(".zip.sealed"),
        "{key}"
    );
    let stored = client
        .get(format!("{bucket}/{key}"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(!stored.windows(4).any(|w| w == b"Kari") && !stored.starts_with(b"PK"));
    let local: Vec<_> = std::fs::read_dir(app.data_dir().join("exports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    assert!(local.is_empty(), "{local:?}");

    // The subject downloads it, opened, through the portal.
    let response = app
        .client
        .get(app.url(&format!("/o/demo/requests/{reference}/export")))
        .header("cookie", format!("portal_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let files = unzip(&response.bytes().await.unwrap());
    assert!(String::from_utf8_lossy(&files["data.json"]).contains("Kari Nordmann"));

    // Past its download period it is deleted from the bucket too.
    sqlx::query("UPDATE exports SET expires_at = 0")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(app.service.exports.purge_exports().await.unwrap(), 1);
    let gone = client.get(format!("{bucket}/{key}")).send().await.unwrap();
    assert_eq!(gone.status(), 404);
}
