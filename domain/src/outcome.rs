//! What was decided when a request is completed, per kind: the record staff
//! leave so that anyone reading the file later (the subject, an auditor, the
//! supervisory authority) sees what was done and on which ground.

use super::error::{AppError, FieldError, FieldErrorCode};
use super::kind::RequestKind;
use serde::{Deserialize, Serialize};

/// The exceptions to the right to erasure, GDPR Art. 17(3)(a)–(e).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErasureException {
    /// (a) freedom of expression and information.
    FreedomOfExpression,
    /// (b) a legal obligation (book-keeping, tax law, …).
    LegalObligation,
    /// (c) public interest in public health.
    PublicHealth,
    /// (d) archiving, research or statistics in the public interest.
    Archiving,
    /// (e) establishing, exercising or defending legal claims.
    LegalClaims,
}

impl ErasureException {
    pub const ALL: [ErasureException; 5] = [
        ErasureException::FreedomOfExpression,
        ErasureException::LegalObligation,
        ErasureException::PublicHealth,
        ErasureException::Archiving,
        ErasureException::LegalClaims,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErasureException::FreedomOfExpression => "freedom_of_expression",
            ErasureException::LegalObligation => "legal_obligation",
            ErasureException::PublicHealth => "public_health",
            ErasureException::Archiving => "archiving",
            ErasureException::LegalClaims => "legal_claims",
        }
    }

    pub fn parse(raw: &str) -> Option<ErasureException> {
        ErasureException::ALL
            .into_iter()
            .find(|e| e.as_str() == raw)
    }
}

/// The kind-specific part of a completion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outcome {
    /// Access, portability, automated decision: the answer (and its
    /// attachments) is the outcome.
    Answered,
    /// Rectification: the data was corrected as asked.
    Rectified,
    /// Erasure: what was erased, and what was kept under which exception.
    Erased {
        exceptions: Vec<ErasureException>,
        retained: Option<String>,
    },
    /// Restriction: whether processing is now restricted.
    Restriction { applied: bool },
    /// Objection: upheld (processing stopped) or overridden by compelling
    /// legitimate grounds (Art. 21(1)), which the response must explain.
    Objection { upheld: bool },
    /// Art. 22(3): a person reviewed the automated decision: who, what
    /// they considered, and whether the decision stands or was changed.
    Reviewed {
        reviewer: String,
        considered: String,
        upheld: bool,
    },
    /// Marketing opt-out and consent withdrawal: carried out at once on
    /// verification, without staff work.
    TookEffect,
}

/// The outcome fields of the completion form, as they arrive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeForm {
    /// Erasure exceptions applied, by their `as_str` names.
    #[serde(default)]
    pub exceptions: Vec<String>,
    /// Erasure: what was kept and why, required when an exception applies.
    #[serde(default)]
    pub retained: Option<String>,
    /// Restriction and objection: "yes" or "no"; a reviewed automated
    /// decision: "upheld" or "changed".
    #[serde(default)]
    pub decision: Option<String>,
    /// A reviewed automated decision: the person who reviewed it.
    #[serde(default)]
    pub reviewer: Option<String>,
    /// A reviewed automated decision: what they considered.
    #[serde(default)]
    pub considered: Option<String>,
}

impl Outcome {
    /// Parses the completion form for a request of `kind`.
    pub fn parse(kind: RequestKind, form: &OutcomeForm) -> Result<Outcome, AppError> {
        let invalid = |field: &str, code| AppError::Validation {
            fields: vec![FieldError::new(field, code)],
        };
        let yes_no = |field: &str| match form.decision.as_deref().map(str::trim) {
            Some("yes") => Ok(true),
            Some("no") => Ok(false),
            Some("") | None => Err(invalid(field, FieldErrorCode::Required)),
            Some(_) => Err(invalid(field, FieldErrorCode::InvalidChoice)),
        };
        match kind {
            RequestKind::Access | RequestKind::Portability => Ok(Outcome::Answered),
            RequestKind::AutomatedDecision => {
                let text = |field: &str, value: &Option<String>| {
                    value
                        .as_deref()
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .ok_or_else(|| invalid(field, FieldErrorCode::Required))
                };
                let (reviewer, considered) = (
                    text("reviewer", &form.reviewer)?,
                    text("considered", &form.considered)?,
                );
                let upheld = match form.decision.as_deref().map(str::trim) {
                    Some("upheld") => true,
                    Some("changed") => false,
                    Some("") | None => return Err(invalid("decision", FieldErrorCode::Required)),
                    Some(_) => return Err(invalid("decision", FieldErrorCode::InvalidChoice)),
                };
                Ok(Outcome::Reviewed {
                    reviewer,
                    considered,
                    upheld,
                })
            }
            RequestKind::Rectification => Ok(Outcome::Rectified),
            RequestKind::Erasure => {
                let mut exceptions = Vec::new();
                for raw in &form.exceptions {
                    let exception = ErasureException::parse(raw)
                        .ok_or_else(|| invalid("exceptions", FieldErrorCode::InvalidChoice))?;
                    if !exceptions.contains(&exception) {
                        exceptions.push(exception);
                    }
                }
                let retained = form
                    .retained
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned);
                if !exceptions.is_empty() && retained.is_none() {
                    // An exception must say what it was applied to.
                    return Err(invalid("retained", FieldErrorCode::Required));
                }
                if exceptions.is_empty() && retained.is_some() {
                    return Err(invalid("exceptions", FieldErrorCode::Required));
                }
                Ok(Outcome::Erased {
                    exceptions,
                    retained,
                })
            }
            RequestKind::Restriction => Ok(Outcome::Restriction {
                applied: yes_no("decision")?,
            }),
            RequestKind::Objection => Ok(Outcome::Objection {
                upheld: yes_no("decision")?,
            }),
            RequestKind::MarketingOptOut | RequestKind::WithdrawConsent => Ok(Outcome::TookEffect),
        }
    }
}

