//! Test harness: the real application on a random port with its own
//! database, and a real SMTP server (a minimal sink speaking the protocol
//! over TCP) that keeps every message it receives.
//!
//! The database is a fresh SQLite file, or with `TEST_DATABASE=postgres` a
//! fresh PostgreSQL database on the server at `TEST_POSTGRES_URL`: the same
//! tests run against both (`make integration` runs them twice).

use portal::{config::Settings, store::Pool};
use server::startup::Application;
use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

#[derive(Clone, Default)]
pub struct SmtpSink {
    messages: Arc<Mutex<Vec<String>>>,
    port: u16,
    /// The listener's task and every connection's, so that `stop` takes
    /// the server away whole (lettre keeps connections open in a pool).
    tasks: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl SmtpSink {
    pub async fn start() -> (SmtpSink, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let sink = SmtpSink {
            port,
            ..SmtpSink::default()
        };
        sink.serve(listener);
        (sink, port)
    }

    /// The mail server goes away: its port refuses connections, and the
    /// connections it had are cut.
    pub fn stop(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// The mail server comes back on its port, keeping what it received.
    pub async fn restart(&self) {
        self.stop();
        let mut listener = None;
        for _ in 0..100 {
            match TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(bound) => {
                    listener = Some(bound);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        self.serve(listener.expect("the mail server's port is free again"));
    }

    fn serve(&self, listener: TcpListener) {
        let messages = self.messages.clone();
        let tasks = self.tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let messages = messages.clone();
                let connection = tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    write.write_all(b"220 sink ESMTP\r\n").await.ok();
                    let mut data: Option<String> = None;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if let Some(buffer) = data.as_mut() {
                            if line == "." {
                                messages.lock().unwrap().push(data.take().unwrap());
                                write.write_all(b"250 queued\r\n").await.ok();
                            } else {
                                buffer.push_str(line.strip_prefix('.').unwrap_or(&line));
                                buffer.push_str("\r\n");
                            }
                            continue;
                        }
                        let verb = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
                        // Mailboxes named bounce… do not exist: refused for good.
                        if verb == "RCPT" && line.to_ascii_lowercase().contains("<bounce") {
                            let address = line.split(':').nth(1).unwrap_or("").trim();
                            let refusal = format!("550 5.1.1 {address}: no such mailbox\r\n");
                            write.write_all(refusal.as_bytes()).await.ok();
                            continue;
                        }
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250-sink\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                data = Some(String::new());
                                b"354 go ahead\r\n"
                            }
                            "QUIT" => {
                                write.write_all(b"221 bye\r\n").await.ok();
                                break;
                            }
                            _ => b"250 ok\r\n",
                        };
                        write.write_all(reply).await.ok();
                    }
                });
                tasks.lock().unwrap().push(connection.abort_handle());
            }
        });
        self.tasks.lock().unwrap().push(accept.abort_handle());
    }

    pub fn count(&self) -> usize {
        self.messages.lock().unwrap().len()
    }

    /// Every message received so far, parsed.
    pub fn all(&self) -> Vec<Mail> {
        self.messages
            .lock()
            .unwrap()
            .iter()
            .map(|raw| Mail::parse(raw))
            .collect()
    }

    /// Waits for the `n`-th message (1-based) to arrive, and parses it.
    pub async fn wait_for(&self, n: usize) -> Mail {
        self.wait_for_within(n, Duration::from_secs(5)).await
    }

    pub async fn wait_for_within(&self, n: usize, patience: Duration) -> Mail {
        for _ in 0..patience.as_millis() / 25 {
            if let Some(raw) = self.messages.lock().unwrap().get(n - 1).cloned() {
                return Mail::parse(&raw);
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("mail number {n} never arrived ({} received)", self.count());
    }
}

pub struct Mail {
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The sender's and the Reply-To's addresses.
    pub from: String,
    pub reply_to: Option<String>,
}

impl Mail {
    fn parse(raw: &str) -> Mail {
        let message = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .expect("a parsable mail");
        Mail {
            message_id: message.message_id().unwrap_or_default().to_owned(),
            to: message
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or_default()
                .to_owned(),
            subject: message.subject().unwrap_or_default().to_owned(),
            body: message.body_text(0).unwrap_or_default().into_owned(),
            from: message
                .from()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or_default()
                .to_owned(),
            reply_to: message
                .reply_to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .map(str::to_owned),
        }
    }

    /// The six-digit code: the first word of the subject in every language.
    pub fn code(&self) -> String {
        let code = self.subject.split(' ').next().unwrap().to_owned();
        assert!(
            code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
            "no code in {:?}",
            self.subject
        );
        code
    }

    pub fn link_containing(&self, needle: &str) -> String {
        self.body
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("http") && l.contains(needle))
            .unwrap_or_else(|| panic!("no link with {needle} in:\n{}", self.body))
            .to_owned()
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub mail: SmtpSink,
    pub db: Pool,
    pub database_url: String,
    pub service: Arc<portal::service::Service>,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
    settings: Settings,
    /// Shared by instances of one portal (see `another_instance`).
    _dir: Arc<tempfile::TempDir>,
}

/// The shipped content (mail templates, the demo organisation).
pub fn shipped_content() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../content")
}

pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The shipped content plus a second organisation, `other`, so that tests
/// can show one organisation's staff reach nothing of another's.
pub fn test_content(dir: &std::path::Path) -> PathBuf {
    let content = dir.join("content");
    copy_tree(&shipped_content(), &content);
    let other = content.join("orgs/other");
    std::fs::create_dir_all(other.join("notice")).unwrap();
    std::fs::write(other.join("org.toml"), "name = \"Other Org AS\"\ncontact_email = \"privacy@other.example\"\nrequire_two_factor = false\n").unwrap();
    std::fs::write(
        other.join("notice/en.md"),
        "+++\ntitle = \"Privacy notice\"\nlast_updated = \"2026-01-01\"\n+++\n\n## Controller\n\nOther Org AS.\n",
    )
    .unwrap();
    content
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(None).await
}

pub async fn spawn_app_with(base_url: Option<&str>) -> TestApp {
    spawn(base_url, None, |_| {}).await
}

/// An app with one more organisation, `slug`, whose `org.toml` is given.
pub async fn spawn_app_with_org(slug: &str, org_toml: &str) -> TestApp {
    spawn(None, Some((slug, org_toml)), |_| {}).await
}

/// An app whose settings `configure` changes first.
pub async fn spawn_app_configured(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn(None, None, configure).await
}

/// With `TEST_LOG` set (a `RUST_LOG` filter, e.g. `info`), the servers of
/// the tests log to standard error: for finding out why a test failed.
fn log_if_asked() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(filter) = std::env::var("TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_writer(std::io::stderr)
                .try_init();
        }
    });
}

