//! Configuration: environment variables, and optionally a TOML file named by
//! `PORTAL_CONFIG` whose keys are the same names (`DATABASE_URL = "…"`);
//! the environment wins over the file. Everything is validated once at
//! start-up, with a message for each wrong value that names the setting
//! and, when it came from the file, the file.

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
    /// How the outbox retries mail the server did not accept (15 s
    /// doubling to an hour, for three days; `Backoff::for_mail`).
    pub mail_retry: crate::service::Backoff,
    /// How webhook deliveries are retried (10 s doubling to an hour, for
    /// three days and an hour; `Backoff::for_webhooks`).
    pub webhook_retry: crate::service::Backoff,
    /// `PORTAL_WEBHOOKS_ALLOW_PRIVATE`: `true` lets webhooks go to private,
    /// loopback and link-local addresses (a receiver on the operator's own
    /// network). Unset or `false`: refused, so that an organisation's
    /// `org.toml` cannot make the portal call into the network it runs in.
    pub webhooks_allow_private: bool,
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
    /// `PORTAL_DATA_KEY`: 64 hex characters, the AES-256 key sealing
    /// personal data in the database (see `sealing`). Unset: generated once
    /// into `<data_dir>/data.key`.
    pub data_key: Option<[u8; 32]>,
    /// `PORTAL_DATA_KEYS_PREVIOUS`: earlier data keys, comma-separated,
    /// still read after a rotation until `server data reseal` has run.
    pub previous_data_keys: Vec<[u8; 32]>,
    /// `PORTAL_EXPORT_STORE`: `s3://bucket/prefix` keeps packages in an
    /// S3-compatible object store (`AWS_*` variables for credentials,
    /// region and endpoint). Unset: the folder `<data_dir>/exports`.
    pub export_store: Option<String>,
}

/// Every setting there is: what the file may hold.
pub const NAMES: [&str; 22] = [
    "PORTAL_WEBHOOKS_ALLOW_PRIVATE",
    "PORTAL_EXPORT_STORE",
    "PORTAL_DATA_KEY",
    "PORTAL_DATA_KEYS_PREVIOUS",
    "LEPTOS_SITE_ADDR",
    "LEPTOS_SITE_ROOT",
    "PORTAL_BASE_URL",
    "DATABASE_URL",
    "SMTP_URL",
    "PORTAL_MAIL_FROM",
    "PORTAL_DATA_DIR",
    "PORTAL_CONTENT_DIR",
    "PORTAL_DEFAULT_ORG",
    "PORTAL_SECRET",
    "PORTAL_EXPORT_KEY",
    "PORTAL_EXPORT_DAYS",
    "PORTAL_RATE_LIMIT_SUBMIT",
    "PORTAL_RATE_LIMIT_VERIFY",
    "PORTAL_RATE_LIMIT_LOGIN",
    "PORTAL_CLIENT_IP_HEADER",
    "PORTAL_METRICS_TOKEN",
    "PORTAL_LOG_FORMAT",
];

/// Where settings come from: the environment, then the file.
#[derive(Debug, Default)]
pub struct Sources {
    env: std::collections::HashMap<String, String>,
    file: Option<(PathBuf, std::collections::HashMap<String, String>)>,
}

impl Sources {
    /// The process's environment, and the file `PORTAL_CONFIG` names.
    pub fn load() -> anyhow::Result<Sources> {
        let env: std::collections::HashMap<String, String> = std::env::vars().collect();
        let file = match env.get("PORTAL_CONFIG").filter(|p| !p.trim().is_empty()) {
            None => None,
            Some(path) => {
                let path = PathBuf::from(path);
                let text = std::fs::read_to_string(&path).with_context(|| {
                    format!(
                        "PORTAL_CONFIG names {}, which cannot be read",
                        path.display()
                    )
                })?;
                Some((
                    path.clone(),
                    parse_file(&text).with_context(|| path.display().to_string())?,
                ))
            }
        };
        Ok(Sources { env, file })
    }

