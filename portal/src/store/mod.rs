//! Storage. The service layer talks to the `Store`; nothing else touches SQL.
//! Rows leave it already decoded into domain types (`rows`). This module is
//! the pool, the migrations and the write lock; the queries are grouped by
//! aggregate, one module each: a request with its history and messages
//! (`requests`), verification codes (`codes`), subject sessions
//! (`sessions`), staff accounts (`staff`), teams and invitations (`team`),
//! exports, jobs, the outbox, the audit chain, consents, sealed columns and the rest.
//!
//! One set of queries serves SQLite (the embedded default) and PostgreSQL,
//! through sqlx's `Any` driver: placeholders are numbered (`$1`), which
//! both read; times are Unix seconds and flags 0/1 integers in both; the
//! few statements that differ ask `Store::backend`. Each backend has its own
//! migrations (`migrations/sqlite`, `migrations/postgres`).
//!
//! Acknowledged means durable: SQLite runs in WAL mode with
//! `synchronous=FULL`, PostgreSQL with `synchronous_commit=on`.

mod api_tokens;
mod audit;
mod codes;
mod consents;
mod console;
mod exports;
mod figures;
mod idempotency;
mod jobs;
mod keys;
mod outbox;
mod password_resets;
mod rate_limits;
mod requests;
mod retention;
mod rows;
mod sealed;
mod sessions;
mod sql;
mod staff;
mod staff_mail;
mod staff_sessions;
mod team;
mod webhooks;

pub use api_tokens::{ApiTokenRow, FeedReceiptRow, NewApiToken, OptOutRow};
pub use audit::ChainRow;
pub use codes::NewCode;
pub use consents::ReceiptRow;
pub use console::{
    AttachmentRow, AuditQuery, AuditRow, ColleagueRow, NewAttachment, NewOptOut, QueueQuery,
    QueueRow,
};
pub use exports::{
    ExecutionRow, ExportDataRow, ExportRow, NewExport, SourceRunRow, COMPLETED_WITHOUT,
};
pub use figures::FigureRow;
pub use jobs::{JobEnd, JobRow, JobStatus};
pub use outbox::{MailEnd, NewOutboxMail, OutboxFigures, OutboxRow, OutboxStatus, UndeliveredRow};
pub use requests::{Lifecycle, NewEvent, NewMessage, NewRequest};
pub use rows::{
    received_at, CodeCounts, CodeRow, CodeState, EventRow, MessageRow, RequestRow, SessionRow,
};
pub use sealed::{Binding, EmailTable, SealedColumn, SealedHead};
pub use sql::Sql;
pub use staff::StaffRow;
pub use staff_mail::{DigestReader, DueRow, MailSettingsRow, Recipient};
pub use team::{InvitationRow, MemberRow, NewInvitation, RoleRow};
pub use webhooks::{
    DeliveryEnd, DeliveryRow, DeliveryStatus, DeliverySummary, EndpointFigures, NewDelivery,
    WebhookFigures,
};

use sqlx::any::AnyPoolOptions;
use std::time::Duration;

pub type Conn = sqlx::AnyConnection;
pub type Pool = sqlx::AnyPool;
pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// The schema this build expects, compiled in, per backend.
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database `DATABASE_URL` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Backend, String> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(
                "must start with sqlite: (an embedded file) or postgres:// (a PostgreSQL server)"
                    .into(),
            )
        }
    }

    fn migrator(self) -> &'static sqlx::migrate::Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

/// Whether the database can serve this build, for `/readyz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    Current,
    /// Migrations this build has are not applied (or failed half-way).
    Behind,
    /// The database was migrated by a newer build.
    Ahead,
}

#[derive(Clone)]
pub struct Store {
    pool: Pool,
    backend: Backend,
}

/// Rows of `select` that belong to any of `request_ids`, oldest first, in
/// one query.
async fn of_requests<T>(
    conn: &mut Conn,
    select: &str,
    request_ids: &[i64],
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    if request_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Sql::new(select);
    query.push(" WHERE request_id IN (");
    query.push_list(request_ids.iter().copied());
    query.push(") ORDER BY at, id");
    let (sql, args) = query.into_parts();
    sqlx::query_as_with(&sql, args).fetch_all(conn).await
}

/// Whether a connection is to PostgreSQL, for the few statements that differ.
pub fn is_postgres(conn: &Conn) -> bool {
    conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME
}

/// Whether a connection coming back to the pool may be used again: not if
/// it is still inside a transaction that nothing will end. That happens
/// when a request is cancelled (the client went away) while its `begin`
/// was under way: the database began the transaction, but no `Transaction`
/// was ever made to roll it back. Such a connection would hold SQLite's
/// write lock (or PostgreSQL's writer lock) for ever, and every writer
/// would wait; it is closed instead, which ends the transaction. A dropped
/// `Transaction` queues its rollback, which the ping carries out first.
async fn left_in_a_transaction(conn: &mut Conn) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    if conn.is_in_transaction() {
        conn.ping().await?;
    }
    if conn.is_in_transaction() {
        tracing::warn!("a connection came back inside an abandoned transaction; it is closed");
        return Ok(false);
    }
    Ok(true)
}

/// Session settings each new connection gets. SQLite's are per connection;
/// PostgreSQL's default is already `synchronous_commit = on`, and is set
/// anyway so that a server configured otherwise cannot weaken it.
const SQLITE_SETTINGS: &[&str] = &[
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 20000",
];
/// READ COMMITTED too: the writer lock (`Store::begin`) only makes writers
/// see each other's commits when each statement takes a fresh snapshot; a
/// server defaulting to REPEATABLE READ would give a transaction the
/// snapshot from before it waited for the lock.
const POSTGRES_SETTINGS: &[&str] = &[
    "SET synchronous_commit = on",
    "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED",
];