async fn spawn(
    base_url: Option<&str>,
    extra_org: Option<(&str, &str)>,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    log_if_asked();
    let dir = tempfile::tempdir().unwrap();
    let content = test_content(dir.path());
    if let Some((slug, toml)) = extra_org {
        let org = content.join("orgs").join(slug);
        std::fs::create_dir_all(org.join("notice")).unwrap();
        std::fs::write(org.join("org.toml"), toml).unwrap();
        std::fs::copy(
            content.join("orgs/other/notice/en.md"),
            org.join("notice/en.md"),
        )
        .unwrap();
    }
    let (mail, smtp_port) = SmtpSink::start().await;
    let database_url = match std::env::var("TEST_DATABASE").as_deref() {
        Ok("postgres") => fresh_postgres_database().await,
        Ok("sqlite") | Err(_) => format!("sqlite://{}/portal.db", dir.path().display()),
        Ok(other) => panic!("TEST_DATABASE is sqlite or postgres, not {other:?}"),
    };
    // The settings an operator would give, read the way the server reads
    // them; only what a test cannot set from outside is changed after.
    let mut env = vec![
        ("LEPTOS_SITE_ADDR", "127.0.0.1:0".to_owned()),
        ("DATABASE_URL", database_url.clone()),
        ("SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")),
        (
            "PORTAL_MAIL_FROM",
            "Privacy portal <privacy@portal.test>".into(),
        ),
        ("PORTAL_DATA_DIR", dir.path().display().to_string()),
        ("PORTAL_CONTENT_DIR", content.display().to_string()),
        (
            "LEPTOS_SITE_ROOT",
            dir.path().join("site").display().to_string(),
        ),
        // One address (127.0.0.1) stands for every subject and staff member
        // of a test; `throttle.rs` tests the limits themselves.
        ("PORTAL_RATE_LIMIT_SUBMIT", "1000/600".into()),
        ("PORTAL_RATE_LIMIT_VERIFY", "1000/600".into()),
        ("PORTAL_RATE_LIMIT_LOGIN", "1000/600".into()),
    ];
    if let Some(url) = base_url {
        env.push(("PORTAL_BASE_URL", url.to_owned()));
    }
    let sources = portal::config::Sources::new(
        env.into_iter()
            .map(|(name, value)| (name.to_owned(), value)),
        None,
    )
    .unwrap();
    let mut settings = Settings {
        // A crashed worker's job is taken over within the test's patience.
        job_lease_secs: 2,
        ..Settings::from_sources(&sources).unwrap()
    };
    configure(&mut settings);
    let database_url = settings.database_url.clone();
    let (address, service, server) = start(&settings).await;
    let db = Pool::connect(&database_url).await.unwrap();
    // A hung response fails its test instead of holding up the suite.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    TestApp {
        address,
        client,
        mail,
        db,
        database_url,
        service,
        server,
        settings,
        _dir: Arc::new(dir),
    }
}

/// The real server binary as an operator runs it, on `database_url`, with
/// `data` as its data folder and `content` as its content, mailing to the
/// sink on `smtp_port`, with no submission limit. Returns the process and
/// its base URL once it listens.
pub fn server_process(
    database_url: &str,
    data: &std::path::Path,
    content: &std::path::Path,
    smtp_port: u16,
) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("LEPTOS_SITE_ROOT", data.join("site"))
        .env("PORTAL_DATA_DIR", data)
        .env("PORTAL_CONTENT_DIR", content)
        .env("SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
        .env("DATABASE_URL", database_url)
        .env("PORTAL_RATE_LIMIT_SUBMIT", "off")
        .env("RUST_LOG", "info")
        .env("PORTAL_LOG_FORMAT", "json")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the server binary starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("portal listening") {
                let json: serde_json::Value = serde_json::from_str(&line).unwrap();
                let _ = tx.send(json["fields"]["address"].as_str().unwrap().to_owned());
            }
        }
    });
    let address = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server says where it listens");
    (child, format!("http://{address}"))
}

/// The real server binary at debug level, its every log line kept (both
/// streams): for tests that search the logs. As `server_process`, on
/// `database_url` with `data` and `content`, mailing to `smtp_port`.
pub fn logged_server_process(
    database_url: &str,
    data: &std::path::Path,
    content: &std::path::Path,
    smtp_port: u16,
) -> (std::process::Child, String, Arc<Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("LEPTOS_SITE_ROOT", data.join("site"))
        .env("PORTAL_DATA_DIR", data)
        .env("PORTAL_CONTENT_DIR", content)
        .env("SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "debug")
        .env("PORTAL_LOG_FORMAT", "json")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let (address_tx, address_rx) = std::sync::mpsc::channel::<String>();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let (lines, address_tx) = (lines.clone(), address_tx.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if line.contains("portal listening") {
                    if let Ok(json) = serde_json::from_str::<serde_json::Value>(&line) {
                        let _ = address_tx.send(
                            json["fields"]["address"]
                                .as_str()
                                .unwrap_or_default()
                                .to_owned(),
                        );
                    }
                }
                lines.lock().unwrap().push(line);
            }
        });
    }
    let address = address_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server says where it listens");
    (child, format!("http://{address}"), lines)
}

