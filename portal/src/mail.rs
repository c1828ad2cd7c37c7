//! Outgoing mail: templates from the content folder, rendered with minijinja
//! in the subject's language, sent over SMTP with lettre, or, when `SMTP_URL`
//! is unset, written to `<data_dir>/outbox/*.eml` for development.

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

    /// Renders `<language>/<template>.txt` (its first line is `Subject: …`)
    /// and sends it.
    #[tracing::instrument(name = "mail.send", skip_all, fields(template = template, language = language.code()))]
    pub async fn send(
        &self,
        to: &Email,
        language: Language,
        template: &str,
        context: impl Serialize,
    ) -> Result<(), MailError> {
        let sent = self.deliver(to, language, template, context).await;
        let outcome = if sent.is_ok() { "sent" } else { "failed" };
        metrics::counter!("portal_mails_total", "template" => template.to_owned(), "outcome" => outcome)
            .increment(1);
        sent
    }

    async fn deliver(
        &self,
        to: &Email,
        language: Language,
        template: &str,
        context: impl Serialize,
    ) -> Result<(), MailError> {
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
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to.as_str().parse()?))
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.trim_start_matches('\n').to_owned())?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::Outbox(outbox) => {
                outbox.send(message).await?;
            }
        }
        tracing::info!("mail sent");
        Ok(())
    }
}
