//! The read models: what the doors send to the browser, made for display,
//! never database rows, hashes or tokens. The subject's side here, the
//! console's in `console`.

pub mod console;

pub use crate::event::EventKind;
use crate::{Reference, RequestKind, Status, ValidDetails};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgView {
    pub slug: String,
    pub name: String,
    /// It has its own theme (`/o/{slug}/theme.css`).
    pub themed: bool,
    /// It has a logo (`/o/{slug}/logo`).
    pub logo: bool,
    /// The origins of company sites that may show it in an iframe.
    pub embed_origins: Vec<String>,
    /// It publishes its request figures (`/o/{slug}/figures`).
    pub figures_public: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TocEntry {
    pub id: String,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoticeView {
    pub org: OrgView,
    pub title: String,
    /// ISO date.
    pub last_updated: String,
    pub toc: Vec<TocEntry>,
    /// Rendered from the organisation's Markdown by the server; raw HTML in
    /// the source is dropped, so this holds only what Markdown produces.
    pub html: String,
    /// The language the text is in: the reader's, or the organisation's
    /// fallback when it has none in theirs.
    pub language: crate::Language,
    /// The dates of earlier versions, newest first.
    pub earlier_versions: Vec<String>,
}

/// What changed in a notice between two versions, paragraph by paragraph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoticeChangesView {
    pub org: OrgView,
    pub title: String,
    /// ISO dates of the two versions compared.
    pub from: String,
    pub to: String,
    pub language: crate::Language,
    /// The changed paragraphs only, with the section each is in.
    pub changes: Vec<ChangedParagraph>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangedParagraph {
    /// The heading of the section the paragraph is in ("" before the first).
    pub section: String,
    pub parts: Vec<DiffPart>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffPart {
    pub change: Change,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Same,
    Removed,
    Added,
}

/// Tells a verified subject that the notice changed after they last
/// confirmed their address (and so after they last saw it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoticeChanged {
    /// When they confirmed (ISO date).
    pub seen_on: String,
    /// The version they saw then.
    pub from: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    /// RFC 3339 timestamp.
    pub at: String,
    pub event: EventKind,
    /// What the subject is told with it: an extension's reason, a refusal's
    /// reason and legal ground, what an opt-out did.
    pub note: Option<crate::EventNote>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    pub at: String,
    /// True when the privacy team wrote it.
    pub from_staff: bool,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestView {
    pub reference: Reference,
    pub kind: RequestKind,
    /// The subject's language: their mails are in it, and so are the
    /// portal's own words where a door cannot ask (the REST API).
    pub language: crate::Language,
    pub status: Status,
    /// RFC 3339 timestamp of submission.
    pub received_at: String,
    /// RFC 3339 timestamp of verification, when verified.
    pub verified_at: Option<String>,
    /// ISO date; set once the request is verified and the clock runs.
    pub due_date: Option<String>,
    pub details: ValidDetails,
    pub history: Vec<EventView>,
    pub messages: Vec<MessageView>,
    /// Files the privacy team attached to its answer.
    pub attachments: Vec<AttachmentView>,
    /// The newest data package, once one was built.
    pub export: Option<ExportView>,
    /// While the data sources are being asked: how far each has got.
    pub collection: Option<Vec<SourceProgress>>,
    /// Systems that did not answer, which the team completed without: the
    /// system and what the team says it will do.
    pub not_reached: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceProgress {
    pub source: String,
    pub state: SourceState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceState {
    Waiting,
    Answered,
    /// It failed this time; it is asked again.
    Retrying,
}

/// A data package the subject can download.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportView {
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339: the download works until then.
    pub expires_at: String,
    pub expired: bool,
    /// Whether the subject may download it (staff may review it first).
    pub released: bool,
    /// Bytes of the zip.
    pub size: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: i64,
    pub file_name: String,
    pub size: i64,
    /// Hex SHA-256 of the content, so a download can be checked.
    pub sha256: String,
}

/// What the tracking page shows to a visitor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TrackView {
    /// The visitor has a session for this request's subject.
    Owner(Box<RequestView>),
    /// The visitor must prove control of the e-mail first. `summary` is shown
    /// only to holders of the personal tracking link.
    SignIn {
        reference: Reference,
        summary: Option<Summary>,
        /// While the request waits for its code: whether the code mail has
        /// gone, so that the page never says "we have sent" of a mail that
        /// has not. A reference still waiting for its code is random and
        /// known only to its submitter and the mailbox it went to; to
        /// anyone else, the form looks the same whether or not it exists.
        code_mail: Option<MailProgress>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub kind: RequestKind,
    pub status: Status,
    pub received_at: String,
    pub due_date: Option<String>,
    pub expired: bool,
}

/// Where a mail the portal promised stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailProgress {
    /// Written, about to be sent.
    Sending,
    /// The mail server did not take it yet; it is tried again.
    Delayed,
    /// The receiving server accepted it.
    Sent,
    /// Given up (refused for good, or not accepted for days).
    Undeliverable,
}

impl MailProgress {
    /// The sentence the page says of it (an ftl key).
    pub fn message_key(self) -> &'static str {
        match self {
            MailProgress::Sending => "code-sending",
            MailProgress::Delayed => "code-delayed",
            MailProgress::Sent => "code-sent",
            MailProgress::Undeliverable => "code-undeliverable",
        }
    }
}

/// A verified subject's consents, as their Choices page shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreferencesView {
    pub choices: Vec<ConsentChoice>,
    /// The version of the notice a change made now is recorded against.
    pub notice_version: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsentChoice {
    pub id: String,
    /// In the reader's language.
    pub name: String,
    pub description: Option<String>,
    /// A marketing channel rather than a purpose.
    pub channel: bool,
    pub state: ConsentState,
    /// When the current state was recorded (ISO), if ever.
    pub since: Option<String>,
}

/// Without a receipt there is no consent: it is never presumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    Given,
    Withdrawn,
    NotGiven,
}
