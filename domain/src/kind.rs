//! The rights a data subject can exercise, one request kind per right.

use super::details::Field;
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    Access,
    Rectification,
    Erasure,
    Restriction,
    Portability,
    Objection,
    AutomatedDecision,
    MarketingOptOut,
    WithdrawConsent,
}

impl RequestKind {
    pub const ALL: [RequestKind; 9] = [
        RequestKind::Access,
        RequestKind::Rectification,
        RequestKind::Erasure,
        RequestKind::Restriction,
        RequestKind::Portability,
        RequestKind::Objection,
        RequestKind::AutomatedDecision,
        RequestKind::MarketingOptOut,
        RequestKind::WithdrawConsent,
    ];

    /// Whether the answer is an export package of the subject's data
    /// (Art. 15(3) and Art. 20).
    pub fn exportable(self) -> bool {
        matches!(self, RequestKind::Access | RequestKind::Portability)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Access => "access",
            RequestKind::Rectification => "rectification",
            RequestKind::Erasure => "erasure",
            RequestKind::Restriction => "restriction",
            RequestKind::Portability => "portability",
            RequestKind::Objection => "objection",
            RequestKind::AutomatedDecision => "automated_decision",
            RequestKind::MarketingOptOut => "marketing_opt_out",
            RequestKind::WithdrawConsent => "withdraw_consent",
        }
    }

    /// The kind as privacy staff name it (the console and staff mail
    /// speak English and the GDPR's words): "Erasure (Art. 17)".
    pub fn staff_name(self) -> String {
        let name = match self {
            RequestKind::Access => "Access",
            RequestKind::Rectification => "Rectification",
            RequestKind::Erasure => "Erasure",
            RequestKind::Restriction => "Restriction",
            RequestKind::Portability => "Portability",
            RequestKind::Objection => "Objection",
            RequestKind::AutomatedDecision => "Automated decision",
            RequestKind::MarketingOptOut => "Marketing opt-out",
            RequestKind::WithdrawConsent => "Consent withdrawal",
        };
        match self.article() {
            Some(article) => format!("{name} (Art. {article})"),
            None => name.to_owned(),
        }
    }

    /// The GDPR article that grants the right, when there is one.
    pub fn article(self) -> Option<&'static str> {
        match self {
            RequestKind::Access => Some("15"),
            RequestKind::Rectification => Some("16"),
            RequestKind::Erasure => Some("17"),
            RequestKind::Restriction => Some("18"),
            RequestKind::Portability => Some("20"),
            RequestKind::Objection => Some("21"),
            RequestKind::AutomatedDecision => Some("22"),
            RequestKind::MarketingOptOut => Some("21(3)"),
            RequestKind::WithdrawConsent => Some("7(3)"),
        }
    }

    /// What the form for this kind asks, and whether each answer is required.
    /// Each kind asks only what it needs.
    pub fn fields(self) -> &'static [(Field, bool)] {
        match self {
            RequestKind::Access | RequestKind::Portability => &[(Field::Description, false)],
            RequestKind::Rectification => &[(Field::Inaccurate, true), (Field::Correction, true)],
            RequestKind::Erasure => &[(Field::ErasureScope, true), (Field::Description, false)],
            RequestKind::Restriction | RequestKind::Objection => &[(Field::Grounds, true)],
            RequestKind::AutomatedDecision => &[(Field::Decision, true)],
            RequestKind::MarketingOptOut => &[],
            RequestKind::WithdrawConsent => &[(Field::Purpose, true)],
        }
    }
}

impl fmt::Display for RequestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKind;

impl TryFrom<String> for RequestKind {
    type Error = String;

    fn try_from(name: String) -> Result<RequestKind, String> {
        name.parse().map_err(|_| format!("unknown kind {name:?}"))
    }
}

impl FromStr for RequestKind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RequestKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or(UnknownKind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_wire_name() {
        for kind in RequestKind::ALL {
            assert_eq!(kind.as_str().parse::<RequestKind>(), Ok(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{kind}\""));
        }
    }

    #[test]
    fn unknown_kinds_are_refused() {
        assert_eq!("delete_everything".parse::<RequestKind>(), Err(UnknownKind));
        assert_eq!("Access".parse::<RequestKind>(), Err(UnknownKind));
    }

    #[test]
    fn rectification_asks_what_is_wrong_and_what_is_right() {
        let fields = RequestKind::Rectification.fields();
        assert!(fields.contains(&(Field::Inaccurate, true)));
        assert!(fields.contains(&(Field::Correction, true)));
    }
}
