//! Webhook deliveries' storage: written with the event, claimed by a
//! worker with a lease, in order within their stream, ended delivered or
//! given up; every try recorded. Also the deadline events a request has had.

use super::{Conn, RequestRow, Store};
use sqlx::FromRow;

/// A delivery as the use case writes it.
pub struct NewDelivery<'a> {
    pub message_id: &'a str,
    pub org: &'a str,
    pub endpoint: &'a str,
    pub event: domain::WebhookEvent,
    pub stream: &'a str,
    pub request_id: Option<i64>,
    /// The body, sealed and bound to `message_id`.
    pub sealed: &'a str,
    pub at: i64,
}

/// Where a delivery stands. `Sending` is claimed by a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Queued,
    Sending,
    Delivered,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }
}

impl TryFrom<String> for DeliveryStatus {
    type Error = String;

    fn try_from(status: String) -> Result<DeliveryStatus, String> {
        Ok(match status.as_str() {
            "queued" => DeliveryStatus::Queued,
            "sending" => DeliveryStatus::Sending,
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            other => return Err(format!("unknown delivery status {other:?}")),
        })
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub message_id: String,
    pub org: String,
    pub endpoint: String,
    #[sqlx(try_from = "String")]
    pub event: domain::WebhookEvent,
    pub sealed: String,
    #[sqlx(try_from = "String")]
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub run_after: i64,
    pub last_error: Option<String>,
    pub last_status: Option<i64>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

/// How one try ended.
pub enum DeliveryEnd<'a> {
    Delivered {
        status: u16,
    },
    Retry {
        run_after: i64,
        status: Option<u16>,
        error: &'a str,
    },
    Failed {
        status: Option<u16>,
        error: &'a str,
    },
}

/// A delivery as admins see it: no body.
#[derive(Debug, Clone, FromRow)]
pub struct DeliverySummary {
    pub id: i64,
    pub message_id: String,
    pub endpoint: String,
    #[sqlx(try_from = "String")]
    pub event: domain::WebhookEvent,
    pub reference: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub run_after: i64,
    pub last_error: Option<String>,
    pub last_status: Option<i64>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

/// An endpoint's state, from its deliveries.
#[derive(Debug, Clone, Default, FromRow)]
pub struct EndpointFigures {
    pub endpoint: String,
    pub waiting: i64,
    /// Waiting deliveries that were tried and not accepted.
    pub failing: i64,
    pub failed: i64,
    pub oldest_waiting_at: Option<i64>,
    pub last_delivered_at: Option<i64>,
}

/// The queue as `/metrics` shows it.
#[derive(Debug, Clone, Copy, Default, FromRow)]
pub struct WebhookFigures {
    pub waiting: i64,
    pub oldest_at: Option<i64>,
    pub failed: i64,
}

const COLUMNS: &str = "id, message_id, org, endpoint, event, sealed, status, attempts, run_after, last_error, last_status, created_at, delivered_at";

impl Store {
    pub async fn enqueue_delivery(
        conn: &mut Conn,
        new: NewDelivery<'_>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO webhook_deliveries (message_id, org, endpoint, event, stream, request_id, sealed, status, run_after, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $9)",
        )
        .bind(new.message_id)
        .bind(new.org)
        .bind(new.endpoint)
        .bind(new.event.as_str())
        .bind(new.stream)
        .bind(new.request_id)
        .bind(new.sealed)
        .bind(new.at)
        .bind(new.at)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Claims the oldest due delivery whose stream has nothing earlier
    /// still waiting for the same endpoint (so each stream keeps its
    /// order), or one whose worker's lease ran out. Call inside
    /// `Store::begin_claim`.
    pub async fn claim_delivery(
        conn: &mut Conn,
        now: i64,
        lease_secs: i64,
    ) -> Result<Option<DeliveryRow>, sqlx::Error> {
        let lock = if super::is_postgres(conn) {
            "FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        sqlx::query_as(&format!(
            "UPDATE webhook_deliveries SET status = 'sending', attempts = attempts + 1, lease_until = $1
             WHERE id = (SELECT d.id FROM webhook_deliveries d
                         WHERE ((d.status = 'queued' AND d.run_after <= $2) OR (d.status = 'sending' AND d.lease_until < $3))
                           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                                           WHERE e.org = d.org AND e.endpoint = d.endpoint AND e.stream = d.stream
                                             AND e.id < d.id AND e.status IN ('queued', 'sending'))
                         ORDER BY d.id LIMIT 1 {lock})
             RETURNING {COLUMNS}"
        ))
        .bind(now + lease_secs)
        .bind(now)
        .bind(now)
        .fetch_optional(conn)
        .await
    }