/// The transaction-level advisory lock every PostgreSQL write transaction
/// takes (see `Store::begin`). Any constant works; this one spells "PRIV".
const WRITER_LOCK: i64 = 0x5052_4956;

/// Takes `WRITER_LOCK` for the transaction. Wrapped in a select: the
/// function returns `void`, which the Any driver cannot carry. A statement
/// of one backend is a named constant, not a literal at its call, so the
/// test that prepares every literal on both backends leaves it to this one.
const POSTGRES_WRITER_LOCK: &str = "SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) AS l";

/// Copies an SQLite database into a new file (`backup_to`).
const SQLITE_BACKUP: &str = "VACUUM INTO $1";

impl Store {
    pub async fn connect(database_url: &str) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let backend =
            Backend::of_url(database_url).map_err(|e| anyhow::anyhow!("DATABASE_URL {e}"))?;
        let url = match backend {
            // Created when missing, as before; a URL that says `mode=` keeps its own.
            Backend::Sqlite if !database_url.contains("mode=") => {
                let sep = if database_url.contains('?') { '&' } else { '?' };
                format!("{database_url}{sep}mode=rwc")
            }
            _ => database_url.to_owned(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    let settings = match backend {
                        Backend::Sqlite => SQLITE_SETTINGS,
                        Backend::Postgres => POSTGRES_SETTINGS,
                    };
                    for statement in settings {
                        sqlx::Executor::execute(&mut *conn, *statement).await?;
                    }
                    Ok(())
                })
            })
            .after_release(|conn, _| Box::pin(left_in_a_transaction(conn)))
            .acquire_timeout(Duration::from_secs(10))
            .connect(&url)
            .await?;
        backend.migrator().run(&pool).await?;
        Ok(Store { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A consistent copy of an SQLite database in a new file, taken while
    /// others read and write (VACUUM INTO reads one snapshot); returns its
    /// size. The copy is a complete database: restoring is putting it in
    /// place of `portal.db` while the server is stopped.
    pub async fn backup_to(&self, path: &std::path::Path) -> anyhow::Result<u64> {
        if self.backend != Backend::Sqlite {
            anyhow::bail!("backups of PostgreSQL are made with pg_dump (see the README)");
        }
        if path.exists() {
            anyhow::bail!("{} exists; a backup goes to a new file", path.display());
        }
        let target = path
            .to_str()
            .ok_or_else(|| anyhow::anyhow!("the backup path must be UTF-8"))?;
        sqlx::query(SQLITE_BACKUP)
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(std::fs::metadata(path)?.len())
    }

    /// Reaches the database and compares its applied migrations with this
    /// build's. An error means it could not be reached.
    pub async fn schema(&self) -> Result<Schema, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        // `success` is a BOOLEAN, which the Any driver cannot read from SQLite.
        let applied: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT version, CASE WHEN success THEN 1 ELSE 0 END FROM _sqlx_migrations ORDER BY version",
        )
        .fetch_all(&mut *conn)
        .await?;
        let known: Vec<i64> = self.backend.migrator().iter().map(|m| m.version).collect();
        Ok(if applied.iter().any(|(v, _)| !known.contains(v)) {
            Schema::Ahead
        } else if known
            .iter()
            .all(|v| applied.iter().any(|(a, ok)| a == v && *ok == 1))
        {
            Schema::Current
        } else {
            Schema::Behind
        })
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// A write transaction. Writers take turns, on both backends: the audit
    /// log is one hash chain (each entry names the one before it), and
    /// several read-then-write rules (one active code, daily limits) rely
    /// on no other writer slipping in between. SQLite's IMMEDIATE takes
    /// the write lock up front (with the default DEFERRED, two transactions
    /// that both read and then write would make the second fail at once
    /// instead of waiting); PostgreSQL takes a transaction-level advisory
    /// lock, released at commit or rollback, which also holds across
    /// several server processes. Reads never wait for it.
    pub async fn begin(&self) -> Result<Tx<'static>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query(POSTGRES_WRITER_LOCK)
                    .bind(WRITER_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Ok(tx)
            }
        }
    }

    /// A transaction that does not wait for other writers, for the job
    /// queue alone: claiming a job touches nothing but its row, and on
    /// PostgreSQL locks it with `FOR UPDATE SKIP LOCKED`, so workers on
    /// several servers never claim the same job nor queue behind each other.
    pub async fn begin_claim(&self) -> Result<Tx<'static>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, sqlx::Error> {
        self.pool.acquire().await
    }
}

#[cfg(test)]
mod abandoned_transactions {
    use super::*;

    /// A request cancelled while its `begin` was under way leaves the
    /// connection inside a transaction that no `Transaction` rolls back
    /// (here made on purpose with `forget`). The pool closes it, and the
    /// next writer gets the lock at once instead of waiting for ever.
    #[tokio::test]
    async fn a_connection_left_inside_a_transaction_does_not_hold_the_write_lock() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}/portal.db", dir.path().display()))
            .await
            .unwrap();
        let mut conn = store.pool.acquire().await.unwrap();
        let tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
        std::mem::forget(tx);
        sqlx::query("INSERT INTO key_fingerprints (name, fingerprint) VALUES ('abandoned', 'x')")
            .execute(&mut *conn)
            .await
            .unwrap();
        drop(conn);
        let mut tx = store.begin().await.expect("the lock is free");
        let written: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM key_fingerprints WHERE name = 'abandoned'")
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        assert_eq!(written, 0, "the abandoned transaction was rolled back");
        tx.commit().await.unwrap();
    }
}
