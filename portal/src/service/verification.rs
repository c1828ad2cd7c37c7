//! Proving control of the e-mail address: six-digit codes and magic links,
//! both bound to one request, valid for 10 minutes, single use, stored only
//! as hashes. Five wrong codes burn the code.
//!
//! How many codes go out is limited so that nobody can flood a subject's
//! inbox, and so that nobody without the mailbox can lock its owner out:
//!
//! - Codes asked for by anyone (a submission, or "send a new code" by
//!   someone who only knows the reference) draw on the stranger's quota of
//!   the address in that organisation: at most `CODES_PER_CLIENT` a day
//!   from one client network, and `CODES_PER_ADDRESS` a day in all. An
//!   attacker on one network therefore sends at most three mails a day, and
//!   leaves the owner the rest.
//! - Someone who shows they read the mailbox draws on the owner's quota
//!   (`OWNER_CODES_PER_DAY`), which strangers cannot touch: the holder of
//!   the request's tracking link (it is only ever mailed to the address), or
//!   a client that typed a correct code for the address that day.
//! - A request gets at most `RESENDS_PER_REQUEST` new codes a day from
//!   strangers, and while its newest code is under `CODE_INTERVAL_SECS` old
//!   and still usable, "send a new code" sends nothing: that code is on its
//!   way and works.
//! - The tracking link never changes (it is derived from the reference), so
//!   a stranger's resend cannot send the owner's link back to a sign-in form.

use super::links::MailDate;
use super::outbox::{About, Outbox};
use super::team_mail::Audience;
use super::{
    db, now, views, Cases, Links, Notify, Seals, SessionGrant, Sessions, Throttle, Trail,
    CODE_MAX_ATTEMPTS, CODE_TTL_SECS,
};
use crate::content::Content;
use crate::door::ClientAddress;
use crate::sealing::EmailIndex;
use crate::store::Conn;
use crate::store::NewEvent;
use crate::token::Token;
use crate::{
    crypto,
    store::{CodeRow, CodeState, NewCode, RequestRow, Store, Tx},
};
use domain::StaffNews;
use domain::{one_month_after, AppError, Reference, Status};
use domain::{Actor, AuditAction, Task};
use domain::{ActorKind, EventKind};
use secrecy::SecretString;
use serde::Serialize;
use std::sync::Arc;
use time::OffsetDateTime;

/// Codes a day that strangers may have sent to one address in one
/// organisation, from one client network and from all together.
pub const CODES_PER_CLIENT: i64 = 3;
pub const CODES_PER_ADDRESS: i64 = 10;
/// Codes a day for someone who showed they read the mailbox.
pub const OWNER_CODES_PER_DAY: i64 = 10;
/// New codes a day for one request at a stranger's asking.
pub const RESENDS_PER_REQUEST: i64 = 3;
/// A request's newest code, while usable, is not replaced sooner.
pub const CODE_INTERVAL_SECS: i64 = 60;

/// Why a code is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Asked {
    /// With a new request.
    Submission,
    /// "Send a new code", by someone who knows only the reference.
    Resend,
    /// "Send a new code" by the holder of the request's tracking link.
    ResendWithLink,
}

/// The request a code is issued for, and who asks.
pub(super) struct CodeFor<'a> {
    pub id: i64,
    pub reference: &'a str,
    pub org: &'a str,
    pub email_index: &'a EmailIndex,
    /// The keyed hash of the asking client's network.
    pub client: &'a str,
    pub asked: Asked,
}

/// Whether a code goes out.
pub(super) enum Issue {
    Issued(IssuedCode),
    /// The request's newest code is fresh and usable: nothing new is sent.
    StillFresh,
    /// A quota is used up; the refusal is recorded.
    Limited,
}

/// Proving control of the address a request was made with.
#[derive(Clone)]
pub struct Verification {
    pub(super) store: Store,
    pub(super) seals: Seals,
    pub(super) content: Arc<Content>,
    pub(super) outbox: Outbox,
    pub(super) links: Links,
    pub(super) trail: Trail,
    pub(super) throttle: Throttle,
    pub(super) sessions: Sessions,
    pub(super) cases: Cases,
    pub(super) notify: Notify,
}

/// A code and link token as issued, before they are mailed and forgotten.
pub(super) struct IssuedCode {
    code: SecretString,
    link_token: Token,
}

/// The code mail's template: its request's page tells whether it has gone.
pub const CODE_MAIL: &str = "verification";

#[derive(Serialize)]
struct CodeMail<'a> {
    org_name: &'a str,
    reference: &'a str,
    kind: &'a str,
    due_date: MailDate,
    code: &'a str,
    minutes: i64,
    magic_url: String,
    tracking_url: String,
}

