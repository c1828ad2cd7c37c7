//! Consent receipts (see migration 0014).

use super::Conn;
use super::Store;
use crate::sealing::{EmailIndex, StoredEmail};
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct ReceiptRow {
    pub id: i64,
    pub org: String,
    /// Sealed (`Column::Email`).
    pub email: String,
    pub purpose: String,
    pub decision: String,
    pub method: String,
    pub notice_version: String,
    pub at: i64,
}

impl Store {
    /// `receipt.email` is not read: `email` is what is written.
    pub async fn insert_receipt(
        conn: &mut Conn,
        receipt: &ReceiptRow,
        email: &StoredEmail,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO consent_receipts (org, email, email_index, purpose, decision, method, notice_version, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&receipt.org)
        .bind(&email.sealed)
        .bind(email.index.as_str())
        .bind(&receipt.purpose)
        .bind(&receipt.decision)
        .bind(&receipt.method)
        .bind(&receipt.notice_version)
        .bind(receipt.at)
        .fetch_one(conn)
        .await
    }

    /// The subject's current choice for `purpose`: the newest receipt.
    pub async fn latest_receipt(
        conn: &mut Conn,
        org: &str,
        email: &EmailIndex,
        purpose: &str,
    ) -> Result<Option<ReceiptRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, org, email, purpose, decision, method, notice_version, at FROM consent_receipts
             WHERE org = $1 AND email_index = $2 AND purpose = $3 ORDER BY id DESC LIMIT 1",
        )
        .bind(org)
        .bind(email.as_str())
        .bind(purpose)
        .fetch_optional(conn)
        .await
    }

    /// Every receipt of a subject, oldest first.
    pub async fn receipts_of(
        conn: &mut Conn,
        org: &str,
        email: &EmailIndex,
    ) -> Result<Vec<ReceiptRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, org, email, purpose, decision, method, notice_version, at FROM consent_receipts
             WHERE org = $1 AND email_index = $2 ORDER BY id",
        )
        .bind(org)
        .bind(email.as_str())
        .fetch_all(conn)
        .await
    }
}
