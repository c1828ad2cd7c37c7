//! The one mapping from `AppError` to an HTTP response: the status the error
//! documents and `{error: {code, message}}` (plus field errors). Messages
//! are the interface's English wording; internals are never included.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use domain::i18n;
use domain::{AppError, Language};
use serde::Serialize;
use utoipa::ToSchema;

pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `validation`, `code_invalid`, `not_found`.
    pub code: String,
    /// A human-readable explanation.
    pub message: String,
    /// Per-field problems of a `validation` error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    /// `required`, `too_long`, `invalid_email`, `invalid_choice` or `not_applicable`.
    pub code: String,
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = self.0;
        let status =
            StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            error: ErrorDetail {
                code: error.code().to_owned(),
                message: i18n::error_message(Language::En, &error),
                fields: error
                    .field_errors()
                    .iter()
                    .map(|f| FieldProblem {
                        field: f.field.clone(),
                        code: f.code.as_str().to_owned(),
                        message: i18n::field_error(Language::En, f.code),
                    })
                    .collect(),
            },
        };
        (status, Json(body)).into_response()
    }
}
