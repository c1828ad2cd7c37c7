//! What a staff member can do to a request, as the console's forms and the
//! service layer both speak it. The rules for each action are in
//! `lifecycle` (transitions) and the service (who may, what is recorded).

use super::error::{AppError, FieldErrorCode};
use super::event::EventKind;
use super::outcome::OutcomeForm;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffAction {
    /// Take the request, or hand it to a colleague of the same organisation.
    Assign {
        to: i64,
    },
    Start,
    /// Ask the subject something; the question is sent as a message.
    AskSubject {
        question: String,
    },
    Extend {
        months: u8,
        reason: String,
    },
    /// Answer the request; the response is sent as a message, the outcome
    /// fields are parsed for the request's kind.
    Complete {
        response: String,
        outcome: OutcomeForm,
    },
    /// Refuse it (Art. 12(4)): the subject is told why, on which legal
    /// ground, and of their right to complain to the supervisory authority.
    Reject {
        reason: String,
        legal_ground: String,
    },
    /// Write to the subject without changing anything else.
    Message {
        body: String,
    },
}

/// The fields of the console's action forms, as they arrive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionForm {
    pub action: String,
    pub to: Option<String>,
    pub text: Option<String>,
    pub months: Option<String>,
    pub legal_ground: Option<String>,
}

impl StaffAction {
    /// The action a console form asks for. Texts are checked by the service
    /// (required, length), numbers here.
    pub fn from_form(form: &ActionForm) -> Result<StaffAction, AppError> {
        let text = || form.text.clone().unwrap_or_default();
        Ok(match form.action.as_str() {
            "assign" => {
                let to = form.to.as_deref().and_then(|v| v.trim().parse().ok());
                StaffAction::Assign {
                    to: to
                        .ok_or_else(|| AppError::validation("to", FieldErrorCode::InvalidChoice))?,
                }
            }
            "start" => StaffAction::Start,
            "ask" => StaffAction::AskSubject { question: text() },
            "extend" => {
                let months = form.months.as_deref().and_then(|v| v.trim().parse().ok());
                StaffAction::Extend {
                    months: months.ok_or_else(|| {
                        AppError::validation("months", FieldErrorCode::InvalidChoice)
                    })?,
                    reason: text(),
                }
            }
            "reject" => StaffAction::Reject {
                reason: text(),
                legal_ground: form.legal_ground.clone().unwrap_or_default(),
            },
            "message" => StaffAction::Message { body: text() },
            _ => {
                return Err(AppError::validation(
                    "action",
                    FieldErrorCode::InvalidChoice,
                ))
            }
        })
    }

    /// The event recorded in the history and the audit log.
    pub fn event(&self) -> EventKind {
        match self {
            StaffAction::Assign { .. } => EventKind::Assigned,
            StaffAction::Start => EventKind::Started,
            StaffAction::AskSubject { .. } => EventKind::AskedSubject,
            StaffAction::Extend { .. } => EventKind::Extended,
            StaffAction::Complete { .. } => EventKind::Completed,
            StaffAction::Reject { .. } => EventKind::Rejected,
            StaffAction::Message { .. } => EventKind::Message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(action: &str) -> ActionForm {
        ActionForm {
            action: action.into(),
            ..ActionForm::default()
        }
    }

    #[test]
    fn console_forms_become_actions_and_bad_numbers_are_refused() {
        assert_eq!(
            StaffAction::from_form(&form("start")).unwrap(),
            StaffAction::Start
        );
        let extend = ActionForm {
            months: Some("2".into()),
            text: Some("Many systems".into()),
            ..form("extend")
        };
        assert_eq!(
            StaffAction::from_form(&extend).unwrap(),
            StaffAction::Extend {
                months: 2,
                reason: "Many systems".into()
            }
        );
        let bad = ActionForm {
            months: Some("two".into()),
            ..form("extend")
        };
        assert_eq!(
            StaffAction::from_form(&bad),
            Err(AppError::validation(
                "months",
                FieldErrorCode::InvalidChoice
            ))
        );
        let assign = ActionForm {
            to: Some("x".into()),
            ..form("assign")
        };
        assert_eq!(
            StaffAction::from_form(&assign),
            Err(AppError::validation("to", FieldErrorCode::InvalidChoice))
        );
        assert_eq!(
            StaffAction::from_form(&form("delete")),
            Err(AppError::validation(
                "action",
                FieldErrorCode::InvalidChoice
            ))
        );
    }
}
