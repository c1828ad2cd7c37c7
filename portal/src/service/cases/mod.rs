//! Working a request: staff actions and the subject's own (reply, cancel).
//! The rules are the domain's (`domain::lifecycle`); this applies them,
//! records the event, the message and the audit entry in one transaction,
//! and tells the subject by mail that there is news (never the content).

mod execution;

use super::team_mail::{Audience, TeamMail};
use super::{db, now, CaseWorker, Notify, Seals, Subject, Trail};
use crate::content::Content;
use crate::sealing::{Column, Row};
use crate::store::{Lifecycle, NewEvent, NewMessage};
use crate::store::{RequestRow, Store};
use domain::StaffNews;
use domain::{
    Action, AppError, Outcome, Reference, RequestKind, Role, StaffAction, Status, Transition,
    MAX_DETAIL_CHARS,
};
use domain::{Actor, AuditAction, Task};
use domain::{ActorKind, EventKind, EventNote};
use std::sync::Arc;

/// Working a request: the staff's actions, the subject's reply and
/// withdrawal, and carrying a decision out on the sources.
#[derive(Clone)]
pub struct Cases {
    pub(super) store: Store,
    pub(super) seals: Seals,
    pub(super) content: Arc<Content>,
    pub(super) trail: Trail,
    pub(super) notify: Notify,
    pub(super) hooks: super::Hooks,
    pub(super) team_mail: TeamMail,
    /// An opt-out or withdrawal is also a consent receipt: one truth.
    pub(super) consents: super::Consents,
}

/// A file staff attach to their answer.
pub struct Upload {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// At most this many files per answer, each at most this large: enough for
/// an export or a letter, small enough to keep in the database.
pub const MAX_ATTACHMENTS: usize = 5;
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// Only the last path segment of an uploaded name, without control
/// characters, at most 200 characters.
fn clean_file_name(raw: &str) -> Result<String, AppError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let clean = clean.trim().to_owned();
    if clean.is_empty() || clean == "." || clean == ".." {
        return Err(AppError::validation(
            "attachments",
            domain::FieldErrorCode::InvalidChoice,
        ));
    }
    Ok(clean)
}

fn text(field: &'static str, value: &str) -> Result<String, AppError> {
    use domain::FieldErrorCode;
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::validation(field, FieldErrorCode::Required));
    }
    if value.chars().count() > MAX_DETAIL_CHARS {
        return Err(AppError::validation(field, FieldErrorCode::TooLong));
    }
    Ok(value.to_owned())
}

impl Cases {
    /// Applies a staff action. A member without a role in the request's
    /// organisation gets `NotFound`, as for a reference that does not exist.
    #[tracing::instrument(name = "service.staff_act", skip_all, fields(reference = %reference))]
    pub async fn staff_act(
        &self,
        member: &impl CaseWorker,
        org: &str,
        reference: &Reference,
        action: StaffAction,
    ) -> Result<Transition, AppError> {
        self.staff_act_with_files(member, org, reference, action, Vec::new())
            .await
    }