    pub fn new(
        env: impl IntoIterator<Item = (String, String)>,
        file: Option<(&str, &str)>,
    ) -> anyhow::Result<Sources> {
        let file = match file {
            None => None,
            Some((path, text)) => Some((
                PathBuf::from(path),
                parse_file(text).context(path.to_owned())?,
            )),
        };
        Ok(Sources {
            env: env.into_iter().collect(),
            file,
        })
    }

    /// A setting's value, unless unset or blank. A blank environment
    /// variable (as `${X:-}` in a compose file leaves) counts as unset, so
    /// the file's value is used.
    pub fn get(&self, name: &str) -> Option<String> {
        let present = |v: &&String| !v.trim().is_empty();
        self.env
            .get(name)
            .filter(present)
            .or_else(|| {
                self.file
                    .as_ref()
                    .and_then(|(_, values)| values.get(name))
                    .filter(present)
            })
            .cloned()
    }

    /// Adds to a validation message the file a setting it names came from.
    fn explain(&self, error: anyhow::Error) -> anyhow::Error {
        let message = error.to_string();
        let Some((path, values)) = &self.file else {
            return error;
        };
        match NAMES.iter().find(|name| {
            message.contains(**name)
                && values.contains_key(**name)
                && !self.env.contains_key(**name)
        }) {
            Some(_) => error.context(format!("in {}", path.display())),
            None => error,
        }
    }

    /// `PORTAL_LOG_FORMAT`: whether logs are JSON lines.
    pub fn json_logs(&self) -> anyhow::Result<bool> {
        match self.get("PORTAL_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("text") => Ok(false),
            Some("json") => Ok(true),
            Some(other) => Err(self.explain(anyhow::anyhow!(
                "PORTAL_LOG_FORMAT must be json or text, got {other:?}"
            ))),
        }
    }
}

/// The file's keys are settings' names; values are strings or numbers.
fn parse_file(text: &str) -> anyhow::Result<std::collections::HashMap<String, String>> {
    let table: toml::Table = toml::from_str(text).context("not valid TOML")?;
    let mut values = std::collections::HashMap::new();
    for (key, value) in table {
        if !NAMES.contains(&key.as_str()) {
            bail!(
                "{key} is not a setting (settings are named as their environment variables: {})",
                NAMES.join(", ")
            );
        }
        let value = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(n) => n.to_string(),
            other => bail!(
                "{key} must be a string or a number, got {}",
                other.type_str()
            ),
        };
        values.insert(key, value);
    }
    Ok(values)
}

impl Settings {
    /// From the process's environment and `PORTAL_CONFIG`'s file.
    pub fn load() -> anyhow::Result<Settings> {
        Settings::from_sources(&Sources::load()?)
    }

    pub fn from_sources(sources: &Sources) -> anyhow::Result<Settings> {
        Settings::read(sources).map_err(|e| sources.explain(e))
    }

