//! The organisation's own figures, for its admins: per kind and month of
//! receipt, how many requests were received, completed, rejected (by
//! legal ground), cancelled; the median and 95th percentile of days to
//! answer; how many were extended and how many were late. What supervisory
//! authorities ask for, and what the CCPA has large businesses publish.
//! Also as CSV. A request counts in the month its clock started: the day
//! staff say it arrived, or the day its subject confirmed it.

use super::{Console, Download, DownloadBody};
use crate::sealing::{Column, Row};
use crate::service::{db, StaffMember};
use crate::store::Store;
use domain::views::console::{GroundCount, KindMonth, MonthTotal, OrgFigures};
use domain::{AppError, RequestKind, Role, Status};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};

/// One received request, as the figures need it.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    pub kind: RequestKind,
    pub status: Status,
    pub received_on: Date,
    pub due: Option<Date>,
    pub extended: bool,
    pub closed_on: Option<Date>,
    /// A rejection's legal ground, as staff gave it.
    pub ground: Option<String>,
}

fn day_of(unix: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| t.date())
        .unwrap_or(Date::MIN)
}

fn month_of(day: Date) -> String {
    format!("{:04}-{:02}", day.year(), u8::from(day.month()))
}

/// The median of sorted values (the mean of the middle two when even).
fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2] as f64),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0),
    }
}

/// The nearest-rank percentile `p` (0 < p ≤ 100) of sorted values.
fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() as u64 * u64::from(p)).div_ceil(100).max(1) as usize;
    Some(sorted[rank - 1])
}

/// The figures per kind and month, oldest month first, kinds in their
/// order; `today` decides which open requests are already late.
pub fn tally(requests: &[Counted], today: Date) -> Vec<KindMonth> {
    let mut groups: BTreeMap<(String, usize), Vec<&Counted>> = BTreeMap::new();
    for request in requests {
        let kind_order = RequestKind::ALL
            .iter()
            .position(|k| *k == request.kind)
            .unwrap_or_default();
        groups
            .entry((month_of(request.received_on), kind_order))
            .or_default()
            .push(request);
    }
    groups
        .into_iter()
        .map(|((month, kind_order), requests)| {
            let count =
                |status: Status| requests.iter().filter(|r| r.status == status).count() as u32;
            let answered = |r: &&&Counted| matches!(r.status, Status::Completed | Status::Rejected);
            let mut days: Vec<i64> = requests
                .iter()
                .filter(answered)
                .filter_map(|r| {
                    r.closed_on
                        .map(|closed| (closed - r.received_on).whole_days())
                })
                .collect();
            days.sort_unstable();
            let late = requests
                .iter()
                .filter(|r| match (r.due, r.status) {
                    (None, _) | (_, Status::Cancelled) => false,
                    (Some(due), Status::Completed | Status::Rejected) => {
                        r.closed_on.is_some_and(|c| c > due)
                    }
                    (Some(due), _) => today > due,
                })
                .count() as u32;
            let mut grounds: BTreeMap<String, u32> = BTreeMap::new();
            for rejected in requests.iter().filter(|r| r.status == Status::Rejected) {
                let ground = rejected
                    .ground
                    .clone()
                    .unwrap_or_else(|| "not recorded".into());
                *grounds.entry(ground).or_default() += 1;
            }
            KindMonth {
                month,
                kind: RequestKind::ALL[kind_order],
                received: requests.len() as u32,
                completed: count(Status::Completed),
                rejected: count(Status::Rejected),
                rejected_by_ground: grounds
                    .into_iter()
                    .map(|(ground, count)| GroundCount { ground, count })
                    .collect(),
                cancelled: count(Status::Cancelled),
                median_days: median(&days),
                p95_days: percentile(&days, 95),
                extended: requests.iter().filter(|r| r.extended).count() as u32,
                late,
            }
        })
        .collect()
}

