//! Webhooks as use cases see them: a use case tells its event in its own
//! transaction (`request_moved`, `optout_recorded`, …), which writes one
//! delivery per endpoint that wants it; the workers (`deliver_next`) send
//! them in order per stream (a request, a subject's consents), retry with
//! exponential backoff for more than three days, and record every try.
//! Admins see each endpoint's state and can send a delivery again.
//!
//! Payloads carry references, kinds, statuses and dates; only opt-outs and
//! consents carry the address and the purpose, which is what they are for.
//! Delivery is at least once: the `webhook-id` stays the same on every
//! try and replay, so receivers drop repeats.

use super::{db, now, views, Backoff, Seals};
use crate::sealing::{Column, Row};
use crate::store::{
    Conn, DeliveryEnd, DeliveryRow, DeliveryStatus, NewDelivery, RequestRow, Store, WebhookFigures,
};
use crate::webhooks::{Endpoints, Sender, Undelivered};
use domain::{AppError, DueDate, Status, WebhookEvent};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// Deliveries kept (to be replayed, and shown) this long after they ended.
pub const FINISHED_DELIVERY_DAYS: i64 = 30;

#[derive(Clone)]
pub struct Hooks {
    store: Store,
    seals: Seals,
    endpoints: Arc<Endpoints>,
    sender: Sender,
    retry: Backoff,
    wake: Arc<tokio::sync::Notify>,
}

/// What every request event says of its request.
fn request_data(
    row: &RequestRow,
    status: Status,
    due: Option<DueDate>,
    received_at: Option<i64>,
) -> Value {
    json!({
        "organisation": row.org.as_str(),
        "reference": row.reference.as_str(),
        "kind": row.kind.as_str(),
        "status": status.as_str(),
        "received_at": received_at.map(views::rfc3339),
        "due_date": due.map(|d| d.to_string()),
    })
}

fn request_stream(row: &RequestRow) -> String {
    format!("request:{}", row.reference)
}

