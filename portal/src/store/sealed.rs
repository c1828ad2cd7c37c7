//! Reading and rewriting the sealed columns wholesale, for `server data
//! reseal` (key rotation, and sealing what was written before sealing),
//! and for sealing and indexing, at start-up, the addresses written before
//! addresses were sealed.

use super::{Conn, Store};

/// A column holding sealed values, and how its rows are named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealedColumn {
    RequestDetails,
    RequestOutcome,
    MessageBody,
    EventNote,
    AttachmentData,
    ExportLines,
    RequestEmail,
    OptOutEmail,
    ReceiptEmail,
    AttachmentName,
    SourceFailure,
    SourceReport,
    TotpSecret,
    TotpPending,
    OutboundMail,
    WebhookBody,
}

/// What a sealed value is bound to (see `sealing::Row`), as the reseal
/// finds it beside the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    /// The request's reference (`a`).
    Request,
    /// The organisation (`a`) and the address index (`b`).
    Subject,
    /// The staff account (the row's id).
    Staff,
    /// The outbox entry's or webhook delivery's message id (`a`).
    Mail,
}

/// One sealed value as the reseal first reads it.
#[derive(Debug, sqlx::FromRow)]
pub struct SealedHead {
    pub k1: i64,
    pub k2: i64,
    pub a: String,
    pub b: String,
    /// The first bytes of the value: enough for its prefix and key id.
    pub head: Vec<u8>,
}

/// Joins that find the request a child row belongs to.
const VIA_REQUEST: &str = "JOIN requests r ON r.id = t.request_id";

impl SealedColumn {
    pub const ALL: [SealedColumn; 16] = [
        SealedColumn::RequestDetails,
        SealedColumn::RequestOutcome,
        SealedColumn::MessageBody,
        SealedColumn::EventNote,
        SealedColumn::AttachmentData,
        SealedColumn::ExportLines,
        SealedColumn::RequestEmail,
        SealedColumn::OptOutEmail,
        SealedColumn::ReceiptEmail,
        SealedColumn::AttachmentName,
        SealedColumn::SourceFailure,
        SealedColumn::SourceReport,
        SealedColumn::TotpSecret,
        SealedColumn::TotpPending,
        SealedColumn::OutboundMail,
        SealedColumn::WebhookBody,
    ];

    /// (table, row key as two integers, column). Fixed strings only: never
    /// anything from outside.
    fn parts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            SealedColumn::RequestDetails => ("requests", "id, 0", "details"),
            SealedColumn::RequestOutcome => ("requests", "id, 0", "outcome"),
            SealedColumn::MessageBody => ("request_messages", "id, 0", "body"),
            SealedColumn::EventNote => ("request_events", "id, 0", "note"),
            SealedColumn::AttachmentData => ("request_attachments", "id, 0", "data"),
            SealedColumn::ExportLines => ("export_chunks", "data_id, seq", "lines"),
            SealedColumn::RequestEmail => ("requests", "id, 0", "email"),
            SealedColumn::OptOutEmail => ("opt_outs", "id, 0", "email"),
            SealedColumn::ReceiptEmail => ("consent_receipts", "id, 0", "email"),
            SealedColumn::AttachmentName => ("request_attachments", "id, 0", "file_name"),
            SealedColumn::SourceFailure => ("source_runs", "id, 0", "detail"),
            SealedColumn::SourceReport => ("source_executions", "id, 0", "detail"),
            SealedColumn::TotpSecret => ("staff", "id, 0", "totp_secret"),
            SealedColumn::TotpPending => ("staff", "id, 0", "totp_pending"),
            SealedColumn::OutboundMail => ("outbox", "id, 0", "sealed"),
            SealedColumn::WebhookBody => ("webhook_deliveries", "id, 0", "sealed"),
        }
    }

    pub fn binding(self) -> Binding {
        match self {
            SealedColumn::OptOutEmail | SealedColumn::ReceiptEmail => Binding::Subject,
            SealedColumn::TotpSecret | SealedColumn::TotpPending => Binding::Staff,
            SealedColumn::OutboundMail | SealedColumn::WebhookBody => Binding::Mail,
            _ => Binding::Request,
        }
    }

    /// The joins and the two binding values, read beside each value.
    fn bound_by(self) -> (&'static str, &'static str) {
        match self {
            SealedColumn::RequestDetails
            | SealedColumn::RequestOutcome
            | SealedColumn::RequestEmail => ("", "t.reference AS a, CAST('' AS TEXT) AS b"),
            SealedColumn::ExportLines => (
                "JOIN export_data d ON d.id = t.data_id JOIN requests r ON r.id = d.request_id",
                "r.reference AS a, CAST('' AS TEXT) AS b",
            ),
            SealedColumn::OptOutEmail | SealedColumn::ReceiptEmail => {
                ("", "t.org AS a, COALESCE(t.email_index, '') AS b")
            }
            SealedColumn::TotpSecret | SealedColumn::TotpPending => {
                ("", "CAST('' AS TEXT) AS a, CAST('' AS TEXT) AS b")
            }
            SealedColumn::OutboundMail | SealedColumn::WebhookBody => {
                ("", "t.message_id AS a, CAST('' AS TEXT) AS b")
            }
            _ => (VIA_REQUEST, "r.reference AS a, CAST('' AS TEXT) AS b"),
        }
    }

    /// The row condition, with the key's two values as parameters `$a`, `$b`.
    fn key_filter(self, a: usize, b: usize) -> String {
        match self {
            SealedColumn::ExportLines => format!("data_id = ${a} AND seq = ${b}"),
            _ => format!("id = ${a} AND ${b} = 0"),
        }
    }
}

