//! What the staff console reads: the queue, one request in full, the audit
//! log, and attachments. Every read that shows a subject's personal data (a
//! request's detail, an attachment) is written to the audit log first; the
//! queue shows no personal data (references, kinds, dates only) and is not.

mod case;
mod figures;
mod mail;
mod org_figures;
mod registers;
mod webhooks;
mod worklist;

pub use registers::{ConsentEntry, Feed, OptOutEntry};
pub use worklist::{WorkPage, MAX_WORK_PAGE};

pub use figures::RequestFigures;

use super::{db, now, views, CaseWorker, Seals, StaffMember, Subject, Team, Trail};
use crate::content::Content;
use crate::sealing::{Column, Row};
use crate::{
    audit::Entry,
    store::{AuditQuery, AuditRow, QueueQuery, QueueRow, Store},
};
use domain::views::console::{
    AuditEntryView, AuditFilter, AuditView, CaseView, Colleague, QueueFilter, QueueItem, QueueView,
    StaffOrg, StaffView,
};
use domain::DueDate;
use domain::{Actor, AuditAction};
use domain::{AppError, FieldErrorCode, Reference, RequestKind, RequestState, Role, Status};
use std::sync::Arc;
use time::{Date, Duration, OffsetDateTime};

/// What the console shows: the member's account, the queue, a request in
/// full, the audit log, attachments and the figures for monitoring.
#[derive(Clone)]
pub struct Console {
    pub(super) store: Store,
    pub(super) seals: Seals,
    pub(super) content: Arc<Content>,
    pub(super) trail: Trail,
    pub(super) team: Team,
    pub(super) hooks: super::Hooks,
}

pub const QUEUE_PAGE_SIZE: i64 = 25;
pub const AUDIT_PAGE_SIZE: i64 = 50;
/// Repeated views of one request by one member within this many seconds
/// are one view in the audit log.
pub const VIEW_WINDOW_SECS: i64 = 60;
/// "Due soon": within this many days.
pub const DUE_SOON_DAYS: i64 = 7;

/// A file to send: its name, type and content.
pub struct Download {
    pub file_name: String,
    pub content_type: String,
    pub data: DownloadBody,
}

pub enum DownloadBody {
    /// A small file, whole.
    Bytes(Vec<u8>),
    /// A package, opened as it is sent: `length` bytes in all.
    Stream {
        length: u64,
        chunks: futures_util::stream::BoxStream<'static, std::io::Result<Vec<u8>>>,
    },
}

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

fn pages(total: i64, size: i64) -> u32 {
    u32::try_from(((total + size - 1) / size).max(1)).unwrap_or(u32::MAX)
}

fn invalid(field: &str) -> AppError {
    AppError::validation(field, FieldErrorCode::InvalidChoice)
}

fn flags(status: Status, due: Option<DueDate>, today: Date) -> (bool, bool) {
    let state = RequestState {
        status,
        due: due.map(DueDate::date),
        extended: false,
        executed: false,
        assignee: None,
        today,
    };
    (
        state.is_overdue(today),
        state.is_due_within(today, DUE_SOON_DAYS),
    )
}

/// A queue row as the queue and the API list it.
fn queue_item(row: QueueRow, today: Date) -> QueueItem {
    let (overdue, due_soon) = flags(row.status, row.due_date, today);
    QueueItem {
        reference: row.reference,
        kind: row.kind,
        status: row.status,
        received_at: views::rfc3339(crate::store::received_at(row.arrived_on, row.created_at)),
        due_date: row.due_date.map(|d| d.to_string()),
        assignee: row.assignee_email,
        overdue,
        due_soon,
        duplicate: row.duplicate,
        org: row.org,
    }
}

/// The queue's filters, parsed: an unknown value is a 422, not an empty list.
struct ParsedFilter {
    /// `None`: the open statuses; `Some(None)`: every status.
    status: Option<Option<Status>>,
    kind: Option<RequestKind>,
    assignee: Option<Option<i64>>,
}

impl ParsedFilter {
    fn of(worker: &impl CaseWorker, filter: &QueueFilter) -> Result<ParsedFilter, AppError> {
        let status = match filter.status.as_deref().unwrap_or("open") {
            "open" | "" => None,
            "all" => Some(None),
            other => Some(Some(
                other.parse::<Status>().map_err(|_| invalid("status"))?,
            )),
        };
        let kind = match filter.kind.as_deref() {
            None | Some("") => None,
            Some(raw) => Some(raw.parse::<RequestKind>().map_err(|_| invalid("kind"))?),
        };
        let assignee = match filter.assignee.as_deref() {
            None | Some("") => None,
            Some("none") => Some(None),
            // A token is nobody's "me".
            Some("me") => Some(Some(worker.account().ok_or_else(|| invalid("assignee"))?)),
            Some(raw) => Some(Some(raw.parse::<i64>().map_err(|_| invalid("assignee"))?)),
        };
        Ok(ParsedFilter {
            status,
            kind,
            assignee,
        })
    }