impl Hooks {
    pub fn new(
        store: Store,
        seals: Seals,
        endpoints: Arc<Endpoints>,
        sender: Sender,
        retry: Backoff,
    ) -> Hooks {
        Hooks {
            store,
            seals,
            endpoints,
            sender,
            retry,
            wake: Arc::new(tokio::sync::Notify::new()),
        }
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// Writes `event` with `data` for every endpoint of `org` that wants
    /// it, in the caller's transaction. Call `wake` after the commit.
    #[allow(clippy::too_many_arguments)]
    pub async fn emit(
        &self,
        conn: &mut Conn,
        org: &str,
        event: WebhookEvent,
        stream: &str,
        request_id: Option<i64>,
        data: Value,
        at: i64,
    ) -> Result<(), AppError> {
        let wanting: Vec<_> = self
            .endpoints
            .of(org)
            .iter()
            .filter(|e| e.wants(event))
            .collect();
        if wanting.is_empty() {
            return Ok(());
        }
        // The Standard Webhooks payload: type, timestamp, data.
        let body =
            json!({ "type": event, "timestamp": views::rfc3339(at), "data": data }).to_string();
        for endpoint in wanting {
            let message_id = format!("msg_{}", hex::encode(&crate::crypto::random_key()[..16]));
            let sealed = self
                .seals
                .seal(Column::WebhookBody, Row::Mail(&message_id), &body);
            let new = NewDelivery {
                message_id: &message_id,
                org,
                endpoint: &endpoint.name,
                event,
                stream,
                request_id,
                sealed: &sealed,
                at,
            };
            Store::enqueue_delivery(conn, new).await.map_err(db)?;
        }
        metrics::counter!("portal_webhook_events_total", "event" => event.as_str()).increment(1);
        Ok(())
    }

    /// A request was verified: its deadline runs.
    pub async fn request_received(
        &self,
        conn: &mut Conn,
        row: &RequestRow,
        due: DueDate,
        at: i64,
    ) -> Result<(), AppError> {
        let data = request_data(row, row.status, Some(due), Some(at));
        self.emit(
            conn,
            &row.org,
            WebhookEvent::RequestReceived,
            &request_stream(row),
            Some(row.id),
            data,
            at,
        )
        .await
    }

    /// A request moved from `before` to `after` (nothing is said when the
    /// status stayed); a completion is also said as such.
    pub async fn request_moved(
        &self,
        conn: &mut Conn,
        row: &RequestRow,
        before: Status,
        after: Status,
        due: Option<DueDate>,
        at: i64,
    ) -> Result<(), AppError> {
        if before == after {
            return Ok(());
        }
        let stream = request_stream(row);
        let mut data = request_data(row, after, due, row.verified_at);
        data["previous_status"] = json!(before.as_str());
        self.emit(
            conn,
            &row.org,
            WebhookEvent::RequestStatusChanged,
            &stream,
            Some(row.id),
            data.clone(),
            at,
        )
        .await?;
        if after == Status::Completed {
            self.emit(
                conn,
                &row.org,
                WebhookEvent::RequestCompleted,
                &stream,
                Some(row.id),
                data,
                at,
            )
            .await?;
        }
        Ok(())
    }

    /// The subject wrote to the team (what they wrote stays in the console).
    pub async fn subject_wrote(
        &self,
        conn: &mut Conn,
        row: &RequestRow,
        status: Status,
        at: i64,
    ) -> Result<(), AppError> {
        let data = request_data(row, status, row.due_date, row.verified_at);
        self.emit(
            conn,
            &row.org,
            WebhookEvent::RequestMessageFromSubject,
            &request_stream(row),
            Some(row.id),
            data,
            at,
        )
        .await
    }

    /// An opt-out took effect: the address and purpose go to the company's
    /// systems, so that its mailing stops.
    pub async fn optout_recorded(
        &self,
        conn: &mut Conn,
        row: &RequestRow,
        email: &str,
        purpose: Option<&str>,
        at: i64,
    ) -> Result<(), AppError> {
        let data = json!({
            "organisation": row.org.as_str(),
            "reference": row.reference.as_str(),
            "kind": row.kind.as_str(),
            "email": email,
            "purpose": purpose,
            "recorded_at": views::rfc3339(at),
        });
        self.emit(
            conn,
            &row.org,
            WebhookEvent::OptoutRecorded,
            &request_stream(row),
            Some(row.id),
            data,
            at,
        )
        .await
    }

    /// A consent receipt was written. A subject's consents are one stream
    /// (by their address's index), so a grant and its withdrawal arrive
    /// in that order.
    #[allow(clippy::too_many_arguments)]
    pub async fn consent_changed(
        &self,
        conn: &mut Conn,
        org: &str,
        email: &str,
        email_index: &str,
        purpose: &str,
        decision: &str,
        method: &str,
        receipt: i64,
        at: i64,
    ) -> Result<(), AppError> {
        let data = json!({
            "organisation": org,
            "email": email,
            "purpose": purpose,
            "decision": decision,
            "method": method,
            "receipt": receipt,
            "changed_at": views::rfc3339(at),
        });
        let stream = format!("consents:{email_index}");
        self.emit(
            conn,
            org,
            WebhookEvent::ConsentChanged,
            &stream,
            None,
            data,
            at,
        )
        .await
    }

    /// The sweep: `request.due_soon` for open requests due within seven
    /// days (the console's "due soon"), `request.overdue` for those past their deadline, each once per
    /// request, across servers. Returns how many were said.
    pub async fn announce_deadlines(&self, today: time::Date) -> Result<usize, AppError> {
        let mut said = 0;
        for (event, last) in [
            (
                WebhookEvent::RequestDueSoon,
                today + time::Duration::days(super::console::DUE_SOON_DAYS),
            ),
            (
                WebhookEvent::RequestOverdue,
                today - time::Duration::days(1),
            ),
        ] {
            for org in self.endpoints.orgs_wanting(event) {
                let mut conn = self.store.conn().await.map_err(db)?;
                let rows = Store::due_without(&mut conn, org, &last.to_string(), event)
                    .await
                    .map_err(db)?;
                drop(conn);
                for row in rows {
                    let at = now();
                    let mut tx = self.store.begin().await.map_err(db)?;
                    if Store::record_deadline_event(&mut tx, row.id, event, at)
                        .await
                        .map_err(db)?
                    {
                        let data = request_data(&row, row.status, row.due_date, row.verified_at);
                        self.emit(
                            &mut tx,
                            org,
                            event,
                            &request_stream(&row),
                            Some(row.id),
                            data,
                            at,
                        )
                        .await?;
                        said += 1;
                    }
                    tx.commit().await.map_err(db)?;
                }
            }
        }
        if said > 0 {
            self.wake();
        }
        Ok(said)
    }

    /// Tells the workers that a committed transaction wrote deliveries.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits until deliveries were written or `most` has passed.
    pub async fn wait(&self, most: Duration) {
        let _ = tokio::time::timeout(most, self.wake.notified()).await;
    }

    /// Sends the oldest due delivery, if any; returns whether there was one.
    #[tracing::instrument(name = "service.deliver_webhook", skip_all)]
    pub async fn deliver_next(&self) -> Result<bool, AppError> {
        let mut tx = self.store.begin_claim().await.map_err(db)?;
        let delivery = Store::claim_delivery(&mut tx, now(), self.retry.lease_secs)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        let Some(delivery) = delivery else {
            return Ok(false);
        };
        let sent = self.send(&delivery).await;
        let at = now();
        let said;
        let end = match &sent {
            Ok(status) => DeliveryEnd::Delivered { status: *status },
            Err(error) => {
                said = error.to_string();
                let status = error.status_code();
                tracing::warn!(
                    delivery = delivery.id,
                    endpoint = %delivery.endpoint,
                    attempt = delivery.attempts,
                    error = %said,
                    "a webhook was not accepted"
                );
                if self.retry.gives_up(delivery.created_at, at) {
                    DeliveryEnd::Failed {
                        status,
                        error: &said,
                    }
                } else {
                    DeliveryEnd::Retry {
                        run_after: self.retry.next_after(delivery.attempts, at),
                        status,
                        error: &said,
                    }
                }
            }
        };
        let outcome = match end {
            DeliveryEnd::Delivered { .. } => "delivered",
            DeliveryEnd::Retry { .. } => "retry",
            DeliveryEnd::Failed { .. } => "failed",
        };
        metrics::counter!("portal_webhook_attempts_total", "outcome" => outcome).increment(1);
        let mut tx = self.store.begin_claim().await.map_err(db)?;
        if !Store::finish_delivery(&mut tx, &delivery, end, at)
            .await
            .map_err(db)?
        {
            tracing::warn!(
                delivery = delivery.id,
                "the delivery was taken over by another worker"
            );
        }
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn send(&self, delivery: &DeliveryRow) -> Result<u16, Undelivered> {
        let Some(endpoint) = self.endpoints.find(&delivery.org, &delivery.endpoint) else {
            return Err(Undelivered::Unreachable(
                "the endpoint is no longer in org.toml".to_owned(),
            ));
        };
        let body = self
            .seals
            .open(
                Column::WebhookBody,
                Row::Mail(&delivery.message_id),
                &delivery.sealed,
            )
            .map_err(|_| {
                Undelivered::Unreachable("the body cannot be opened with the data keys".to_owned())
            })?;
        self.sender
            .send(endpoint, &delivery.message_id, &body, now())
            .await
    }

    /// Puts an ended delivery of `org` back in the queue (an admin's replay,
    /// audited by the caller). NotFound when there is none to replay.
    pub(super) async fn requeue(
        &self,
        conn: &mut Conn,
        org: &str,
        id: i64,
        at: i64,
    ) -> Result<(), AppError> {
        if Store::requeue_delivery(conn, org, id, at)
            .await
            .map_err(db)?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    pub async fn figures(&self) -> Result<WebhookFigures, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        Store::webhook_figures(&mut conn).await.map_err(db)
    }

    /// Forgets deliveries that ended more than `FINISHED_DELIVERY_DAYS` ago.
    pub async fn forget_finished(&self) -> Result<u64, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        Store::forget_finished_deliveries(&mut conn, now() - FINISHED_DELIVERY_DAYS * 24 * 60 * 60)
            .await
            .map_err(db)
    }
}

/// Whether a delivery is still being tried.
pub fn waiting(status: DeliveryStatus) -> bool {
    matches!(status, DeliveryStatus::Queued | DeliveryStatus::Sending)
}