impl Verification {
    /// Issues a new code for a request, within the quotas described at the
    /// top of this module. Earlier codes of the request stop working.
    pub(super) async fn issue_code(
        &self,
        conn: &mut Conn,
        request: CodeFor<'_>,
        at: i64,
    ) -> Result<Issue, AppError> {
        let CodeFor {
            id: request_id,
            reference,
            org,
            email_index,
            client,
            asked,
        } = request;
        if asked != Asked::Submission {
            let latest = Store::latest_code(conn, request_id).await.map_err(db)?;
            let fresh = latest.is_some_and(|code| {
                code.state == CodeState::Active
                    && code.expires_at > at
                    && code.created_at + CODE_INTERVAL_SECS > at
            });
            if fresh {
                return Ok(Issue::StillFresh);
            }
        }
        let counts = Store::code_counts(
            conn,
            org,
            email_index,
            client,
            request_id,
            at - 24 * 60 * 60,
        )
        .await
        .map_err(db)?;
        let owner = asked == Asked::ResendWithLink || counts.client_read_mail > 0;
        let refusal = if owner {
            (counts.owner >= OWNER_CODES_PER_DAY).then_some("owner")
        } else if asked == Asked::Resend && counts.resends >= RESENDS_PER_REQUEST {
            Some("request")
        } else if counts.by_client >= CODES_PER_CLIENT {
            Some("client")
        } else if counts.strangers >= CODES_PER_ADDRESS {
            Some("address")
        } else {
            None
        };
        if let Some(quota) = refusal {
            tracing::warn!(quota, "a code quota is used up");
            self.trail
                .record(
                    conn,
                    Actor::System(Task::Portal),
                    org,
                    AuditAction::VerificationLimitReached,
                    reference,
                    serde_json::json!({ "quota": quota }),
                    at,
                )
                .await?;
            return Ok(Issue::Limited);
        }
        let reason = match (owner, asked) {
            (true, _) => "owner",
            (false, Asked::Submission) => "submission",
            (false, _) => "resend",
        };
        let code = crypto::new_code();
        let link_token = Token::mint();
        Store::insert_code(
            conn,
            NewCode {
                request_id,
                org,
                email_index,
                client,
                reason,
                code_hash: &crypto::code_hash(
                    self.seals.secret(),
                    request_id,
                    crypto::expose(&code),
                ),
                link_hash: &link_token.hash(),
                now: at,
                expires_at: at + CODE_TTL_SECS,
            },
        )
        .await
        .map_err(db)?;
        Store::insert_event(
            conn,
            NewEvent {
                request_id,
                at,
                event: EventKind::CodeSent,
                actor: ActorKind::System,
                note: None,
            },
        )
        .await
        .map_err(db)?;
        self.trail
            .record(
                conn,
                Actor::System(Task::Portal),
                org,
                AuditAction::VerificationCodeSent,
                reference,
                serde_json::json!({ "quota": if owner { "owner" } else { "strangers" } }),
                at,
            )
            .await?;
        Ok(Issue::Issued(IssuedCode { code, link_token }))
    }

    /// Writes the code mail with the receipt, in the caller's transaction:
    /// reference, kind, the due date if verified today, the magic link and
    /// the personal tracking link. The caller wakes the outbox after its
    /// commit (`Verification::sent`).
    pub(super) async fn mail_code(
        &self,
        conn: &mut crate::store::Conn,
        row: &RequestRow,
        issued: &IssuedCode,
        at: i64,
    ) -> Result<(), AppError> {
        let org_name = self.content.org_name(&row.org);
        let due = one_month_after(row.clock_starts(OffsetDateTime::now_utc().date()));
        let tracking_url =
            self.links
                .personal_tracking_url(self.seals.secret(), &row.org, &row.reference);
        let mail = CodeMail {
            org_name: &org_name,
            reference: row.reference.as_str(),
            kind: row.kind.as_str(),
            due_date: MailDate::from(due),
            code: crypto::expose(&issued.code),
            minutes: CODE_TTL_SECS / 60,
            magic_url: self.links.org_url(
                &row.org,
                &format!("/o/{}/confirm/{}", row.org, issued.link_token.expose()),
            ),
            tracking_url,
        };
        let email = self.seals.address_of(row)?;
        if self.outbox.writes_to_folder() {
            // Development only (no SMTP_URL): makes `make run` usable without a mail server.
            tracing::info!(reference = %row.reference, code = crypto::expose(&issued.code), "development outbox: verification code");
        }
        let about = About {
            org: Some(row.org.as_str()),
            request_id: Some(row.id),
        };
        self.outbox
            .write(conn, about, &email, row.language, CODE_MAIL, &mail, at)
            .await
    }

