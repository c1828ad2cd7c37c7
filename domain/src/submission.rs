//! A new request as the service accepts it: every part parsed and checked,
//! with all problems reported together.

use super::{AppError, Details, Email, FieldError, Language, RequestKind, ValidDetails};

#[derive(Clone, Debug, PartialEq)]
pub struct Submission {
    pub org: String,
    pub kind: RequestKind,
    pub email: Email,
    pub language: Language,
    pub details: ValidDetails,
}

impl Submission {
    /// Parses raw input from a form or the API. An unknown kind is reported on
    /// its own (the form for it does not exist); field problems are collected.
    pub fn parse(
        org: &str,
        kind: &str,
        email: &str,
        language: Option<&str>,
        details: &Details,
    ) -> Result<Submission, AppError> {
        let kind: RequestKind = kind.parse().map_err(|_| AppError::UnknownKind)?;
        let mut fields: Vec<FieldError> = Vec::new();
        let email = Email::parse(email).map_err(|code| fields.push(FieldError::new("email", code)));
        let details = details
            .validate(kind)
            .map_err(|errors| fields.extend(errors));
        let language = match language.map(str::trim).filter(|l| !l.is_empty()) {
            None => Language::default(),
            Some(tag) => Language::parse(tag).unwrap_or_else(|| {
                fields.push(FieldError::new(
                    "language",
                    super::FieldErrorCode::InvalidChoice,
                ));
                Language::default()
            }),
        };
        match (email, details) {
            (Ok(email), Ok(details)) if fields.is_empty() => Ok(Submission {
                org: org.to_owned(),
                kind,
                email,
                language,
                details,
            }),
            _ => Err(AppError::Validation { fields }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FieldErrorCode;

    #[test]
    fn a_complete_submission_parses() {
        let s = Submission::parse(
            "demo",
            "access",
            "Ola@Example.no",
            Some("nb-NO"),
            &Details::default(),
        )
        .unwrap();
        assert_eq!(s.kind, RequestKind::Access);
        assert_eq!(s.email.as_str(), "ola@example.no");
        assert_eq!(s.language, Language::Nb);
    }

    #[test]
    fn every_field_problem_is_reported_at_once() {
        let details = Details {
            inaccurate: Some("x".into()),
            ..Default::default()
        };
        let err =
            Submission::parse("demo", "rectification", "nope", Some("xx"), &details).unwrap_err();
        assert_eq!(err.field_error("email"), Some(FieldErrorCode::InvalidEmail));
        assert_eq!(
            err.field_error("correction"),
            Some(FieldErrorCode::Required)
        );
        assert_eq!(
            err.field_error("language"),
            Some(FieldErrorCode::InvalidChoice)
        );
    }

    #[test]
    fn an_unknown_kind_is_its_own_error() {
        let err = Submission::parse("demo", "everything", "a@b.no", None, &Details::default())
            .unwrap_err();
        assert_eq!(err, AppError::UnknownKind);
    }
}
