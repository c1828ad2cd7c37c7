//! The queue as an integration pages through it: one organisation's
//! requests matching the queue's filters, oldest first, after a cursor.
//! Ordered by when they were made, so a request that changes (an
//! extension moves its deadline) never moves between pages.

use super::{queue_item, today, Console, ParsedFilter};
use crate::service::{db, CaseWorker};
use crate::store::Store;
use domain::views::console::{QueueFilter, QueueItem};
use domain::{AppError, FieldErrorCode, Role};

/// The most a page may hold (and the default).
pub const MAX_WORK_PAGE: i64 = 100;

/// One page, and the cursor of the next (`None`: this was the last).
pub struct WorkPage {
    pub items: Vec<QueueItem>,
    pub next: Option<String>,
}

/// A cursor is the last id of the page before, as text; clients keep it as
/// they get it. Anything else is a 422.
fn parse_cursor(raw: Option<&str>) -> Result<i64, AppError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(0),
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|id| *id >= 0)
            .ok_or_else(|| AppError::validation("cursor", FieldErrorCode::InvalidChoice)),
    }
}

/// A page size from 1 to `MAX_WORK_PAGE`; absent, the largest.
pub(in crate::service) fn page_size(raw: Option<i64>) -> Result<i64, AppError> {
    match raw {
        None => Ok(MAX_WORK_PAGE),
        Some(n) if (1..=MAX_WORK_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(AppError::validation("limit", FieldErrorCode::InvalidChoice)),
    }
}

pub(in crate::service) fn cursor(raw: Option<&str>) -> Result<i64, AppError> {
    parse_cursor(raw)
}

impl Console {
    /// A page of `org`'s requests for a worker of it; strangers get
    /// `NotFound`, as for an organisation that does not exist.
    pub async fn work_page(
        &self,
        worker: &impl CaseWorker,
        org: &str,
        filter: &QueueFilter,
        after: Option<&str>,
        limit: Option<i64>,
    ) -> Result<WorkPage, AppError> {
        if !worker.may(org, Role::Agent) {
            return Err(AppError::NotFound);
        }
        let parsed = ParsedFilter::of(worker, filter)?;
        let after = parse_cursor(after)?;
        let limit = page_size(limit)?;
        let orgs = [org.to_owned()];
        let query = parsed.query(&orgs, limit + 1, 0);
        let mut conn = self.store.conn().await.map_err(db)?;
        let mut rows = Store::requests_after(&mut conn, &query, after)
            .await
            .map_err(db)?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next = more
            .then(|| rows.last().map(|(id, _)| id.to_string()))
            .flatten();
        let today = today();
        Ok(WorkPage {
            items: rows
                .into_iter()
                .map(|(_, row)| queue_item(row, today))
                .collect(),
            next,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_and_sizes_are_checked() {
        assert_eq!(parse_cursor(None).unwrap(), 0);
        assert_eq!(parse_cursor(Some("42")).unwrap(), 42);
        assert!(parse_cursor(Some("-1")).is_err());
        assert!(parse_cursor(Some("abc")).is_err());
        assert_eq!(page_size(None).unwrap(), MAX_WORK_PAGE);
        assert!(page_size(Some(0)).is_err());
        assert!(page_size(Some(MAX_WORK_PAGE + 1)).is_err());
    }
}
