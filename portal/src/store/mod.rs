//! Storage. The service layer talks to the `Store`; nothing else touches SQL.
//! Rows stay here and are converted into domain types before they leave.
//!
//! One set of queries serves SQLite (the embedded default) and PostgreSQL,
//! through sqlx's `Any` driver: placeholders are numbered (`$1`), which
//! both read; times are Unix seconds and flags 0/1 integers in both; the
//! few statements that differ ask `Store::backend`. Each backend has its own
//! migrations (`migrations/sqlite`, `migrations/postgres`).
//!
//! Acknowledged means durable: SQLite runs in WAL mode with
//! `synchronous=FULL`, PostgreSQL with `synchronous_commit=on`.

mod audit;
mod consents;
mod console;
mod exports;
mod idempotency;
mod jobs;
mod keys;
mod rate_limits;
mod retention;
mod rows;
mod sealed;
mod sql;
mod staff;

pub use audit::ChainRow;
pub use consents::ReceiptRow;
pub use console::{
    AttachmentRow, AuditQuery, AuditRow, ColleagueRow, NewAttachment, QueueQuery, QueueRow,
};
pub use exports::{ExecutionRow, ExportDataRow, ExportRow, SourceRunRow};
pub use jobs::{JobEnd, JobRow, JobStatus};
pub use rows::{CodeCounts, CodeRow, CodeState, EventRow, MessageRow, RequestRow, SessionRow};
pub use sealed::{Binding, EmailTable, SealedColumn, SealedHead};
pub use sql::Sql;
pub use staff::{InvitationRow, MemberRow, NewInvitation, RoleRow, StaffRow};

use crate::sealing::{EmailIndex, StoredEmail};
use domain::{ActorKind, EventKind};
use domain::{DueDate, Language, RequestKind, Status};
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

/// A request's state after a transition; `outcome` (sealed) is kept when
/// `None`.
pub struct Lifecycle<'a> {
    pub status: Status,
    pub due_date: Option<DueDate>,
    pub extended: bool,
    pub assignee_id: Option<i64>,
    pub outcome: Option<&'a str>,
}

impl<'a> Lifecycle<'a> {
    /// The write that records `state`, with the sealed outcome if one was
    /// decided.
    pub fn of(state: &domain::RequestState, outcome: Option<&'a str>) -> Lifecycle<'a> {
        Lifecycle {
            status: state.status,
            due_date: state.due.map(DueDate),
            extended: state.extended,
            assignee_id: state.assignee,
            outcome,
        }
    }
}

/// An event for a request's history; `note` is sealed (`Column::EventNote`).
pub struct NewEvent<'a> {
    pub request_id: i64,
    pub at: i64,
    pub event: EventKind,
    pub actor: ActorKind,
    pub note: Option<&'a str>,
}

#[derive(Clone)]
pub struct Store {
    pool: Pool,
    backend: Backend,
}

/// A request as first written.
pub struct NewRequest<'a> {
    pub reference: &'a str,
    pub org: &'a str,
    pub kind: RequestKind,
    pub email: &'a StoredEmail,
    pub language: Language,
    pub details_json: &'a str,
    pub tracking_key_hash: &'a str,
    pub now: i64,
}

