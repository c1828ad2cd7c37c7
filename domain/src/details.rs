//! What a subject tells us about their request, validated per kind: each kind
//! asks only what it needs, and answers to questions a kind does not ask are
//! refused rather than silently stored.

use super::error::{FieldError, FieldErrorCode};
use super::kind::RequestKind;
use serde::{Deserialize, Serialize};

/// Longest free-text answer, in characters.
pub const MAX_DETAIL_CHARS: usize = 10_000;

/// A question a request form can ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Free text: anything that helps us find the data (access, portability, erasure).
    Description,
    /// Rectification: what is wrong.
    Inaccurate,
    /// Rectification: what is right.
    Correction,
    /// Erasure: everything, or only some data.
    ErasureScope,
    /// Restriction and objection: why.
    Grounds,
    /// Automated decision: which decision.
    Decision,
    /// Consent withdrawal: for which purpose.
    Purpose,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Description => "description",
            Field::Inaccurate => "inaccurate",
            Field::Correction => "correction",
            Field::ErasureScope => "erasure_scope",
            Field::Grounds => "grounds",
            Field::Decision => "decision",
            Field::Purpose => "purpose",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErasureScope {
    /// Erase everything the organisation holds about me.
    All,
    /// Erase only what I describe.
    Specific,
}

impl ErasureScope {
    pub fn parse(raw: &str) -> Option<ErasureScope> {
        match raw {
            "all" => Some(ErasureScope::All),
            "specific" => Some(ErasureScope::Specific),
            _ => None,
        }
    }
}

/// The answers as they arrive from a form or the API: all optional text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Details {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub inaccurate: Option<String>,
    #[serde(default)]
    pub correction: Option<String>,
    #[serde(default)]
    pub erasure_scope: Option<String>,
    #[serde(default)]
    pub grounds: Option<String>,
    #[serde(default)]
    pub decision: Option<String>,
    #[serde(default)]
    pub purpose: Option<String>,
}

/// Answers that passed validation for one kind. Only the fields the kind asks
/// can be set; blank answers are absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inaccurate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erasure_scope: Option<ErasureScope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grounds: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

impl ValidDetails {
    /// The answer given to `field`, as stored (an erasure's scope by its name).
    pub fn answer(&self, field: Field) -> Option<&str> {
        match field {
            Field::Description => self.description.as_deref(),
            Field::Inaccurate => self.inaccurate.as_deref(),
            Field::Correction => self.correction.as_deref(),
            Field::ErasureScope => self.erasure_scope.map(|s| match s {
                ErasureScope::All => "all",
                ErasureScope::Specific => "specific",
            }),
            Field::Grounds => self.grounds.as_deref(),
            Field::Decision => self.decision.as_deref(),
            Field::Purpose => self.purpose.as_deref(),
        }
    }
}

impl Details {
    fn answer(&self, field: Field) -> Option<&str> {
        let value = match field {
            Field::Description => &self.description,
            Field::Inaccurate => &self.inaccurate,
            Field::Correction => &self.correction,
            Field::ErasureScope => &self.erasure_scope,
            Field::Grounds => &self.grounds,
            Field::Decision => &self.decision,
            Field::Purpose => &self.purpose,
        };
        value.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }

