//! The opt-out list and the consent receipts, for the organisation's own
//! systems: as a feed of changes after a cursor (the API), and whole as
//! CSV (the console). Both carry subjects' addresses, which is what they
//! are for, so both are for admins (members or tokens) and every read is
//! audited. Rows are only ever added, and ids are given in commit order
//! (every write transaction holds the writer lock from its start), so a
//! client that keeps the last cursor sees every change exactly once.

use super::worklist::{cursor, page_size};
use super::{Console, Download, DownloadBody};
use crate::sealing::{Column, Row};
use crate::service::{db, now, views, CaseWorker};
use crate::store::Store;
use domain::{AppError, AuditAction, RequestKind, Role};

/// One opt-out: the address, what must stop, and the request that asked.
pub struct OptOutEntry {
    pub id: i64,
    pub email: String,
    pub kind: RequestKind,
    /// What a consent withdrawal named; `None` for a marketing opt-out.
    pub purpose: Option<String>,
    pub reference: String,
    /// RFC 3339.
    pub at: String,
}

/// One consent receipt: who gave or withdrew what, how and when, under
/// which version of the notice.
pub struct ConsentEntry {
    pub id: i64,
    pub email: String,
    pub purpose: String,
    pub decision: String,
    pub method: String,
    pub notice_version: String,
    pub at: String,
}

/// A feed page and the cursor to ask after next time (the last entry's,
/// or the one given when nothing is new).
pub struct Feed<T> {
    pub entries: Vec<T>,
    pub cursor: String,
}

/// A cell a spreadsheet would run as a formula is written as text
/// (OWASP's advice for CSV injection): an address may start with `=`.
fn cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

const CSV_BATCH: i64 = 1000;

