//! The daily digest: each member who wants it gets, once a day at the hour
//! they chose in their own time zone, per organisation, the open requests
//! due within seven days and the overdue ones. Nothing due: no mail (the
//! day is recorded all the same, so a request falling due later that day
//! waits for tomorrow's). Like all staff mail it names references, kinds,
//! statuses and dates, never the subject's data.

use super::Upkeep;
use crate::service::outbox::About;
use crate::service::time_zones::stored_zone;
use crate::service::{db, now};
use crate::store::{DueRow, Store};
use domain::{AppError, Email, Language};
use serde::Serialize;

/// "Due soon" means on or before this many days after the member's today.
pub const DIGEST_DAYS_AHEAD: i64 = 7;

#[derive(Serialize)]
struct DigestMail<'a> {
    org_name: &'a str,
    overdue: Vec<DigestLine>,
    due_soon: Vec<DigestLine>,
    queue_url: String,
}

#[derive(Serialize)]
struct DigestLine {
    reference: String,
    kind: String,
    status: &'static str,
    due_date: String,
    /// Days from today to the deadline: negative when overdue.
    days: i64,
    /// Days since the deadline passed (overdue lines).
    days_late: i64,
    assignee: String,
    case_url: String,
}

impl Upkeep {
    /// Runs with the sweep (every ten minutes, so a digest goes within ten
    /// minutes of its hour). Returns how many digests were written.
    pub async fn send_digests(&self) -> Result<usize, AppError> {
        self.send_digests_at(now()).await
    }

    /// The same as if it were `at` (seconds): a test's clock. What is
    /// written is stamped with the real time, so the outbox sends it now.
    #[tracing::instrument(name = "service.send_digests", skip_all)]
    pub async fn send_digests_at(&self, at: i64) -> Result<usize, AppError> {
        let readers = {
            let mut conn = self.store.conn().await.map_err(db)?;
            Store::digest_readers(&mut conn).await.map_err(db)?
        };
        let instant = jiff::Timestamp::from_second(at).map_err(|_| AppError::Internal)?;
        let written_at = now();
        let mut written = 0;
        for reader in readers {
            let local = instant.to_zoned(stored_zone(&reader.time_zone));
            if i64::from(local.hour()) < reader.digest_hour {
                continue;
            }
            let today = to_date(local.date())?;
            // The sweep runs all day: a member done today costs nothing more
            // (`record_digest` still decides between servers racing).
            if reader.last_digest.as_deref() == Some(today.to_string().as_str()) {
                continue;
            }
            let Ok(to) = Email::parse(&reader.email) else {
                continue;
            };
            let last = today + time::Duration::days(DIGEST_DAYS_AHEAD);
            let mut tx = self.store.begin().await.map_err(db)?;
            let due = Store::open_due_by(&mut tx, &reader.org, &last.to_string())
                .await
                .map_err(db)?;
            let first = Store::record_digest(
                &mut tx,
                reader.id,
                &reader.org,
                &today.to_string(),
                due.len(),
                written_at,
            )
            .await
            .map_err(db)?;
            if !first || due.is_empty() {
                tx.commit().await.map_err(db)?;
                continue;
            }
            let org_name = self.content.org_name(&reader.org);
            let (overdue, due_soon): (Vec<_>, Vec<_>) = due
                .iter()
                .map(|row| self.line(&reader.org, reader.id, today, row))
                .partition(|line| line.days < 0);
            let mail = DigestMail {
                org_name: &org_name,
                overdue,
                due_soon,
                queue_url: self.links.url("/console?status=open"),
            };
            let about = About {
                org: Some(reader.org.as_str()),
                request_id: None,
            };
            // Staff mail is in English, like the console.
            self.outbox
                .write(
                    &mut tx,
                    about,
                    &to,
                    Language::En,
                    "staff_digest",
                    &mail,
                    written_at,
                )
                .await?;
            tx.commit().await.map_err(db)?;
            written += 1;
        }
        if written > 0 {
            self.outbox.wake();
            tracing::info!(count = written, "daily digests written");
        }
        // A record only matters on its day; a week's are kept for support.
        let mut conn = self.store.conn().await.map_err(db)?;
        Store::forget_digests(&mut conn, written_at - 7 * 24 * 60 * 60)
            .await
            .map_err(db)?;
        Ok(written)
    }

    fn line(&self, org: &str, reader: i64, today: time::Date, row: &DueRow) -> DigestLine {
        let assignee = match (row.assignee_id, &row.assignee_email) {
            (Some(id), _) if id == reader => "you".to_owned(),
            (Some(_), Some(email)) => email.clone(),
            _ => "nobody".to_owned(),
        };
        let days = (row.due_date.date() - today).whole_days();
        DigestLine {
            reference: row.reference.to_string(),
            kind: row.kind.staff_name(),
            status: row.status.staff_name(),
            due_date: row.due_date.to_string(),
            days,
            days_late: -days,
            assignee,
            case_url: self
                .links
                .url(&format!("/console/o/{org}/requests/{}", row.reference)),
        }
    }
}

fn to_date(date: jiff::civil::Date) -> Result<time::Date, AppError> {
    let month = time::Month::try_from(date.month() as u8).map_err(|_| AppError::Internal)?;
    time::Date::from_calendar_date(i32::from(date.year()), month, date.day() as u8)
        .map_err(|_| AppError::Internal)
}