    /// Checks the answers against what `kind` asks. Returns every problem at
    /// once so a form can mark all wrong fields in one round trip.
    pub fn validate(&self, kind: RequestKind) -> Result<ValidDetails, Vec<FieldError>> {
        const ALL_FIELDS: [Field; 7] = [
            Field::Description,
            Field::Inaccurate,
            Field::Correction,
            Field::ErasureScope,
            Field::Grounds,
            Field::Decision,
            Field::Purpose,
        ];
        let asked = kind.fields();
        let mut errors = Vec::new();
        let mut valid = ValidDetails::default();
        for field in ALL_FIELDS {
            let required = asked.iter().find(|(f, _)| *f == field).map(|(_, r)| *r);
            let answer = self.answer(field);
            let Some(required) = required else {
                if answer.is_some() {
                    errors.push(FieldError::new(field.name(), FieldErrorCode::NotApplicable));
                }
                continue;
            };
            let Some(text) = answer else {
                if required {
                    errors.push(FieldError::new(field.name(), FieldErrorCode::Required));
                }
                continue;
            };
            if text.chars().count() > MAX_DETAIL_CHARS {
                errors.push(FieldError::new(field.name(), FieldErrorCode::TooLong));
                continue;
            }
            let text = text.to_owned();
            match field {
                Field::Description => valid.description = Some(text),
                Field::Inaccurate => valid.inaccurate = Some(text),
                Field::Correction => valid.correction = Some(text),
                Field::Grounds => valid.grounds = Some(text),
                Field::Decision => valid.decision = Some(text),
                Field::Purpose => valid.purpose = Some(text),
                Field::ErasureScope => match ErasureScope::parse(&text) {
                    Some(scope) => valid.erasure_scope = Some(scope),
                    None => {
                        errors.push(FieldError::new(field.name(), FieldErrorCode::InvalidChoice))
                    }
                },
            }
        }
        // Erasing "only some data" means nothing until the subject says which.
        if valid.erasure_scope == Some(ErasureScope::Specific) && valid.description.is_none() {
            errors.push(FieldError::new(
                Field::Description.name(),
                FieldErrorCode::Required,
            ));
        }
        if errors.is_empty() {
            Ok(valid)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(result: Result<ValidDetails, Vec<FieldError>>) -> Vec<(String, FieldErrorCode)> {
        result
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn an_access_request_needs_nothing_more() {
        assert_eq!(
            Details::default().validate(RequestKind::Access),
            Ok(ValidDetails::default())
        );
    }

    #[test]
    fn rectification_requires_both_what_is_wrong_and_what_is_right() {
        let details = Details {
            inaccurate: Some("Address: Storgata 1".into()),
            ..Default::default()
        };
        assert_eq!(
            codes(details.validate(RequestKind::Rectification)),
            vec![("correction".into(), FieldErrorCode::Required)]
        );
    }

    #[test]
    fn blank_answers_count_as_missing() {
        let details = Details {
            grounds: Some("   \n".into()),
            ..Default::default()
        };
        assert_eq!(
            codes(details.validate(RequestKind::Objection)),
            vec![("grounds".into(), FieldErrorCode::Required)]
        );
    }

    #[test]
    fn answers_to_questions_the_kind_does_not_ask_are_refused() {
        let details = Details {
            grounds: Some("because".into()),
            ..Default::default()
        };
        assert_eq!(
            codes(details.validate(RequestKind::Access)),
            vec![("grounds".into(), FieldErrorCode::NotApplicable)]
        );
    }

    #[test]
    fn answers_over_ten_thousand_characters_are_too_long() {
        let exactly = Details {
            description: Some("é".repeat(MAX_DETAIL_CHARS)),
            ..Default::default()
        };
        assert!(exactly.validate(RequestKind::Access).is_ok());
        let over = Details {
            description: Some("é".repeat(MAX_DETAIL_CHARS + 1)),
            ..Default::default()
        };
        assert_eq!(
            codes(over.validate(RequestKind::Access)),
            vec![("description".into(), FieldErrorCode::TooLong)]
        );
    }

    #[test]
    fn erasure_of_specific_data_must_say_which() {
        let vague = Details {
            erasure_scope: Some("specific".into()),
            ..Default::default()
        };
        assert_eq!(
            codes(vague.validate(RequestKind::Erasure)),
            vec![("description".into(), FieldErrorCode::Required)]
        );
        let all = Details {
            erasure_scope: Some("all".into()),
            ..Default::default()
        };
        assert_eq!(
            all.validate(RequestKind::Erasure).unwrap().erasure_scope,
            Some(ErasureScope::All)
        );
        let odd = Details {
            erasure_scope: Some("some".into()),
            ..Default::default()
        };
        assert_eq!(
            codes(odd.validate(RequestKind::Erasure)),
            vec![("erasure_scope".into(), FieldErrorCode::InvalidChoice)]
        );
    }

    #[test]
    fn answers_are_trimmed() {
        let details = Details {
            purpose: Some("  newsletter \n".into()),
            ..Default::default()
        };
        assert_eq!(
            details
                .validate(RequestKind::WithdrawConsent)
                .unwrap()
                .purpose
                .as_deref(),
            Some("newsletter")
        );
    }
}
