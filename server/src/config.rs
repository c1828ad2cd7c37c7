//! Configuration from the environment, validated once at start-up with a
//! clear message for each wrong value.

use anyhow::{bail, Context};
use std::{net::SocketAddr, path::PathBuf};
use url::Url;

use crate::service::{Limit, RateLimits};

#[derive(Clone, Debug)]
pub struct Settings {
    /// Where to listen (`LEPTOS_SITE_ADDR`, default 127.0.0.1:3000; port 0 picks one).
    pub listen: SocketAddr,
    /// Public URL used in links (`PORTAL_BASE_URL`, default http://<listen>).
    pub base_url: Option<Url>,
    /// `DATABASE_URL`, default `sqlite://<data_dir>/portal.db`.
    pub database_url: String,
    /// `SMTP_URL`; unset writes mail to `<data_dir>/outbox/*.eml`.
    pub smtp_url: Option<String>,
    /// Sender of all mail (`PORTAL_MAIL_FROM`).
    pub mail_from: String,
    /// `PORTAL_DATA_DIR`, default `./data`.
    pub data_dir: PathBuf,
    /// `PORTAL_CONTENT_DIR`, default `./content`: organisations and mail templates.
    pub content_dir: PathBuf,
    /// `LEPTOS_SITE_ROOT`: the built site (wasm, css, public assets).
    pub site_root: PathBuf,
    /// `PORTAL_DEFAULT_ORG`: where `/` leads, default `demo`.
    pub default_org: String,
    /// `PORTAL_SECRET`: 64 hex characters keying code hashes. Unset: a key is
    /// generated once into `<data_dir>/secret.key`.
    pub secret: Option<[u8; 32]>,
    /// `PORTAL_EXPORT_KEY`: 64 hex characters, the AES-256 key that seals
    /// export packages at rest. Unset: generated once into
    /// `<data_dir>/export.key`.
    pub export_key: Option<[u8; 32]>,
    /// `PORTAL_EXPORT_DAYS`: how long a package can be downloaded, default 30.
    pub export_days: i64,
    /// How long a background job is its worker's before another worker may
    /// take it over (a crashed worker's job is picked up after this), 300 s.
    pub job_lease_secs: i64,
    /// `PORTAL_RATE_LIMIT_SUBMIT`, `…_VERIFY`, `…_LOGIN`: per client
    /// address, `hits/seconds` or `off`; defaults in `RateLimits`.
    pub rate_limits: RateLimits,
    /// `PORTAL_CLIENT_IP_HEADER`: behind a load balancer, the header it
    /// writes the client's address into (`X-Forwarded-For`, `X-Real-IP`);
    /// the right-most address in it counts. Unset: the connection's peer.
    pub client_ip_header: Option<axum::http::HeaderName>,
    /// `PORTAL_METRICS_TOKEN`: the bearer token `/metrics` wants; unset,
    /// only connections from this machine get it.
    pub metrics_token: Option<String>,
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Settings> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let listen: SocketAddr = var("LEPTOS_SITE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .context("LEPTOS_SITE_ADDR must be an address such as 127.0.0.1:3000")?;
        let base_url = match var("PORTAL_BASE_URL") {
            None => None,
            Some(raw) => {
                let url = Url::parse(&raw).with_context(|| {
                    format!("PORTAL_BASE_URL must be an absolute URL, got {raw:?}")
                })?;
                if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                    bail!("PORTAL_BASE_URL must be an http(s) URL with a host, got {raw:?}");
                }
                Some(url)
            }
        };
        let data_dir = PathBuf::from(var("PORTAL_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}/portal.db", data_dir.display()));
        // The URL may hold a password: the message names only the rule.
        if let Err(rule) = crate::store::Backend::of_url(&database_url) {
            bail!("DATABASE_URL {rule}");
        }
        let smtp_url = var("SMTP_URL");
        if let Some(smtp) = &smtp_url {
            if !(smtp.starts_with("smtp://") || smtp.starts_with("smtps://")) {
                bail!("SMTP_URL must start with smtp:// or smtps://");
            }
        }
        let secret = match var("PORTAL_SECRET") {
            None => None,
            Some(hex_key) => Some(parse_secret(&hex_key)?),
        };
        let export_key = match var("PORTAL_EXPORT_KEY") {
            None => None,
            Some(hex_key) => Some(parse_secret(&hex_key).context("PORTAL_EXPORT_KEY")?),
        };
        let export_days = match var("PORTAL_EXPORT_DAYS") {
            None => 30,
            Some(raw) => raw
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=365).contains(d))
                .with_context(|| {
                    format!(
                        "PORTAL_EXPORT_DAYS must be a number of days from 1 to 365, got {raw:?}"
                    )
                })?,
        };
        let mut rate_limits = RateLimits::default();
        for (name, limit) in [
            ("PORTAL_RATE_LIMIT_SUBMIT", &mut rate_limits.submit),
            ("PORTAL_RATE_LIMIT_VERIFY", &mut rate_limits.verify),
            ("PORTAL_RATE_LIMIT_LOGIN", &mut rate_limits.login),
        ] {
            match var(name).as_deref().map(str::trim) {
                None => {}
                Some("off") => *limit = None,
                Some(raw) => {
                    *limit = Some(Limit::parse(raw).with_context(|| {
                        format!("{name} must be hits/seconds such as 20/600 (seconds up to 86400), or off; got {raw:?}")
                    })?)
                }
            }
        }
        let client_ip_header = match var("PORTAL_CLIENT_IP_HEADER") {
            None => None,
            Some(raw) => Some(raw.trim().parse::<axum::http::HeaderName>().with_context(|| {
                format!("PORTAL_CLIENT_IP_HEADER must be a header name such as X-Forwarded-For, got {raw:?}")
            })?),
        };
        Ok(Settings {
            listen,
            base_url,
            database_url,
            smtp_url,
            mail_from: var("PORTAL_MAIL_FROM")
                .unwrap_or_else(|| "Privacy portal <privacy@localhost>".into()),
            data_dir,
            content_dir: PathBuf::from(
                var("PORTAL_CONTENT_DIR").unwrap_or_else(|| "content".into()),
            ),
            site_root: PathBuf::from(
                var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            ),
            default_org: var("PORTAL_DEFAULT_ORG").unwrap_or_else(|| "demo".into()),
            secret,
            export_key,
            export_days,
            job_lease_secs: 300,
            rate_limits,
            client_ip_header,
            metrics_token: var("PORTAL_METRICS_TOKEN"),
        })
    }
}

pub fn parse_secret(hex_key: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(hex_key.trim()).context("PORTAL_SECRET must be hexadecimal")?;
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("PORTAL_SECRET must be 32 bytes (64 hex characters)"))
}
