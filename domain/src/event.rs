//! What a request's history records: one event per thing that happened,
//! named here and only here. The store writes and reads these names, the
//! pages and mails say them in the reader's language (`event-<name>` in
//! the locales), the audit log prefixes them with `request.`.

use serde::{Deserialize, Serialize};

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

impl EventKind {
    pub const ALL: [EventKind; 14] = [
        EventKind::Submitted,
        EventKind::CodeSent,
        EventKind::Verified,
        EventKind::ExpiredUnverified,
        EventKind::StatusChanged,
        EventKind::Assigned,
        EventKind::Started,
        EventKind::AskedSubject,
        EventKind::SubjectAnswered,
        EventKind::Extended,
        EventKind::Completed,
        EventKind::Rejected,
        EventKind::Cancelled,
        EventKind::Message,
    ];

    /// The serialised name, also the message id's tail.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Submitted => "submitted",
            EventKind::CodeSent => "code_sent",
            EventKind::Verified => "verified",
            EventKind::ExpiredUnverified => "expired_unverified",
            EventKind::StatusChanged => "status_changed",
            EventKind::Assigned => "assigned",
            EventKind::Started => "started",
            EventKind::AskedSubject => "asked_subject",
            EventKind::SubjectAnswered => "subject_answered",
            EventKind::Extended => "extended",
            EventKind::Completed => "completed",
            EventKind::Rejected => "rejected",
            EventKind::Cancelled => "cancelled",
            EventKind::Message => "message",
        }
    }
}

impl EventKind {
    /// The event a stored name stands for.
    pub fn parse(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

impl TryFrom<String> for EventKind {
    type Error = String;

    fn try_from(name: String) -> Result<EventKind, String> {
        EventKind::parse(&name).ok_or_else(|| format!("unknown event {name:?}"))
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_reads_back_as_itself_and_nothing_else_reads() {
        for event in EventKind::ALL {
            assert_eq!(EventKind::parse(event.as_str()), Some(event));
            assert_eq!(EventKind::try_from(event.to_string()), Ok(event));
        }
        assert_eq!(EventKind::parse("deleted"), None);
        assert!(EventKind::try_from("".to_owned()).is_err());
    }
}
