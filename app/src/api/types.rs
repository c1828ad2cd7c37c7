//! What server functions send to the browser: views made for display, never
//! database rows, hashes or tokens.

use crate::domain::{Reference, RequestKind, Status, ValidDetails};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgView {
    pub slug: String,
    pub name: String,
    /// It has its own theme (`/o/{slug}/theme.css`).
    pub themed: bool,
    /// It has a logo (`/o/{slug}/logo`).
    pub logo: bool,
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
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    /// RFC 3339 timestamp.
    pub at: String,
    pub event: EventKind,
    /// What the subject is told with it: an extension's reason, a refusal's
    /// reason and legal ground.
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Submitted,
    CodeSent,
    Verified,
    ExpiredUnverified,
    StatusChanged,
    Assigned,
    Started,
    AskedSubject,
    SubjectAnswered,
    Extended,
    Completed,
    Rejected,
    Cancelled,
    Message,
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