/// A table whose rows carry a subject's sealed address and its index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailTable {
    Requests,
    OptOuts,
    ConsentReceipts,
}

impl EmailTable {
    pub const ALL: [EmailTable; 3] = [
        EmailTable::Requests,
        EmailTable::OptOuts,
        EmailTable::ConsentReceipts,
    ];

    fn name(self) -> &'static str {
        match self {
            EmailTable::Requests => "requests",
            EmailTable::OptOuts => "opt_outs",
            EmailTable::ConsentReceipts => "consent_receipts",
        }
    }
}

impl Store {
    /// Every row's key, what its value is bound to, and the first bytes of
    /// its value (enough for the prefix and key id), where there is a value.
    pub async fn sealed_heads(&self, column: SealedColumn) -> Result<Vec<SealedHead>, sqlx::Error> {
        let (table, key, name) = column.parts();
        let (joins, bound) = column.bound_by();
        let key: Vec<String> = key
            .split(", ")
            .map(|k| {
                if k == "0" {
                    "0".to_owned()
                } else {
                    format!("t.{k}")
                }
            })
            .collect();
        // Text is read as bytes so that one query shape serves both kinds.
        let head = match (column, self.backend) {
            (SealedColumn::AttachmentData, _) => format!("substr(t.{name}, 1, 24)"),
            (_, super::Backend::Sqlite) => format!("CAST(substr(t.{name}, 1, 24) AS BLOB)"),
            (_, super::Backend::Postgres) => format!("convert_to(substr(t.{name}, 1, 24), 'UTF8')"),
        };
        // Empty text is what anonymisation leaves: nothing to seal.
        let present = match column {
            SealedColumn::AttachmentData => format!("t.{name} IS NOT NULL"),
            _ => format!("t.{name} IS NOT NULL AND t.{name} <> ''"),
        };
        sqlx::query_as(&format!(
            "SELECT {} AS k1, {} AS k2, {bound}, {head} AS head FROM {table} t {joins} WHERE {present}",
            key[0], key[1]
        ))
        .fetch_all(&self.pool)
        .await
    }

    pub async fn sealed_text(
        conn: &mut Conn,
        column: SealedColumn,
        k1: i64,
        k2: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        let (table, _, name) = column.parts();
        sqlx::query_scalar(&format!(
            "SELECT {name} FROM {table} WHERE {}",
            column.key_filter(1, 2)
        ))
        .bind(k1)
        .bind(k2)
        .fetch_optional(conn)
        .await
    }

    pub async fn sealed_bytes(conn: &mut Conn, id: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
        sqlx::query_scalar("SELECT data FROM request_attachments WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await
    }

    /// Rewrites a value unless it changed since it was read as `was` (the
    /// retention purge may have erased it meanwhile).
    pub async fn reseal_text(
        conn: &mut Conn,
        column: SealedColumn,
        (k1, k2): (i64, i64),
        was: &str,
        value: &str,
    ) -> Result<(), sqlx::Error> {
        let (table, _, name) = column.parts();
        sqlx::query(&format!(
            "UPDATE {table} SET {name} = $1 WHERE {} AND {name} = $4",
            column.key_filter(2, 3)
        ))
        .bind(value)
        .bind(k1)
        .bind(k2)
        .bind(was)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Sessions' addresses (sessions are keyed by their token's hash).
    pub async fn session_emails(&self) -> Result<Vec<(String, String)>, sqlx::Error> {
        sqlx::query_as("SELECT token_hash, email FROM subject_sessions")
            .fetch_all(&self.pool)
            .await
    }

    /// Rewrites a session's address unless it changed meanwhile.
    pub async fn reseal_session_email(
        &self,
        token_hash: &str,
        was: &str,
        value: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE subject_sessions SET email = $1 WHERE token_hash = $2 AND email = $3")
            .bind(value)
            .bind(token_hash)
            .bind(was)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Up to `limit` rows of `table` whose address has no index yet
    /// (written before addresses were sealed): id, stored address, and
    /// what the sealed address is bound to (the request's reference, or the
    /// organisation).
    pub async fn unindexed_emails(
        &self,
        table: EmailTable,
        limit: i64,
    ) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
        let bound = match table {
            EmailTable::Requests => "reference",
            EmailTable::OptOuts | EmailTable::ConsentReceipts => "org",
        };
        sqlx::query_as(&format!(
            "SELECT id, email, {bound} FROM {} WHERE email_index IS NULL ORDER BY id LIMIT $1",
            table.name()
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// Writes a row's sealed address and index, unless another server did.
    pub async fn index_email(
        conn: &mut Conn,
        table: EmailTable,
        id: i64,
        sealed: &str,
        index: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(&format!(
            "UPDATE {} SET email = $1, email_index = $2 WHERE id = $3 AND email_index IS NULL",
            table.name()
        ))
        .bind(sealed)
        .bind(index)
        .bind(id)
        .execute(conn)
        .await?;
        Ok(())
    }

    pub async fn reseal_bytes(conn: &mut Conn, id: i64, value: &[u8]) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE request_attachments SET data = $1 WHERE id = $2")
            .bind(value)
            .bind(id)
            .execute(conn)
            .await?;
        Ok(())
    }
}
