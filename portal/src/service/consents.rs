//! Consent and preference signals. Today: the Global Privacy Control
//! signal (`Sec-GPC: 1`), honoured on the server as the subject's
//! objection to marketing profiling and to sharing their data for
//! marketing. A signal can only be tied to a person who proved who they
//! are, so it is recorded for a verified subject with a session; anyone
//! else is told on the page that the signal was seen.

use super::{db, now, views, Links, Seals, Sessions, Subject, Trail};
use crate::content::Content;
use crate::{
    audit::Entry,
    store::{ReceiptRow, Store},
};
use domain::views::{ConsentChoice, ConsentState, PreferencesView};
use domain::{Actor, AuditAction};
use domain::{AppError, FieldErrorCode, Language};
use serde::Serialize;
use std::sync::Arc;

/// The purpose a GPC signal withdraws from.
pub const GPC_PURPOSE: &str = "marketing_profiling_and_sharing";
/// The purpose a one-click unsubscribe withdraws from: the organisation's
/// own marketing mail.
pub const MARKETING_PURPOSE: &str = "marketing";

/// A receipt as the subject downloads it.
#[derive(Debug, Serialize)]
pub struct Receipt {
    pub id: i64,
    pub organisation: String,
    pub subject: String,
    pub purpose: String,
    pub decision: String,
    pub method: String,
    pub notice_version: String,
    pub at: String,
}

/// Consents and opt-outs, the receipts that prove them, and the signals
/// (Global Privacy Control, one-click unsubscribe) that set them.
#[derive(Clone)]
pub struct Consents {
    pub(super) store: Store,
    pub(super) seals: Seals,
    pub(super) content: Arc<Content>,
    pub(super) links: Links,
    pub(super) trail: Trail,
    pub(super) sessions: Sessions,
    pub(super) hooks: super::Hooks,
}

impl Consents {
    /// Records a GPC signal for the subject, unless their current choice
    /// for the purpose already withdraws it. Returns whether a receipt was
    /// written.
    #[tracing::instrument(name = "service.honour_gpc", skip_all)]
    pub async fn honour_gpc(&self, subject: &Subject) -> Result<bool, AppError> {
        self.withdraw(subject, GPC_PURPOSE, "gpc", AuditAction::ConsentGpcHonoured)
            .await
    }

    /// The one-click unsubscribe link (RFC 8058) for an organisation's
    /// marketing mail to `email`: the `List-Unsubscribe` URL.
    pub fn unsubscribe_url(&self, org: &str, email: &str) -> Result<String, AppError> {
        self.content.organisation(org)?;
        let token = crate::crypto::unsubscribe_token(self.seals.secret(), org, email);
        Ok(self
            .links
            .org_url(org, &format!("/o/{org}/unsubscribe/{token}")))
    }

    /// A one-click unsubscribe: the address the link was made for stops
    /// getting marketing mail, with a receipt. Idempotent.
    #[tracing::instrument(name = "service.unsubscribe", skip_all)]
    pub async fn one_click_unsubscribe(&self, org: &str, token: &str) -> Result<(), AppError> {
        let org = &self.content.organisation(org)?.slug;
        let email = crate::crypto::unsubscribe_email(self.seals.secret(), org, token)
            .ok_or(AppError::LinkInvalid)?;
        let subject = self.sessions.subject_of(org, &email);
        self.withdraw(
            &subject,
            MARKETING_PURPOSE,
            "one_click_unsubscribe",
            AuditAction::ConsentUnsubscribed,
        )
        .await?;
        Ok(())
    }

    /// Writes a receipt withdrawing `purpose`, unless the current choice
    /// already does; audited as `action`.
    async fn withdraw(
        &self,
        subject: &Subject,
        purpose: &str,
        method: &str,
        action: AuditAction,
    ) -> Result<bool, AppError> {
        // Most signals repeat a choice already recorded: that costs a read,
        // not a turn of the write lock. `record` checks again inside it.
        let mut conn = self.store.conn().await.map_err(db)?;
        let current = Store::latest_receipt(&mut conn, &subject.org, &subject.email_index, purpose)
            .await
            .map_err(db)?;
        drop(conn);
        if current.is_some_and(|r| r.decision == "withdrawn") {
            return Ok(false);
        }
        let mut tx = self.store.begin().await.map_err(db)?;
        let written = self
            .record_receipt(&mut tx, subject, purpose, "withdrawn", method, action)
            .await?;
        tx.commit().await.map_err(db)?;
        self.hooks.wake();
        Ok(written)
    }

    /// The subject with `email` in `org`, whose address a verified request
    /// proved.
    pub(super) fn subject_for(&self, org: &domain::OrgSlug, email: &str) -> Subject {
        self.sessions.subject_of(org, email)
    }