/// Whether this run of the suite is against PostgreSQL.
/// A connection pool on the portal's database, as a test reads it beside
/// the server (which may be another process: the drivers are installed here).
pub async fn connect_db(database_url: &str) -> Pool {
    sqlx::any::install_default_drivers();
    Pool::connect(database_url).await.unwrap()
}

pub fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE").as_deref() == Ok("postgres")
}

/// The PostgreSQL server the suite runs against.
pub fn postgres_server_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A new, empty database for one test, named with its creation time so
/// that databases of earlier runs (a test's database outlives it, for
/// looking into after a failure) are dropped once they are an hour old.
pub async fn fresh_postgres_database() -> String {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let server = postgres_server_url();
    let mut admin = sqlx::AnyConnection::connect(&server)
        .await
        .unwrap_or_else(|e| panic!("no PostgreSQL server at {server}: {e}"));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let old: Vec<(String,)> =
        sqlx::query_as("SELECT datname::text FROM pg_database WHERE datname LIKE 'portal_test_%'")
            .fetch_all(&mut admin)
            .await
            .unwrap();
    for (name,) in old {
        let created = name
            .split('_')
            .nth(2)
            .and_then(|t| t.parse::<u64>().ok())
            .unwrap_or(0);
        if created + 3600 < now {
            // Another run may be dropping it too.
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut admin)
                .await;
        }
    }
    let name = format!("portal_test_{now}_{:08x}", rand::random::<u32>());
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.ok();
    let (base, _) = server.rsplit_once('/').expect("a URL ending in /database");
    format!("{base}/{name}")
}

async fn start(
    settings: &Settings,
) -> (
    String,
    Arc<portal::service::Service>,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let application = Application::build(settings.clone())
        .await
        .expect("the application builds");
    let address = format!("http://{}", application.address());
    let service = application.service();
    (
        address,
        service,
        tokio::spawn(application.run_until_stopped()),
    )
}

impl TestApp {
    /// Kills the server mid-flight, as a crash would (no graceful
    /// shutdown: its worker stops wherever it was), and starts a new one on
    /// the same database and data folder.
    pub async fn crash_and_restart(mut self) -> TestApp {
        self.server.abort();
        let _ = (&mut self.server).await;
        let (address, service, server) = start(&self.settings).await;
        TestApp {
            address,
            service,
            server,
            ..self
        }
    }

    /// Stops the server and starts it again with changed settings, on the
    /// same database and data folder (as an operator changing its
    /// configuration does).
    pub async fn restart_with(mut self, configure: impl FnOnce(&mut Settings)) -> TestApp {
        self.server.abort();
        let _ = (&mut self.server).await;
        configure(&mut self.settings);
        let (address, service, server) = start(&self.settings).await;
        TestApp {
            address,
            service,
            server,
            ..self
        }
    }

