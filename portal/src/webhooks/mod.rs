//! Outbound webhooks: an organisation's endpoints (`[[webhooks]]` in
//! `org.toml`) and one delivery to one of them, signed as the Standard
//! Webhooks specification says (`webhook-id`, `webhook-timestamp`,
//! `webhook-signature: v1,<base64 HMAC-SHA256>` over
//! `<id>.<timestamp>.<body>`), so that receivers verify them with the
//! published libraries. The queue, its order and its retries are the
//! service's (`service::webhooks`); this is the wire.
//!
//! A delivery goes only to a public address unless the operator allows
//! private ones (`address`), follows no redirect and uses no proxy (a proxy
//! would resolve the name where the check cannot see).

mod address;

use anyhow::{bail, Context};
use domain::WebhookEvent;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

pub use address::{is_public, AddressPolicy};

/// One try waits at most this long for the receiver's answer.
pub const TIMEOUT: Duration = Duration::from_secs(15);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// An endpoint as `org.toml` declares it. The secret is never in the
/// content folder: the name of an environment variable, or a file outside it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// Its name in the console and in the queue, e.g. `crm`.
    pub name: String,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    #[serde(default)]
    pub secret_env: Option<String>,
    #[serde(default)]
    pub secret_file: Option<PathBuf>,
}

impl WebhookConfig {
    /// What can be checked without the secret.
    pub fn validate(&self) -> anyhow::Result<()> {
        let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
        if self.name.is_empty() || self.name.len() > 40 || !self.name.chars().all(plain) {
            bail!("webhook {:?}: name it with a-z, 0-9, - and _", self.name);
        }
        let url = Url::parse(&self.url).with_context(|| format!("webhook {:?}: url", self.name))?;
        if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
            bail!("webhook {:?}: the url must be http(s)://host/…", self.name);
        }
        if !url.username().is_empty() || url.password().is_some() {
            bail!(
                "webhook {:?}: no credentials in the url; the signature authenticates",
                self.name
            );
        }
        if self.events.is_empty() {
            bail!("webhook {:?}: no events", self.name);
        }
        if self.secret_env.is_some() == self.secret_file.is_some() {
            bail!(
                "webhook {:?}: give exactly one of secret_env and secret_file",
                self.name
            );
        }
        Ok(())
    }
}

/// An endpoint ready to be called: its signing key read.
#[derive(Clone)]
pub struct Endpoint {
    pub name: String,
    pub url: Url,
    pub events: Vec<WebhookEvent>,
    signer: Arc<standardwebhooks::Webhook>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("name", &self.name)
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    pub fn wants(&self, event: WebhookEvent) -> bool {
        self.events.contains(&event)
    }

    /// The URL as admins see it: without its query, which may carry a token.
    pub fn shown_url(&self) -> String {
        let mut shown = self.url.clone();
        shown.set_query(None);
        shown.set_fragment(None);
        shown.to_string()
    }
}

/// Every organisation's endpoints, read at start-up: a missing or malformed
/// secret stops the server with the endpoint's name, rather than failing
/// every delivery later.
#[derive(Clone, Debug, Default)]
pub struct Endpoints {
    by_org: HashMap<String, Vec<Endpoint>>,
}

impl Endpoints {
    pub fn load(
        content: &crate::content::Content,
        content_dir: &Path,
    ) -> anyhow::Result<Endpoints> {
        Endpoints::load_with(content, content_dir, |name| std::env::var(name).ok())
    }

