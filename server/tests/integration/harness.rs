//! Test harness: the real application on a random port with its own SQLite
//! file, and a real SMTP server (a minimal sink speaking the protocol over
//! TCP) that keeps every message it receives.


use server::{config::Settings, startup::Application};
use sqlx::SqlitePool;
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
}

impl SmtpSink {
    pub async fn start() -> (SmtpSink, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let sink = SmtpSink::default();
        let messages = sink.messages.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let messages = messages.clone();
                tokio::spawn(async move {
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
            }
        });
        (sink, port)
    }

    pub fn count(&self) -> usize {
        self.messages.lock().unwrap().len()
    }

    /// Waits for the `n`-th message (1-based) to arrive, and parses it.
    pub async fn wait_for(&self, n: usize) -> Mail {
        for _ in 0..200 {
            if let Some(raw) = self.messages.lock().unwrap().get(n - 1).cloned() {
                return Mail::parse(&raw);
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("mail number {n} never arrived ({} received)", self.count());
    }
}

pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mail {
    fn parse(raw: &str) -> Mail {
        let message = mail_parser::MessageParser::default().parse(raw.as_bytes()).expect("a parsable mail");
        Mail {
            to: message
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or_default()
                .to_owned(),
            subject: message.subject().unwrap_or_default().to_owned(),
            body: message.body_text(0).unwrap_or_default().into_owned(),
        }
    }

    /// The six-digit code: the first word of the subject in every language.
    pub fn code(&self) -> String {
        let code = self.subject.split(' ').next().unwrap().to_owned();
        assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "no code in {:?}", self.subject);
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
    pub db: SqlitePool,
    pub database_url: String,
    pub service: Arc<server::service::Service>,
    _dir: tempfile::TempDir,
}

pub fn content_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../content")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(None).await
}

pub async fn spawn_app_with(base_url: Option<&str>) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let (mail, smtp_port) = SmtpSink::start().await;
    let database_url = format!("sqlite://{}/portal.db", dir.path().display());
    let settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        base_url: base_url.map(|u| u.parse().unwrap()),
        database_url: database_url.clone(),
        smtp_url: Some(format!("smtp://127.0.0.1:{smtp_port}")),
        mail_from: "Privacy portal <privacy@portal.test>".into(),
        data_dir: dir.path().to_path_buf(),
        content_dir: content_dir(),
        site_root: dir.path().join("site"),
        default_org: "demo".into(),
        secret: None,
    };
    let application = Application::build(settings).await.expect("the application builds");
    let address = format!("http://{}", application.address());
    let service = application.service();
    tokio::spawn(application.run_until_stopped());
    let db = SqlitePool::connect(&database_url).await.unwrap();
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { address, client, mail, db, database_url, service, _dir: dir }
}

impl TestApp {
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn submit(&self, body: serde_json::Value) -> reqwest::Response {
        self.client.post(self.url("/api/v1/requests")).json(&body).send().await.unwrap()
    }

    /// Submits an access request and returns its reference.
    pub async fn submit_access(&self, email: &str) -> String {
        let response = self.submit(serde_json::json!({"org": "demo", "kind": "access", "email": email})).await;
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

    /// Submits, reads the code from the mail, verifies: returns (reference, access token).
    pub async fn verified_subject(&self, email: &str) -> (String, String) {
        let before = self.mail.count();
        let reference = self.submit_access(email).await;
        let mail = self.mail.wait_for(before + 1).await;
        let response = self.verify(&reference, &mail.code()).await;
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        (reference, body["access_token"].as_str().unwrap().to_owned())
    }

    pub async fn get_json(&self, path: &str, token: Option<&str>) -> (u16, serde_json::Value) {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&self.db).await.unwrap()
    }
}
