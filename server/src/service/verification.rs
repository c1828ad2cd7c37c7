//! Proving control of the e-mail address: six-digit codes and magic links,
//! both bound to one request, valid for 10 minutes, single use, stored only
//! as hashes. Five wrong codes burn the code; ten codes a day per address at
//! most.

use super::{db, now, views, Service, CODES_PER_DAY, CODE_MAX_ATTEMPTS, CODE_TTL_SECS};
use crate::sealing::EmailIndex;
use crate::store::Conn;
use crate::{
    audit::{self, ActorKind, Entry},
    crypto,
    store::{CodeRow, CodeState, NewCode, RequestRow, Store, Tx},
};
use app::domain::{one_month_after, AppError, Language, Reference, Status};
use app::port::SessionGrant;
use secrecy::SecretString;
use serde::Serialize;
use time::OffsetDateTime;

/// The request a code is issued for.
pub(super) struct CodeFor<'a> {
    pub id: i64,
    pub reference: &'a str,
    pub org: &'a str,
    pub email_index: &'a EmailIndex,
}

/// Appends an audit entry about one request.
pub(super) async fn record(
    conn: &mut Conn,
    actor_kind: ActorKind,
    org: &str,
    action: &str,
    reference: &str,
    detail: serde_json::Value,
    at: i64,
) -> Result<(), AppError> {
    let actor = match actor_kind {
        ActorKind::Subject => "subject",
        ActorKind::System => "system",
        ActorKind::Staff => "staff",
    };
    audit::append(
        conn,
        Entry {
            actor_kind,
            actor,
            org,
            action,
            target: reference,
            detail,
        },
        at,
    )
    .await
    .map_err(db)
}

/// A code and link token as issued, before they are mailed and forgotten.
pub(super) struct IssuedCode {
    code: SecretString,
    link_token: SecretString,
}

#[derive(Serialize)]
struct DateParts {
    year: i32,
    month: u8,
    day: u8,
}

#[derive(Serialize)]
struct CodeMail<'a> {
    org_name: &'a str,
    reference: &'a str,
    kind: &'a str,
    due_date: DateParts,
    code: &'a str,
    minutes: i64,
    magic_url: String,
    tracking_url: String,
}

impl Service {
    /// Issues a new code for a request unless the address reached its daily
    /// limit (then `None`). Earlier codes of the request stop working.
    pub(super) async fn issue_code(
        &self,
        conn: &mut Conn,
        request: CodeFor<'_>,
        at: i64,
    ) -> Result<Option<IssuedCode>, AppError> {
        let CodeFor {
            id: request_id,
            reference,
            org,
            email_index,
        } = request;
        let issued_today = Store::codes_issued_since(conn, email_index, at - 24 * 60 * 60)
            .await
            .map_err(db)?;
        if issued_today >= CODES_PER_DAY {
            tracing::warn!("daily code limit reached for an address");
            record(
                conn,
                ActorKind::System,
                org,
                "verification.limit_reached",
                reference,
                serde_json::json!({}),
                at,
            )
            .await?;
            return Ok(None);
        }
        let code = crypto::new_code();
        let link_token = crypto::new_token();
        Store::insert_code(
            conn,
            NewCode {
                request_id,
                email_index,
                code_hash: &crypto::code_hash(&self.secret, request_id, crypto::expose(&code)),
                link_hash: &crypto::token_hash(crypto::expose(&link_token)),
                now: at,
                expires_at: at + CODE_TTL_SECS,
            },
        )
        .await
        .map_err(db)?;
        Store::insert_event(conn, request_id, at, "code_sent", "system")
            .await
            .map_err(db)?;
        record(
            conn,
            ActorKind::System,
            org,
            "verification.code_sent",
            reference,
            serde_json::json!({}),
            at,
        )
        .await?;
        Ok(Some(IssuedCode { code, link_token }))
    }

    /// Mails a code with the receipt: reference, kind, the due date if
    /// verified today, the magic link and the personal tracking link. A mail
    /// failure is logged, not returned: the request stands and the subject
    /// can ask for a new code.
    pub(super) async fn mail_code(
        &self,
        row: &RequestRow,
        issued: &IssuedCode,
        tracking_key: Option<&str>,
    ) {
        let Ok(parsed) = views::parse_row(row) else {
            return;
        };
        let org_name = self
            .content
            .org(&row.org)
            .map(|o| o.settings.name.clone())
            .unwrap_or_default();
        let due = one_month_after(OffsetDateTime::now_utc().date());
        let mut tracking_url = self.org_url(
            &row.org,
            &format!("/o/{}/requests/{}", row.org, parsed.reference),
        );
        if let Some(key) = tracking_key {
            tracking_url.push_str("?key=");
            tracking_url.push_str(key);
        }
        let mail = CodeMail {
            org_name: &org_name,
            reference: parsed.reference.as_str(),
            kind: parsed.kind.as_str(),
            due_date: DateParts {
                year: due.year(),
                month: due.month() as u8,
                day: due.day(),
            },
            code: crypto::expose(&issued.code),
            minutes: CODE_TTL_SECS / 60,
            magic_url: self.org_url(
                &row.org,
                &format!(
                    "/o/{}/confirm/{}",
                    row.org,
                    crypto::expose(&issued.link_token)
                ),
            ),
            tracking_url,
        };
        let (Ok(email), Some(language)) = (self.address_of(row), Language::parse(&row.language))
        else {
            tracing::error!("stored address or language does not parse");
            return;
        };
        if self.mailer.writes_to_outbox() {
            // Development only (no SMTP_URL): makes `make run` usable without a mail server.
            tracing::info!(reference = %parsed.reference, code = crypto::expose(&issued.code), "development outbox: verification code");
        }
        if let Err(error) = self
            .mailer
            .send(&email, language, "verification", &mail)
            .await
        {
            tracing::error!(error = %error, reference = %parsed.reference, "verification mail failed");
        }
    }