    pub fn load_with(
        content: &crate::content::Content,
        content_dir: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Endpoints> {
        let mut by_org = HashMap::new();
        for org in content.orgs() {
            let mut endpoints = Vec::new();
            for config in &org.settings.webhooks {
                let context = || format!("organisation {}, webhook {:?}", org.slug, config.name);
                let secret = read_secret(config, content_dir, &env).with_context(context)?;
                let signer = signer(&secret).with_context(context)?;
                endpoints.push(Endpoint {
                    name: config.name.clone(),
                    url: Url::parse(&config.url).with_context(context)?,
                    events: config.events.clone(),
                    signer: Arc::new(signer),
                });
            }
            if !endpoints.is_empty() {
                by_org.insert(org.slug.to_string(), endpoints);
            }
        }
        Ok(Endpoints { by_org })
    }

    pub fn of(&self, org: &str) -> &[Endpoint] {
        self.by_org.get(org).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn find(&self, org: &str, name: &str) -> Option<&Endpoint> {
        self.of(org).iter().find(|e| e.name == name)
    }

    /// The organisations with an endpoint that wants `event`.
    pub fn orgs_wanting(&self, event: WebhookEvent) -> Vec<&str> {
        let mut orgs: Vec<&str> = self
            .by_org
            .iter()
            .filter(|(_, endpoints)| endpoints.iter().any(|e| e.wants(event)))
            .map(|(org, _)| org.as_str())
            .collect();
        orgs.sort_unstable();
        orgs
    }
}

fn read_secret(
    config: &WebhookConfig,
    content_dir: &Path,
    env: &impl Fn(&str) -> Option<String>,
) -> anyhow::Result<String> {
    match (&config.secret_env, &config.secret_file) {
        (Some(var), None) => env(var)
            .filter(|s| !s.trim().is_empty())
            .with_context(|| format!("{var} is not set")),
        (None, Some(path)) => {
            let file = std::fs::canonicalize(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if std::fs::canonicalize(content_dir).is_ok_and(|content| file.starts_with(content)) {
                bail!(
                    "{} is inside the content folder; keep secrets out of it",
                    path.display()
                );
            }
            std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", path.display()))
        }
        _ => bail!("give exactly one of secret_env and secret_file"),
    }
}

/// A Standard Webhooks secret: `whsec_` and the base64 of 24 to 64 bytes.
fn signer(secret: &str) -> anyhow::Result<standardwebhooks::Webhook> {
    use base64::Engine;
    let secret = secret.trim();
    let Some(key) = secret.strip_prefix("whsec_") else {
        bail!("the secret must look like whsec_<base64>, as Standard Webhooks secrets do");
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key)
        .context("the secret after whsec_ is not base64")?;
    if !(24..=64).contains(&bytes.len()) {
        bail!("the secret must be 24 to 64 bytes, not {}", bytes.len());
    }
    Ok(standardwebhooks::Webhook::from_bytes(bytes)?)
}

/// How one try ended, when it did not end with a 2xx.
#[derive(Debug, thiserror::Error)]
pub enum Undelivered {
    /// The address is private, loopback or link-local, and the operator
    /// does not allow those.
    #[error("refused: {0}")]
    Refused(String),
    #[error("the receiver answered {0}")]
    Answered(u16),
    #[error("the receiver answered {0}; redirects are not followed")]
    Redirected(u16),
    #[error("{0}")]
    Unreachable(String),
}

impl Undelivered {
    pub fn status_code(&self) -> Option<u16> {
        match self {
            Undelivered::Answered(code) | Undelivered::Redirected(code) => Some(*code),
            _ => None,
        }
    }
}

/// Sends deliveries: one HTTP client, its name resolution checked.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    policy: AddressPolicy,
}

impl Sender {
    pub fn new(policy: AddressPolicy) -> Sender {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .user_agent(concat!(
                "privacy-portal-webhooks/",
                env!("CARGO_PKG_VERSION")
            ))
            .dns_resolver(Arc::new(policy))
            .build()
            .expect("the webhook client's settings are valid");
        Sender { client, policy }
    }

    /// Posts `body` to `endpoint` as message `id`, signed for `timestamp`
    /// (now: receivers refuse old timestamps, so a retry is signed anew).
    /// Ok with the 2xx status the receiver answered.
    pub async fn send(
        &self,
        endpoint: &Endpoint,
        id: &str,
        body: &str,
        timestamp: i64,
    ) -> Result<u16, Undelivered> {
        // A name is checked when it is resolved; an address in the URL here.
        match endpoint.url.host() {
            Some(url::Host::Ipv4(ip)) => self.policy.check(ip.into())?,
            Some(url::Host::Ipv6(ip)) => self.policy.check(ip.into())?,
            _ => {}
        }
        let signature = endpoint
            .signer
            .sign(id, timestamp, body.as_bytes())
            .map_err(|e| Undelivered::Unreachable(format!("signing failed: {e}")))?;
        let sent = self
            .client
            .post(endpoint.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(standardwebhooks::HEADER_WEBHOOK_ID, id)
            .header(
                standardwebhooks::HEADER_WEBHOOK_TIMESTAMP,
                timestamp.to_string(),
            )
            .header(standardwebhooks::HEADER_WEBHOOK_SIGNATURE, signature)
            .body(body.to_owned())
            .send()
            .await;
        let response = sent.map_err(|error| match address::refusal_in(&error) {
            Some(refusal) => Undelivered::Refused(refusal),
            None if error.is_timeout() => Undelivered::Unreachable("no answer in time".to_owned()),
            // Without the URL: its query may hold a token, and admins read this.
            None => Undelivered::Unreachable(crate::errors::describe(&error.without_url())),
        })?;
        let status = response.status();
        if status.is_success() {
            Ok(status.as_u16())
        } else if status.is_redirection() {
            Err(Undelivered::Redirected(status.as_u16()))
        } else {
            Err(Undelivered::Answered(status.as_u16()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn config(toml: &str) -> anyhow::Result<crate::content::OrgSettings> {
        crate::content::parse_org_settings(&format!(
            "name = \"Acme\"\ncontact_email = \"privacy@acme.example\"\n{toml}"
        ))
    }

    #[test]
    fn an_endpoint_names_its_events_and_where_its_secret_is() {
        let settings = config(
            "[[webhooks]]\nname = \"crm\"\nurl = \"https://crm.acme.example/hooks?token=abc\"\nevents = [\"optout.recorded\", \"consent.changed\"]\nsecret_env = \"ACME_CRM_SECRET\"\n",
        )
        .unwrap();
        assert_eq!(
            settings.webhooks[0].events,
            [WebhookEvent::OptoutRecorded, WebhookEvent::ConsentChanged]
        );
        for (bad, why) in [
            (
                "events = [\"request.deleted\"]\nsecret_env = \"S\"",
                "unknown event",
            ),
            ("events = []\nsecret_env = \"S\"", "no events"),
            ("events = [\"optout.recorded\"]", "no secret"),
            (
                "events = [\"optout.recorded\"]\nsecret_env = \"S\"\nsecret_file = \"/run/s\"",
                "two secrets",
            ),
            (
                "events = [\"optout.recorded\"]\nsecret = \"whsec_x\"",
                "a secret in the content folder",
            ),
        ] {
            let toml = format!(
                "[[webhooks]]\nname = \"crm\"\nurl = \"https://crm.acme.example/\"\n{bad}\n"
            );
            assert!(config(&toml).is_err(), "{why}");
        }
        for url in [
            "ftp://acme.example/",
            "https://user:pw@acme.example/",
            "not a url",
        ] {
            let toml = format!("[[webhooks]]\nname = \"crm\"\nurl = \"{url}\"\nevents = [\"optout.recorded\"]\nsecret_env = \"S\"\n");
            assert!(config(&toml).is_err(), "{url}");
        }
        let twice = "[[webhooks]]\nname = \"crm\"\nurl = \"https://a.example/\"\nevents = [\"optout.recorded\"]\nsecret_env = \"S\"\n";
        assert!(
            config(&format!("{twice}{twice}")).is_err(),
            "one name twice"
        );
    }

    #[test]
    fn secrets_are_standard_webhooks_secrets_kept_outside_the_content_folder() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        let inside = content.join("crm.secret");
        let outside = dir.path().join("crm.secret");
        std::fs::write(&inside, SECRET).unwrap();
        std::fs::write(&outside, format!("{SECRET}\n")).unwrap();
        let with_file = |path: &Path| WebhookConfig {
            name: "crm".into(),
            url: "https://crm.example/".into(),
            events: vec![WebhookEvent::OptoutRecorded],
            secret_env: None,
            secret_file: Some(path.to_owned()),
        };
        let no_env = |_: &str| None;
        let error = read_secret(&with_file(&inside), &content, &no_env).unwrap_err();
        assert!(
            error.to_string().contains("inside the content folder"),
            "{error}"
        );
        let read = read_secret(&with_file(&outside), &content, &no_env).unwrap();
        assert!(signer(&read).is_ok());
        let from_env = WebhookConfig {
            secret_env: Some("CRM_SECRET".into()),
            secret_file: None,
            ..with_file(&outside)
        };
        let error = read_secret(&from_env, &content, &no_env).unwrap_err();
        assert!(
            error.to_string().contains("CRM_SECRET is not set"),
            "{error}"
        );
        assert_eq!(
            read_secret(&from_env, &content, &|_: &str| Some(SECRET.to_owned())).unwrap(),
            SECRET
        );
        for bad in [
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_not base64!",
            "whsec_c2hvcnQ=",
        ] {
            assert!(signer(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn admins_see_the_url_without_its_query() {
        let endpoint = Endpoint {
            name: "crm".into(),
            url: Url::parse("https://crm.example/hooks?token=secret#x").unwrap(),
            events: vec![],
            signer: Arc::new(signer(SECRET).unwrap()),
        };
        assert_eq!(endpoint.shown_url(), "https://crm.example/hooks");
    }
}
