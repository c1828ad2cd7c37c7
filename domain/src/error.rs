//! The one error vocabulary of the portal. Each variant has a stable `code`
//! (part of the API contract) and an HTTP status; the words a person reads are
//! chosen by the view in their language (`crate::i18n`), never here.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    Required,
    TooShort,
    TooLong,
    InvalidEmail,
    InvalidChoice,
    NotApplicable,
}

impl FieldErrorCode {
    pub const ALL: [FieldErrorCode; 6] = [
        FieldErrorCode::Required,
        FieldErrorCode::TooShort,
        FieldErrorCode::TooLong,
        FieldErrorCode::InvalidEmail,
        FieldErrorCode::InvalidChoice,
        FieldErrorCode::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldErrorCode::Required => "required",
            FieldErrorCode::TooShort => "too_short",
            FieldErrorCode::TooLong => "too_long",
            FieldErrorCode::InvalidEmail => "invalid_email",
            FieldErrorCode::InvalidChoice => "invalid_choice",
            FieldErrorCode::NotApplicable => "not_applicable",
        }
    }
}

impl std::fmt::Display for FieldErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: FieldErrorCode,
}

impl FieldError {
    pub fn new(field: &str, code: FieldErrorCode) -> FieldError {
        FieldError {
            field: field.to_owned(),
            code,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    /// One or more fields are wrong; each carries its own code.
    #[error("validation failed")]
    Validation { fields: Vec<FieldError> },
    #[error("unknown organisation")]
    UnknownOrganisation,
    #[error("unknown request kind")]
    UnknownKind,
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthenticated,
    /// Staff login failed; the same whether the account exists or not.
    #[error("login failed")]
    LoginFailed,
    /// The right password, but one an admin chose (before invitations):
    /// its owner chooses their own through a mailed link first.
    #[error("a new password is needed")]
    PasswordResetRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("wrong code")]
    CodeInvalid { attempts_left: u8 },
    #[error("code expired")]
    CodeExpired,
    #[error("too many wrong attempts")]
    CodeBurned,
    #[error("daily code limit reached")]
    CodeLimit,
    #[error("link invalid or expired")]
    LinkInvalid,
    /// The request's lifecycle does not allow this action now.
    #[error("action refused: {reason}")]
    TransitionRefused { reason: crate::TransitionError },
    #[error("request expired before verification")]
    RequestExpired,
    /// The export package's download period is over.
    #[error("export expired")]
    ExportExpired,
    /// An `Idempotency-Key` sent again with a different request.
    #[error("idempotency key reused for a different request")]
    IdempotencyConflict,
    #[error("malformed request body")]
    MalformedBody,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("too many requests")]
    RateLimited,
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
    /// The browser could not reach the server (client side only).
    #[error("network error")]
    Network,
}

impl AppError {
    pub fn validation(field: &str, code: FieldErrorCode) -> AppError {
        AppError::Validation {
            fields: vec![FieldError::new(field, code)],
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation { .. } => "validation",
            AppError::UnknownOrganisation => "unknown_organisation",
            AppError::UnknownKind => "unknown_kind",
            AppError::NotFound => "not_found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::LoginFailed => "login_failed",
            AppError::PasswordResetRequired => "password_reset_required",
            AppError::Forbidden => "forbidden",
            AppError::CodeInvalid { .. } => "code_invalid",
            AppError::CodeExpired => "code_expired",
            AppError::CodeBurned => "code_burned",
            AppError::CodeLimit => "code_limit",
            AppError::LinkInvalid => "link_invalid",
            AppError::TransitionRefused { .. } => "transition_refused",
            AppError::RequestExpired => "request_expired",
            AppError::ExportExpired => "export_expired",
            AppError::IdempotencyConflict => "idempotency_conflict",
            AppError::MalformedBody => "malformed_body",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::RateLimited => "rate_limited",
            AppError::Unavailable => "unavailable",
            AppError::Internal => "internal",
            AppError::Network => "network",
        }
    }

    pub fn http_status(&self) -> u16 {
        match self {
            AppError::Validation { .. } | AppError::UnknownKind => 422,
            AppError::CodeInvalid { .. } | AppError::CodeExpired | AppError::CodeBurned => 422,
            AppError::LinkInvalid => 422,
            AppError::TransitionRefused { .. } | AppError::IdempotencyConflict => 409,
            AppError::UnknownOrganisation | AppError::NotFound => 404,
            AppError::Unauthenticated | AppError::LoginFailed | AppError::PasswordResetRequired => {
                401
            }
            AppError::Forbidden => 403,
            AppError::CodeLimit | AppError::RateLimited => 429,
            AppError::RequestExpired | AppError::ExportExpired => 410,
            AppError::MalformedBody => 400,
            AppError::PayloadTooLarge => 413,
            AppError::Unavailable | AppError::Network => 503,
            AppError::Internal => 500,
        }
    }

    /// The field errors, when this is a validation failure.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            AppError::Validation { fields } => fields,
            _ => &[],
        }
    }

    pub fn field_error(&self, field: &str) -> Option<FieldErrorCode> {
        self.field_errors()
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.code)
    }
}

// Lets server functions return `AppError` directly: transport failures are
// folded into the same vocabulary, so views handle one type.
impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            E::Request(_) | E::Response(_) => AppError::Network,
            E::Args(_) | E::MissingArg(_) | E::Deserialization(_) => AppError::MalformedBody,
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_mistakes_are_4xx_and_only_internal_faults_are_5xx() {
        let all = [
            AppError::validation("email", FieldErrorCode::InvalidEmail),
            AppError::UnknownOrganisation,
            AppError::UnknownKind,
            AppError::NotFound,
            AppError::Unauthenticated,
            AppError::LoginFailed,
            AppError::PasswordResetRequired,
            AppError::Forbidden,
            AppError::CodeInvalid { attempts_left: 3 },
            AppError::CodeExpired,
            AppError::CodeBurned,
            AppError::CodeLimit,
            AppError::LinkInvalid,
            AppError::TransitionRefused {
                reason: crate::TransitionError::AlreadyExtended,
            },
            AppError::RequestExpired,
            AppError::ExportExpired,
            AppError::MalformedBody,
            AppError::PayloadTooLarge,
            AppError::RateLimited,
            AppError::IdempotencyConflict,
        ];
        for error in all {
            assert!(
                (400..500).contains(&error.http_status()),
                "{}",
                error.code()
            );
        }
        assert_eq!(AppError::Internal.http_status(), 500);
    }

    #[test]
    fn errors_serialise_with_their_stable_code() {
        let json = serde_json::to_value(AppError::CodeInvalid { attempts_left: 2 }).unwrap();
        assert_eq!(json["code"], "code_invalid");
        assert_eq!(json["attempts_left"], 2);
    }
}