    /// Checks a code typed by the subject. `org` is `None` for API callers,
    /// who name only the (globally unique) reference.
    #[tracing::instrument(name = "service.verify_code", skip_all, fields(reference = %reference))]
    pub async fn verify_code(
        &self,
        org: Option<&str>,
        reference: &Reference,
        code: &str,
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
        if !crypto::code_matches(&self.secret, row.id, code, &active.code_hash) {
            let attempts = active.failed_attempts + 1;
            let burn = attempts >= CODE_MAX_ATTEMPTS;
            Store::record_failed_attempt(&mut tx, active.id, burn)
                .await
                .map_err(db)?;
            let action = if burn {
                "verification.burned"
            } else {
                "verification.failed"
            };
            record(
                &mut tx,
                ActorKind::Subject,
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
        let grant = self.accept(&mut tx, &row, &active, "code", at).await?;
        tx.commit().await.map_err(db)?;
        self.confirm_effect(&row).await;
        Ok((row, grant))
    }

    /// Confirms a magic link (from the POST behind its confirm button).
    #[tracing::instrument(name = "service.confirm_link", skip_all)]
    pub async fn confirm_link(
        &self,
        org: &str,
        token: &str,
    ) -> Result<(Reference, SessionGrant), AppError> {
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let code = Store::code_by_link(&mut tx, &crypto::token_hash(token))
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
        let grant = self.accept(&mut tx, &row, &code, "link", at).await?;
        tx.commit().await.map_err(db)?;
        self.confirm_effect(&row).await;
        let reference = views::parse_row(&row)?.reference;
        Ok((reference, grant))
    }

    /// Tells the subject that an opt-out took effect (`row` as it was before
    /// this verification).
    async fn confirm_effect(&self, row: &RequestRow) {
        let newly_verified = row.status == Status::PendingVerification.as_str();
        if newly_verified && views::parse_row(row).is_ok_and(|p| p.kind.takes_effect_at_once()) {
            self.mail_update(row).await;
        }
    }

    /// A correct code or link: the code is spent, the request is verified
    /// (its clock starts) if it was not yet, and a new session begins.
    async fn accept(
        &self,
        tx: &mut Tx<'static>,
        row: &RequestRow,
        code: &CodeRow,
        method: &str,
        at: i64,
    ) -> Result<SessionGrant, AppError> {
        if !Store::use_code(tx, code.id).await.map_err(db)? {
            return Err(AppError::CodeExpired);
        }
        let status: Status = views::parse_row(row)?.status;
        if status == Status::PendingVerification {
            let today = OffsetDateTime::from_unix_timestamp(at)
                .map_err(|_| AppError::Internal)?
                .date();
            let due = one_month_after(today);
            Store::mark_verified(tx, row.id, at, &due.to_string())
                .await
                .map_err(db)?;
            Store::insert_event(tx, row.id, at, "verified", "subject")
                .await
                .map_err(db)?;
            let detail = serde_json::json!({ "method": method, "due_date": due.to_string() });
            record(
                tx,
                ActorKind::Subject,
                &row.org,
                "request.verified",
                &row.reference,
                detail,
                at,
            )
            .await?;
            tracing::info!(reference = %row.reference, due = %due, "request verified");
            let kind = views::parse_row(row)?.kind;
            if kind.takes_effect_at_once() {
                let verified = RequestRow {
                    due_date: Some(due.to_string()),
                    ..row.clone()
                };
                self.take_effect(tx, &verified, kind, at).await?;
            }
        }
        record(
            tx,
            ActorKind::Subject,
            &row.org,
            "session.opened",
            &row.reference,
            serde_json::json!({ "method": method }),
            at,
        )
        .await?;
        let email = self.open_email(&row.email)?;
        self.open_session(tx, &row.org, &email).await
    }

    /// "Send a new code": only ever to the address of the request. Unknown
    /// references get the same quiet success, so nobody learns which exist.
    #[tracing::instrument(name = "service.resend_code", skip_all, fields(reference = %reference))]
    pub async fn resend_code(
        &self,
        org: Option<&str>,
        reference: &Reference,
    ) -> Result<(), AppError> {
        if let Some(org) = org {
            self.organisation(org)?;
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
        let email_index = self.email_index(self.address_of(&row)?.as_str());
        let request = CodeFor {
            id: row.id,
            reference: &row.reference,
            org: &row.org,
            email_index: &email_index,
        };
        let Some(issued) = self.issue_code(&mut tx, request, at).await? else {
            // The refusal is recorded too.
            tx.commit().await.map_err(db)?;
            return Err(AppError::CodeLimit);
        };
        // The tracking link is stored only as a hash, so each code mail
        // carries a fresh one; older links still lead to the sign-in form.
        let tracking_key = crypto::new_token();
        Store::set_tracking_key(
            &mut tx,
            row.id,
            &crypto::token_hash(crypto::expose(&tracking_key)),
        )
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        self.mail_code(&row, &issued, Some(crypto::expose(&tracking_key)))
            .await;
        Ok(())
    }
}

fn refuse_if_expired(row: &RequestRow, at: i64) -> Result<(), AppError> {
    let status = views::parse_row(row)?.status;
    if views::is_expired(row, status, at) {
        return Err(AppError::RequestExpired);
    }
    Ok(())
}