    /// Records how a claimed try ended; false when the claim is no longer
    /// ours (the lease ran out and another worker took it).
    pub async fn finish_delivery(
        conn: &mut Conn,
        delivery: &DeliveryRow,
        end: DeliveryEnd<'_>,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let (status, outcome, run_after, code, error, delivered_at) = match end {
            DeliveryEnd::Delivered { status } => (
                "delivered",
                "delivered",
                None,
                Some(status),
                None,
                Some(now),
            ),
            DeliveryEnd::Retry {
                run_after,
                status,
                error,
            } => (
                "queued",
                "retry",
                Some(run_after),
                status,
                Some(error),
                None,
            ),
            DeliveryEnd::Failed { status, error } => {
                ("failed", "failed", None, status, Some(error), None)
            }
        };
        let code = code.map(i64::from);
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, run_after = COALESCE($2, run_after), last_error = $3,
                    last_status = $4, delivered_at = $5, lease_until = NULL
             WHERE id = $6 AND status = 'sending' AND attempts = $7",
        )
        .bind(status)
        .bind(run_after)
        .bind(error)
        .bind(code)
        .bind(delivered_at)
        .bind(delivery.id)
        .bind(delivery.attempts)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO webhook_attempts (delivery_id, attempt, at, outcome, status_code, error) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(delivery.id)
        .bind(delivery.attempts)
        .bind(now)
        .bind(outcome)
        .bind(code)
        .bind(error)
        .execute(conn)
        .await?;
        Ok(true)
    }

    /// Puts an ended delivery of `org` back in the queue, due now; false
    /// when there is none by that id, or it is still waiting anyway.
    pub async fn requeue_delivery(
        conn: &mut Conn,
        org: &str,
        id: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET status = 'queued', run_after = $1, created_at = $2, delivered_at = NULL
             WHERE id = $3 AND org = $4 AND status IN ('delivered', 'failed')",
        )
        .bind(now)
        .bind(now)
        .bind(id)
        .bind(org)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The newest deliveries of `org`, or of one of its endpoints.
    pub async fn recent_deliveries(
        conn: &mut Conn,
        org: &str,
        limit: i64,
    ) -> Result<Vec<DeliverySummary>, sqlx::Error> {
        sqlx::query_as(
            "SELECT d.id, d.message_id, d.endpoint, d.event, r.reference, d.status, d.attempts, d.run_after,
                    d.last_error, d.last_status, d.created_at, d.delivered_at
             FROM webhook_deliveries d LEFT JOIN requests r ON r.id = d.request_id
             WHERE d.org = $1 ORDER BY d.id DESC LIMIT $2",
        )
        .bind(org)
        .bind(limit)
        .fetch_all(conn)
        .await
    }

    /// Per endpoint of `org`: how many wait, fail, failed; the oldest
    /// waiting; the last delivered.
    pub async fn endpoint_figures(
        conn: &mut Conn,
        org: &str,
    ) -> Result<Vec<EndpointFigures>, sqlx::Error> {
        sqlx::query_as(
            "SELECT endpoint,
                    COALESCE(SUM(CASE WHEN status IN ('queued', 'sending') THEN 1 ELSE 0 END), 0) AS waiting,
                    COALESCE(SUM(CASE WHEN status IN ('queued', 'sending') AND last_error IS NOT NULL THEN 1 ELSE 0 END), 0) AS failing,
                    COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS failed,
                    MIN(CASE WHEN status IN ('queued', 'sending') THEN created_at END) AS oldest_waiting_at,
                    MAX(delivered_at) AS last_delivered_at
             FROM webhook_deliveries WHERE org = $1 GROUP BY endpoint",
        )
        .bind(org)
        .fetch_all(conn)
        .await
    }

    /// The last error an endpoint of `org` gave, with when.
    pub async fn last_webhook_error(
        conn: &mut Conn,
        org: &str,
        endpoint: &str,
    ) -> Result<Option<(String, i64)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT a.error, a.at FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
             WHERE d.org = $1 AND d.endpoint = $2 AND a.error IS NOT NULL
             ORDER BY a.at DESC, a.delivery_id DESC LIMIT 1",
        )
        .bind(org)
        .bind(endpoint)
        .fetch_optional(conn)
        .await
    }

    pub async fn webhook_figures(conn: &mut Conn) -> Result<WebhookFigures, sqlx::Error> {
        sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN status IN ('queued', 'sending') THEN 1 ELSE 0 END), 0) AS waiting,
                    MIN(CASE WHEN status IN ('queued', 'sending') THEN created_at END) AS oldest_at,
                    COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS failed
             FROM webhook_deliveries",
        )
        .fetch_one(conn)
        .await
    }

    /// Forgets deliveries that ended before `before`, with their tries.
    pub async fn forget_finished_deliveries(
        conn: &mut Conn,
        before: i64,
    ) -> Result<u64, sqlx::Error> {
        sqlx::query(
            "DELETE FROM webhook_deliveries WHERE status IN ('delivered', 'failed') AND COALESCE(delivered_at, run_after) < $1",
        )
        .bind(before)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    }

    /// Open requests of `org` due on or before `last` that have not had
    /// `event` yet.
    pub async fn due_without(
        conn: &mut Conn,
        org: &str,
        last: &str,
        event: domain::WebhookEvent,
    ) -> Result<Vec<RequestRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE org = $1 AND due_date <= $2 AND status IN ({})
               AND NOT EXISTS (SELECT 1 FROM request_deadline_events e WHERE e.request_id = requests.id AND e.event = $3)
             ORDER BY due_date, id",
            RequestRow::SELECT,
            super::sql::status_list(&domain::Status::OPEN)
        ))
        .bind(org)
        .bind(last)
        .bind(event.as_str())
        .fetch_all(conn)
        .await
    }

    /// Records that the request had `event`; false when it already had.
    pub async fn record_deadline_event(
        conn: &mut Conn,
        request_id: i64,
        event: domain::WebhookEvent,
        at: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO request_deadline_events (request_id, event, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(request_id)
        .bind(event.as_str())
        .bind(at)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