/// The months' totals, for the chart.
pub fn months(rows: &[KindMonth]) -> Vec<MonthTotal> {
    let mut months: BTreeMap<&str, MonthTotal> = BTreeMap::new();
    for row in rows {
        let total = months.entry(&row.month).or_insert_with(|| MonthTotal {
            month: row.month.clone(),
            ..MonthTotal::default()
        });
        total.received += row.received;
        total.answered += row.completed + row.rejected;
        total.late += row.late;
    }
    months.into_values().collect()
}

impl Console {
    /// The figures of each organisation the member administers.
    pub async fn org_figures(&self, member: &StaffMember) -> Result<Vec<OrgFigures>, AppError> {
        let mut all = Vec::new();
        for org in member.admin_orgs()? {
            all.push(self.figures_of(&org).await?);
        }
        Ok(all)
    }

    /// One organisation's figures as CSV. Its admins only.
    pub async fn org_figures_csv(
        &self,
        member: &StaffMember,
        org: &str,
    ) -> Result<Download, AppError> {
        if !member.may(org, Role::Admin) {
            return Err(AppError::NotFound);
        }
        let figures = self.figures_of(org).await?;
        let mut csv = csv::Writer::from_writer(Vec::new());
        let failed = |_| AppError::Internal;
        csv.write_record([
            "month",
            "kind",
            "received",
            "completed",
            "rejected",
            "rejected_by_ground",
            "cancelled",
            "median_days_to_answer",
            "p95_days_to_answer",
            "extended",
            "late",
        ])
        .map_err(failed)?;
        let optional = |v: Option<String>| v.unwrap_or_default();
        for row in &figures.rows {
            let grounds = row
                .rejected_by_ground
                .iter()
                .map(|g| format!("{}: {}", g.ground, g.count))
                .collect::<Vec<_>>()
                .join("; ");
            csv.write_record([
                row.month.clone(),
                row.kind.as_str().to_owned(),
                row.received.to_string(),
                row.completed.to_string(),
                row.rejected.to_string(),
                grounds,
                row.cancelled.to_string(),
                optional(row.median_days.map(|d| d.to_string())),
                optional(row.p95_days.map(|d| d.to_string())),
                row.extended.to_string(),
                row.late.to_string(),
            ])
            .map_err(failed)?;
        }
        let data = csv.into_inner().map_err(|_| AppError::Internal)?;
        Ok(Download {
            file_name: format!("{org}-request-figures.csv"),
            content_type: "text/csv".into(),
            data: DownloadBody::Bytes(data),
        })
    }

    /// An organisation's figures for anyone, where its `org.toml` publishes
    /// them (`[metrics] public = true`); else it has none (`NotFound`).
    /// Without the rejections' grounds: staff write those in their own
    /// words, for the team.
    pub async fn public_figures(&self, org: &str) -> Result<OrgFigures, AppError> {
        if !self.content.organisation(org)?.settings.metrics.public {
            return Err(AppError::NotFound);
        }
        let mut figures = self.figures_of(org).await?;
        for row in &mut figures.rows {
            row.rejected_by_ground.clear();
        }
        Ok(figures)
    }

