//! The outbox: nothing the portal sends is lost. A use case writes its mail
//! in the transaction of the event that causes it (`Outbox::write`), so a
//! request exists with its code mail or not at all; the worker
//! (`deliver_next`) sends it, retries with exponential backoff while the
//! mail server is away, and records every try. A mail is rendered when it
//! is written (a broken template fails the use case at once, not a worker
//! days later) and kept sealed until it is sent or given up, then erased.
//!
//! Once the receiving server has accepted a mail it is marked sent in the
//! next statement. The one window left, a crash between the server's "250"
//! and that statement, sends the mail again after the lease; it then
//! carries the same Message-ID, which is how mail systems recognise a
//! repeat. Exactly-once delivery over SMTP is not to be had; this is
//! at-least-once with the window as small as it can be.

use super::{db, now, Backoff, Seals};
use crate::mail::{Letter, Mailer};
use crate::sealing::{Column, Row};
use crate::store::{Conn, MailEnd, NewOutboxMail, OutboxFigures, OutboxRow, OutboxStatus, Store};
use domain::views::MailProgress;
use domain::{AppError, Email, Language};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// Mails kept for the admins' view this long after they ended.
pub const FINISHED_MAIL_DAYS: i64 = 30;

/// Whom a mail concerns: the organisation whose admins see it if it does
/// not go, and the request whose page says whether it went.
#[derive(Clone, Copy, Debug, Default)]
pub struct About<'a> {
    pub org: Option<&'a str>,
    pub request_id: Option<i64>,
}

/// What is sealed in the outbox.
#[derive(Serialize, Deserialize)]
struct Sealed {
    to: String,
    letter: Letter,
}

#[derive(Clone)]
pub struct Outbox {
    store: Store,
    seals: Seals,
    mailer: Arc<Mailer>,
    content: Arc<crate::content::Content>,
    retry: Backoff,
    wake: Arc<tokio::sync::Notify>,
}