    /// Applies a staff action; a completion may carry files for the subject.
    /// All of it is written in one transaction or none of it.
    #[tracing::instrument(name = "service.staff_act_with_files", skip_all, fields(reference = %reference, files = uploads.len()))]
    pub async fn staff_act_with_files(
        &self,
        member: &impl CaseWorker,
        org: &str,
        reference: &Reference,
        action: StaffAction,
        uploads: Vec<Upload>,
    ) -> Result<Transition, AppError> {
        if !member.may(org, Role::Agent) {
            return Err(AppError::NotFound);
        }
        if !uploads.is_empty() && !matches!(action, StaffAction::Complete { .. }) {
            return Err(AppError::validation(
                "attachments",
                domain::FieldErrorCode::NotApplicable,
            ));
        }
        if uploads.len() > MAX_ATTACHMENTS
            || uploads.iter().any(|u| u.data.len() > MAX_ATTACHMENT_BYTES)
        {
            return Err(AppError::validation(
                "attachments",
                domain::FieldErrorCode::TooLong,
            ));
        }
        let mut files = Vec::with_capacity(uploads.len());
        for upload in &uploads {
            files.push((clean_file_name(&upload.file_name)?, upload));
        }
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let row = Store::find_request(&mut tx, org, reference.as_str())
            .await
            .map_err(db)?
            .ok_or(AppError::NotFound)?;
        let refuse = |reason| AppError::TransitionRefused { reason };
        // The rules first: what the action may do in this state, and what
        // it changes; then its particulars.
        let transition = row.state().apply(&action.action()).map_err(refuse)?;
        let next = &transition.state;
        let event = transition.event;
        let kind: RequestKind = row.kind;
        let mut outcome = None;
        let mut message = None;
        let mut note = None;
        let mut executed = false;
        match &action {
            StaffAction::Assign { to, note: handover } => {
                let colleague = Store::roles_of(&mut tx, *to).await.map_err(db)?;
                if !colleague.iter().any(|r| r.org == org) {
                    return Err(AppError::validation(
                        "assignee",
                        domain::FieldErrorCode::InvalidChoice,
                    ));
                }
                if let Some(handover) = handover {
                    note = Some(EventNote::Handover {
                        text: text("text", handover)?,
                    });
                }
            }
            StaffAction::Start => {}
            StaffAction::AskSubject { question } => message = Some(text("question", question)?),
            StaffAction::Message { body } => message = Some(text("body", body)?),
            StaffAction::Extend { reason, .. } => {
                note = Some(EventNote::Said {
                    text: text("reason", reason)?,
                })
            }
            StaffAction::Complete {
                response,
                outcome: form,
            } => {
                let response = text("response", response)?;
                let decided = Outcome::parse(kind, form)?;
                // Erasure, rectification and restriction change the data;
                // answers only show it.
                executed = matches!(
                    decided,
                    Outcome::Erased { .. }
                        | Outcome::Rectified
                        | Outcome::Restriction { applied: true }
                );
                // Art. 22(3): the subject is told who reviewed the decision,
                // what they considered and what came of it.
                if let Outcome::Reviewed {
                    reviewer,
                    considered,
                    upheld,
                } = &decided
                {
                    note = Some(EventNote::Reviewed {
                        reviewer: reviewer.clone(),
                        considered: considered.clone(),
                        upheld: *upheld,
                    });
                }
                outcome = Some(
                    serde_json::json!({ "response": response, "outcome": decided }).to_string(),
                );
                message = Some(response);
            }
            StaffAction::Reject {
                reason,
                legal_ground,
            } => {
                let reason = text("reason", reason)?;
                // Art. 12(4): a ground the GDPR gives for this kind, chosen
                // from its list; staff's own words go in the reason.
                let ground = domain::RefusalGround::parse(legal_ground.trim())
                    .filter(|g| domain::RefusalGround::for_kind(kind).contains(g))
                    .ok_or_else(|| {
                        AppError::validation("legal_ground", domain::FieldErrorCode::InvalidChoice)
                    })?;
                outcome = Some(
                    serde_json::json!({ "reason": reason, "legal_ground": ground.as_str() })
                        .to_string(),
                );
                let authority = self
                    .content
                    .organisation(org)
                    .ok()
                    .and_then(|o| o.settings.supervisory_authority.clone());
                note = Some(EventNote::Refused {
                    reason,
                    legal_ground: ground.as_str().to_owned(),
                    authority,
                });
            }
        }
        let bound = Row::Request(&row.reference);
        let outcome = outcome.map(|o| self.seals.seal(Column::RequestOutcome, bound, &o));
        Store::update_lifecycle(&mut tx, row.id, Lifecycle::of(next, outcome.as_deref()), at)
            .await
            .map_err(db)?;
        let note = note.map(|n| self.seals.seal(Column::EventNote, bound, &n.to_stored()));
        Store::insert_event(
            &mut tx,
            NewEvent {
                request_id: row.id,
                at,
                event,
                actor: ActorKind::Staff,
                note: note.as_deref(),
            },
        )
        .await
        .map_err(db)?;
        // Starting an access or portability request sets its data sources
        // to work in the background.
        let has_sources = self
            .content
            .organisation(org)
            .is_ok_and(|o| !o.settings.sources.is_empty());
        if matches!(action, StaffAction::Start) && kind.exportable() && has_sources {
            Store::enqueue_collect(&mut tx, row.id, at)
                .await
                .map_err(db)?;
        }
        if let Some(body) = &message {
            let body = self.seals.seal(Column::MessageBody, bound, body);
            let new = NewMessage {
                request_id: row.id,
                at,
                author: member.actor(),
                body: &body,
            };
            Store::insert_message(&mut tx, new).await.map_err(db)?;
        }
        if executed {
            Store::mark_executed(&mut tx, row.id).await.map_err(db)?;
        }
        let mut attached = Vec::new();
        for (file_name, upload) in &files {
            use sha2::Digest;
            let sha256 = hex::encode(sha2::Sha256::digest(&upload.data));
            let sealed = self
                .seals
                .keys()
                .seal_bytes(Column::AttachmentData, bound, &upload.data);
            let sealed_name = self.seals.seal(Column::AttachmentName, bound, file_name);
            let new = crate::store::NewAttachment {
                file_name: &sealed_name,
                content_type: &upload.content_type,
                sha256: &sha256,
                size: upload.data.len() as i64,
                data: &sealed,
            };
            Store::insert_attachment(&mut tx, row.id, member.account(), &new, at)
                .await
                .map_err(db)?;
            // The name is sealed with the file; the audit log keeps what
            // identifies the file without naming anyone.
            attached.push(serde_json::json!({ "size": upload.data.len(), "sha256": sha256 }));
        }
        let detail = serde_json::json!({
            "status": next.status.as_str(), "due_date": next.due.map(|d| d.to_string()), "assignee": next.assignee, "attachments": attached,
        });
        self.trail
            .record(
                &mut tx,
                member.actor(),
                org,
                AuditAction::Request(event),
                reference.as_str(),
                detail,
                at,
            )
            .await?;
        if transition.tells_subject {
            self.notify.mail_update(&mut tx, &row, at).await?;
        }
        self.hooks
            .request_moved(
                &mut tx,
                &row,
                row.status,
                next.status,
                next.due.map(domain::DueDate),
                at,
            )
            .await?;
        if let StaffAction::Assign { to, .. } = &action {
            self.team_mail
                .tell(
                    &mut tx,
                    &row,
                    StaffNews::Assigned,
                    Audience::Member(*to),
                    member.account(),
                    at,
                )
                .await?;
        }
        tx.commit().await.map_err(db)?;
        self.notify.sent();
        self.hooks.wake();
        Ok(transition)
    }

