//! Data sources: where an organisation's data about a subject lives. Each
//! source is declared in the organisation's `org.toml` with the categories
//! it returns; the service asks every source for an access or portability
//! request and stores what it returns for the export package.

pub mod http;
pub mod sql;
pub mod sqlite;

use crate::export::{Lines, Record};
use async_trait::async_trait;
use serde::Deserialize;

/// Where a source puts what it finds, as it reads: a source never holds
/// its whole answer.
#[async_trait]
pub trait RecordSink: Send {
    async fn record(&mut self, category: &str, record: Record) -> Result<(), SourceError>;
    /// Records the source serialised itself, as JSON lines.
    async fn lines(&mut self, category: &str, lines: Lines) -> Result<(), SourceError>;
}

/// What identifies the subject to a source: only verified facts.
pub struct Identifiers<'a> {
    /// The verified e-mail address.
    pub email: &'a str,
    /// The request's reference, for sources that log who asked.
    pub reference: &'a str,
}

/// A source as `org.toml` declares it (`[[sources]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    pub name: String,
    /// `sql` or `http`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The connection URL (`sqlite://…`, `postgres://…`, `mysql://…`), or
    /// the name of the environment variable that holds it, so credentials
    /// stay out of content files.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub url_env: Option<String>,
    /// SQL: one query per category.
    #[serde(default)]
    pub queries: Vec<sql::SqlQuery>,
    /// HTTP: the categories the endpoint answers for, and the shared secret
    /// that signs each call (or the environment variable holding it).
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub secret_env: Option<String>,
    /// SQL: statements that erase or restrict the subject's data, run in
    /// one transaction. HTTP: `operations = ["erase", "restrict"]` says the
    /// endpoint carries them out.
    #[serde(default)]
    pub erase: Vec<String>,
    #[serde(default)]
    pub restrict: Vec<String>,
    #[serde(default)]
    pub operations: Vec<Operation>,
}

pub use domain::Operation;

/// What a source did.
#[derive(Debug, Clone, PartialEq)]
pub enum Execution {
    Done {
        detail: String,
    },
    /// The source kept the data under an exception (e.g. a legal obligation).
    Exception {
        ground: String,
        detail: String,
    },
}

impl SourceConfig {
    /// Checks what can be checked without connecting: the type, exactly one
    /// of `url`/`url_env`, parameters the portal knows, known categories.
    pub fn validate(&self, categories: &[crate::export::Category]) -> anyhow::Result<()> {
        if self.url.is_some() == self.url_env.is_some() {
            anyhow::bail!(
                "source {:?}: give exactly one of url and url_env",
                self.name
            );
        }
        let known = |category: &str| categories.iter().any(|c| c.id == category);
        match self.kind.as_str() {
            "sql" if self.queries.is_empty() => anyhow::bail!("source {:?}: no queries", self.name),
            "sql" => {
                for statement in self.erase.iter().chain(&self.restrict) {
                    sql::positional(statement, sql::Placeholder::Question).map_err(|e| {
                        anyhow::anyhow!("source {:?}, erase/restrict statement: {e}", self.name)
                    })?;
                }
            }
            "http" => {
                if self.categories.is_empty() {
                    anyhow::bail!("source {:?}: no categories", self.name);
                }
                if let Some(unknown) = self.categories.iter().find(|c| !known(c)) {
                    anyhow::bail!("source {:?}: unknown category {unknown:?}", self.name);
                }
                if self.secret.is_some() == self.secret_env.is_some() {
                    anyhow::bail!(
                        "source {:?}: give exactly one of secret and secret_env",
                        self.name
                    );
                }
                return Ok(());
            }
            _ => anyhow::bail!("source {:?}: type must be \"sql\" or \"http\"", self.name),
        }
        for query in &self.queries {
            if !categories.iter().any(|c| c.id == query.category) {
                anyhow::bail!(
                    "source {:?}: unknown category {:?}",
                    self.name,
                    query.category
                );
            }
            sql::positional(&query.sql, sql::Placeholder::Question).map_err(|e| {
                anyhow::anyhow!("source {:?}, category {:?}: {e}", self.name, query.category)
            })?;
        }
        Ok(())
    }

    /// The HTTP source's shared secret, read from the environment when so
    /// configured.
    pub fn shared_secret(&self) -> Result<String, SourceError> {
        match (&self.secret, &self.secret_env) {
            (Some(secret), _) => Ok(secret.clone()),
            (None, Some(var)) => {
                std::env::var(var).map_err(|_| Failure::Config.said(format!("{var} is not set")))
            }
            (None, None) => Err(Failure::Config.said("no secret")),
        }
    }

    /// Asks this source about the subject; what it finds goes to `sink`.
    pub async fn collect(
        &self,
        who: &Identifiers<'_>,
        sink: &mut dyn RecordSink,
    ) -> Result<(), SourceError> {
        match self.kind.as_str() {
            "http" => http::collect(self, who, sink).await,
            _ => sql::collect(self, who, sink).await,
        }
    }

