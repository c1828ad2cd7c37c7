//! The outbox's storage: a mail is written with the event that causes it,
//! claimed by a worker with a lease, and ends sent or given up; every try
//! is recorded.

use super::{Conn, Store};
use sqlx::FromRow;

/// A mail as the use case writes it.
pub struct NewOutboxMail<'a> {
    pub message_id: &'a str,
    pub org: Option<&'a str>,
    pub request_id: Option<i64>,
    pub template: &'a str,
    /// Address, subject and body, sealed and bound to `message_id`.
    pub sealed: &'a str,
    pub at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub message_id: String,
    pub org: Option<String>,
    pub request_id: Option<i64>,
    pub template: String,
    pub sealed: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: OutboxStatus,
    pub attempts: i64,
    pub run_after: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// Where a mail stands. `Sending` is claimed by a worker; its lease
/// running out puts it back in reach of the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    Queued,
    Sending,
    Sent,
    Failed,
}

impl OutboxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "queued",
            OutboxStatus::Sending => "sending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
        }
    }
}

impl TryFrom<String> for OutboxStatus {
    type Error = String;

    fn try_from(status: String) -> Result<OutboxStatus, String> {
        Ok(match status.as_str() {
            "queued" => OutboxStatus::Queued,
            "sending" => OutboxStatus::Sending,
            "sent" => OutboxStatus::Sent,
            "failed" => OutboxStatus::Failed,
            other => return Err(format!("unknown outbox status {other:?}")),
        })
    }
}

/// How one try ended.
pub enum MailEnd<'a> {
    Sent,
    Retry { run_after: i64, error: &'a str },
    Failed { error: &'a str },
}

/// The queue as `/metrics` and the console show it.
#[derive(Debug, Clone, Copy, Default, FromRow)]
pub struct OutboxFigures {
    /// Mails not yet sent (waiting, or being sent).
    pub unsent: i64,
    /// When the oldest of them was written, if any.
    pub oldest_at: Option<i64>,
    /// Mails given up.
    pub failed: i64,
}

/// A mail that has not arrived, as admins see it: no address, no content.
#[derive(Debug, Clone, FromRow)]
pub struct UndeliveredRow {
    pub id: i64,
    pub org: Option<String>,
    pub reference: Option<String>,
    pub template: String,
    #[sqlx(try_from = "String")]
    pub status: OutboxStatus,
    pub attempts: i64,
    pub run_after: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, message_id, org, request_id, template, sealed, status, attempts, run_after, last_error, created_at, sent_at";

impl Store {
    pub async fn enqueue_mail(conn: &mut Conn, mail: NewOutboxMail<'_>) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO outbox (message_id, org, request_id, template, sealed, status, run_after, created_at)
             VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7)",
        )
        .bind(mail.message_id)
        .bind(mail.org)
        .bind(mail.request_id)
        .bind(mail.template)
        .bind(mail.sealed)
        .bind(mail.at)
        .bind(mail.at)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Claims the oldest due mail: waiting and due, or being sent by a
    /// worker whose lease ran out. Call inside `Store::begin_claim`.
    pub async fn claim_mail(
        conn: &mut Conn,
        now: i64,
        lease_secs: i64,
    ) -> Result<Option<OutboxRow>, sqlx::Error> {
        // As with jobs: on PostgreSQL a mail another server is claiming is
        // skipped, not waited for.
        let lock = if super::is_postgres(conn) {
            "FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        sqlx::query_as(&format!(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, lease_until = $1
             WHERE id = (SELECT id FROM outbox
                         WHERE (status = 'queued' AND run_after <= $2) OR (status = 'sending' AND lease_until < $3)
                         ORDER BY id LIMIT 1 {lock})
             RETURNING {COLUMNS}"
        ))
        .bind(now + lease_secs)
        .bind(now)
        .bind(now)
        .fetch_optional(conn)
        .await
    }

    /// Records how a claimed try ended; false when the claim is no longer
    /// ours (another worker took the mail over after our lease ran out).
    /// A mail that ends (sent or given up) loses its sealed content.
    pub async fn finish_mail(
        conn: &mut Conn,
        mail: &OutboxRow,
        end: MailEnd<'_>,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let (status, outcome, run_after, error, sent_at) = match end {
            MailEnd::Sent => ("sent", "sent", None, None, Some(now)),
            MailEnd::Retry { run_after, error } => {
                ("queued", "retry", Some(run_after), Some(error), None)
            }
            MailEnd::Failed { error } => ("failed", "failed", None, Some(error), None),
        };
        let ends = status != "queued";
        let done = sqlx::query(
            "UPDATE outbox SET status = $1, run_after = COALESCE($2, run_after), last_error = $3, sent_at = $4,
                    lease_until = NULL, sealed = CASE WHEN $5 = 1 THEN NULL ELSE sealed END
             WHERE id = $6 AND status = 'sending' AND attempts = $7",
        )
        .bind(status)
        .bind(run_after)
        .bind(error)
        .bind(sent_at)
        .bind(i64::from(ends))
        .bind(mail.id)
        .bind(mail.attempts)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO outbox_attempts (outbox_id, attempt, at, outcome, error) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(mail.id)
        .bind(mail.attempts)
        .bind(now)
        .bind(outcome)
        .bind(error)
        .execute(conn)
        .await?;
        Ok(true)
    }

    pub async fn outbox_figures(conn: &mut Conn) -> Result<OutboxFigures, sqlx::Error> {
        sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN status IN ('queued', 'sending') THEN 1 ELSE 0 END), 0) AS unsent,
                    MIN(CASE WHEN status IN ('queued', 'sending') THEN created_at END) AS oldest_at,
                    COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS failed
             FROM outbox",
        )
        .fetch_one(conn)
        .await
    }

    /// The newest mail of `template` about a request: whether what its
    /// page promised has gone.
    pub async fn latest_mail_about(
        conn: &mut Conn,
        request_id: i64,
        template: &str,
    ) -> Result<Option<OutboxRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE request_id = $1 AND template = $2 ORDER BY id DESC LIMIT 1"
        ))
        .bind(request_id)
        .bind(template)
        .fetch_optional(conn)
        .await
    }

    /// Mails of these organisations not sent yet or given up, newest
    /// first: the admins' view of what did not arrive.
    pub async fn undelivered_mail(
        conn: &mut Conn,
        orgs: &[String],
        limit: i64,
    ) -> Result<Vec<UndeliveredRow>, sqlx::Error> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = super::Sql::new(
            "SELECT o.id, o.org, r.reference, o.template, o.status, o.attempts, o.run_after, o.last_error, o.created_at
             FROM outbox o LEFT JOIN requests r ON r.id = o.request_id
             WHERE o.status IN ('queued', 'sending', 'failed') AND o.org IN (",
        );
        query.push_list(orgs.iter().cloned());
        query.push(") ORDER BY o.id DESC LIMIT ");
        query.push_bind(limit);
        let (sql, args) = query.into_parts();
        sqlx::query_as_with(&sql, args).fetch_all(conn).await
    }

    /// Forgets mails that ended before `before`, with their tries.
    pub async fn forget_finished_mail(conn: &mut Conn, before: i64) -> Result<u64, sqlx::Error> {
        sqlx::query(
            "DELETE FROM outbox WHERE status IN ('sent', 'failed') AND COALESCE(sent_at, run_after) < $1",
        )
        .bind(before)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    }
}