    /// The subject writes to the privacy team; an answer to a question
    /// moves the request back to `in_progress`.
    pub async fn subject_reply(
        &self,
        subject: &Subject,
        reference: &Reference,
        body: &str,
    ) -> Result<Status, AppError> {
        let body = text("body", body)?;
        let transition = self
            .subject_moves(subject, reference, Action::SubjectWrites, Some(&body))
            .await?;
        Ok(transition.state.status)
    }

    /// The subject withdraws their request, while nothing was carried out.
    pub async fn subject_cancel(
        &self,
        subject: &Subject,
        reference: &Reference,
    ) -> Result<(), AppError> {
        self.subject_moves(subject, reference, Action::CancelBySubject, None)
            .await
            .map(|_| ())
    }

    /// What the subject does to their own request: the rules decide, the
    /// history, their words (if any) and the audit log record it in one
    /// transaction, and they are mailed if the rules say so.
    async fn subject_moves(
        &self,
        subject: &Subject,
        reference: &Reference,
        action: Action,
        words: Option<&str>,
    ) -> Result<Transition, AppError> {
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let row = self.subject_row(&mut tx, subject, reference).await?;
        let transition = row
            .state()
            .apply(&action)
            .map_err(|reason| AppError::TransitionRefused { reason })?;
        Store::update_lifecycle(&mut tx, row.id, Lifecycle::of(&transition.state, None), at)
            .await
            .map_err(db)?;
        Store::insert_event(
            &mut tx,
            NewEvent {
                request_id: row.id,
                at,
                event: transition.event,
                actor: ActorKind::Subject,
                note: None,
            },
        )
        .await
        .map_err(db)?;
        if let Some(body) = words {
            let body = self
                .seals
                .seal(Column::MessageBody, Row::Request(&row.reference), body);
            let new = NewMessage {
                request_id: row.id,
                at,
                author: Actor::Subject,
                body: &body,
            };
            Store::insert_message(&mut tx, new).await.map_err(db)?;
        }
        self.trail
            .record(
                &mut tx,
                Actor::Subject,
                &row.org,
                AuditAction::Request(transition.event),
                &row.reference,
                serde_json::json!({}),
                at,
            )
            .await?;
        if transition.tells_subject {
            self.notify.mail_update(&mut tx, &row, at).await?;
        }
        if matches!(action, Action::SubjectWrites) {
            self.hooks
                .subject_wrote(&mut tx, &row, transition.state.status, at)
                .await?;
        }
        self.hooks
            .request_moved(
                &mut tx,
                &row,
                row.status,
                transition.state.status,
                row.due_date,
                at,
            )
            .await?;
        if matches!(action, Action::SubjectWrites) {
            // The assignee is told; while nobody is, the team.
            let audience = row.assignee_id.map_or(Audience::Team, Audience::Member);
            self.team_mail
                .tell(&mut tx, &row, StaffNews::SubjectWrote, audience, None, at)
                .await?;
        }
        tx.commit().await.map_err(db)?;
        self.notify.sent();
        self.hooks.wake();
        Ok(transition)
    }