    fn query<'a>(&self, orgs: &'a [String], limit: i64, offset: i64) -> QueueQuery<'a> {
        QueueQuery {
            orgs,
            status: self.status.flatten().map(Status::as_str),
            all_statuses: matches!(self.status, Some(None)),
            kind: self.kind.map(RequestKind::as_str),
            assignee: self.assignee,
            limit,
            offset,
        }
    }
}

fn entry_view(row: AuditRow) -> AuditEntryView {
    AuditEntryView {
        id: row.id,
        at: views::rfc3339(row.at),
        actor_kind: row.actor_kind,
        actor: row.actor,
        org: row.org,
        action: row.action,
        target: row.target,
        detail: row.detail,
    }
}

impl Console {
    /// Whether `member` may work request `reference` of `org`: staff of
    /// that organisation, and the request is there; anyone else gets
    /// `NotFound`, as for a reference that does not exist. Doors that take
    /// a large body (uploads) ask this before they read it.
    pub async fn may_work(
        &self,
        member: &impl CaseWorker,
        org: &str,
        reference: &Reference,
    ) -> Result<(), AppError> {
        if !member.may(org, Role::Agent) {
            return Err(AppError::NotFound);
        }
        let mut conn = self.store.conn().await.map_err(db)?;
        Store::find_request(&mut conn, org, reference.as_str())
            .await
            .map_err(db)?
            .map(|_| ())
            .ok_or(AppError::NotFound)
    }

    /// The member as the console shows them.
    pub async fn staff_view(&self, member: &StaffMember) -> Result<StaffView, AppError> {
        Ok(StaffView {
            email: member.email.clone(),
            orgs: member
                .roles
                .iter()
                .map(|(slug, role)| StaffOrg {
                    slug: slug.to_string(),
                    name: self
                        .content
                        .org(slug)
                        .map(|o| o.settings.name.clone())
                        .unwrap_or_else(|| slug.to_string()),
                    role: *role,
                })
                .collect(),
            two_factor: member.two_factor,
            must_enrol_for: member
                .must_enrol_for
                .iter()
                .map(ToString::to_string)
                .collect(),
            must_enrol: member.must_enrol,
            invitations: self.team.my_invitations(member).await?,
        })
    }

    /// One page of the member's queue: their organisations' requests,
    /// soonest deadline first.
    #[tracing::instrument(name = "service.queue", skip_all)]
    pub async fn queue(
        &self,
        member: &impl CaseWorker,
        filter: &QueueFilter,
    ) -> Result<QueueView, AppError> {
        let orgs = member.orgs();
        let parsed = ParsedFilter::of(member, filter)?;
        let page = filter.page.unwrap_or(1).max(1);
        let query = parsed.query(
            &orgs,
            QUEUE_PAGE_SIZE,
            (i64::from(page) - 1) * QUEUE_PAGE_SIZE,
        );
        let today = today();
        let mut conn = self.store.conn().await.map_err(db)?;
        let (rows, total) = Store::queue(&mut conn, &query).await.map_err(db)?;
        let overdue = Store::open_due_before(&mut conn, &orgs, &today.to_string())
            .await
            .map_err(db)?;
        let soon_end = (today + Duration::days(DUE_SOON_DAYS + 1)).to_string();
        let due_soon = Store::open_due_before(&mut conn, &orgs, &soon_end)
            .await
            .map_err(db)?
            - overdue;
        let colleagues: Vec<Colleague> = Store::staff_of_orgs(&mut conn, &orgs)
            .await
            .map_err(db)?
            .into_iter()
            .map(|c| Colleague {
                id: c.id,
                email: c.email,
            })
            .collect();
        let items = rows.into_iter().map(|row| queue_item(row, today)).collect();
        Ok(QueueView {
            items,
            total,
            page,
            pages: pages(total, QUEUE_PAGE_SIZE),
            overdue,
            due_soon,
            colleagues,
            me: member.account().unwrap_or_default(),
        })
    }

