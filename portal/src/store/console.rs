//! What the staff console reads: the queue with its filters and counts,
//! duplicates, colleagues, attachments, opt-outs and the audit log.

use super::Store;
use super::{Conn, Sql};
use crate::sealing::{EmailIndex, StoredEmail};
use sqlx::FromRow;

/// `Status::OPEN`, as its names (bound, or in an SQL list).
pub fn open_statuses() -> impl Iterator<Item = &'static str> {
    domain::Status::OPEN.into_iter().map(domain::Status::as_str)
}

fn open_list() -> &'static str {
    static LIST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LIST.get_or_init(|| super::sql::status_list(&domain::Status::OPEN))
}

/// The queue's filters, already validated by the service.
#[derive(Debug, Default, Clone)]
pub struct QueueQuery<'a> {
    pub orgs: &'a [String],
    /// `None`: the open statuses.
    pub status: Option<&'a str>,
    /// `true`: every status (overrides `status`).
    pub all_statuses: bool,
    pub kind: Option<&'a str>,
    /// `Some(None)`: unassigned only.
    pub assignee: Option<Option<i64>>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct QueueRow {
    pub org: String,
    #[sqlx(try_from = "String")]
    pub reference: domain::Reference,
    #[sqlx(try_from = "String")]
    pub kind: domain::RequestKind,
    #[sqlx(try_from = "String")]
    pub status: domain::Status,
    pub created_at: i64,
    #[sqlx(try_from = "super::rows::OptionalText")]
    pub arrived_on: Option<time::Date>,
    #[sqlx(try_from = "super::rows::OptionalText")]
    pub due_date: Option<domain::DueDate>,
    pub assignee_email: Option<String>,
    /// Another open request of the same subject, kind and organisation exists.
    #[sqlx(try_from = "super::rows::Flag")]
    pub duplicate: bool,
}

#[derive(Debug, Clone, FromRow)]
pub struct ColleagueRow {
    pub id: i64,
    pub email: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct AttachmentRow {
    pub id: i64,
    pub request_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: i64,
}

pub struct NewAttachment<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    /// Of the file itself; `data` may be sealed.
    pub size: i64,
    pub data: &'a [u8],
}

#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_kind: String,
    pub actor: String,
    pub org: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

#[derive(Debug, Default, Clone)]
pub struct AuditQuery<'a> {
    pub orgs: &'a [String],
    pub action: Option<&'a str>,
    pub actor: Option<&'a str>,
    pub target: Option<&'a str>,
    pub limit: i64,
    pub offset: i64,
}

/// Whether another open request of the same subject, kind and
/// organisation exists, as a selected 0/1 column.
pub(super) fn duplicate() -> String {
    let open = open_list();
    format!(
        "CASE WHEN EXISTS (SELECT 1 FROM requests d WHERE d.org = r.org AND d.email_index = r.email_index \
         AND d.kind = r.kind AND d.id <> r.id AND d.status IN ({open}) \
         AND r.status IN ({open})) THEN 1 ELSE 0 END"
    )
}

pub(super) fn push_in<'a, 'b: 'a>(
    query: &mut Sql<'a>,
    column: &str,
    values: impl IntoIterator<Item = &'b str>,
) {
    query.push(format!(" AND {column} IN ("));
    // Shortened to the query's lifetime ('b outlives it).
    let mut values = values.into_iter().map(|v| -> &'a str { v }).peekable();
    if values.peek().is_none() {
        // `IN ()` is not SQL; no organisation means no rows.
        query.push("NULL");
    }
    query.push_list(values);
    query.push(")");
}

pub(super) fn queue_filter<'a>(query: &mut Sql<'a>, q: &QueueQuery<'a>) {
    push_in(query, "r.org", q.orgs.iter().map(String::as_str));
    if !q.all_statuses {
        match q.status {
            Some(status) => {
                query.push(" AND r.status = ").push_bind(status);
            }
            None => push_in(query, "r.status", open_statuses()),
        }
    }
    if let Some(kind) = q.kind {
        query.push(" AND r.kind = ").push_bind(kind);
    }
    match q.assignee {
        Some(Some(id)) => {
            query.push(" AND r.assignee_id = ").push_bind(id);
        }
        Some(None) => {
            query.push(" AND r.assignee_id IS NULL");
        }
        None => {}
    }
}

/// An opt-out (or a withdrawal of consent) that took effect: what the
/// organisation must stop doing, and for whom (sealed).
pub struct NewOptOut<'a> {
    pub org: &'a str,
    pub email: &'a StoredEmail,
    pub kind: domain::RequestKind,
    pub purpose: Option<&'a str>,
    pub request_id: i64,
    pub at: i64,
}