    async fn figures_of(&self, org: &str) -> Result<OrgFigures, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        let stored = Store::figure_rows(&mut conn, org).await.map_err(db)?;
        drop(conn);
        let mut counted = Vec::with_capacity(stored.len());
        for row in stored {
            // The legal ground is in the sealed outcome; a request past its
            // retention has none left.
            let ground = match (row.status, &row.outcome) {
                (Status::Rejected, Some(sealed)) if !sealed.is_empty() => self
                    .seals
                    .open(Column::RequestOutcome, Row::Request(&row.reference), sealed)
                    .ok()
                    .and_then(|o| serde_json::from_str::<serde_json::Value>(&o).ok())
                    .and_then(|o| o["legal_ground"].as_str().map(|g| g.trim().to_owned()))
                    // A ground from the list by its label; older free text as written.
                    .map(|g| {
                        domain::RefusalGround::parse(&g).map_or(g, |g| g.staff_label().to_owned())
                    }),
                _ => None,
            };
            counted.push(Counted {
                kind: row.kind,
                status: row.status,
                received_on: row.arrived_on.unwrap_or_else(|| day_of(row.verified_at)),
                due: row.due_date.map(domain::DueDate::date),
                extended: row.extended,
                closed_on: row.closed_at.map(day_of),
                ground,
            });
        }
        let today = OffsetDateTime::now_utc().date();
        let rows = tally(&counted, today);
        Ok(OrgFigures {
            org: org.to_owned(),
            name: self.content.org_name(org),
            months: months(&rows),
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn answered(kind: RequestKind, status: Status, received: Date, closed: Date) -> Counted {
        Counted {
            kind,
            status,
            received_on: received,
            due: Some(domain::one_month_after(received)),
            extended: false,
            closed_on: Some(closed),
            ground: None,
        }
    }

    #[test]
    fn a_month_of_access_requests_adds_up() {
        let oct = |day| Date::from_calendar_date(2026, time::Month::October, day).unwrap();
        let mut requests = vec![
            answered(RequestKind::Access, Status::Completed, oct(1), oct(5)),
            answered(RequestKind::Access, Status::Completed, oct(2), oct(12)),
            answered(RequestKind::Access, Status::Completed, oct(3), oct(23)),
            // Late: answered after its due date of 4 November.
            answered(
                RequestKind::Access,
                Status::Completed,
                oct(4),
                date!(2026 - 11 - 10),
            ),
            Counted {
                ground: Some("Art. 12(5)".into()),
                ..answered(RequestKind::Access, Status::Rejected, oct(5), oct(7))
            },
            Counted {
                closed_on: Some(oct(9)),
                ..answered(RequestKind::Access, Status::Cancelled, oct(6), oct(9))
            },
            // Open, extended, its extended deadline not passed.
            Counted {
                status: Status::InProgress,
                closed_on: None,
                extended: true,
                due: Some(date!(2027 - 01 - 07)),
                ..answered(RequestKind::Access, Status::InProgress, oct(7), oct(7))
            },
            // Open and overdue.
            Counted {
                status: Status::Received,
                closed_on: None,
                ..answered(RequestKind::Access, Status::Received, oct(8), oct(8))
            },
        ];
        requests.push(answered(
            RequestKind::Erasure,
            Status::Completed,
            date!(2026 - 11 - 01),
            date!(2026 - 11 - 03),
        ));
        let rows = tally(&requests, date!(2026 - 12 - 01));
        assert_eq!(rows.len(), 2);
        let october = &rows[0];
        assert_eq!(
            (october.month.as_str(), october.kind),
            ("2026-10", RequestKind::Access)
        );
        assert_eq!(
            (
                october.received,
                october.completed,
                october.rejected,
                october.cancelled
            ),
            (8, 4, 1, 1)
        );
        // Days to answer: 4, 10, 20, 37 (completed) and 2 (rejected).
        assert_eq!(october.median_days, Some(10.0));
        assert_eq!(october.p95_days, Some(37));
        assert_eq!((october.extended, october.late), (1, 2));
        assert_eq!(
            october.rejected_by_ground,
            [GroundCount {
                ground: "Art. 12(5)".into(),
                count: 1
            }]
        );
        let totals = months(&rows);
        assert_eq!(totals[0].received, 8);
        assert_eq!(totals[0].answered, 5);
        assert_eq!(totals[1].month, "2026-11");
    }

    #[test]
    fn percentiles_are_nearest_rank_and_the_median_averages_an_even_middle() {
        assert_eq!(median(&[1, 2, 3, 10]), Some(2.5));
        assert_eq!(percentile(&[1, 2, 3, 10], 95), Some(10));
        assert_eq!(percentile(&(1..=100).collect::<Vec<_>>(), 95), Some(95));
        assert_eq!(median(&[]), None);
        assert_eq!(percentile(&[], 95), None);
    }
}