    /// A second server process of the same portal: the same database and
    /// configuration, its own port, worker and sweeper. The data folder
    /// (secret, export key, export packages) is shared, as a deployment
    /// shares `PORTAL_SECRET`, `PORTAL_EXPORT_KEY` and the export store.
    pub async fn another_instance(&self) -> TestApp {
        let (address, service, server) = start(&self.settings).await;
        TestApp {
            address,
            client: self.client.clone(),
            mail: self.mail.clone(),
            db: self.db.clone(),
            database_url: self.database_url.clone(),
            service,
            server,
            settings: self.settings.clone(),
            _dir: self._dir.clone(),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub fn content_dir(&self) -> PathBuf {
        self._dir.path().join("content")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Waits until the outbox has sent everything due (mail goes out after
    /// the commit, from the portal's worker), so that counting mail counts
    /// what the actions so far have sent.
    pub async fn settle_mail(&self) {
        for _ in 0..600 {
            let unsent: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')",
            )
            .fetch_one(&self.db)
            .await
            .unwrap();
            if unsent == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the outbox did not empty within 15 s");
    }

    /// The newest code mail of request `reference` (staff mail about the
    /// same request may arrive around it).
    pub async fn code_mail(&self, reference: &str) -> Mail {
        self.mails()
            .await
            .into_iter()
            .rev()
            .find(|mail| {
                let first = mail.subject.split(' ').next().unwrap_or_default();
                mail.subject.contains(reference)
                    && first.len() == 6
                    && first.bytes().all(|b| b.is_ascii_digit())
            })
            .unwrap_or_else(|| panic!("no code mail for {reference}"))
    }

    /// How many mails have arrived, once the outbox has sent what is due.
    pub async fn mail_count(&self) -> usize {
        self.settle_mail().await;
        self.mail.count()
    }

    /// Every mail that has arrived, once the outbox has sent what is due.
    pub async fn mails(&self) -> Vec<Mail> {
        self.settle_mail().await;
        self.mail.all()
    }

    pub async fn submit(&self, body: serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/requests"))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Submits an access request and returns its reference.
    pub async fn submit_access(&self, email: &str) -> String {
        let response = self
            .submit(serde_json::json!({"org": "demo", "kind": "access", "email": email}))
            .await;
        assert_eq!(response.status(), 201);
        let body: serde_json::Value = response.json().await.unwrap();
        body["reference"].as_str().unwrap().to_owned()
    }

    pub async fn verify(&self, reference: &str, code: &str) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/v1/requests/{reference}/verify")))
            .json(&serde_json::json!({ "code": code }))
            .send()
            .await
            .unwrap()
    }

    /// "Send a new code" for a request, through the REST API.
    pub async fn resend(&self, reference: &str) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/v1/requests/{reference}/resend")))
            .send()
            .await
            .unwrap()
    }

    /// Submits an access request to the demo organisation, reads the code
    /// from the mail, verifies: returns (reference, access token).
    pub async fn verified_subject(&self, email: &str) -> (String, String) {
        self.verified_request(serde_json::json!({"org": "demo", "kind": "access", "email": email}))
            .await
    }

    /// Submits `body` (org, kind, email, details), reads the code from the
    /// mail, verifies: returns (reference, access token).
    pub async fn verified_request(&self, body: serde_json::Value) -> (String, String) {
        let before = self.mail_count().await;
        let response = self.submit(body).await;
        assert_eq!(response.status(), 201);
        let submitted: serde_json::Value = response.json().await.unwrap();
        let reference = submitted["reference"].as_str().unwrap().to_owned();
        let mail = self.mail.wait_for(before + 1).await;
        let response = self.verify(&reference, &mail.code()).await;
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        (reference, body["access_token"].as_str().unwrap().to_owned())
    }

    /// Submits an access request to the demo organisation and verifies it
    /// as a browser would: returns (reference, `portal_session=…` cookie).
    pub async fn subject_session(&self, email: &str) -> (String, String) {
        let before = self.mail_count().await;
        let reference = self.submit_access(email).await;
        let mail = self.mail.wait_for(before + 1).await;
        let verified = self.verify(&reference, &mail.code()).await;
        let cookie = set_cookie(&verified, "portal_session").expect("a session");
        (reference, cookie)
    }

    pub async fn get_json(&self, path: &str, token: Option<&str>) -> (u16, serde_json::Value) {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// A sealed column's value as the portal reads it (the database holds
    /// it sealed; see `sealing`).
    pub fn open(
        &self,
        column: portal::sealing::Column,
        row: portal::sealing::Row<'_>,
        stored: &str,
    ) -> String {
        self.service
            .data_keys()
            .open_text(column, row, stored)
            .expect("the value opens with this portal's data key")
    }

    /// What `server audit verify` says of the chain.
    pub async fn audit_verdict(&self) -> portal::audit::Verdict {
        self.service.trail.verify_audit(None).await.unwrap()
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.db)
            .await
            .unwrap()
    }
}

/// A staff account made for a test, with what it takes to sign in.
pub struct Staff {
    pub id: i64,
    pub email: String,
    pub password: String,
    /// The TOTP secret, when enrolled.
    pub secret: Option<String>,
    pub recovery: Vec<String>,
}

pub const STAFF_PASSWORD: &str = "correct horse battery staple";

/// The client every request of a test comes from, as the server sees it.
/// The demo organisation's slug, as the use cases take it.
pub fn demo() -> domain::OrgSlug {
    domain::OrgSlug::parse("demo").unwrap()
}

pub fn client() -> portal::door::ClientAddress {
    portal::door::ClientAddress("127.0.0.1".into())
}

/// The TOTP code of `secret`, `offset_steps` steps of 30 s from now.
pub fn totp_code(secret: &str, email: &str, offset_steps: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .unwrap();
    let totp = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        None,
        email.to_owned(),
    )
    .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    totp.generate(((now / 30 + offset_steps) * 30) as u64)
}

/// Where a response redirects to, or "".
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// `name=value` of a cookie the response sets.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .find(|pair| pair.starts_with(&format!("{name}=")) && pair.len() > name.len() + 1)
}

impl TestApp {
    /// A staff account with `role` in `org`, enrolled in TOTP when `totp`.
    pub async fn staff(&self, email: &str, org: &str, role: domain::Role, totp: bool) -> Staff {
        use portal::service::LoginStep;
        let id = self
            .service
            .accounts
            .create_staff(email, STAFF_PASSWORD, org, role)
            .await
            .unwrap();
        let mut staff = Staff {
            id,
            email: email.into(),
            password: STAFF_PASSWORD.into(),
            secret: None,
            recovery: vec![],
        };
        if totp {
            let LoginStep::SignedIn(token) = self
                .service
                .accounts
                .staff_login(email, STAFF_PASSWORD, &client())
                .await
                .unwrap()
            else {
                panic!("a new account has no second factor yet")
            };
            let secret = self
                .service
                .accounts
                .begin_totp(&self.service.accounts.staff_member(&token).await.unwrap())
                .await
                .unwrap()
                .secret_base32;
            staff.recovery = self
                .service
                .accounts
                .confirm_totp(
                    &self.service.accounts.staff_member(&token).await.unwrap(),
                    &totp_code(&secret, email, 0),
                    STAFF_PASSWORD,
                    &crate::harness::client(),
                )
                .await
                .unwrap();
            staff.secret = Some(secret);
            self.service
                .accounts
                .staff_logout(&self.service.accounts.staff_member(&token).await.unwrap())
                .await;
        }
        staff
    }

