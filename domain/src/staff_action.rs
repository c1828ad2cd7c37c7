//! What a staff member can do to a request, as the console's forms and the
//! service layer both speak it. The rules for each action are in
//! `lifecycle` (transitions) and the service (who may, what is recorded).

use super::error::{AppError, FieldErrorCode};
use super::lifecycle::{Action, Move};
use super::outcome::OutcomeForm;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffAction {
    /// Take the request, or hand it to a colleague of the same organisation,
    /// perhaps with a note for them (the team's, not the subject's).
    Assign {
        to: i64,
        note: Option<String>,
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

impl Move {
    /// The moves staff make through the console's action form (a
    /// completion has its own form, with files).
    pub const FORMS: [Move; 6] = [
        Move::Assign,
        Move::Start,
        Move::AskSubject,
        Move::Message,
        Move::Extend,
        Move::Reject,
    ];

    /// What the console's action form posts as `action` for this move.
    pub fn form_name(self) -> Option<&'static str> {
        Some(match self {
            Move::Assign => "assign",
            Move::Start => "start",
            Move::AskSubject => "ask",
            Move::Message => "message",
            Move::Extend => "extend",
            Move::Reject => "reject",
            _ => return None,
        })
    }

    pub fn from_form_name(name: &str) -> Option<Move> {
        Move::FORMS
            .into_iter()
            .find(|step| step.form_name() == Some(name))
    }
}

impl StaffAction {
    /// The action a console form asks for. Texts are checked by the service
    /// (required, length), numbers here.
    pub fn from_form(form: &ActionForm) -> Result<StaffAction, AppError> {
        let text = || form.text.clone().unwrap_or_default();
        let step = Move::from_form_name(&form.action)
            .ok_or_else(|| AppError::validation("action", FieldErrorCode::InvalidChoice))?;
        Ok(match step {
            Move::Assign => {
                let to = form.to.as_deref().and_then(|v| v.trim().parse().ok());
                StaffAction::Assign {
                    to: to
                        .ok_or_else(|| AppError::validation("to", FieldErrorCode::InvalidChoice))?,
                    note: form.text.clone().filter(|note| !note.trim().is_empty()),
                }
            }
            Move::Start => StaffAction::Start,
            Move::AskSubject => StaffAction::AskSubject { question: text() },
            Move::Extend => {
                let months = form.months.as_deref().and_then(|v| v.trim().parse().ok());
                StaffAction::Extend {
                    months: months.ok_or_else(|| {
                        AppError::validation("months", FieldErrorCode::InvalidChoice)
                    })?,
                    reason: text(),
                }
            }
            Move::Reject => StaffAction::Reject {
                reason: text(),
                legal_ground: form.legal_ground.clone().unwrap_or_default(),
            },
            Move::Message => StaffAction::Message { body: text() },
            // Not among `Move::FORMS`: no form name leads here.
            Move::Complete | Move::SubjectWrites | Move::CancelBySubject => {
                return Err(AppError::validation(
                    "action",
                    FieldErrorCode::InvalidChoice,
                ))
            }
        })
    }

    /// The lifecycle's action: what the rules decide on.
    pub fn action(&self) -> Action {
        match self {
            StaffAction::Assign { to, .. } => Action::Assign { to: *to },
            StaffAction::Start => Action::Start,
            StaffAction::AskSubject { .. } => Action::AskSubject,
            StaffAction::Extend { months, reason } => Action::Extend {
                months: *months,
                reason: reason.clone(),
            },
            StaffAction::Complete { .. } => Action::Complete,
            StaffAction::Reject {
                reason,
                legal_ground,
            } => Action::Reject {
                reason: reason.clone(),
                legal_ground: legal_ground.clone(),
            },
            StaffAction::Message { .. } => Action::Message,
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
        for step in Move::FORMS {
            let name = step.form_name().unwrap();
            assert_eq!(Move::from_form_name(name), Some(step));
        }
        assert_eq!(Move::Complete.form_name(), None);
        assert_eq!(
            StaffAction::from_form(&form("complete")),
            Err(AppError::validation(
                "action",
                FieldErrorCode::InvalidChoice
            )),
            "a completion comes through its own form"
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