impl RequestKind {
    /// Kinds carried out at once on verification, with no staff work: the
    /// subject only says "stop", and stopping needs no judgement.
    pub fn takes_effect_at_once(self) -> bool {
        matches!(
            self,
            RequestKind::MarketingOptOut | RequestKind::WithdrawConsent
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(exceptions: &[&str], retained: Option<&str>, decision: Option<&str>) -> OutcomeForm {
        OutcomeForm {
            exceptions: exceptions.iter().map(|s| s.to_string()).collect(),
            retained: retained.map(str::to_owned),
            decision: decision.map(str::to_owned),
            ..OutcomeForm::default()
        }
    }

    #[test]
    fn art_22_3_a_review_records_who_what_and_the_outcome() {
        let review = |reviewer: Option<&str>, considered: Option<&str>, decision: Option<&str>| {
            Outcome::parse(
                RequestKind::AutomatedDecision,
                &OutcomeForm {
                    reviewer: reviewer.map(str::to_owned),
                    considered: considered.map(str::to_owned),
                    decision: decision.map(str::to_owned),
                    ..OutcomeForm::default()
                },
            )
        };
        assert_eq!(
            review(
                Some(" Ingrid Solberg "),
                Some("The payment history"),
                Some("changed")
            )
            .unwrap(),
            Outcome::Reviewed {
                reviewer: "Ingrid Solberg".into(),
                considered: "The payment history".into(),
                upheld: false
            }
        );
        assert_eq!(
            field_of(review(None, Some("x"), Some("upheld")).unwrap_err()),
            "reviewer"
        );
        assert_eq!(
            field_of(review(Some("I"), Some(" "), Some("upheld")).unwrap_err()),
            "considered"
        );
        assert_eq!(
            field_of(review(Some("I"), Some("x"), Some("yes")).unwrap_err()),
            "decision"
        );
    }

    fn field_of(error: AppError) -> String {
        match error {
            AppError::Validation { fields } => fields[0].field.clone(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn an_erasure_exception_must_say_what_it_was_applied_to() {
        let full = Outcome::parse(RequestKind::Erasure, &form(&[], None, None)).unwrap();
        assert_eq!(
            full,
            Outcome::Erased {
                exceptions: vec![],
                retained: None
            }
        );
        let kept = Outcome::parse(
            RequestKind::Erasure,
            &form(&["legal_obligation"], Some("Invoices, 5 years"), None),
        )
        .unwrap();
        assert_eq!(
            kept,
            Outcome::Erased {
                exceptions: vec![ErasureException::LegalObligation],
                retained: Some("Invoices, 5 years".into())
            }
        );
        assert_eq!(
            field_of(
                Outcome::parse(
                    RequestKind::Erasure,
                    &form(&["legal_claims"], Some("  "), None)
                )
                .unwrap_err()
            ),
            "retained"
        );
        assert_eq!(
            field_of(
                Outcome::parse(RequestKind::Erasure, &form(&[], Some("Invoices"), None))
                    .unwrap_err()
            ),
            "exceptions"
        );
        assert_eq!(
            field_of(
                Outcome::parse(RequestKind::Erasure, &form(&["because"], Some("x"), None))
                    .unwrap_err()
            ),
            "exceptions"
        );
    }

    #[test]
    fn restriction_and_objection_record_their_decision() {
        assert_eq!(
            Outcome::parse(RequestKind::Restriction, &form(&[], None, Some("yes"))).unwrap(),
            Outcome::Restriction { applied: true }
        );
        assert_eq!(
            Outcome::parse(RequestKind::Objection, &form(&[], None, Some("no"))).unwrap(),
            Outcome::Objection { upheld: false }
        );
        assert_eq!(
            field_of(Outcome::parse(RequestKind::Objection, &form(&[], None, None)).unwrap_err()),
            "decision"
        );
        assert_eq!(
            field_of(
                Outcome::parse(RequestKind::Restriction, &form(&[], None, Some("maybe")))
                    .unwrap_err()
            ),
            "decision"
        );
    }

    #[test]
    fn only_opt_outs_and_withdrawals_take_effect_without_staff() {
        let automatic: Vec<_> = RequestKind::ALL
            .into_iter()
            .filter(|k| k.takes_effect_at_once())
            .collect();
        assert_eq!(
            automatic,
            vec![RequestKind::MarketingOptOut, RequestKind::WithdrawConsent]
        );
        assert_eq!(
            Outcome::parse(RequestKind::Access, &OutcomeForm::default()).unwrap(),
            Outcome::Answered
        );
    }
}