    /// Signs in through the console's server functions, as the login form
    /// does (with a recovery code for the second step, so tests need not
    /// wait for the next TOTP step); returns the staff cookie.
    pub async fn staff_cookie(&self, staff: &mut Staff) -> String {
        let response = self
            .client
            .post(self.url("/_sfn/console/login"))
            .header("accept", "text/html")
            .form(&[
                ("email", staff.email.as_str()),
                ("password", staff.password.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "login of {}", staff.email);
        if let Some(cookie) = set_cookie(&response, "portal_staff") {
            return cookie;
        }
        let pending = set_cookie(&response, "portal_staff_pending").expect("a pending login");
        let code = staff.recovery.pop().expect("a recovery code left");
        let response = self
            .client
            .post(self.url("/_sfn/console/second_factor"))
            .header("accept", "text/html")
            .header("cookie", pending)
            .form(&[("code", code.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        set_cookie(&response, "portal_staff").expect("a staff session")
    }

    /// A plain form post, as a browser without JavaScript sends it from
    /// the console (same origin).
    pub async fn post_form(
        &self,
        path: &str,
        cookie: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("cookie", cookie)
            .header("accept", "text/html")
            .header("referer", self.url("/console"))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// A server function called as a script calls it (no `Accept:
    /// text/html`, so refusals come as their status, not as a redirect back
    /// to the form), with an optional cookie: the status.
    pub async fn call(&self, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> u16 {
        let mut request = self.client.post(self.url(path)).form(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap().status().as_u16()
    }

    /// GET a page as a browser does, with an optional cookie: (status, body).
    pub async fn page(&self, path: &str, cookie: Option<&str>) -> (u16, String) {
        let mut request = self
            .client
            .get(self.url(path))
            .header("accept", "text/html");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}
