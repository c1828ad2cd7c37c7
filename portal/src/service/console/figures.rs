//! The figures operators watch (`/metrics`).

use super::Console;
use crate::service::db;
use crate::store::Store;
use domain::{AppError, Status};
use time::OffsetDateTime;

pub struct RequestFigures {
    /// Every status a request passes before it is closed, zeros included
    /// (a gauge that is not set keeps its last value).
    pub by_status: Vec<(String, i64)>,
    pub overdue: i64,
}

impl Console {
    pub async fn request_figures(&self) -> Result<RequestFigures, AppError> {
        let pool = self.store.pool();
        let counted = Store::requests_by_status(pool).await.map_err(db)?;
        let by_status = Status::ALL
            .into_iter()
            .filter(|status| !status.is_closed())
            .map(|status| {
                let count = counted
                    .iter()
                    .find(|(s, _)| s == status.as_str())
                    .map_or(0, |(_, n)| *n);
                (status.as_str().to_owned(), count)
            })
            .collect();
        let today = OffsetDateTime::now_utc().date().to_string();
        let overdue = Store::overdue(pool, &today).await.map_err(db)?;
        Ok(RequestFigures { by_status, overdue })
    }
}
