//! The use cases: the one place where the portal's rules live, grouped by
//! the resource they work on (see `Service`). Every door (server
//! functions, the REST API, file routes) calls them; none talks SQL or
//! sends mail itself. The parts they share are small and single-purpose:
//! `Seals` (sealing at rest), `Links` (addresses in mail), `Trail` (the
//! audit trail), `Notify` (the "news on your request" mail) and
//! `Throttle` (rate limits); `Outbox` sends every mail. Read models are assembled in `views`.

mod accounts;
mod api_tokens;
mod backoff;
mod cases;
mod consents;
mod console;
mod exports;
mod links;
mod notices;
mod notify;
mod outbox;
mod requests;
mod seals;
mod sessions;
mod team;
mod team_mail;
mod team_settings;
mod throttle;
mod time_zones;
mod tracking;
mod trail;
mod upkeep;
mod verification;
mod views;
mod webhooks;
mod worker;

pub use accounts::{
    Accounts, CreateStaffError, Enrolment, LoginStep, StaffMember, GLOBAL_FAILURE_LIMIT,
    LOGIN_FAILURE_LIMIT, MIN_PASSWORD_CHARS,
};
pub use api_tokens::{ApiClient, ApiTokens, MAX_TOKEN_DAYS, TOKEN_PREFIX};
pub use backoff::Backoff;
pub use cases::{Cases, Upload, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES};
pub use consents::{Consents, Receipt, GPC_PURPOSE};
pub use console::{
    ConsentEntry, Console, Download, DownloadBody, Feed, OptOutEntry, RequestFigures, WorkPage,
    MAX_WORK_PAGE, QUEUE_PAGE_SIZE,
};
pub use exports::{Exports, MAX_EXPORT_FILE_BYTES};
pub use links::Links;
pub use notices::Notices;
pub use notify::Notify;
pub use outbox::{Outbox, FINISHED_MAIL_DAYS};
pub use requests::{IdempotencyKey, Requests};
pub use seals::Seals;
pub use sessions::{SessionGrant, Sessions, Subject};
pub use team::{Invitation, Team};
pub use team_mail::TeamMail;
pub use throttle::{Bucket, Limit, RateLimits, Throttle, ThrottleError};
pub use time_zones::zone_names;
pub use tracking::Tracking;
pub use trail::Trail;
pub use upkeep::Upkeep;
pub use verification::{Verification, CODES_PER_ADDRESS, CODES_PER_CLIENT, RESENDS_PER_REQUEST};
pub use webhooks::{Hooks, FINISHED_DELIVERY_DAYS};
pub use worker::CaseWorker;

use crate::sealing::{Column, Row};
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

/// The portal's use cases, grouped by the resource they work on. Each
/// group holds only what it needs (the store, the sealer, the mailer, the
/// audit trail, or another group it hands work to); doors reach them as
/// `service.requests.submit(…)`, `service.accounts.staff_login(…)`.
pub struct Service {
    /// The privacy notice and its versions.
    pub notices: Notices,
    /// Subject sessions.
    pub sessions: Sessions,
    /// Proving control of the address: codes and links.
    pub verification: Verification,
    /// Taking requests in.
    pub requests: Requests,
    /// What a subject sees of their requests.
    pub tracking: Tracking,
    /// Working a request: staff actions, the subject's reply and
    /// withdrawal, carrying erasures out, attachments.
    pub cases: Cases,
    /// What the console shows: the queue, a case, the audit log.
    pub console: Console,
    /// Export packages: collecting, building, releasing, downloading.
    pub exports: Exports,
    /// Consents, opt-outs and their receipts.
    pub consents: Consents,
    /// Staff accounts: sign-in, passwords, second factors.
    pub accounts: Accounts,
    /// Who works for which organisation: invitations and roles.
    pub team: Team,
    /// The organisations' API tokens, for their integrations.
    pub api_tokens: ApiTokens,
    /// Background work: expiry, retention, resealing, the job queue.
    pub upkeep: Upkeep,
    /// Rate limits.
    pub throttle: Throttle,
    /// The audit chain's operator checks.
    pub trail: Trail,
    /// Every mail the portal sends, on its way.
    pub outbox: Outbox,
    /// Webhooks to the organisations' systems, on their way.
    pub hooks: Hooks,
    store: Store,
    content: Arc<Content>,
    links: Links,
    seals: Seals,
}

/// How the job worker and the outbox run.
#[derive(Clone, Copy, Debug)]
pub struct JobSettings {
    /// How long a claimed job is its worker's before another may take it.
    pub lease_secs: i64,
    pub mail_retry: Backoff,
    pub webhook_retry: Backoff,
}

/// The organisations' webhook endpoints (read at start-up, secrets and
/// all) and where deliveries may go.
pub struct WebhookSetup {
    pub endpoints: crate::webhooks::Endpoints,
    pub policy: crate::webhooks::AddressPolicy,
}

