//! Storage. The service layer talks to the `Store`; nothing else touches SQL.
//! Rows stay here and are converted into domain types before they leave.
//! SQLite is opened in WAL mode with `synchronous=FULL`: once a request is
//! acknowledged it survives a crash.

mod consents;
mod console;
mod exports;
mod idempotency;
mod jobs;
mod rows;
mod staff;

pub use consents::ReceiptRow;
pub use console::{
    AttachmentRow, AuditQuery, AuditRow, ColleagueRow, NewAttachment, QueueQuery, QueueRow,
    OPEN_STATUSES,
};
pub use exports::{ExecutionRow, ExportDataRow, ExportRow, SourceRunRow};
pub use jobs::{JobEnd, JobRow};
pub use rows::{CodeRow, CodeState, EventRow, MessageRow, RequestRow, SessionRow};
pub use staff::{MemberRow, RoleRow, StaffRow};

use app::domain::{Language, RequestKind, Status};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqliteConnection, SqlitePool,
};
use std::{str::FromStr, time::Duration};

pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Sqlite>;

/// The schema this build expects, compiled in.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

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
    pool: SqlitePool,
}

/// A request as first written.
pub struct NewRequest<'a> {
    pub reference: &'a str,
    pub org: &'a str,
    pub kind: RequestKind,
    pub email: &'a str,
    pub language: Language,
    pub details_json: &'a str,
    pub tracking_key_hash: &'a str,
    pub now: i64,
}

pub struct NewCode<'a> {
    pub request_id: i64,
    pub email: &'a str,
    pub code_hash: &'a str,
    pub link_hash: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

/// Rows of `select` that belong to any of `request_ids`, oldest first, in
/// one query.
async fn of_requests<T>(
    conn: &mut SqliteConnection,
    select: &str,
    request_ids: &[i64],
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    if request_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = sqlx::QueryBuilder::new(select);
    query.push(" WHERE request_id IN (");
    let mut ids = query.separated(", ");
    for id in request_ids {
        ids.push_bind(*id);
    }
    query.push(") ORDER BY at, id");
    query.build_query_as().fetch_all(conn).await
}

impl Store {
    pub async fn connect(database_url: &str) -> anyhow::Result<Store> {
        let options = SqliteConnectOptions::from_str(database_url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // Writers queue for the lock rather than fail: a commit waits
            // for fsync, which a busy disk can stretch to seconds.
            .busy_timeout(Duration::from_secs(20));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Store { pool })
    }