impl Console {
    fn admin_of(&self, worker: &impl CaseWorker, org: &str) -> Result<(), AppError> {
        if worker.may(org, Role::Admin) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    async fn opt_out_rows(
        &self,
        org: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<OptOutEntry>, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        let rows = Store::opt_outs_after(&mut conn, org, after, limit)
            .await
            .map_err(db)?;
        rows.into_iter()
            .map(|row| {
                let bound = Row::Subject {
                    org,
                    index: &row.email_index,
                };
                Ok(OptOutEntry {
                    id: row.id,
                    email: self.seals.open(Column::Email, bound, &row.email)?,
                    kind: row.kind,
                    purpose: row.purpose,
                    reference: row.reference,
                    at: views::rfc3339(row.at),
                })
            })
            .collect()
    }

    async fn consent_rows(
        &self,
        org: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ConsentEntry>, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        let rows = Store::receipts_after(&mut conn, org, after, limit)
            .await
            .map_err(db)?;
        rows.into_iter()
            .map(|row| {
                let bound = Row::Subject {
                    org,
                    index: &row.email_index,
                };
                Ok(ConsentEntry {
                    id: row.id,
                    email: self.seals.open(Column::Email, bound, &row.email)?,
                    purpose: row.purpose,
                    decision: row.decision,
                    method: row.method,
                    notice_version: row.notice_version,
                    at: views::rfc3339(row.at),
                })
            })
            .collect()
    }

    async fn audit_read(
        &self,
        worker: &impl CaseWorker,
        org: &str,
        action: AuditAction,
        detail: serde_json::Value,
    ) -> Result<(), AppError> {
        let mut tx = self.store.begin().await.map_err(db)?;
        self.trail
            .record(&mut tx, worker.actor(), org, action, org, detail, now())
            .await?;
        tx.commit().await.map_err(db)
    }

    /// Opt-outs of `org` recorded after `after`. Admins of `org` only.
    pub async fn opt_out_feed(
        &self,
        worker: &impl CaseWorker,
        org: &str,
        after: Option<&str>,
        limit: Option<i64>,
    ) -> Result<Feed<OptOutEntry>, AppError> {
        self.admin_of(worker, org)?;
        let (after, limit) = (cursor(after)?, page_size(limit)?);
        let entries = self.opt_out_rows(org, after, limit).await?;
        let last = entries.last().map_or(after, |e| e.id);
        let detail = serde_json::json!({ "after": after, "entries": entries.len(), "via": "feed" });
        self.audit_read(worker, org, AuditAction::OptOutsRead, detail)
            .await?;
        Ok(Feed {
            entries,
            cursor: last.to_string(),
        })
    }

    /// Consent receipts of `org` written after `after`. Admins of `org` only.
    pub async fn consent_feed(
        &self,
        worker: &impl CaseWorker,
        org: &str,
        after: Option<&str>,
        limit: Option<i64>,
    ) -> Result<Feed<ConsentEntry>, AppError> {
        self.admin_of(worker, org)?;
        let (after, limit) = (cursor(after)?, page_size(limit)?);
        let entries = self.consent_rows(org, after, limit).await?;
        let last = entries.last().map_or(after, |e| e.id);
        let detail = serde_json::json!({ "after": after, "entries": entries.len(), "via": "feed" });
        self.audit_read(worker, org, AuditAction::ConsentsRead, detail)
            .await?;
        Ok(Feed {
            entries,
            cursor: last.to_string(),
        })
    }

    /// The whole opt-out list of `org` as CSV. Admins of `org` only.
    pub async fn opt_outs_csv(
        &self,
        worker: &impl CaseWorker,
        org: &str,
    ) -> Result<Download, AppError> {
        self.register_csv(worker, org, Register::OptOuts).await
    }

    /// Every consent receipt of `org` as CSV. Admins of `org` only.
    pub async fn consents_csv(
        &self,
        worker: &impl CaseWorker,
        org: &str,
    ) -> Result<Download, AppError> {
        self.register_csv(worker, org, Register::Consents).await
    }

    /// One register of `org` as CSV, read in batches, its reading audited.
    async fn register_csv(
        &self,
        worker: &impl CaseWorker,
        org: &str,
        register: Register,
    ) -> Result<Download, AppError> {
        self.admin_of(worker, org)?;
        let failed = |_| AppError::Internal;
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.write_record(register.header()).map_err(failed)?;
        let (mut after, mut count) = (0, 0);
        loop {
            let batch: Vec<(i64, Vec<String>)> = match register {
                Register::OptOuts => self
                    .opt_out_rows(org, after, CSV_BATCH)
                    .await?
                    .iter()
                    .map(|e| {
                        let cells = vec![
                            e.id.to_string(),
                            cell(&e.email),
                            e.kind.as_str().to_owned(),
                            cell(e.purpose.as_deref().unwrap_or_default()),
                            e.reference.clone(),
                            e.at.clone(),
                        ];
                        (e.id, cells)
                    })
                    .collect(),
                Register::Consents => self
                    .consent_rows(org, after, CSV_BATCH)
                    .await?
                    .iter()
                    .map(|e| {
                        let cells = vec![
                            e.id.to_string(),
                            cell(&e.email),
                            cell(&e.purpose),
                            e.decision.clone(),
                            e.method.clone(),
                            e.notice_version.clone(),
                            e.at.clone(),
                        ];
                        (e.id, cells)
                    })
                    .collect(),
            };
            let Some((last, _)) = batch.last() else { break };
            after = *last;
            count += batch.len();
            for (_, cells) in &batch {
                csv.write_record(cells).map_err(failed)?;
            }
        }
        let detail = serde_json::json!({ "entries": count, "via": "csv" });
        self.audit_read(worker, org, register.action(), detail)
            .await?;
        Ok(Download {
            file_name: format!("{org}-{}.csv", register.file()),
            content_type: "text/csv".into(),
            data: DownloadBody::Bytes(csv.into_inner().map_err(|_| AppError::Internal)?),
        })
    }
}

/// The two registers the company's systems read.
#[derive(Clone, Copy)]
enum Register {
    OptOuts,
    Consents,
}

impl Register {
    fn header(self) -> &'static [&'static str] {
        match self {
            Register::OptOuts => &["id", "email", "kind", "purpose", "reference", "at"],
            Register::Consents => &[
                "id",
                "email",
                "purpose",
                "decision",
                "method",
                "notice_version",
                "at",
            ],
        }
    }

    fn action(self) -> AuditAction {
        match self {
            Register::OptOuts => AuditAction::OptOutsRead,
            Register::Consents => AuditAction::ConsentsRead,
        }
    }

    fn file(self) -> &'static str {
        match self {
            Register::OptOuts => "opt-outs",
            Register::Consents => "consents",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_written_as_text() {
        assert_eq!(
            cell("=HYPERLINK(\"x\")@example.no"),
            "'=HYPERLINK(\"x\")@example.no"
        );
        assert_eq!(cell("-1@example.no"), "'-1@example.no");
        assert_eq!(cell("kari@example.no"), "kari@example.no");
    }
}