    /// The categories this source answers for, each once.
    pub fn categories(&self) -> Vec<&str> {
        let mut categories: Vec<&str> = match self.kind.as_str() {
            "http" => self.categories.iter().map(String::as_str).collect(),
            _ => self.queries.iter().map(|q| q.category.as_str()).collect(),
        };
        let mut seen = std::collections::HashSet::new();
        categories.retain(|c| seen.insert(*c));
        categories
    }

    /// Whether this source can carry out `operation`.
    pub fn supports(&self, operation: Operation) -> bool {
        match (self.kind.as_str(), operation) {
            ("sql", Operation::Erase) => !self.erase.is_empty(),
            ("sql", Operation::Restrict) => !self.restrict.is_empty(),
            _ => self.operations.contains(&operation),
        }
    }

    /// Carries out an approved erasure or restriction for the subject.
    pub async fn execute(
        &self,
        operation: Operation,
        who: &Identifiers<'_>,
    ) -> Result<Execution, SourceError> {
        match self.kind.as_str() {
            "http" => http::execute(self, operation, who).await,
            _ => sql::execute(self, operation, who).await,
        }
    }

    /// The connection URL, read from the environment when so configured.
    pub fn connection_url(&self) -> Result<String, SourceError> {
        match (&self.url, &self.url_env) {
            (Some(url), _) => Ok(url.clone()),
            (None, Some(var)) => {
                std::env::var(var).map_err(|_| Failure::Config.said(format!("{var} is not set")))
            }
            (None, None) => Err(Failure::Config.said("no url")),
        }
    }
}

/// Why a source did not answer, in two parts. `failure` (and an HTTP
/// `status`) is a class: safe to show, log and audit. `said` is the
/// source's or its driver's own words, which may quote the subject's data
/// (PostgreSQL quotes bound values in its errors, serde quotes input): the
/// service keeps it sealed with the request, for staff, and nowhere else.
/// Neither `Display` nor `Debug` shows it.
#[derive(thiserror::Error)]
#[error("{}", self.describe())]
pub struct SourceError {
    pub failure: Failure,
    pub status: Option<u16>,
    pub said: Option<String>,
}

/// The classes of `SourceError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The source's configuration is incomplete (a variable is not set).
    Config,
    /// No answer in time.
    Timeout,
    /// Could not connect.
    Unreachable,
    /// The source refused the call (an HTTP 4xx).
    Refused,
    /// The source failed (an HTTP 5xx).
    ServerError,
    /// The source answered with a redirect, which is not followed: the
    /// subject's address would be posted wherever it points.
    Redirected,
    /// A query or statement failed.
    QueryFailed,
    /// The answer is not as agreed (not the JSON asked for, a value of an
    /// unknown type).
    BadAnswer,
    /// The portal could not store what came.
    Storage,
}

impl Failure {
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::Config => "configuration",
            Failure::Timeout => "timeout",
            Failure::Unreachable => "unreachable",
            Failure::Refused => "refused",
            Failure::ServerError => "server_error",
            Failure::Redirected => "redirected",
            Failure::QueryFailed => "query_failed",
            Failure::BadAnswer => "bad_answer",
            Failure::Storage => "storage",
        }
    }

    fn sentence(self) -> &'static str {
        match self {
            Failure::Config => "the source is not fully configured",
            Failure::Timeout => "the source did not answer in time",
            Failure::Unreachable => "cannot connect to the source",
            Failure::Refused => "the source refused",
            Failure::ServerError => "the source failed",
            Failure::Redirected => "the source redirected; redirects are not followed",
            Failure::QueryFailed => "a query failed",
            Failure::BadAnswer => "the answer is not as agreed",
            Failure::Storage => "the portal could not store the data",
        }
    }

    /// A failure of this class, with nothing said.
    pub fn error(self) -> SourceError {
        SourceError {
            failure: self,
            status: None,
            said: None,
        }
    }

    /// A failure of this class, with what the source or driver said.
    pub fn said(self, said: impl std::fmt::Display) -> SourceError {
        SourceError {
            failure: self,
            status: None,
            said: Some(said.to_string()),
        }
    }
}

impl SourceError {
    pub fn with_status(mut self, status: u16) -> SourceError {
        self.status = Some(status);
        self
    }

    fn describe(&self) -> String {
        match (self.failure, self.status) {
            (Failure::Redirected, Some(status)) => {
                format!("the source redirected with {status}; redirects are not followed")
            }
            (failure, Some(status)) => format!("{} with {status}", failure.sentence()),
            (failure, None) => failure.sentence().to_owned(),
        }
    }

    /// All a member of staff may read about it: the class, and what the
    /// source said.
    pub fn for_staff(&self) -> String {
        match &self.said {
            Some(said) => format!("{}: {said}", self.describe()),
            None => self.describe(),
        }
    }
}

impl std::fmt::Debug for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceError")
            .field("failure", &self.failure)
            .field("status", &self.status)
            .field("said", &self.said.as_ref().map(|_| "…"))
            .finish()
    }
}
