//! Database rows. They never leave the server: the service converts them into
//! domain types and views.

use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub reference: String,
    pub org: String,
    pub kind: String,
    pub email: String,
    pub language: String,
    pub details: String,
    pub status: String,
    pub tracking_key_hash: String,
    pub created_at: i64,
    pub verified_at: Option<i64>,
    pub due_date: Option<String>,
    pub assignee_id: Option<i64>,
    pub extended: bool,
    pub executed: bool,
}

impl RequestRow {
    pub const SELECT: &'static str = "SELECT id, reference, org, kind, email, language, details, status, \
        tracking_key_hash, created_at, verified_at, due_date, assignee_id, extended, executed FROM requests";
}

#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    pub request_id: i64,
    pub at: i64,
    pub event: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
pub struct MessageRow {
    pub request_id: i64,
    pub at: i64,
    pub author: String,
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum CodeState {
    Active,
    Used,
    Burned,
    Superseded,
}

#[derive(Debug, Clone, FromRow)]
pub struct CodeRow {
    pub id: i64,
    pub request_id: i64,
    pub code_hash: String,
    pub expires_at: i64,
    pub failed_attempts: i64,
    pub state: CodeState,
}

impl CodeRow {
    pub const SELECT: &'static str =
        "SELECT id, request_id, code_hash, expires_at, failed_attempts, state FROM verification_codes";
}

#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub org: String,
    pub email: String,
}
