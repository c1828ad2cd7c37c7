//! Outgoing mail: templates from the content folder, rendered with minijinja
//! in the subject's language, sent over SMTP with lettre, or, when `SMTP_URL`
//! is unset, written to `<data_dir>/outbox/*.eml` for development. Use
//! cases never send: they write to the outbox (`service::outbox`), whose
//! worker calls `transmit`.
//!
//! An organisation may replace any template in any language with its own
//! (`orgs/<slug>/mail/<lang>/<template>.txt`) and send from its own address
//! with its own Reply-To (`[mail]` in its `org.toml`); the shared templates
//! (`mail/<lang>/`) and `PORTAL_MAIL_FROM` are the default.

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
        // `orgs/<slug>/…` is an organisation's own template, anything else
        // a shared one; both may import the shared `<lang>/strings.j2`.
        let shared = path_loader(content_dir.join("mail"));
        let orgs = content_dir.join("orgs");
        templates.set_loader(move |name| match name.strip_prefix("orgs/") {
            Some(rest) => match rest.split_once('/') {
                Some((slug, file)) if !slug.contains("..") && !file.contains("..") => {
                    match std::fs::read_to_string(orgs.join(slug).join("mail").join(file)) {
                        Ok(text) => Ok(Some(text)),
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                        Err(e) => Err(minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            "an organisation's mail template could not be read",
                        )
                        .with_source(e)),
                    }
                }
                _ => Ok(None),
            },
            None => shared(name),
        });
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

    /// Renders `<language>/<template>.txt` (its first line is `Subject: …`),
    /// the organisation's own where it has one. The outbox renders when a
    /// use case writes a mail, so a broken template fails that use case
    /// instead of a worker, days later.
    pub fn render(
        &self,
        org: Option<&str>,
        language: Language,
        template: &str,
        context: impl Serialize,
    ) -> Result<Letter, MailError> {
        let shared = format!("{}/{template}.txt", language.code());
        let own = org.map(|org| format!("orgs/{org}/{shared}"));
        let found = own
            .as_deref()
            .and_then(|name| match self.templates.get_template(name) {
                Err(e) if e.kind() == minijinja::ErrorKind::TemplateNotFound => None,
                other => Some((name.to_owned(), other)),
            })
            .unwrap_or_else(|| (shared.clone(), self.templates.get_template(&shared)));
        let (name, template) = found;
        let rendered = template
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
            from: None,
            reply_to: None,
        })
    }

    /// Every template an organisation has of its own, compiled: a broken
    /// one stops the start, not a mail later.
    pub fn check_org_templates(&self, org: &str, content_dir: &Path) -> anyhow::Result<()> {
        let folder = content_dir.join("orgs").join(org).join("mail");
        let Ok(languages) = std::fs::read_dir(&folder) else {
            return Ok(());
        };
        for language in languages {
            let language = language?;
            let code = language.file_name().to_string_lossy().into_owned();
            if Language::parse(&code).map(|l| l.code()) != Some(code.as_str()) {
                anyhow::bail!("{}: {code:?} is not en, nb or nl", folder.display());
            }
            for file in std::fs::read_dir(language.path())? {
                let file = file?.file_name().to_string_lossy().into_owned();
                let name = format!("orgs/{org}/{code}/{file}");
                self.templates
                    .get_template(&name)
                    .with_context(|| format!("mail template {name}"))?;
            }
        }
        Ok(())
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
        // The organisation's sender and Reply-To, as they were when the mail
        // was written; else the portal's.
        let from: Mailbox = match &letter.from {
            Some(from) => from.parse()?,
            None => self.from.clone(),
        };
        let mut message = Message::builder()
            .message_id(Some(format!("<{message_id}@{host}>")))
            .from(from);
        if let Some(reply_to) = &letter.reply_to {
            message = message.reply_to(reply_to.parse()?);
        }
        let message = message
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
    /// The organisation's own sender (`[mail] from`), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
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