/// Where export packages go, sealed with which key, for how long.
#[derive(Clone)]
pub struct Packages {
    pub store: Arc<dyn crate::export::ExportStore>,
    pub key: crate::export::ExportKey,
    /// Days a package can be downloaded.
    pub days: i64,
}

impl Service {
    /// Builds every use case from the parts made at start-up (`startup`),
    /// each given what it needs.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Store,
        mailer: Mailer,
        content: Arc<Content>,
        secret: [u8; 32],
        base_url: Url,
        packages: Packages,
        jobs: JobSettings,
        limits: RateLimits,
        keys: Arc<crate::sealing::DataKeys>,
        webhooks: WebhookSetup,
    ) -> Service {
        let seals = Seals::new(keys, secret);
        let hooks = Hooks::new(
            store.clone(),
            seals.clone(),
            Arc::new(webhooks.endpoints),
            crate::webhooks::Sender::new(webhooks.policy),
            jobs.webhook_retry,
        );
        let outbox = Outbox::new(
            store.clone(),
            seals.clone(),
            Arc::new(mailer),
            content.clone(),
            jobs.mail_retry,
        );
        let links = Links::new(base_url, content.clone());
        let trail = Trail::new(store.clone(), crate::audit::ChainKey::derive(&secret));
        let notify = Notify::new(
            outbox.clone(),
            content.clone(),
            links.clone(),
            seals.clone(),
        );
        let throttle = Throttle {
            store: store.clone(),
            limits,
            seals: seals.clone(),
        };
        let sessions = Sessions {
            store: store.clone(),
            seals: seals.clone(),
        };
        let consents = Consents {
            store: store.clone(),
            seals: seals.clone(),
            content: content.clone(),
            links: links.clone(),
            trail: trail.clone(),
            sessions: sessions.clone(),
            hooks: hooks.clone(),
        };
        let cases = Cases {
            consents: consents.clone(),
            store: store.clone(),
            seals: seals.clone(),
            content: content.clone(),
            trail: trail.clone(),
            notify: notify.clone(),
            hooks: hooks.clone(),
            team_mail: TeamMail {
                outbox: outbox.clone(),
                links: links.clone(),
                content: content.clone(),
            },
        };
        let verification = Verification {
            store: store.clone(),
            seals: seals.clone(),
            content: content.clone(),
            outbox: outbox.clone(),
            links: links.clone(),
            trail: trail.clone(),
            throttle: throttle.clone(),
            sessions: sessions.clone(),
            cases: cases.clone(),
            notify: notify.clone(),
        };
        let accounts = Accounts {
            store: store.clone(),
            seals: seals.clone(),
            content: content.clone(),
            outbox: outbox.clone(),
            links: links.clone(),
            throttle: throttle.clone(),
            trail: trail.clone(),
        };
        let team = Team {
            store: store.clone(),
            content: content.clone(),
            outbox: outbox.clone(),
            links: links.clone(),
            trail: trail.clone(),
            accounts: accounts.clone(),
        };
        let exports = Exports {
            store: store.clone(),
            seals: seals.clone(),
            content: content.clone(),
            trail: trail.clone(),
            notify: notify.clone(),
            packages: packages.clone(),
        };
        Service {
            notices: Notices {
                store: store.clone(),
                content: content.clone(),
            },
            requests: Requests {
                store: store.clone(),
                seals: seals.clone(),
                content: content.clone(),
                trail: trail.clone(),
                throttle: throttle.clone(),
                verification: verification.clone(),
            },
            tracking: Tracking {
                store: store.clone(),
                seals: seals.clone(),
                content: content.clone(),
            },
            api_tokens: ApiTokens {
                store: store.clone(),
                content: content.clone(),
                trail: trail.clone(),
            },
            console: Console {
                store: store.clone(),
                seals: seals.clone(),
                content: content.clone(),
                trail: trail.clone(),
                team: team.clone(),
                hooks: hooks.clone(),
            },
            consents,
            upkeep: Upkeep {
                store: store.clone(),
                seals: seals.clone(),
                content: content.clone(),
                trail: trail.clone(),
                outbox: outbox.clone(),
                links: links.clone(),
                exports: exports.clone(),
                packages,
                jobs,
                removed_orgs: Arc::new(tokio::sync::OnceCell::new()),
            },
            sessions,
            verification,
            cases,
            exports,
            accounts,
            team,
            throttle,
            trail,
            outbox,
            hooks,
            store,
            content,
            links,
            seals,
        }
    }

    pub fn content(&self) -> &Content {
        &self.content
    }

    pub fn base_url(&self) -> &Url {
        self.links.base_url()
    }

    /// Whether the database answers with this build's schema (`/readyz`).
    pub async fn schema(&self) -> Result<crate::store::Schema, sqlx::Error> {
        self.store.schema().await
    }

    pub fn secure_cookies(&self) -> bool {
        self.links.secure()
    }

    pub fn organisation(&self, org: &str) -> Result<&crate::content::Organisation, AppError> {
        self.content.organisation(org)
    }

    pub fn data_keys(&self) -> &crate::sealing::DataKeys {
        self.seals.keys()
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
