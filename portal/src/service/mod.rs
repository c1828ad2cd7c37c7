//! The service layer: the one place where the portal's rules live. The UI's
//! server functions (through `crate::portal`) and the REST API both call it;
//! neither talks SQL nor sends mail itself.

mod consents;
mod console;
mod execution;
mod expiry;
mod exports;
mod figures;
mod jobs;
mod lifecycle;
mod notices;
mod passwords;
mod requests;
mod reseal;
mod retention;
mod sessions;
mod staff;
mod staging;
mod team;
mod throttle;
mod two_factor;
mod verification;
mod views;

pub use consents::{Receipt, GPC_PURPOSE};
pub use console::{Download, DownloadBody, QUEUE_PAGE_SIZE};
pub use exports::MAX_EXPORT_FILE_BYTES;
pub use lifecycle::{Upload, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES};
pub use requests::IdempotencyKey;
pub use sessions::{SessionGrant, Subject};
pub use staff::{
    CreateStaffError, LoginStep, StaffMember, GLOBAL_FAILURE_LIMIT, LOGIN_FAILURE_LIMIT,
    MIN_PASSWORD_CHARS,
};
pub use team::Invitation;
pub use throttle::{Bucket, Limit, RateLimits, ThrottleError};
pub use two_factor::Enrolment;
pub use verification::{CODES_PER_ADDRESS, CODES_PER_CLIENT, RESENDS_PER_REQUEST};

use crate::sealing::{Column, EmailIndex, Row, StoredEmail};
use crate::{content::Content, mail::Mailer, store::Store};
use domain::AppError;
use std::sync::Arc;
use time::OffsetDateTime;
use url::Url;

/// A code is valid for 10 minutes.
pub const CODE_TTL_SECS: i64 = 10 * 60;
/// After 5 wrong attempts the code is burned.
pub const CODE_MAX_ATTEMPTS: i64 = 5;
/// Unverified requests expire after 7 days.
pub const UNVERIFIED_TTL_SECS: i64 = 7 * 24 * 60 * 60;
/// Subject sessions end after 30 idle minutes, and after 12 hours whatever happens.
pub const SESSION_IDLE_SECS: i64 = 30 * 60;
pub const SESSION_ABSOLUTE_SECS: i64 = 12 * 60 * 60;

pub struct Service {
    store: Store,
    mailer: Mailer,
    content: Arc<Content>,
    secret: [u8; 32],
    base_url: Url,
    exports: Exports,
    jobs: JobSettings,
    limits: RateLimits,
    keys: Arc<crate::sealing::DataKeys>,
    /// The audit chain's key, derived from the secret.
    audit_key: crate::audit::ChainKey,
    /// Organisations with requests but no longer in the content folder
    /// (found by the first retention purge).
    removed_orgs: tokio::sync::OnceCell<Vec<String>>,
}

/// How the job worker runs.
#[derive(Clone, Copy, Debug)]
pub struct JobSettings {
    /// How long a claimed job is its worker's before another may take it.
    pub lease_secs: i64,
}

/// Where export packages go, sealed with which key, for how long.
pub struct Exports {
    pub store: Arc<dyn crate::export::ExportStore>,
    pub key: crate::export::ExportKey,
    /// Days a package can be downloaded.
    pub days: i64,
}

impl Service {
    // Each part is built from its own settings at start-up (`startup`).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Store,
        mailer: Mailer,
        content: Arc<Content>,
        secret: [u8; 32],
        base_url: Url,
        exports: Exports,
        jobs: JobSettings,
        limits: RateLimits,
        keys: Arc<crate::sealing::DataKeys>,
    ) -> Service {
        Service {
            audit_key: crate::audit::ChainKey::derive(&secret),
            store,
            mailer,
            content,
            secret,
            base_url,
            exports,
            jobs,
            limits,
            keys,
            removed_orgs: tokio::sync::OnceCell::new(),
        }
    }

    pub fn content(&self) -> &Content {
        &self.content
    }

    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Whether the database answers with this build's schema (`/readyz`).
    pub async fn schema(&self) -> Result<crate::store::Schema, sqlx::Error> {
        self.store.schema().await
    }

    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    fn url(&self, path: &str) -> String {
        let mut base = self.base_url.as_str().trim_end_matches('/').to_owned();
        base.push_str(path);
        base
    }

    /// A link to an organisation's page: on its own host name when it has
    /// one (same scheme as the portal), else on the portal's address.
    fn org_url(&self, org: &str, path: &str) -> String {
        match self.content.org(org).and_then(|o| o.settings.hosts.first()) {
            Some(host) => format!("{}://{host}{path}", self.base_url.scheme()),
            None => self.url(path),
        }
    }

    pub fn organisation(&self, org: &str) -> Result<&crate::content::Organisation, AppError> {
        self.content.org(org).ok_or(AppError::UnknownOrganisation)
    }
}