impl Store {
    /// One page of the queue, soonest deadline first (requests without a
    /// deadline, i.e. unverified ones, last), and the number of matches.
    pub async fn queue(
        conn: &mut Conn,
        q: &QueueQuery<'_>,
    ) -> Result<(Vec<QueueRow>, i64), sqlx::Error> {
        let mut count = Sql::new("SELECT COUNT(*) FROM requests r WHERE 1 = 1");
        queue_filter(&mut count, q);
        let (sql, args) = count.into_parts();
        let total: i64 = sqlx::query_scalar_with(&sql, args)
            .fetch_one(&mut *conn)
            .await?;
        let mut page = Sql::new(format!(
            "SELECT r.org, r.reference, r.kind, r.status, r.created_at, r.arrived_on, r.due_date, s.email AS assignee_email, \
             {} AS duplicate FROM requests r LEFT JOIN staff s ON s.id = r.assignee_id WHERE 1 = 1",
            duplicate()
        ));
        queue_filter(&mut page, q);
        page.push(" ORDER BY r.due_date IS NULL, r.due_date, r.created_at, r.id LIMIT ")
            .push_bind(q.limit)
            .push(" OFFSET ")
            .push_bind(q.offset);
        let (sql, args) = page.into_parts();
        let rows = sqlx::query_as_with(&sql, args)
            .fetch_all(&mut *conn)
            .await?;
        Ok((rows, total))
    }

    /// Open requests in `orgs` due before `before` (ISO date, exclusive).
    pub async fn open_due_before(
        conn: &mut Conn,
        orgs: &[String],
        before: &str,
    ) -> Result<i64, sqlx::Error> {
        let mut query = Sql::new("SELECT COUNT(*) FROM requests r WHERE r.due_date < ");
        query.push_bind(before.to_owned());
        push_in(&mut query, "r.org", orgs.iter().map(String::as_str));
        push_in(&mut query, "r.status", open_statuses());
        let (sql, args) = query.into_parts();
        sqlx::query_scalar_with(&sql, args).fetch_one(conn).await
    }

    /// Other open requests of the same subject, kind and organisation.
    pub async fn duplicates_of(
        conn: &mut Conn,
        org: &str,
        email: &EmailIndex,
        kind: &str,
        except: i64,
    ) -> Result<Vec<String>, sqlx::Error> {
        let sql = format!(
            "SELECT reference FROM requests WHERE org = $1 AND email_index = $2 AND kind = $3 AND id <> $4
               AND status IN ({}) ORDER BY created_at",
            open_list()
        );
        sqlx::query_scalar(&sql)
            .bind(org)
            .bind(email.as_str())
            .bind(kind)
            .bind(except)
            .fetch_all(conn)
            .await
    }

    /// Staff with a role in `org`, for the assignee choice.
    pub async fn staff_of_org(
        conn: &mut Conn,
        org: &str,
    ) -> Result<Vec<ColleagueRow>, sqlx::Error> {
        Self::staff_of_orgs(conn, &[org.to_owned()]).await
    }