pub struct NewCode<'a> {
    pub request_id: i64,
    pub org: &'a str,
    pub email_index: &'a EmailIndex,
    /// The keyed hash of the client that asked for it.
    pub client: &'a str,
    /// The quota it draws on: `submission`, `resend` or `owner`.
    pub reason: &'a str,
    pub code_hash: &'a str,
    pub link_hash: &'a str,
    pub now: i64,
    pub expires_at: i64,
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
        sqlx::query("VACUUM INTO $1")
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
                // Wrapped in a select: the function returns `void`, which
                // the Any driver cannot carry.
                sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) AS l")
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

    pub async fn insert_request(conn: &mut Conn, new: NewRequest<'_>) -> Result<i64, sqlx::Error> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO requests (reference, org, kind, email, email_index, language, details, status,
                                   tracking_key_hash, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(new.reference)
        .bind(new.org)
        .bind(new.kind.as_str())
        .bind(&new.email.sealed)
        .bind(new.email.index.as_str())
        .bind(new.language.code())
        .bind(new.details_json)
        .bind(Status::PendingVerification.as_str())
        .bind(new.tracking_key_hash)
        .bind(new.now)
        .bind(new.now)
        .fetch_one(conn)
        .await?;
        Ok(id)
    }

    /// Adds an event to a request's history.
    pub async fn insert_event(conn: &mut Conn, new: NewEvent<'_>) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO request_events (request_id, at, event, actor, note) VALUES ($1, $2, $3, $4, $5)")
            .bind(new.request_id)
            .bind(new.at)
            .bind(new.event.as_str())
            .bind(new.actor.as_str())
            .bind(new.note)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Issues a code; any earlier active code of the request stops working.
    pub async fn insert_code(conn: &mut Conn, new: NewCode<'_>) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE verification_codes SET state = 'superseded' WHERE request_id = $1 AND state = 'active'")
            .bind(new.request_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO verification_codes (request_id, org, email_index, client, reason, code_hash, link_hash, created_at, expires_at, state)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active')",
        )
        .bind(new.request_id)
        .bind(new.org)
        .bind(new.email_index.as_str())
        .bind(new.client)
        .bind(new.reason)
        .bind(new.code_hash)
        .bind(new.link_hash)
        .bind(new.now)
        .bind(new.expires_at)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// What the code quotas of an address in an organisation stand at,
    /// over the codes issued since `since` (see `service::verification`).
    pub async fn code_counts(
        conn: &mut Conn,
        org: &str,
        email: &EmailIndex,
        client: &str,
        request_id: i64,
        since: i64,
    ) -> Result<CodeCounts, sqlx::Error> {
        sqlx::query_as(
            "SELECT
               CAST(COALESCE(SUM(CASE WHEN reason <> 'owner' THEN 1 ELSE 0 END), 0) AS BIGINT) AS strangers,
               CAST(COALESCE(SUM(CASE WHEN reason <> 'owner' AND client = $3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS by_client,
               CAST(COALESCE(SUM(CASE WHEN reason = 'owner' THEN 1 ELSE 0 END), 0) AS BIGINT) AS owner,
               CAST(COALESCE(SUM(CASE WHEN reason = 'resend' AND request_id = $4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS resends,
               CAST(COALESCE(MAX(CASE WHEN state = 'used' AND used_client = $3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS client_read_mail
             FROM verification_codes WHERE org = $1 AND email_index = $2 AND created_at >= $5",
        )
        .bind(org)
        .bind(email.as_str())
        .bind(client)
        .bind(request_id)
        .bind(since)
        .fetch_one(conn)
        .await
    }

    pub async fn find_request(
        conn: &mut Conn,
        org: &str,
        reference: &str,
    ) -> Result<Option<RequestRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE org = $1 AND reference = $2",
            RequestRow::SELECT
        ))
        .bind(org)
        .bind(reference)
        .fetch_optional(conn)
        .await
    }

    pub async fn find_request_by_reference(
        conn: &mut Conn,
        reference: &str,
    ) -> Result<Option<RequestRow>, sqlx::Error> {
        sqlx::query_as(&format!("{} WHERE reference = $1", RequestRow::SELECT))
            .bind(reference)
            .fetch_optional(conn)
            .await
    }

    pub async fn set_tracking_key(
        conn: &mut Conn,
        request_id: i64,
        key_hash: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE requests SET tracking_key_hash = $1 WHERE id = $2")
            .bind(key_hash)
            .bind(request_id)
            .execute(conn)
            .await?;
        Ok(())
    }

    pub async fn find_request_by_id(
        conn: &mut Conn,
        id: i64,
    ) -> Result<Option<RequestRow>, sqlx::Error> {
        sqlx::query_as(&format!("{} WHERE id = $1", RequestRow::SELECT))
            .bind(id)
            .fetch_optional(conn)
            .await
    }

    pub async fn requests_of_subject(
        conn: &mut Conn,
        org: &str,
        email: &EmailIndex,
    ) -> Result<Vec<RequestRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE org = $1 AND email_index = $2 ORDER BY created_at DESC, id DESC",
            RequestRow::SELECT
        ))
        .bind(org)
        .bind(email.as_str())
        .fetch_all(conn)
        .await
    }

    /// The history of several requests in one query (no N+1).
    pub async fn events_of(
        conn: &mut Conn,
        request_ids: &[i64],
    ) -> Result<Vec<EventRow>, sqlx::Error> {
        of_requests(
            conn,
            "SELECT request_id, at, event, note FROM request_events",
            request_ids,
        )
        .await
    }

    /// The conversations of several requests in one query.
    pub async fn messages_of(
        conn: &mut Conn,
        request_ids: &[i64],
    ) -> Result<Vec<MessageRow>, sqlx::Error> {
        of_requests(
            conn,
            "SELECT request_id, at, author, body FROM request_messages",
            request_ids,
        )
        .await
    }

    pub async fn insert_message(
        conn: &mut Conn,
        request_id: i64,
        at: i64,
        author: &str,
        staff_id: Option<i64>,
        body: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO request_messages (request_id, at, author, staff_id, body) VALUES ($1, $2, $3, $4, $5)")
            .bind(request_id)
            .bind(at)
            .bind(author)
            .bind(staff_id)
            .bind(body)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Writes the state a transition produced.
    pub async fn update_lifecycle(
        conn: &mut Conn,
        request_id: i64,
        state: Lifecycle<'_>,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE requests SET status = $1, due_date = $2, extended = $3, assignee_id = $4,
                    outcome = COALESCE($5, outcome), updated_at = $6
             WHERE id = $7",
        )
        .bind(state.status.as_str())
        .bind(state.due_date.map(|d| d.to_string()))
        .bind(i64::from(state.extended))
        .bind(state.assignee_id)
        .bind(state.outcome)
        .bind(now)
        .bind(request_id)
        .execute(conn)
        .await?;
        Ok(())
    }

    pub async fn active_code(
        conn: &mut Conn,
        request_id: i64,
    ) -> Result<Option<CodeRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE request_id = $1 AND state = 'active' ORDER BY id DESC LIMIT 1",
            CodeRow::SELECT
        ))
        .bind(request_id)
        .fetch_optional(conn)
        .await
    }

    /// The newest code of a request whatever its state, to explain why it no longer works.
    pub async fn latest_code(
        conn: &mut Conn,
        request_id: i64,
    ) -> Result<Option<CodeRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE request_id = $1 ORDER BY id DESC LIMIT 1",
            CodeRow::SELECT
        ))
        .bind(request_id)
        .fetch_optional(conn)
        .await
    }

    pub async fn code_by_link(
        conn: &mut Conn,
        link_hash: &str,
    ) -> Result<Option<CodeRow>, sqlx::Error> {
        sqlx::query_as(&format!("{} WHERE link_hash = $1", CodeRow::SELECT))
            .bind(link_hash)
            .fetch_optional(conn)
            .await
    }

    pub async fn record_failed_attempt(
        conn: &mut Conn,
        code_id: i64,
        burn: bool,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE verification_codes SET failed_attempts = failed_attempts + 1,
                    state = CASE WHEN $1 THEN 'burned' ELSE state END
             WHERE id = $2",
        )
        .bind(burn)
        .bind(code_id)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Marks a code used by `client`; false when it was no longer active
    /// (a concurrent use won).
    pub async fn use_code(
        conn: &mut Conn,
        code_id: i64,
        client: &str,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE verification_codes SET state = 'used', used_client = $1 WHERE id = $2 AND state = 'active'",
        )
        .bind(client)
        .bind(code_id)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn mark_verified(
        conn: &mut Conn,
        request_id: i64,
        now: i64,
        due_date: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE requests SET status = $1, verified_at = $2, due_date = $3, updated_at = $4
             WHERE id = $5 AND status = $6",
        )
        .bind(Status::Received.as_str())
        .bind(now)
        .bind(due_date)
        .bind(now)
        .bind(request_id)
        .bind(Status::PendingVerification.as_str())
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Cancels unverified requests created before `cutoff`, returning them.
    pub async fn expire_unverified(
        conn: &mut Conn,
        cutoff: i64,
        now: i64,
    ) -> Result<Vec<RequestRow>, sqlx::Error> {
        let expired: Vec<RequestRow> = sqlx::query_as(&format!(
            "{} WHERE status = $2 AND created_at < $1 ORDER BY id",
            RequestRow::SELECT
        ))
        .bind(cutoff)
        .bind(Status::PendingVerification.as_str())
        .fetch_all(&mut *conn)
        .await?;
        for request in &expired {
            sqlx::query("UPDATE requests SET status = $3, updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(request.id)
                .bind(Status::Cancelled.as_str())
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE verification_codes SET state = 'superseded' WHERE request_id = $1 AND state = 'active'")
                .bind(request.id)
                .execute(&mut *conn)
                .await?;
            let expired = NewEvent {
                request_id: request.id,
                at: now,
                event: EventKind::ExpiredUnverified,
                actor: ActorKind::System,
                note: None,
            };
            Self::insert_event(conn, expired).await?;
        }
        Ok(expired)
    }

    pub async fn insert_session(
        conn: &mut Conn,
        token_hash: &str,
        org: &str,
        sealed_email: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO subject_sessions (token_hash, org, email, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(org)
        .bind(sealed_email)
        .bind(now)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// A live session (not past its absolute end nor idle too long), touched
    /// so its idle clock restarts.
    pub async fn live_session(
        &self,
        token_hash: &str,
        now: i64,
        idle_limit: i64,
    ) -> Result<Option<SessionRow>, sqlx::Error> {
        sqlx::query_as(
            "UPDATE subject_sessions SET last_seen_at = $1
             WHERE token_hash = $2 AND expires_at > $3 AND last_seen_at > $4
             RETURNING org, email",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .bind(now - idle_limit)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM subject_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn purge_sessions(&self, now: i64, idle_limit: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "DELETE FROM subject_sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
        )
        .bind(now)
        .bind(now - idle_limit)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
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
