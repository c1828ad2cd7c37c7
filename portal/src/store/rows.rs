//! Database rows. Their columns decode into domain types here, at the
//! store's edge: a value that does not parse is a decode error (the
//! database was changed behind the portal's back), never a string that
//! travels on.

use domain::{DueDate, Language, Reference, RequestKind, Status};
use sqlx::FromRow;

/// A nullable text column, for a typed optional field
/// (`#[sqlx(try_from = "OptionalText")]`).
#[derive(Debug, Clone, sqlx::Type)]
#[sqlx(transparent)]
pub struct OptionalText(Option<String>);

impl TryFrom<OptionalText> for Option<DueDate> {
    type Error = String;

    fn try_from(text: OptionalText) -> Result<Option<DueDate>, String> {
        text.0.map(DueDate::try_from).transpose()
    }
}

impl TryFrom<OptionalText> for Option<time::Date> {
    type Error = String;

    fn try_from(text: OptionalText) -> Result<Option<time::Date>, String> {
        Ok(Option::<DueDate>::try_from(text)?.map(DueDate::date))
    }
}

/// The day a request arrived (its start, UTC), or when it was submitted.
pub fn received_at(arrived_on: Option<time::Date>, created_at: i64) -> i64 {
    arrived_on.map_or(created_at, |day| {
        day.midnight().assume_utc().unix_timestamp()
    })
}

/// A 0/1 column read as a `bool`. SQLite has no boolean type, so flags are
/// small integers on both backends (`#[sqlx(try_from = "Flag")]`); a
/// computed condition is selected as `CASE WHEN … THEN 1 ELSE 0 END`.
#[derive(Debug, Clone, Copy, sqlx::Type)]
#[sqlx(transparent)]
pub struct Flag(i64);

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0 != 0
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct RequestRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub reference: Reference,
    #[sqlx(try_from = "String")]
    pub org: domain::OrgSlug,
    #[sqlx(try_from = "String")]
    pub kind: RequestKind,
    /// Sealed (`Column::Email`); `email_index` finds and compares it.
    pub email: String,
    pub email_index: Option<String>,
    #[sqlx(try_from = "String")]
    pub language: Language,
    pub details: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub tracking_key_hash: String,
    pub created_at: i64,
    pub verified_at: Option<i64>,
    #[sqlx(try_from = "OptionalText")]
    pub due_date: Option<DueDate>,
    pub assignee_id: Option<i64>,
    #[sqlx(try_from = "Flag")]
    pub extended: bool,
    #[sqlx(try_from = "Flag")]
    pub executed: bool,
    /// Entered by staff: the day it arrived, from which its deadline runs.
    #[sqlx(try_from = "OptionalText")]
    pub arrived_on: Option<time::Date>,
}

impl RequestRow {
    /// The day its one-month clock starts when it is verified `today`: the
    /// day it arrived, for a request staff entered; else the verification.
    pub fn clock_starts(&self, today: time::Date) -> time::Date {
        self.arrived_on.unwrap_or(today).min(today)
    }

    /// When it was received: the day it arrived (its start, UTC) for a
    /// request staff entered, else when it was submitted.
    pub fn received_at(&self) -> i64 {
        received_at(self.arrived_on, self.created_at)
    }

    /// Where the request stands in its lifecycle.
    pub fn state(&self) -> domain::RequestState {
        domain::RequestState {
            status: self.status,
            due: self.due_date.map(DueDate::date),
            extended: self.extended,
            executed: self.executed,
            assignee: self.assignee_id,
            today: time::OffsetDateTime::now_utc().date(),
        }
    }

    pub const SELECT: &'static str = "SELECT id, reference, org, kind, email, email_index, language, details, status, \
        tracking_key_hash, created_at, verified_at, due_date, assignee_id, extended, executed, arrived_on FROM requests";
}

#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    pub request_id: i64,
    pub at: i64,
    #[sqlx(try_from = "String")]
    pub event: domain::EventKind,
    pub note: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
pub struct MessageRow {
    pub request_id: i64,
    pub at: i64,
    #[sqlx(try_from = "String")]
    pub author: domain::ActorKind,
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeState {
    Active,
    Used,
    Burned,
    Superseded,
}

impl TryFrom<String> for CodeState {
    type Error = String;

    fn try_from(state: String) -> Result<CodeState, String> {
        Ok(match state.as_str() {
            "active" => CodeState::Active,
            "used" => CodeState::Used,
            "burned" => CodeState::Burned,
            "superseded" => CodeState::Superseded,
            // The column's CHECK allows no other value.
            other => return Err(format!("unknown code state {other:?}")),
        })
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct CodeRow {
    pub id: i64,
    pub request_id: i64,
    pub code_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub failed_attempts: i64,
    #[sqlx(try_from = "String")]
    pub state: CodeState,
}

impl CodeRow {
    pub const SELECT: &'static str =
        "SELECT id, request_id, code_hash, created_at, expires_at, failed_attempts, state FROM verification_codes";
}

/// Codes of one address in one organisation over the last day, as the
/// quotas count them (`Store::code_counts`).
#[derive(Debug, Clone, Copy, FromRow)]
pub struct CodeCounts {
    /// Asked for by anyone (submissions and resends without proof).
    pub strangers: i64,
    /// Of those, by the client asking now.
    pub by_client: i64,
    /// Asked for by someone who showed they read the mailbox.
    pub owner: i64,
    /// Resends without proof of the request at hand.
    pub resends: i64,
    /// 1 when the client asking now typed a correct code for this address.
    pub client_read_mail: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    #[sqlx(try_from = "String")]
    pub org: domain::OrgSlug,
    /// Sealed (`Column::Email`).
    pub email: String,
}