    /// Reaches the database and compares its applied migrations with this
    /// build's. An error means it could not be reached.
    pub async fn schema(&self) -> Result<Schema, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        let applied: Vec<(i64, bool)> =
            sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&mut *conn)
                .await?;
        let known: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
        Ok(if applied.iter().any(|(v, _)| !known.contains(v)) {
            Schema::Ahead
        } else if known
            .iter()
            .all(|v| applied.iter().any(|(a, ok)| a == v && *ok))
        {
            Schema::Current
        } else {
            Schema::Behind
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A write transaction. IMMEDIATE takes the write lock up front: with
    /// SQLite's default DEFERRED, two transactions that both read and then
    /// write would make the second fail at once instead of waiting.
    pub async fn begin(&self) -> Result<Tx<'static>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    pub async fn insert_request(
        conn: &mut SqliteConnection,
        new: NewRequest<'_>,
    ) -> Result<i64, sqlx::Error> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO requests (reference, org, kind, email, language, details, status, tracking_key_hash,
                                   created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, 'pending_verification', ?, ?, ?) RETURNING id",
        )
        .bind(new.reference)
        .bind(new.org)
        .bind(new.kind.as_str())
        .bind(new.email)
        .bind(new.language.code())
        .bind(new.details_json)
        .bind(new.tracking_key_hash)
        .bind(new.now)
        .bind(new.now)
        .fetch_one(conn)
        .await?;
        Ok(id)
    }

    pub async fn insert_event(
        conn: &mut SqliteConnection,
        request_id: i64,
        at: i64,
        event: &str,
        actor: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO request_events (request_id, at, event, actor) VALUES (?, ?, ?, ?)",
        )
        .bind(request_id)
        .bind(at)
        .bind(event)
        .bind(actor)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Issues a code; any earlier active code of the request stops working.
    pub async fn insert_code(
        conn: &mut SqliteConnection,
        new: NewCode<'_>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE verification_codes SET state = 'superseded' WHERE request_id = ? AND state = 'active'")
            .bind(new.request_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO verification_codes (request_id, email, code_hash, link_hash, created_at, expires_at, state)
             VALUES (?, ?, ?, ?, ?, ?, 'active')",
        )
        .bind(new.request_id)
        .bind(new.email)
        .bind(new.code_hash)
        .bind(new.link_hash)
        .bind(new.now)
        .bind(new.expires_at)
        .execute(conn)
        .await?;
        Ok(())
    }

    pub async fn codes_issued_since(
        conn: &mut SqliteConnection,
        email: &str,
        since: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM verification_codes WHERE email = ? AND created_at >= ?",
        )
        .bind(email)
        .bind(since)
        .fetch_one(conn)
        .await
    }

    pub async fn find_request(
        conn: &mut SqliteConnection,
        org: &str,
        reference: &str,
    ) -> Result<Option<RequestRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE org = ? AND reference = ?",
            RequestRow::SELECT
        ))
        .bind(org)
        .bind(reference)
        .fetch_optional(conn)
        .await
    }

    pub async fn find_request_by_reference(
        conn: &mut SqliteConnection,
        reference: &str,
    ) -> Result<Option<RequestRow>, sqlx::Error> {
        sqlx::query_as(&format!("{} WHERE reference = ?", RequestRow::SELECT))
            .bind(reference)
            .fetch_optional(conn)
            .await
    }

    pub async fn set_tracking_key(
        conn: &mut SqliteConnection,
        request_id: i64,
        key_hash: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE requests SET tracking_key_hash = ? WHERE id = ?")
            .bind(key_hash)
            .bind(request_id)
            .execute(conn)
            .await?;
        Ok(())
    }

    pub async fn find_request_by_id(
        conn: &mut SqliteConnection,
        id: i64,
    ) -> Result<Option<RequestRow>, sqlx::Error> {
        sqlx::query_as(&format!("{} WHERE id = ?", RequestRow::SELECT))
            .bind(id)
            .fetch_optional(conn)
            .await
    }

    pub async fn requests_of_subject(
        conn: &mut SqliteConnection,
        org: &str,
        email: &str,
    ) -> Result<Vec<RequestRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE org = ? AND email = ? ORDER BY created_at DESC, id DESC",
            RequestRow::SELECT
        ))
        .bind(org)
        .bind(email)
        .fetch_all(conn)
        .await
    }

    /// The history of several requests in one query (no N+1).
    pub async fn events_of(
        conn: &mut SqliteConnection,
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
        conn: &mut SqliteConnection,
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
        conn: &mut SqliteConnection,
        request_id: i64,
        at: i64,
        author: &str,
        staff_id: Option<i64>,
        body: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO request_messages (request_id, at, author, staff_id, body) VALUES (?, ?, ?, ?, ?)")
            .bind(request_id)
            .bind(at)
            .bind(author)
            .bind(staff_id)
            .bind(body)
            .execute(conn)
            .await?;
        Ok(())
    }

    pub async fn insert_event_with_note(
        conn: &mut SqliteConnection,
        request_id: i64,
        at: i64,
        event: &str,
        actor: &str,
        note: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO request_events (request_id, at, event, actor, note) VALUES (?, ?, ?, ?, ?)")
            .bind(request_id)
            .bind(at)
            .bind(event)
            .bind(actor)
            .bind(note)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Writes the state a transition produced.
    #[allow(clippy::too_many_arguments)]
    pub async fn update_lifecycle(
        conn: &mut SqliteConnection,
        request_id: i64,
        status: Status,
        due_date: Option<&str>,
        extended: bool,
        assignee_id: Option<i64>,
        outcome: Option<&str>,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE requests SET status = ?, due_date = ?, extended = ?, assignee_id = ?,
                    outcome = COALESCE(?, outcome), updated_at = ?
             WHERE id = ?",
        )
        .bind(status.as_str())
        .bind(due_date)
        .bind(extended)
        .bind(assignee_id)
        .bind(outcome)
        .bind(now)
        .bind(request_id)
        .execute(conn)
        .await?;
        Ok(())
    }

    pub async fn active_code(
        conn: &mut SqliteConnection,
        request_id: i64,
    ) -> Result<Option<CodeRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE request_id = ? AND state = 'active' ORDER BY id DESC LIMIT 1",
            CodeRow::SELECT
        ))
        .bind(request_id)
        .fetch_optional(conn)
        .await
    }

    /// The newest code of a request whatever its state, to explain why it no longer works.
    pub async fn latest_code(
        conn: &mut SqliteConnection,
        request_id: i64,
    ) -> Result<Option<CodeRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE request_id = ? ORDER BY id DESC LIMIT 1",
            CodeRow::SELECT
        ))
        .bind(request_id)
        .fetch_optional(conn)
        .await
    }

    pub async fn code_by_link(
        conn: &mut SqliteConnection,
        link_hash: &str,
    ) -> Result<Option<CodeRow>, sqlx::Error> {
        sqlx::query_as(&format!("{} WHERE link_hash = ?", CodeRow::SELECT))
            .bind(link_hash)
            .fetch_optional(conn)
            .await
    }

    pub async fn record_failed_attempt(
        conn: &mut SqliteConnection,
        code_id: i64,
        burn: bool,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE verification_codes SET failed_attempts = failed_attempts + 1,
                    state = CASE WHEN ? THEN 'burned' ELSE state END
             WHERE id = ?",
        )
        .bind(burn)
        .bind(code_id)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Marks a code used; false when it was no longer active (a concurrent use won).
    pub async fn use_code(conn: &mut SqliteConnection, code_id: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE verification_codes SET state = 'used' WHERE id = ? AND state = 'active'",
        )
        .bind(code_id)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn mark_verified(
        conn: &mut SqliteConnection,
        request_id: i64,
        now: i64,
        due_date: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE requests SET status = ?, verified_at = ?, due_date = ?, updated_at = ?
             WHERE id = ? AND status = ?",
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
        conn: &mut SqliteConnection,
        cutoff: i64,
        now: i64,
    ) -> Result<Vec<RequestRow>, sqlx::Error> {
        let expired: Vec<RequestRow> = sqlx::query_as(&format!(
            "{} WHERE status = 'pending_verification' AND created_at < ? ORDER BY id",
            RequestRow::SELECT
        ))
        .bind(cutoff)
        .fetch_all(&mut *conn)
        .await?;
        for request in &expired {
            sqlx::query("UPDATE requests SET status = 'cancelled', updated_at = ? WHERE id = ?")
                .bind(now)
                .bind(request.id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE verification_codes SET state = 'superseded' WHERE request_id = ? AND state = 'active'")
                .bind(request.id)
                .execute(&mut *conn)
                .await?;
            Self::insert_event(conn, request.id, now, "expired_unverified", "system").await?;
        }
        Ok(expired)
    }

    pub async fn insert_session(
        conn: &mut SqliteConnection,
        token_hash: &str,
        org: &str,
        email: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO subject_sessions (token_hash, org, email, created_at, last_seen_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(org)
        .bind(email)
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
            "UPDATE subject_sessions SET last_seen_at = ?
             WHERE token_hash = ? AND expires_at > ? AND last_seen_at > ?
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
        sqlx::query("DELETE FROM subject_sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn purge_sessions(&self, now: i64, idle_limit: i64) -> Result<u64, sqlx::Error> {
        let done =
            sqlx::query("DELETE FROM subject_sessions WHERE expires_at <= ? OR last_seen_at <= ?")
                .bind(now)
                .bind(now - idle_limit)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected())
    }

    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>, sqlx::Error> {
        self.pool.acquire().await
    }
}
