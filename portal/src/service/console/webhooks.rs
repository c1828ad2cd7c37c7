//! Webhooks for admins: each endpoint of their organisations, whether it
//! takes what is sent, the last error, and the newest deliveries, any of
//! which they can send again (audited).

use super::Console;
use crate::service::{db, now, views, webhooks, StaffMember};
use crate::store::{DeliveryStatus, DeliverySummary, Store};
use domain::views::console::{
    DeliveryState, DeliveryView, EndpointHealth, EndpointView, OrgWebhooks, WebhooksView,
};
use domain::{Actor, AppError, AuditAction, Reference, Role};

/// Deliveries the page lists per organisation, newest first.
pub const DELIVERY_LIST_LIMIT: u32 = 100;

fn delivery_view(row: DeliverySummary) -> DeliveryView {
    let state = match row.status {
        DeliveryStatus::Delivered => DeliveryState::Delivered,
        DeliveryStatus::Failed => DeliveryState::GivenUp,
        _ if row.last_error.is_some() => DeliveryState::Retrying,
        _ => DeliveryState::Waiting,
    };
    DeliveryView {
        id: row.id,
        message_id: row.message_id,
        endpoint: row.endpoint,
        event: row.event,
        reference: row
            .reference
            .as_deref()
            .and_then(|r| Reference::parse(r).ok()),
        state,
        attempts: row.attempts,
        written_at: views::rfc3339(row.created_at),
        delivered_at: row.delivered_at.map(views::rfc3339),
        next_try_at: webhooks::waiting(row.status).then(|| views::rfc3339(row.run_after)),
        last_status: row.last_status,
        last_error: row.last_error,
    }
}

impl Console {
    pub async fn webhooks(&self, member: &StaffMember) -> Result<WebhooksView, AppError> {
        let orgs = member.admin_orgs()?;
        let mut conn = self.store.conn().await.map_err(db)?;
        let mut shown = Vec::new();
        for org in orgs {
            let configured = self.hooks.endpoints().of(&org);
            if configured.is_empty() {
                continue;
            }
            let figures = Store::endpoint_figures(&mut conn, &org).await.map_err(db)?;
            let mut endpoints = Vec::new();
            for endpoint in configured {
                let figure = figures
                    .iter()
                    .find(|f| f.endpoint == endpoint.name)
                    .cloned()
                    .unwrap_or_default();
                let last_error = Store::last_webhook_error(&mut conn, &org, &endpoint.name)
                    .await
                    .map_err(db)?;
                let health = if figure.failing > 0 || figure.failed > 0 {
                    EndpointHealth::Failing
                } else if figure.last_delivered_at.is_some() {
                    EndpointHealth::Healthy
                } else {
                    EndpointHealth::Idle
                };
                endpoints.push(EndpointView {
                    name: endpoint.name.clone(),
                    url: endpoint.shown_url(),
                    events: endpoint.events.clone(),
                    health,
                    waiting: figure.waiting,
                    failed: figure.failed,
                    oldest_waiting_at: figure.oldest_waiting_at.map(views::rfc3339),
                    last_delivered_at: figure.last_delivered_at.map(views::rfc3339),
                    last_error_at: last_error.as_ref().map(|(_, at)| views::rfc3339(*at)),
                    last_error: last_error.map(|(error, _)| error),
                });
            }
            let deliveries =
                Store::recent_deliveries(&mut conn, &org, i64::from(DELIVERY_LIST_LIMIT))
                    .await
                    .map_err(db)?
                    .into_iter()
                    .map(delivery_view)
                    .collect();
            shown.push(OrgWebhooks {
                org,
                endpoints,
                deliveries,
            });
        }
        Ok(WebhooksView {
            orgs: shown,
            limit: DELIVERY_LIST_LIMIT,
        })
    }

    /// Sends a delivered or given-up delivery again, with the same
    /// `webhook-id`, now. Admins of its organisation only.
    #[tracing::instrument(name = "service.replay_webhook", skip_all, fields(delivery = id))]
    pub async fn replay_webhook(
        &self,
        member: &StaffMember,
        org: &str,
        id: i64,
    ) -> Result<(), AppError> {
        if !member.may(org, Role::Admin) {
            return Err(AppError::NotFound);
        }
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        self.hooks.requeue(&mut tx, org, id, at).await?;
        self.trail
            .record(
                &mut tx,
                Actor::Staff(member.id),
                org,
                AuditAction::WebhookReplayed,
                &format!("webhook:{id}"),
                serde_json::json!({}),
                at,
            )
            .await?;
        tx.commit().await.map_err(db)?;
        self.hooks.wake();
        Ok(())
    }
}