impl Outbox {
    pub fn new(
        store: Store,
        seals: Seals,
        mailer: Arc<Mailer>,
        content: Arc<crate::content::Content>,
        retry: Backoff,
    ) -> Outbox {
        Outbox {
            store,
            seals,
            mailer,
            content,
            retry,
            wake: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// Writes a mail in the caller's transaction. Call `wake` once it is
    /// committed, so that the worker sends it now rather than at its next look.
    #[allow(clippy::too_many_arguments)]
    pub async fn write(
        &self,
        conn: &mut Conn,
        about: About<'_>,
        to: &Email,
        language: Language,
        template: &str,
        context: impl Serialize,
        at: i64,
    ) -> Result<(), AppError> {
        let mut letter = self
            .mailer
            .render(about.org, language, template, context)
            .map_err(|error| {
                tracing::error!(error = %error, template, "a mail template does not render");
                AppError::Internal
            })?;
        // Kept with the mail: it is sent as the organisation said when it
        // was written.
        if let Some(org) = about.org.and_then(|org| self.content.org(org)) {
            letter.from = org.settings.mail.from.clone();
            letter.reply_to = org.settings.mail.reply_to.clone();
        }
        let message_id = hex::encode(&crate::crypto::random_key()[..16]);
        let sealed = serde_json::to_string(&Sealed {
            to: to.as_str().to_owned(),
            letter,
        })
        .map_err(|_| AppError::Internal)?;
        let sealed = self
            .seals
            .seal(Column::OutboundMail, Row::Mail(&message_id), &sealed);
        let new = NewOutboxMail {
            message_id: &message_id,
            org: about.org,
            request_id: about.request_id,
            template,
            sealed: &sealed,
            at,
        };
        Store::enqueue_mail(conn, new).await.map_err(db)?;
        Ok(())
    }

    /// Development only (no SMTP_URL): mail goes to a folder.
    pub fn writes_to_folder(&self) -> bool {
        self.mailer.writes_to_outbox()
    }

    /// Tells the worker that a committed transaction wrote mail.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits until a mail was written or `most` has passed, whichever is first.
    pub async fn wait(&self, most: Duration) {
        let _ = tokio::time::timeout(most, self.wake.notified()).await;
    }

    /// Sends the oldest due mail, if any; returns whether there was one.
    #[tracing::instrument(name = "service.deliver_mail", skip_all)]
    pub async fn deliver_next(&self) -> Result<bool, AppError> {
        let claimed_at = now();
        let mut tx = self.store.begin_claim().await.map_err(db)?;
        let mail = Store::claim_mail(&mut tx, claimed_at, self.retry.lease_secs)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        let Some(mail) = mail else { return Ok(false) };
        let end_error;
        let end = match self.open(&mail) {
            Err(error) => {
                end_error = error;
                MailEnd::Failed { error: &end_error }
            }
            Ok((to, letter)) => {
                let sent = self
                    .mailer
                    .transmit(&to, &letter, &mail.message_id, &mail.template)
                    .await;
                let at = now();
                match sent {
                    Ok(()) => MailEnd::Sent,
                    Err(error) => {
                        // The server's answer may quote the address: it is
                        // kept out of what admins read.
                        end_error =
                            crate::errors::describe(&error).replace(to.as_str(), "<recipient>");
                        tracing::warn!(
                            mail = mail.id,
                            attempt = mail.attempts,
                            template = %mail.template,
                            error = %end_error,
                            "a mail was not accepted"
                        );
                        if error.is_permanent() || self.retry.gives_up(mail.created_at, at) {
                            MailEnd::Failed { error: &end_error }
                        } else {
                            MailEnd::Retry {
                                run_after: self.retry.next_after(mail.attempts, at),
                                error: &end_error,
                            }
                        }
                    }
                }
            }
        };
        let outcome = match end {
            MailEnd::Sent => "sent",
            MailEnd::Retry { .. } => "retry",
            MailEnd::Failed { .. } => "failed",
        };
        metrics::counter!("portal_outbox_attempts_total", "outcome" => outcome).increment(1);
        let mut tx = self.store.begin_claim().await.map_err(db)?;
        if !Store::finish_mail(&mut tx, &mail, end, now())
            .await
            .map_err(db)?
        {
            tracing::warn!(mail = mail.id, "the mail was taken over by another worker");
        }
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    fn open(&self, mail: &OutboxRow) -> Result<(Email, Letter), String> {
        let sealed = mail.sealed.as_deref().ok_or("nothing left to send")?;
        let opened = self
            .seals
            .open(Column::OutboundMail, Row::Mail(&mail.message_id), sealed)
            .map_err(|_| "the mail cannot be opened with the data keys".to_owned())?;
        let Sealed { to, letter } =
            serde_json::from_str(&opened).map_err(|_| "the mail is not readable".to_owned())?;
        let to = Email::parse(&to).map_err(|_| "the address is not valid".to_owned())?;
        Ok((to, letter))
    }

    pub async fn figures(&self) -> Result<OutboxFigures, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        Store::outbox_figures(&mut conn).await.map_err(db)
    }

    /// Forgets mails that ended more than `FINISHED_MAIL_DAYS` ago (the sweep).
    pub async fn forget_finished(&self) -> Result<u64, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        Store::forget_finished_mail(&mut conn, now() - FINISHED_MAIL_DAYS * 24 * 60 * 60)
            .await
            .map_err(db)
    }
}

/// What a reader is told of a mail: sent, on its way, held up (tried and
/// not accepted yet) or given up.
pub fn progress(status: OutboxStatus, tried_and_refused: bool) -> MailProgress {
    match status {
        OutboxStatus::Sent => MailProgress::Sent,
        OutboxStatus::Failed => MailProgress::Undeliverable,
        OutboxStatus::Queued | OutboxStatus::Sending if tried_and_refused => MailProgress::Delayed,
        OutboxStatus::Queued | OutboxStatus::Sending => MailProgress::Sending,
    }
}