    /// Writes a receipt (who, what, when, which notice version, how) and
    /// its audit entry, unless the current choice already is `decision`.
    pub(super) async fn record_receipt(
        &self,
        tx: &mut crate::store::Conn,
        subject: &Subject,
        purpose: &str,
        decision: &str,
        method: &str,
        action: AuditAction,
    ) -> Result<bool, AppError> {
        let organisation = self.content.organisation(&subject.org)?;
        let at = now();
        let current = Store::latest_receipt(&mut *tx, &subject.org, &subject.email_index, purpose)
            .await
            .map_err(db)?;
        // A signal or a refusal with nothing recorded before is still
        // written: it is the evidence of the subject's choice.
        if current.is_some_and(|r| r.decision == decision) {
            return Ok(false);
        }
        let receipt = ReceiptRow {
            id: 0,
            org: subject.org.to_string(),
            email: String::new(),
            purpose: purpose.into(),
            decision: decision.into(),
            method: method.into(),
            notice_version: organisation.notice.current().date.clone(),
            at,
        };
        let id = Store::insert_receipt(
            &mut *tx,
            &receipt,
            &self.seals.store_subject_email(&subject.org, &subject.email),
        )
        .await
        .map_err(db)?;
        let entry = Entry {
            actor: Actor::Subject,
            org: &subject.org,
            action,
            target: &format!("receipt:{id}"),
            detail: serde_json::json!({ "purpose": purpose, "decision": decision, "method": method, "notice_version": receipt.notice_version }),
        };
        self.trail.append(&mut *tx, entry, at).await.map_err(db)?;
        self.hooks
            .consent_changed(
                &mut *tx,
                &subject.org,
                &subject.email,
                subject.email_index.as_str(),
                purpose,
                decision,
                method,
                id,
                at,
            )
            .await?;
        tracing::info!(receipt = id, purpose, decision, method, "consent recorded");
        Ok(true)
    }

    /// The subject's consents, each with its current state: the newest
    /// receipt for it, or none (then it was never given).
    pub async fn preferences(
        &self,
        subject: &Subject,
        language: Language,
    ) -> Result<PreferencesView, AppError> {
        let organisation = self.content.organisation(&subject.org)?;
        let mut conn = self.store.conn().await.map_err(db)?;
        let receipts = Store::receipts_of(&mut conn, &subject.org, &subject.email_index)
            .await
            .map_err(db)?;
        let choices = organisation
            .settings
            .consents
            .iter()
            .map(|consent| {
                let latest = receipts.iter().rev().find(|r| r.purpose == consent.id);
                ConsentChoice {
                    id: consent.id.clone(),
                    name: consent.name(language).to_owned(),
                    description: consent.description(language).map(str::to_owned),
                    channel: consent.channel,
                    state: match latest.map(|r| r.decision.as_str()) {
                        Some("granted") => ConsentState::Given,
                        Some(_) => ConsentState::Withdrawn,
                        None => ConsentState::NotGiven,
                    },
                    since: latest.map(|r| views::rfc3339(r.at)),
                }
            })
            .collect();
        Ok(PreferencesView {
            choices,
            notice_version: organisation.notice.current().date.clone(),
        })
    }

    /// The subject's choices from their Choices page: a receipt for each
    /// that differs from the current state, all or none. A purpose the
    /// organisation does not list, or a decision other than `granted` or
    /// `withdrawn`, refuses the whole form. Returns how many changed.
    #[tracing::instrument(name = "service.set_preferences", skip_all)]
    pub async fn set_preferences(
        &self,
        subject: &Subject,
        choices: &[(String, String)],
    ) -> Result<usize, AppError> {
        let organisation = self.content.organisation(&subject.org)?;
        let mut parsed = Vec::new();
        for (purpose, decision) in choices {
            let known = organisation
                .settings
                .consents
                .iter()
                .any(|c| &c.id == purpose);
            if !known {
                return Err(AppError::validation(
                    "purpose",
                    FieldErrorCode::InvalidChoice,
                ));
            }
            if !matches!(decision.as_str(), "granted" | "withdrawn") {
                return Err(AppError::validation(purpose, FieldErrorCode::InvalidChoice));
            }
            parsed.push((purpose.as_str(), decision.as_str()));
        }
        let mut tx = self.store.begin().await.map_err(db)?;
        let mut changed = 0;
        for (purpose, decision) in parsed {
            if self
                .record_receipt(
                    &mut tx,
                    subject,
                    purpose,
                    decision,
                    "preferences_page",
                    AuditAction::ConsentChanged,
                )
                .await?
            {
                changed += 1;
            }
        }
        tx.commit().await.map_err(db)?;
        self.hooks.wake();
        Ok(changed)
    }

    /// The subject's consent receipts, oldest first.
    pub async fn consent_receipts(&self, subject: &Subject) -> Result<Vec<Receipt>, AppError> {
        let organisation = self.content.organisation(&subject.org)?;
        let mut conn = self.store.conn().await.map_err(db)?;
        let rows = Store::receipts_of(&mut conn, &subject.org, &subject.email_index)
            .await
            .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|r| Receipt {
                id: r.id,
                organisation: organisation.settings.name.clone(),
                // Found by the subject's index: the subject's own address.
                subject: subject.email.clone(),
                purpose: r.purpose,
                decision: r.decision,
                method: r.method,
                notice_version: r.notice_version,
                at: views::rfc3339(r.at),
            })
            .collect())
    }
}