impl Service {
    fn seal(&self, column: Column, row: Row<'_>, plain: &str) -> String {
        self.keys.seal_text(column, row, plain)
    }

    fn open(&self, column: Column, row: Row<'_>, stored: &str) -> Result<String, AppError> {
        open(&self.keys, column, row, stored)
    }

    pub fn data_keys(&self) -> &crate::sealing::DataKeys {
        &self.keys
    }

    /// Keys an audit chain written before it was keyed (`server audit key`).
    pub async fn key_audit_chain(&self) -> Result<crate::audit::Keying, sqlx::Error> {
        crate::audit::key_chain(&self.store, &self.audit_key).await
    }

    /// Whether the audit chain begins keyed (at start-up, to remind the
    /// operator of `server audit key`).
    pub async fn audit_chain_starts_keyed(&self) -> Result<bool, sqlx::Error> {
        crate::audit::starts_keyed(self.store.pool(), &self.audit_key).await
    }

    /// Checks the audit chain (`server audit verify`).
    pub async fn verify_audit(
        &self,
        checkpoint: Option<&crate::audit::Checkpoint>,
    ) -> Result<crate::audit::Verdict, sqlx::Error> {
        crate::audit::verify(self.store.pool(), &self.audit_key, checkpoint).await
    }

    fn email_index(&self, email: &str) -> EmailIndex {
        EmailIndex::of(&self.secret, email)
    }

    /// A request's address as it is written (`email` in canonical form).
    fn store_request_email(&self, reference: &str, email: &str) -> StoredEmail {
        StoredEmail {
            sealed: self.seal(Column::Email, Row::Request(reference), email),
            index: self.email_index(email),
        }
    }

    /// An opt-out's or receipt's address: bound to its organisation and
    /// its own index.
    fn store_subject_email(&self, org: &str, email: &str) -> StoredEmail {
        let index = self.email_index(email);
        StoredEmail {
            sealed: self.seal(
                Column::Email,
                Row::Subject {
                    org,
                    index: index.as_str(),
                },
                email,
            ),
            index,
        }
    }

    /// The address of a request, opened.
    fn request_email(&self, row: &crate::store::RequestRow) -> Result<String, AppError> {
        self.open(Column::Email, Row::Request(&row.reference), &row.email)
    }

    /// Where mail about a request goes.
    fn address_of(&self, row: &crate::store::RequestRow) -> Result<domain::Email, AppError> {
        domain::Email::parse(&self.request_email(row)?).map_err(|_| {
            tracing::error!(reference = %row.reference, "a stored address does not parse");
            AppError::Internal
        })
    }
}

/// A sealed value as the service uses it; one that does not open is
/// reported once here and is an internal error (no detail leaves).
fn open(
    keys: &crate::sealing::DataKeys,
    column: Column,
    row: Row<'_>,
    stored: &str,
) -> Result<String, AppError> {
    keys.open_text(column, row, stored).map_err(|error| {
        tracing::error!(error = %error, column = ?column, "a sealed value does not open");
        AppError::Internal
    })
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Database failures: a pool that cannot hand out a connection means the
/// database is away (503); anything else is logged here, once, and leaves
/// only the code `internal` (no database text reaches a client).
fn db(error: sqlx::Error) -> AppError {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            tracing::error!(error = %error, "database unavailable");
            AppError::Unavailable
        }
        // SQLITE_BUSY after the busy timeout: overloaded, not broken.
        sqlx::Error::Database(ref e) if e.code().as_deref() == Some("5") => {
            tracing::error!(error = %error, "database busy");
            AppError::Unavailable
        }
        // PostgreSQL: the connection broke (class 08), the server is out of
        // resources (53), is shutting down or starting (57P), or the
        // database is gone (3D000, e.g. while it is being restored).
        sqlx::Error::Database(ref e)
            if e.code().is_some_and(|code| {
                code.starts_with("08")
                    || code.starts_with("53")
                    || code.starts_with("57P")
                    || code == "3D000"
            }) =>
        {
            tracing::error!(error = %error, "database unavailable");
            AppError::Unavailable
        }
        other => {
            tracing::error!(error = %other, "database error");
            AppError::Internal
        }
    }
}

impl Service {
    /// Appends an audit entry for something staff member `staff_id` did, in
    /// the transaction of the action itself.
    // One argument per field of the entry: issue 14 makes them types.
    #[allow(clippy::too_many_arguments)]
    async fn record_staff(
        &self,
        conn: &mut crate::store::Conn,
        staff_id: i64,
        org: &str,
        action: &str,
        target: &str,
        detail: serde_json::Value,
        at: i64,
    ) -> Result<(), AppError> {
        let actor = format!("staff:{staff_id}");
        let entry = crate::audit::Entry {
            actor_kind: crate::audit::ActorKind::Staff,
            actor: &actor,
            org,
            action,
            target,
            detail,
        };
        crate::audit::append(conn, &self.audit_key, entry, at)
            .await
            .map_err(db)
    }
}