    /// After the commit of a transaction that wrote mail.
    /// After a commit that wrote mail or webhooks: the workers send them now.
    pub(super) fn sent(&self) {
        self.outbox.wake();
        self.cases.hooks.wake();
    }

    /// Checks a code typed by the subject. `org` is `None` for API callers,
    /// who name only the (globally unique) reference.
    #[tracing::instrument(name = "service.verify_code", skip_all, fields(reference = %reference))]
    pub async fn verify_code(
        &self,
        org: Option<&str>,
        reference: &Reference,
        code: &str,
        client: &ClientAddress,
    ) -> Result<(RequestRow, SessionGrant), AppError> {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::CodeInvalid {
                attempts_left: CODE_MAX_ATTEMPTS as u8,
            });
        }
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let row = Store::find_request_by_reference(&mut tx, reference.as_str())
            .await
            .map_err(db)?
            .filter(|row| org.is_none_or(|org| org == row.org))
            .ok_or(AppError::NotFound)?;
        refuse_if_expired(&row, at)?;
        let Some(active) = Store::active_code(&mut tx, row.id).await.map_err(db)? else {
            let latest = Store::latest_code(&mut tx, row.id).await.map_err(db)?;
            return Err(match latest.map(|c| c.state) {
                Some(CodeState::Burned) => AppError::CodeBurned,
                _ => AppError::CodeExpired,
            });
        };
        if active.expires_at <= at {
            return Err(AppError::CodeExpired);
        }
        if !crypto::code_matches(self.seals.secret(), row.id, code, &active.code_hash) {
            let attempts = active.failed_attempts + 1;
            let burn = attempts >= CODE_MAX_ATTEMPTS;
            Store::record_failed_attempt(&mut tx, active.id, burn)
                .await
                .map_err(db)?;
            let action = if burn {
                AuditAction::VerificationBurned
            } else {
                AuditAction::VerificationFailed
            };
            self.trail
                .record(
                    &mut tx,
                    Actor::Subject,
                    &row.org,
                    action,
                    &row.reference,
                    serde_json::json!({ "attempts": attempts }),
                    at,
                )
                .await?;
            tx.commit().await.map_err(db)?;
            tracing::info!(attempts, burned = burn, "wrong verification code");
            return Err(if burn {
                AppError::CodeBurned
            } else {
                AppError::CodeInvalid {
                    attempts_left: (CODE_MAX_ATTEMPTS - attempts) as u8,
                }
            });
        }
        let grant = self
            .accept(
                &mut tx,
                &row,
                &active,
                "code",
                &self.throttle.client_key(client),
                at,
            )
            .await?;
        self.confirm_effect(&mut tx, &row, at).await?;
        tx.commit().await.map_err(db)?;
        self.sent();
        Ok((row, grant))
    }

    /// Confirms a magic link (from the POST behind its confirm button).
    #[tracing::instrument(name = "service.confirm_link", skip_all)]
    pub async fn confirm_link(
        &self,
        org: &str,
        token: &Token,
        client: &ClientAddress,
    ) -> Result<(Reference, SessionGrant), AppError> {
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let code = Store::code_by_link(&mut tx, &token.hash())
            .await
            .map_err(db)?
            .ok_or(AppError::LinkInvalid)?;
        let row = Store::find_request_by_id(&mut tx, code.request_id)
            .await
            .map_err(db)?
            .filter(|row| row.org == org)
            .ok_or(AppError::LinkInvalid)?;
        refuse_if_expired(&row, at)?;
        if code.state != CodeState::Active || code.expires_at <= at {
            return Err(AppError::LinkInvalid);
        }
        let grant = self
            .accept(
                &mut tx,
                &row,
                &code,
                "link",
                &self.throttle.client_key(client),
                at,
            )
            .await?;
        self.confirm_effect(&mut tx, &row, at).await?;
        tx.commit().await.map_err(db)?;
        self.sent();
        let reference = row.reference.clone();
        Ok((reference, grant))
    }

    /// Tells the subject that an opt-out took effect (`row` as it was before
    /// this verification).
    async fn confirm_effect(
        &self,
        conn: &mut crate::store::Conn,
        row: &RequestRow,
        at: i64,
    ) -> Result<(), AppError> {
        let newly_verified = row.status == Status::PendingVerification;
        if newly_verified && row.kind.takes_effect_at_once() {
            self.notify.mail_update(conn, row, at).await?;
        }
        Ok(())
    }

    /// A correct code or link: the code is spent, the request is verified
    /// (its clock starts) if it was not yet, and a new session begins.
    async fn accept(
        &self,
        tx: &mut Tx<'static>,
        row: &RequestRow,
        code: &CodeRow,
        method: &str,
        client: &str,
        at: i64,
    ) -> Result<SessionGrant, AppError> {
        if !Store::use_code(tx, code.id, client).await.map_err(db)? {
            return Err(AppError::CodeExpired);
        }
        let status: Status = row.status;
        if status == Status::PendingVerification {
            let today = OffsetDateTime::from_unix_timestamp(at)
                .map_err(|_| AppError::Internal)?
                .date();
            // From the day it arrived, for a request staff entered (Art. 12(3)).
            let due = one_month_after(row.clock_starts(today));
            Store::mark_verified(tx, row.id, at, &due.to_string())
                .await
                .map_err(db)?;
            Store::insert_event(
                tx,
                NewEvent {
                    request_id: row.id,
                    at,
                    event: EventKind::Verified,
                    actor: ActorKind::Subject,
                    note: None,
                },
            )
            .await
            .map_err(db)?;
            let detail = serde_json::json!({ "method": method, "due_date": due.to_string() });
            self.trail
                .record(
                    tx,
                    Actor::Subject,
                    &row.org,
                    AuditAction::Request(EventKind::Verified),
                    &row.reference,
                    detail,
                    at,
                )
                .await?;
            tracing::info!(reference = %row.reference, due = %due, "request verified");
            let kind = row.kind;
            let verified = RequestRow {
                status: Status::Received,
                verified_at: Some(at),
                due_date: Some(domain::DueDate(due)),
                ..row.clone()
            };
            self.cases
                .hooks
                .request_received(tx, &verified, domain::DueDate(due), at)
                .await?;
            if kind.takes_effect_at_once() {
                self.cases.take_effect(tx, &verified, kind, at).await?;
            } else {
                self.cases
                    .team_mail
                    .tell(tx, row, StaffNews::NewRequest, Audience::Team, None, at)
                    .await?;
            }
        }
        self.trail
            .record(
                tx,
                Actor::Subject,
                &row.org,
                AuditAction::SessionOpened,
                &row.reference,
                serde_json::json!({ "method": method }),
                at,
            )
            .await?;
        let email = self.seals.request_email(row)?;
        self.sessions.open_session(tx, &row.org, &email).await
    }

    /// "Send a new code": only ever to the address of the request. Unknown
    /// references get the same quiet success, so nobody learns which exist.
    /// `key` is the request's tracking-link key when the asker holds it
    /// (see the quotas at the top of this module).
    #[tracing::instrument(name = "service.resend_code", skip_all, fields(reference = %reference))]
    pub async fn resend_code(
        &self,
        org: Option<&str>,
        reference: &Reference,
        key: Option<&str>,
        client: &ClientAddress,
    ) -> Result<(), AppError> {
        if let Some(org) = org {
            self.content.organisation(org)?;
        }
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let Some(row) = Store::find_request_by_reference(&mut tx, reference.as_str())
            .await
            .map_err(db)?
            .filter(|row| org.is_none_or(|org| org == row.org))
            // Anonymised by the retention purge: no address, nobody to mail.
            .filter(|row| !row.email.is_empty())
        else {
            return Ok(());
        };
        refuse_if_expired(&row, at)?;
        let email_index = self
            .seals
            .email_index(self.seals.address_of(&row)?.as_str());
        let asked = if key.is_some_and(|key| self.seals.tracking_key_matches(&row, key)) {
            Asked::ResendWithLink
        } else {
            Asked::Resend
        };
        let client = self.throttle.client_key(client);
        let request = CodeFor {
            id: row.id,
            reference: &row.reference,
            org: &row.org,
            email_index: &email_index,
            client: &client,
            asked,
        };
        let issued = match self.issue_code(&mut tx, request, at).await? {
            Issue::Issued(issued) => issued,
            Issue::StillFresh => return Ok(()),
            Issue::Limited => {
                // The refusal is recorded too.
                tx.commit().await.map_err(db)?;
                return Err(AppError::CodeLimit);
            }
        };
        self.mail_code(&mut tx, &row, &issued, at).await?;
        tx.commit().await.map_err(db)?;
        self.sent();
        Ok(())
    }
}

fn refuse_if_expired(row: &RequestRow, at: i64) -> Result<(), AppError> {
    let status = row.status;
    if views::is_expired(row, status, at) {
        return Err(AppError::RequestExpired);
    }
    Ok(())
}
