//! The retention purge's storage: which closed requests are due, and
//! erasing a request's personal data while keeping its bare record.

use super::{Conn, Pool, Store};

/// A closed request whose retention period is over.
#[derive(Debug, sqlx::FromRow)]
pub struct DueRow {
    pub id: i64,
    pub reference: String,
    pub status: String,
}

impl Store {
    /// Closed requests of `org` last changed before `cutoff`, not yet
    /// anonymised; at most `limit`, oldest first.
    pub async fn due_for_anonymisation(
        pool: &Pool,
        org: &str,
        cutoff: i64,
        limit: i64,
    ) -> Result<Vec<DueRow>, sqlx::Error> {
        let sql = format!(
            "SELECT id, reference, status FROM requests
             WHERE org = $1 AND status IN ({})
               AND updated_at < $2 AND anonymised_at IS NULL
             ORDER BY updated_at, id LIMIT $3",
            super::sql::closed_list()
        );
        sqlx::query_as(&sql)
            .bind(org)
            .bind(cutoff)
            .bind(limit)
            .fetch_all(pool)
            .await
    }

    /// Every organisation with requests not yet anonymised, configured or not.
    pub async fn orgs_with_requests(pool: &Pool) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT DISTINCT org FROM requests WHERE anonymised_at IS NULL")
            .fetch_all(pool)
            .await
    }

    /// The names of a request's packages whose files are still stored.
    pub async fn stored_packages(
        conn: &mut Conn,
        request_id: i64,
    ) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT name FROM exports WHERE request_id = $1 AND purged_at IS NULL")
            .bind(request_id)
            .fetch_all(conn)
            .await
    }

    /// Erases everything personal about a request. Opt-outs and consent
    /// receipts stay: they are what stops the marketing and proves a
    /// consent, and have their own lives.
    /// False (and nothing done) when another server's sweep did it first.
    pub async fn anonymise_request(
        conn: &mut Conn,
        request_id: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let claimed = sqlx::query(
            "UPDATE requests SET email = '', email_index = '', details = '{}', outcome = NULL, anonymised_at = $1
             WHERE id = $2 AND anonymised_at IS NULL",
        )
        .bind(now)
        .bind(request_id)
        .execute(&mut *conn)
        .await?;
        if claimed.rows_affected() != 1 {
            return Ok(false);
        }
        for statement in [
            "DELETE FROM request_messages WHERE request_id = $1",
            "DELETE FROM request_attachments WHERE request_id = $1",
            "DELETE FROM verification_codes WHERE request_id = $1",
            "DELETE FROM export_data WHERE request_id = $1",
            "DELETE FROM exports WHERE request_id = $1",
            "DELETE FROM source_runs WHERE request_id = $1",
            // What sources reported may name the subject; the outcome stays.
            "UPDATE source_executions SET detail = '' WHERE request_id = $1",
            "UPDATE request_events SET note = NULL WHERE request_id = $1",
        ] {
            sqlx::query(statement)
                .bind(request_id)
                .execute(&mut *conn)
                .await?;
        }
        Ok(true)
    }
}
