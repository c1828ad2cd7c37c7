//! What the organisation's figures are made of: each request that was
//! received (verified, or entered by staff and verified), with when its
//! clock started and when, and how, it ended.

use super::{Conn, Store};
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct FigureRow {
    pub reference: String,
    #[sqlx(try_from = "String")]
    pub kind: domain::RequestKind,
    #[sqlx(try_from = "String")]
    pub status: domain::Status,
    pub verified_at: i64,
    #[sqlx(try_from = "super::rows::OptionalText")]
    pub arrived_on: Option<time::Date>,
    #[sqlx(try_from = "super::rows::OptionalText")]
    pub due_date: Option<domain::DueDate>,
    #[sqlx(try_from = "super::rows::Flag")]
    pub extended: bool,
    /// When it was completed, rejected or cancelled (its first such event).
    pub closed_at: Option<i64>,
    /// Sealed: for a rejection, the reason and legal ground.
    pub outcome: Option<String>,
}

impl Store {
    /// Every request of `org` that was received, oldest first.
    pub async fn figure_rows(conn: &mut Conn, org: &str) -> Result<Vec<FigureRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT r.reference, r.kind, r.status, r.verified_at, r.arrived_on, r.due_date, r.extended,
                    (SELECT MIN(e.at) FROM request_events e
                     WHERE e.request_id = r.id AND e.event IN ('completed', 'rejected', 'cancelled')) AS closed_at,
                    r.outcome
             FROM requests r
             WHERE r.org = $1 AND r.verified_at IS NOT NULL
             ORDER BY r.verified_at, r.id",
        )
        .bind(org)
        .fetch_all(conn)
        .await
    }
}
