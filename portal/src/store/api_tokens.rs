//! Organisation API tokens (migration 0027) and the feeds they read: the
//! opt-out list and the consent receipts after a cursor.

use super::console::QueueQuery;
use super::{Conn, QueueRow, Sql, Store};
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct ApiTokenRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub org: domain::OrgSlug,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub role: domain::Role,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub uses: i64,
}

pub struct NewApiToken<'a> {
    pub org: &'a str,
    pub name: &'a str,
    pub role: domain::Role,
    pub token_hash: &'a str,
    pub created_by: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

/// One opt-out on the list: who (sealed), what stopped, when, by which request.
#[derive(Debug, Clone, FromRow)]
pub struct OptOutRow {
    pub id: i64,
    /// Sealed (`Column::Email`), bound to the subject's index.
    pub email: String,
    pub email_index: String,
    #[sqlx(try_from = "String")]
    pub kind: domain::RequestKind,
    pub purpose: Option<String>,
    pub reference: String,
    pub at: i64,
}

/// A consent receipt with its sealed address and the address's index.
#[derive(Debug, Clone, FromRow)]
pub struct FeedReceiptRow {
    pub id: i64,
    pub email: String,
    pub email_index: String,
    pub purpose: String,
    pub decision: String,
    pub method: String,
    pub notice_version: String,
    pub at: i64,
}

const TOKEN_COLUMNS: &str = "t.id, t.org, t.name, t.role, s.email AS created_by, t.created_at, t.expires_at, t.revoked_at, t.last_used_at, t.uses";

impl Store {
    pub async fn insert_api_token(
        conn: &mut Conn,
        new: NewApiToken<'_>,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO api_tokens (org, name, role, token_hash, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.org)
        .bind(new.name)
        .bind(new.role.as_str())
        .bind(new.token_hash)
        .bind(new.created_by)
        .bind(new.created_at)
        .bind(new.expires_at)
        .fetch_one(conn)
        .await
    }

    /// Whether `org` has a live (unrevoked) token named `name`.
    pub async fn live_token_named(
        conn: &mut Conn,
        org: &str,
        name: &str,
    ) -> Result<bool, sqlx::Error> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM api_tokens WHERE org = $1 AND name = $2 AND revoked_at IS NULL",
        )
        .bind(org)
        .bind(name)
        .fetch_optional(conn)
        .await?;
        Ok(found.is_some())
    }

    /// The token with this hash, revoked or expired ones included (the
    /// caller decides).
    pub async fn api_token_by_hash(
        conn: &mut Conn,
        hash: &str,
    ) -> Result<Option<ApiTokenRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t LEFT JOIN staff s ON s.id = t.created_by WHERE t.token_hash = $1"
        ))
        .bind(hash)
        .fetch_optional(conn)
        .await
    }

    /// Every token of `orgs`, live ones first, newest first.
    pub async fn api_tokens_of(
        conn: &mut Conn,
        orgs: &[String],
    ) -> Result<Vec<ApiTokenRow>, sqlx::Error> {
        let mut query = Sql::new(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t LEFT JOIN staff s ON s.id = t.created_by WHERE 1 = 1"
        ));
        super::console::push_in(&mut query, "t.org", orgs.iter().map(String::as_str));
        query.push(" ORDER BY t.revoked_at IS NOT NULL, t.id DESC");
        let (sql, args) = query.into_parts();
        sqlx::query_as_with(&sql, args).fetch_all(conn).await
    }

    /// Revokes a live token of `org`; false when there is none by that id.
    pub async fn revoke_api_token(
        conn: &mut Conn,
        org: &str,
        id: i64,
        by: i64,
        at: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND org = $4 AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(by)
        .bind(id)
        .bind(org)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn touch_api_token(conn: &mut Conn, id: i64, at: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1, uses = uses + 1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Requests of the queue's filters after `after` (an id), oldest first:
    /// the API's cursor pages, which a request's later changes never move.
    pub async fn requests_after(
        conn: &mut Conn,
        q: &QueueQuery<'_>,
        after: i64,
    ) -> Result<Vec<(i64, QueueRow)>, sqlx::Error> {
        #[derive(FromRow)]
        struct WithId {
            id: i64,
            #[sqlx(flatten)]
            row: QueueRow,
        }
        let mut page = Sql::new(format!(
            "SELECT r.id, r.org, r.reference, r.kind, r.status, r.created_at, r.arrived_on, r.due_date, s.email AS assignee_email, \
             {} AS duplicate FROM requests r LEFT JOIN staff s ON s.id = r.assignee_id WHERE r.id > ",
            super::console::duplicate()
        ));
        page.push_bind(after);
        super::console::queue_filter(&mut page, q);
        page.push(" ORDER BY r.id LIMIT ").push_bind(q.limit);
        let (sql, args) = page.into_parts();
        let rows: Vec<WithId> = sqlx::query_as_with(&sql, args).fetch_all(conn).await?;
        Ok(rows.into_iter().map(|r| (r.id, r.row)).collect())
    }

    /// Opt-outs of `org` after `after` (an id), oldest first. Ids are
    /// given in commit order: every write transaction holds the writer
    /// lock from its first statement, so a feed read never skips a row
    /// that commits later with a smaller id.
    pub async fn opt_outs_after(
        conn: &mut Conn,
        org: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<OptOutRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT o.id, o.email, o.email_index, o.kind, o.purpose, r.reference, o.at
             FROM opt_outs o JOIN requests r ON r.id = o.request_id
             WHERE o.org = $1 AND o.id > $2 ORDER BY o.id LIMIT $3",
        )
        .bind(org)
        .bind(after)
        .bind(limit)
        .fetch_all(conn)
        .await
    }

    /// Consent receipts of `org` after `after` (an id), oldest first.
    pub async fn receipts_after(
        conn: &mut Conn,
        org: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<FeedReceiptRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, email, email_index, purpose, decision, method, notice_version, at
             FROM consent_receipts WHERE org = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(org)
        .bind(after)
        .bind(limit)
        .fetch_all(conn)
        .await
    }
}