    /// One request in full, for a member of its organisation. The view is
    /// audited (`request.viewed`) before anything is returned.
    #[tracing::instrument(name = "service.case", skip_all, fields(reference = %reference))]
    pub async fn case(
        &self,
        member: &impl CaseWorker,
        org: &str,
        reference: &Reference,
    ) -> Result<CaseView, AppError> {
        if !member.may(org, Role::Agent) {
            return Err(AppError::NotFound);
        }
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let row = Store::find_request(&mut tx, org, reference.as_str())
            .await
            .map_err(db)?
            .ok_or(AppError::NotFound)?;
        let actor = member.actor();
        // One entry per member, request and minute: a page view may render
        // its data more than once (server-side rendering polls resources
        // again), and an action's redirect shows the page anew.
        let seen = Store::audited_since(
            &mut tx,
            org,
            actor,
            AuditAction::RequestViewed,
            reference.as_str(),
            at - VIEW_WINDOW_SECS,
        )
        .await
        .map_err(db)?;
        if !seen {
            let entry = Entry {
                actor,
                org,
                action: AuditAction::RequestViewed,
                target: reference.as_str(),
                detail: serde_json::json!({}),
            };
            self.trail.append(&mut tx, entry, at).await.map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        let mut conn = self.store.conn().await.map_err(db)?;
        case::case_view(&mut conn, &self.content, &self.seals, org, row).await
    }

    /// The audit log of the organisations the member administers.
    #[tracing::instrument(name = "service.audit_log", skip_all)]
    pub async fn audit_log(
        &self,
        member: &StaffMember,
        filter: &AuditFilter,
    ) -> Result<AuditView, AppError> {
        let orgs = member.admin_orgs()?;
        let clean = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let (action, actor, target) = (
            clean(&filter.action),
            clean(&filter.actor),
            clean(&filter.target),
        );
        let page = filter.page.unwrap_or(1).max(1);
        let query = AuditQuery {
            orgs: &orgs,
            action: action.as_deref(),
            actor: actor.as_deref(),
            target: target.as_deref(),
            limit: AUDIT_PAGE_SIZE,
            offset: (i64::from(page) - 1) * AUDIT_PAGE_SIZE,
        };
        let mut conn = self.store.conn().await.map_err(db)?;
        let (rows, total) = Store::audit_page(&mut conn, &query).await.map_err(db)?;
        Ok(AuditView {
            entries: rows.into_iter().map(entry_view).collect(),
            total,
            page,
            pages: pages(total, AUDIT_PAGE_SIZE),
        })
    }

    /// An attachment for a member of the request's organisation (audited).
    pub async fn staff_attachment(
        &self,
        member: &impl CaseWorker,
        org: &str,
        reference: &Reference,
        id: i64,
    ) -> Result<Download, AppError> {
        if !member.may(org, Role::Agent) {
            return Err(AppError::NotFound);
        }
        self.attachment(org, reference, None, id, member.actor())
            .await
    }

    /// An attachment of the subject's own request (audited).
    pub async fn subject_attachment(
        &self,
        subject: &Subject,
        reference: &Reference,
        id: i64,
    ) -> Result<Download, AppError> {
        self.attachment(&subject.org, reference, Some(subject), id, Actor::Subject)
            .await
    }

    async fn attachment(
        &self,
        org: &str,
        reference: &Reference,
        owner: Option<&Subject>,
        id: i64,
        actor: Actor,
    ) -> Result<Download, AppError> {
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let row = Store::find_request(&mut tx, org, reference.as_str())
            .await
            .map_err(db)?
            .filter(|row| owner.is_none_or(|subject| subject.owns(row)))
            .ok_or(AppError::NotFound)?;
        let (meta, sealed) = Store::attachment_data(&mut tx, row.id, id)
            .await
            .map_err(db)?
            .ok_or(AppError::NotFound)?;
        let data = self
            .seals
            .keys()
            .open_bytes(
                Column::AttachmentData,
                Row::Request(&row.reference),
                &sealed,
            )
            .map_err(|error| {
                tracing::error!(error = %error, "a sealed attachment does not open");
                AppError::Internal
            })?;
        let entry = Entry {
            actor,
            org,
            action: AuditAction::AttachmentDownloaded,
            target: reference.as_str(),
            detail: serde_json::json!({ "attachment": id, "sha256": meta.sha256 }),
        };
        self.trail.append(&mut tx, entry, at).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(Download {
            file_name: self.seals.open(
                Column::AttachmentName,
                Row::Request(&row.reference),
                &meta.file_name,
            )?,
            content_type: meta.content_type,
            data: DownloadBody::Bytes(data),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn page_counts_round_up_and_never_reach_zero() {
        assert_eq!(pages(0, 25), 1);
        assert_eq!(pages(25, 25), 1);
        assert_eq!(pages(26, 25), 2);
    }

    #[test]
    fn flags_come_from_the_due_date_of_open_requests() {
        let today = date!(2026 - 11 - 22);
        assert_eq!(
            flags(Status::InProgress, DueDate::parse("2026-11-21"), today),
            (true, false)
        );
        assert_eq!(
            flags(Status::Received, DueDate::parse("2026-11-29"), today),
            (false, true)
        );
        assert_eq!(
            flags(Status::Received, DueDate::parse("2026-11-30"), today),
            (false, false)
        );
        assert_eq!(
            flags(Status::Completed, DueDate::parse("2026-11-01"), today),
            (false, false)
        );
        assert_eq!(
            flags(Status::PendingVerification, None, today),
            (false, false)
        );
    }
}
