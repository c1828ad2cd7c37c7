//! Verification codes and magic links: issued, counted, tried, spent.

use super::{CodeCounts, CodeRow, Conn, Store};
use crate::sealing::EmailIndex;

pub struct NewCode<'a> {
    pub request_id: i64,
    pub org: &'a str,
    pub email_index: &'a EmailIndex,
    /// The keyed hash of the client that asked for it.
    pub client: &'a str,
    /// The quota it draws on: `submission`, `resend` or `owner`.
    pub reason: &'a str,
    pub code_hash: &'a str,
    pub link_hash: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

impl Store {
    /// Issues a code; any earlier active code of the request stops working.
    pub async fn insert_code(conn: &mut Conn, new: NewCode<'_>) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE verification_codes SET state = 'superseded' WHERE request_id = $1 AND state = 'active'")
            .bind(new.request_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO verification_codes (request_id, org, email_index, client, reason, code_hash, link_hash, created_at, expires_at, state)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active')",
        )
        .bind(new.request_id)
        .bind(new.org)
        .bind(new.email_index.as_str())
        .bind(new.client)
        .bind(new.reason)
        .bind(new.code_hash)
        .bind(new.link_hash)
        .bind(new.now)
        .bind(new.expires_at)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// What the code quotas of an address in an organisation stand at,
    /// over the codes issued since `since` (see `service::verification`).
    pub async fn code_counts(
        conn: &mut Conn,
        org: &str,
        email: &EmailIndex,
        client: &str,
        request_id: i64,
        since: i64,
    ) -> Result<CodeCounts, sqlx::Error> {
        sqlx::query_as(
            "SELECT
               CAST(COALESCE(SUM(CASE WHEN reason <> 'owner' THEN 1 ELSE 0 END), 0) AS BIGINT) AS strangers,
               CAST(COALESCE(SUM(CASE WHEN reason <> 'owner' AND client = $3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS by_client,
               CAST(COALESCE(SUM(CASE WHEN reason = 'owner' THEN 1 ELSE 0 END), 0) AS BIGINT) AS owner,
               CAST(COALESCE(SUM(CASE WHEN reason = 'resend' AND request_id = $4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS resends,
               CAST(COALESCE(MAX(CASE WHEN state = 'used' AND used_client = $3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS client_read_mail
             FROM verification_codes WHERE org = $1 AND email_index = $2 AND created_at >= $5",
        )
        .bind(org)
        .bind(email.as_str())
        .bind(client)
        .bind(request_id)
        .bind(since)
        .fetch_one(conn)
        .await
    }

    pub async fn active_code(
        conn: &mut Conn,
        request_id: i64,
    ) -> Result<Option<CodeRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE request_id = $1 AND state = 'active' ORDER BY id DESC LIMIT 1",
            CodeRow::SELECT
        ))
        .bind(request_id)
        .fetch_optional(conn)
        .await
    }

    /// The newest code of a request whatever its state, to explain why it no longer works.
    pub async fn latest_code(
        conn: &mut Conn,
        request_id: i64,
    ) -> Result<Option<CodeRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE request_id = $1 ORDER BY id DESC LIMIT 1",
            CodeRow::SELECT
        ))
        .bind(request_id)
        .fetch_optional(conn)
        .await
    }

    pub async fn code_by_link(
        conn: &mut Conn,
        link_hash: &str,
    ) -> Result<Option<CodeRow>, sqlx::Error> {
        sqlx::query_as(&format!("{} WHERE link_hash = $1", CodeRow::SELECT))
            .bind(link_hash)
            .fetch_optional(conn)
            .await
    }

    pub async fn record_failed_attempt(
        conn: &mut Conn,
        code_id: i64,
        burn: bool,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE verification_codes SET failed_attempts = failed_attempts + 1,
                    state = CASE WHEN $1 THEN 'burned' ELSE state END
             WHERE id = $2",
        )
        .bind(burn)
        .bind(code_id)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Marks a code used by `client`; false when it was no longer active
    /// (a concurrent use won).
    pub async fn use_code(
        conn: &mut Conn,
        code_id: i64,
        client: &str,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE verification_codes SET state = 'used', used_client = $1 WHERE id = $2 AND state = 'active'",
        )
        .bind(client)
        .bind(code_id)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
