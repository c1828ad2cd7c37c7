//! Outgoing mail: templates from the content folder, rendered with minijinja
//! in the subject's language, sent over SMTP with lettre, or, when `SMTP_URL`
//! is unset, written to `<data_dir>/outbox/*.eml` for development. Use
//! cases never send: they write to the outbox (`service::outbox`), whose
//! worker calls `transmit`.

use anyhow::Context;
use domain::{Email, Language};
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use minijinja::{path_loader, Environment};
use serde::Serialize;
use std::{path::Path, time::Duration};

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(AsyncFileTransport<Tokio1Executor>),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    templates: Environment<'static>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail template {0} failed to render")]
    Template(String, #[source] minijinja::Error),
    #[error("mail template {0} has no Subject line")]
    NoSubject(String),
    #[error("mail could not be built")]
    Build(#[from] lettre::error::Error),
    #[error("an address is not valid")]
    Address(#[from] lettre::address::AddressError),
    #[error("SMTP delivery failed")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("writing to the outbox failed")]
    Outbox(#[from] lettre::transport::file::Error),
}

impl Mailer {
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        outbox: &Path,
        content_dir: &Path,
    ) -> anyhow::Result<Mailer> {
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("SMTP_URL is not a valid SMTP URL")?
                    .timeout(Some(Duration::from_secs(15)))
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(outbox).with_context(|| {
                    format!("cannot create the mail outbox {}", outbox.display())
                })?;
                Transport::Outbox(AsyncFileTransport::<Tokio1Executor>::new(outbox))
            }
        };
        let mut templates = Environment::new();
        templates.set_loader(path_loader(content_dir.join("mail")));
        // Mail is plain text: nothing may be HTML-escaped.
        templates.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        Ok(Mailer {
            transport,
            from: from
                .parse()
                .context("PORTAL_MAIL_FROM is not a valid mailbox")?,
            templates,
        })
    }

    pub fn writes_to_outbox(&self) -> bool {
        matches!(self.transport, Transport::Outbox(_))
    }

    /// Renders `<language>/<template>.txt` (its first line is `Subject: …`).
    /// The outbox renders when a use case writes a mail, so a broken
    /// template fails that use case instead of a worker, days later.
    pub fn render(
        &self,
        language: Language,
        template: &str,
        context: impl Serialize,
    ) -> Result<Letter, MailError> {
        let name = format!("{}/{template}.txt", language.code());
        let rendered = self
            .templates
            .get_template(&name)
            .and_then(|t| t.render(context))
            .map_err(|e| MailError::Template(name.clone(), e))?;
        let (first, body) = rendered
            .trim_start()
            .split_once('\n')
            .unwrap_or((&rendered, ""));
        let subject = first
            .strip_prefix("Subject:")
            .ok_or_else(|| MailError::NoSubject(name.clone()))?
            .trim();
        Ok(Letter {
            subject: subject.to_owned(),
            body: body.trim_start_matches('\n').to_owned(),
        })
    }

    /// Hands a rendered mail to the SMTP server (or the development
    /// folder). `message_id` is the outbox entry's own: sent again after a
    /// crash between the server's acceptance and our record of it, the mail
    /// carries the same Message-ID, by which mail systems recognise it.
    #[tracing::instrument(name = "mail.send", skip_all, fields(template = template))]
    pub async fn transmit(
        &self,
        to: &Email,
        letter: &Letter,
        message_id: &str,
        template: &str,
    ) -> Result<(), MailError> {
        let host = self.from.email.domain().to_owned();
        let message = Message::builder()
            .message_id(Some(format!("<{message_id}@{host}>")))
            .from(self.from.clone())
            .to(Mailbox::new(None, to.as_str().parse()?))
            .subject(letter.subject.as_str())
            .header(ContentType::TEXT_PLAIN)
            .body(letter.body.clone())?;
        let sent = match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(MailError::from),
            Transport::Outbox(outbox) => outbox
                .send(message)
                .await
                .map(|_| ())
                .map_err(MailError::from),
        };
        let outcome = if sent.is_ok() { "sent" } else { "failed" };
        metrics::counter!("portal_mails_total", "template" => template.to_owned(), "outcome" => outcome)
            .increment(1);
        if sent.is_ok() {
            tracing::info!("mail sent");
        }
        sent
    }
}

/// A mail as rendered: what the outbox keeps (sealed) until it is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Letter {
    pub subject: String,
    pub body: String,
}

impl MailError {
    /// The receiving server refused for good (a 5xx answer: no such
    /// mailbox, policy): trying again would be refused again. Anything else
    /// (the server away, a timeout, a 4xx "try later") is worth retrying.
    pub fn is_permanent(&self) -> bool {
        match self {
            MailError::Smtp(error) => error.is_permanent(),
            MailError::Template(..)
            | MailError::NoSubject(_)
            | MailError::Address(_)
            | MailError::Build(_) => true,
            MailError::Outbox(_) => false,
        }
    }
}