    fn read(sources: &Sources) -> anyhow::Result<Settings> {
        let var = |name: &str| sources.get(name);
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
            mail_retry: crate::service::Backoff::for_mail(),
            webhook_retry: crate::service::Backoff::for_webhooks(),
            webhooks_allow_private: match var("PORTAL_WEBHOOKS_ALLOW_PRIVATE")
                .as_deref()
                .map(str::trim)
            {
                None | Some("false") => false,
                Some("true") => true,
                Some(other) => {
                    bail!("PORTAL_WEBHOOKS_ALLOW_PRIVATE must be true or false, got {other:?}")
                }
            },
            rate_limits,
            client_ip_header,
            metrics_token: var("PORTAL_METRICS_TOKEN"),
            data_key: match var("PORTAL_DATA_KEY") {
                None => None,
                Some(hex_key) => Some(parse_secret(&hex_key).context("PORTAL_DATA_KEY")?),
            },
            export_store: var("PORTAL_EXPORT_STORE"),
            previous_data_keys: var("PORTAL_DATA_KEYS_PREVIOUS")
                .map(|list| {
                    list.split(',')
                        .map(|key| parse_secret(key).context("PORTAL_DATA_KEYS_PREVIOUS"))
                        .collect::<anyhow::Result<Vec<_>>>()
                })
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

pub fn parse_secret(hex_key: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(hex_key.trim()).context("PORTAL_SECRET must be hexadecimal")?;
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("PORTAL_SECRET must be 32 bytes (64 hex characters)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_file_supplies_settings_and_the_environment_wins() {
        let file = "DATABASE_URL = \"postgres://portal@db.internal/portal\"\nPORTAL_EXPORT_DAYS = 14\n\
                    PORTAL_MAIL_FROM = \"Privacy <privacy@file.example>\"\nPORTAL_RATE_LIMIT_LOGIN = \"off\"\n";
        let sources = Sources::new(
            env(&[("PORTAL_MAIL_FROM", "Privacy <privacy@env.example>")]),
            Some(("/etc/portal.toml", file)),
        )
        .unwrap();
        let settings = Settings::from_sources(&sources).unwrap();
        assert_eq!(
            settings.database_url,
            "postgres://portal@db.internal/portal"
        );
        assert_eq!(settings.export_days, 14);
        assert_eq!(settings.mail_from, "Privacy <privacy@env.example>");
        assert_eq!(settings.rate_limits.login, None);
        assert!(settings.rate_limits.submit.is_some());
        // A blank variable does not hide the file's value.
        let blank = Sources::new(
            env(&[("DATABASE_URL", " ")]),
            Some(("/etc/portal.toml", file)),
        )
        .unwrap();
        assert_eq!(
            blank.get("DATABASE_URL").unwrap(),
            "postgres://portal@db.internal/portal"
        );
    }

    #[test]
    fn each_wrong_value_is_named_with_where_it_came_from() {
        let unknown = Sources::new(
            env(&[]),
            Some(("/etc/portal.toml", "PORTAL_EXPORTDAYS = 3\n")),
        )
        .unwrap_err();
        assert!(
            format!("{unknown:#}").contains("PORTAL_EXPORTDAYS is not a setting"),
            "{unknown:#}"
        );
        let typed = Sources::new(
            env(&[]),
            Some(("/etc/portal.toml", "PORTAL_EXPORT_DAYS = true\n")),
        )
        .unwrap_err();
        assert!(
            format!("{typed:#}").contains("must be a string or a number"),
            "{typed:#}"
        );

        let from_file = Sources::new(
            env(&[]),
            Some(("/etc/portal.toml", "PORTAL_EXPORT_DAYS = 400\n")),
        )
        .unwrap();
        let error = format!("{:#}", Settings::from_sources(&from_file).unwrap_err());
        assert!(
            error.starts_with(
                "in /etc/portal.toml: PORTAL_EXPORT_DAYS must be a number of days from 1 to 365"
            ),
            "{error}"
        );
        let from_env = Sources::new(env(&[("PORTAL_RATE_LIMIT_SUBMIT", "lots")]), None).unwrap();
        let error = format!("{:#}", Settings::from_sources(&from_env).unwrap_err());
        assert!(
            error.starts_with("PORTAL_RATE_LIMIT_SUBMIT must be hits/seconds"),
            "{error}"
        );
        for (name, value, says) in [
            (
                "DATABASE_URL",
                "mysql://x/y",
                "DATABASE_URL must start with sqlite:",
            ),
            (
                "PORTAL_BASE_URL",
                "ftp://x",
                "PORTAL_BASE_URL must be an http(s) URL",
            ),
            ("PORTAL_SECRET", "abc", "PORTAL_SECRET must be"),
            (
                "PORTAL_CLIENT_IP_HEADER",
                "not a header",
                "PORTAL_CLIENT_IP_HEADER must be a header name",
            ),
            (
                "LEPTOS_SITE_ADDR",
                "localhost",
                "LEPTOS_SITE_ADDR must be an address",
            ),
        ] {
            let sources = Sources::new(env(&[(name, value)]), None).unwrap();
            let error = format!("{:#}", Settings::from_sources(&sources).unwrap_err());
            assert!(error.contains(says), "{name}: {error}");
        }
        let logs = Sources::new(env(&[("PORTAL_LOG_FORMAT", "xml")]), None).unwrap();
        assert!(logs.json_logs().is_err());
    }
}