    async fn subject_row(
        &self,
        conn: &mut crate::store::Conn,
        subject: &Subject,
        reference: &Reference,
    ) -> Result<RequestRow, AppError> {
        Store::find_request(conn, &subject.org, reference.as_str())
            .await
            .map_err(db)?
            .filter(|row| subject.owns(row))
            .ok_or(AppError::NotFound)
    }

    /// A marketing opt-out or consent withdrawal takes effect the moment the
    /// subject is verified: it is put on the organisation's opt-out list and
    /// the request completes, carried out, with no staff work. Runs inside
    /// the verification's transaction.
    pub(super) async fn take_effect(
        &self,
        conn: &mut crate::store::Conn,
        row: &RequestRow,
        kind: RequestKind,
        at: i64,
    ) -> Result<(), AppError> {
        let bound = Row::Request(&row.reference);
        let details = self
            .seals
            .open(Column::RequestDetails, bound, &row.details)?;
        let purpose = serde_json::from_str::<serde_json::Value>(&details)
            .ok()
            .and_then(|d| d.get("purpose").and_then(|p| p.as_str()).map(str::to_owned));
        let email = self
            .seals
            .store_subject_email(&row.org, self.seals.address_of(row)?.as_str());
        let opt_out = crate::store::NewOptOut {
            org: &row.org,
            email: &email,
            kind,
            purpose: purpose.as_deref(),
            request_id: row.id,
            at,
        };
        Store::insert_opt_out(conn, opt_out).await.map_err(db)?;
        let address = self.seals.address_of(row)?;
        // The same receipts the Choices page writes, so that it shows the
        // new state: a marketing opt-out withdraws every marketing channel
        // the organisation asks consent for, a withdrawal the consent named.
        let subject = self.consents.subject_for(&row.org, address.as_str());
        let consents = &self.content.organisation(&row.org)?.settings.consents;
        let withdrawn: Vec<String> = consents
            .iter()
            .filter(|c| match kind {
                RequestKind::MarketingOptOut => c.channel,
                // A purpose in the subject's words that is no consent of
                // the organisation's stays on the opt-out list only.
                _ => purpose.as_deref() == Some(c.id.as_str()),
            })
            .map(|c| c.id.clone())
            .collect();
        for purpose in &withdrawn {
            self.consents
                .record_receipt(
                    conn,
                    &subject,
                    purpose,
                    "withdrawn",
                    "request",
                    AuditAction::ConsentChanged,
                )
                .await?;
        }
        self.hooks
            .optout_recorded(conn, row, address.as_str(), purpose.as_deref(), at)
            .await?;
        self.hooks
            .request_moved(conn, row, row.status, Status::Completed, row.due_date, at)
            .await?;
        let outcome = self.seals.seal(
            Column::RequestOutcome,
            bound,
            &serde_json::json!({ "outcome": Outcome::TookEffect }).to_string(),
        );
        Store::update_lifecycle(
            conn,
            row.id,
            Lifecycle {
                status: Status::Completed,
                due_date: row.due_date,
                extended: false,
                assignee_id: None,
                outcome: Some(&outcome),
            },
            at,
        )
        .await
        .map_err(db)?;
        Store::mark_executed(conn, row.id).await.map_err(db)?;
        let note = self.seals.seal(
            Column::EventNote,
            bound,
            &EventNote::TookEffect { kind }.to_stored(),
        );
        Store::insert_event(
            conn,
            NewEvent {
                request_id: row.id,
                at,
                event: EventKind::Completed,
                actor: ActorKind::System,
                note: Some(&note),
            },
        )
        .await
        .map_err(db)?;
        self.trail
            .record(
                conn,
                Actor::System(Task::Portal),
                &row.org,
                AuditAction::RequestTookEffect,
                &row.reference,
                serde_json::json!({ "kind": kind.as_str() }),
                at,
            )
            .await
    }
}