    /// Everyone with a role in any of `orgs`, once each, by address.
    pub async fn staff_of_orgs(
        conn: &mut Conn,
        orgs: &[String],
    ) -> Result<Vec<ColleagueRow>, sqlx::Error> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = super::sql::Sql::new(
            "SELECT DISTINCT s.id, s.email FROM staff s JOIN staff_roles r ON r.staff_id = s.id WHERE r.org IN (",
        );
        query.push_list(orgs.iter().map(String::as_str));
        query.push(") ORDER BY s.email");
        let (sql, args) = query.into_parts();
        sqlx::query_as_with(&sql, args).fetch_all(conn).await
    }

    pub async fn insert_attachment(
        conn: &mut Conn,
        request_id: i64,
        staff_id: Option<i64>,
        new: &NewAttachment<'_>,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO request_attachments (request_id, file_name, content_type, size, sha256, data, staff_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(request_id)
        .bind(new.file_name)
        .bind(new.content_type)
        .bind(new.size)
        .bind(new.sha256)
        .bind(new.data)
        .bind(staff_id)
        .bind(at)
        .execute(conn)
        .await?;
        Ok(())
    }

    pub async fn attachments_of(
        conn: &mut Conn,
        request_ids: &[i64],
    ) -> Result<Vec<AttachmentRow>, sqlx::Error> {
        if request_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = Sql::new(
            "SELECT id, request_id, file_name, content_type, size, sha256, created_at FROM request_attachments \
             WHERE request_id IN (",
        );
        query.push_list(request_ids.iter().copied());
        query.push(") ORDER BY id");
        let (sql, args) = query.into_parts();
        sqlx::query_as_with(&sql, args).fetch_all(conn).await
    }

    /// One attachment's metadata and bytes, if it belongs to `request_id`.
    pub async fn attachment_data(
        conn: &mut Conn,
        request_id: i64,
        id: i64,
    ) -> Result<Option<(AttachmentRow, Vec<u8>)>, sqlx::Error> {
        let meta: Option<AttachmentRow> = sqlx::query_as(
            "SELECT id, request_id, file_name, content_type, size, sha256, created_at FROM request_attachments
             WHERE request_id = $1 AND id = $2",
        )
        .bind(request_id)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(meta) = meta else { return Ok(None) };
        let data: Vec<u8> =
            sqlx::query_scalar("SELECT data FROM request_attachments WHERE id = $1")
                .bind(id)
                .fetch_one(conn)
                .await?;
        Ok(Some((meta, data)))
    }

    /// Records that a request was carried out: the subject can no longer cancel it.
    pub async fn mark_executed(conn: &mut Conn, request_id: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE requests SET executed = 1 WHERE id = $1")
            .bind(request_id)
            .execute(conn)
            .await?;
        Ok(())
    }

    pub async fn insert_opt_out(conn: &mut Conn, new: NewOptOut<'_>) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO opt_outs (org, email, email_index, kind, purpose, request_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(new.org)
            .bind(&new.email.sealed)
            .bind(new.email.index.as_str())
            .bind(new.kind.as_str())
            .bind(new.purpose)
            .bind(new.request_id)
            .bind(new.at)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// The outcome JSON of a request, if it has one.
    pub async fn outcome_of(
        conn: &mut Conn,
        request_id: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT outcome FROM requests WHERE id = $1")
            .bind(request_id)
            .fetch_one(conn)
            .await
    }

    /// Whether `actor` did `action` on `target` in `org` since `since`.
    pub async fn audited_since(
        conn: &mut Conn,
        org: &str,
        actor: domain::Actor,
        action: domain::AuditAction,
        target: &str,
        since: i64,
    ) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM audit_log WHERE org = $1 AND target = $2 AND actor = $3 AND action = $4 AND at >= $5) THEN 1 ELSE 0 END",
        )
        .bind(org)
        .bind(target)
        .bind(actor.to_string())
        .bind(action.to_string())
        .bind(since)
        .fetch_one(conn)
        .await
        .map(|found: i64| found == 1)
    }

    /// One page of the audit log, newest first, and the number of matches.
    pub async fn audit_page(
        conn: &mut Conn,
        q: &AuditQuery<'_>,
    ) -> Result<(Vec<AuditRow>, i64), sqlx::Error> {
        fn filter<'a>(query: &mut Sql<'a>, q: &AuditQuery<'a>) {
            push_in(query, "org", q.orgs.iter().map(String::as_str));
            if let Some(action) = q.action {
                // A prefix: "request." finds every request action.
                query
                    .push(" AND substr(action, 1, length(")
                    .push_bind(action)
                    .push(")) = ")
                    .push_bind(action);
            }
            if let Some(actor) = q.actor {
                query.push(" AND actor = ").push_bind(actor);
            }
            if let Some(target) = q.target {
                query.push(" AND target = ").push_bind(target);
            }
        }
        let mut count = Sql::new("SELECT COUNT(*) FROM audit_log WHERE 1 = 1");
        filter(&mut count, q);
        let (sql, args) = count.into_parts();
        let total: i64 = sqlx::query_scalar_with(&sql, args)
            .fetch_one(&mut *conn)
            .await?;
        let mut page = Sql::new("SELECT id, at, actor_kind, actor, org, action, target, detail FROM audit_log WHERE 1 = 1");
        filter(&mut page, q);
        page.push(" ORDER BY id DESC LIMIT ")
            .push_bind(q.limit)
            .push(" OFFSET ")
            .push_bind(q.offset);
        let (sql, args) = page.into_parts();
        Ok((
            sqlx::query_as_with(&sql, args)
                .fetch_all(&mut *conn)
                .await?,
            total,
        ))
    }
}

impl Store {
    /// Requests per status, across organisations.
    pub async fn requests_by_status(pool: &super::Pool) -> Result<Vec<(String, i64)>, sqlx::Error> {
        sqlx::query_as("SELECT status, COUNT(*) FROM requests GROUP BY status")
            .fetch_all(pool)
            .await
    }

    /// Open requests past their due date (`today`, ISO), across organisations.
    pub async fn overdue(pool: &super::Pool, today: &str) -> Result<i64, sqlx::Error> {
        let sql = format!(
            "SELECT COUNT(*) FROM requests WHERE status IN ({}) AND due_date < $1",
            open_list()
        );
        sqlx::query_scalar(&sql).bind(today).fetch_one(pool).await
    }
}
