//! What an organisation's systems can be told by webhook (`[[webhooks]]`
//! in `org.toml`), named as the payload's `type` says it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WebhookEvent {
    /// A request was verified: its deadline runs from now.
    #[serde(rename = "request.received")]
    RequestReceived,
    /// A request moved from one status to another.
    #[serde(rename = "request.status_changed")]
    RequestStatusChanged,
    /// A request was answered (also said as a status change).
    #[serde(rename = "request.completed")]
    RequestCompleted,
    /// The subject wrote to the team.
    #[serde(rename = "request.message_from_subject")]
    RequestMessageFromSubject,
    /// A marketing opt-out or consent withdrawal request took effect: the
    /// address and purpose, for the mailing system to stop at once.
    #[serde(rename = "optout.recorded")]
    OptoutRecorded,
    /// A subject gave or withdrew a consent (their Choices page, a Global
    /// Privacy Control signal, a one-click unsubscribe).
    #[serde(rename = "consent.changed")]
    ConsentChanged,
    /// An open request is due within seven days (said once per request).
    #[serde(rename = "request.due_soon")]
    RequestDueSoon,
    /// An open request passed its deadline (said once per request).
    #[serde(rename = "request.overdue")]
    RequestOverdue,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 8] = [
        WebhookEvent::RequestReceived,
        WebhookEvent::RequestStatusChanged,
        WebhookEvent::RequestCompleted,
        WebhookEvent::RequestMessageFromSubject,
        WebhookEvent::OptoutRecorded,
        WebhookEvent::ConsentChanged,
        WebhookEvent::RequestDueSoon,
        WebhookEvent::RequestOverdue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::RequestReceived => "request.received",
            WebhookEvent::RequestStatusChanged => "request.status_changed",
            WebhookEvent::RequestCompleted => "request.completed",
            WebhookEvent::RequestMessageFromSubject => "request.message_from_subject",
            WebhookEvent::OptoutRecorded => "optout.recorded",
            WebhookEvent::ConsentChanged => "consent.changed",
            WebhookEvent::RequestDueSoon => "request.due_soon",
            WebhookEvent::RequestOverdue => "request.overdue",
        }
    }

    pub fn parse(name: &str) -> Option<WebhookEvent> {
        WebhookEvent::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

impl TryFrom<String> for WebhookEvent {
    type Error = String;

    fn try_from(name: String) -> Result<WebhookEvent, String> {
        WebhookEvent::parse(&name).ok_or_else(|| format!("unknown webhook event {name:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_what_the_payload_says() {
        for event in WebhookEvent::ALL {
            let said = serde_json::to_value(event).unwrap();
            assert_eq!(said, event.as_str());
            assert_eq!(WebhookEvent::parse(event.as_str()), Some(event));
        }
        assert_eq!(WebhookEvent::parse("request.deleted"), None);
    }
}
