//! `server data reseal`: every sealed value not under the current data key
//! (sealed under a previous key, or written before sealing) is opened and
//! sealed again under it. Run after a rotation; afterwards the previous key
//! can be removed from `PORTAL_DATA_KEYS_PREVIOUS`. Safe to run while the
//! portal serves, and to run again: each value is rewritten in a short
//! transaction of its own, and values already current are skipped.
//!
//! Also here: the start-up pass that seals and indexes subjects' addresses
//! written before addresses were sealed (schema 19).

use super::Upkeep;
use crate::sealing::{Column, Row};
use crate::service::db;
use crate::store::{Binding, EmailTable, SealedColumn, SealedHead, Store};
use domain::AppError;

/// Rows sealed per transaction by the start-up pass.
const EMAIL_BATCH: i64 = 500;

fn column_of(sealed: SealedColumn) -> Column {
    match sealed {
        SealedColumn::RequestDetails => Column::RequestDetails,
        SealedColumn::RequestOutcome => Column::RequestOutcome,
        SealedColumn::MessageBody => Column::MessageBody,
        SealedColumn::EventNote => Column::EventNote,
        SealedColumn::AttachmentData => Column::AttachmentData,
        SealedColumn::ExportLines => Column::ExportLines,
        SealedColumn::RequestEmail | SealedColumn::OptOutEmail | SealedColumn::ReceiptEmail => {
            Column::Email
        }
        SealedColumn::AttachmentName => Column::AttachmentName,
        SealedColumn::SourceFailure => Column::SourceFailure,
        SealedColumn::SourceReport => Column::SourceReport,
        SealedColumn::TotpSecret | SealedColumn::TotpPending => Column::TotpSecret,
        SealedColumn::OutboundMail => Column::OutboundMail,
        SealedColumn::WebhookBody => Column::WebhookBody,
    }
}

/// The row a value read by the reseal is bound to.
fn row_of<'a>(sealed: SealedColumn, head: &'a SealedHead) -> Row<'a> {
    match sealed.binding() {
        Binding::Request => Row::Request(&head.a),
        Binding::Subject => Row::Subject {
            org: &head.a,
            index: &head.b,
        },
        Binding::Staff => Row::Staff(head.k1),
        Binding::Mail => Row::Mail(&head.a),
    }
}

impl Upkeep {
    /// Returns how many values were rewritten.
    pub async fn reseal(&self) -> Result<u64, AppError> {
        let mut rewritten = 0;
        for sealed in SealedColumn::ALL {
            let column = column_of(sealed);
            let heads = self.store.sealed_heads(sealed).await.map_err(db)?;
            for head in &heads {
                let current = match sealed {
                    SealedColumn::AttachmentData => self.seals.keys().is_current_bytes(&head.head),
                    _ => self
                        .seals
                        .keys()
                        .is_current_text(&String::from_utf8_lossy(&head.head)),
                };
                if current {
                    continue;
                }
                let row = row_of(sealed, head);
                let (k1, k2) = (head.k1, head.k2);
                let mut tx = self.store.begin().await.map_err(db)?;
                match sealed {
                    SealedColumn::AttachmentData => {
                        let Some(stored) = Store::sealed_bytes(&mut tx, k1).await.map_err(db)?
                        else {
                            continue;
                        };
                        let plain = self.seals.keys().open_bytes(column, row, &stored).map_err(|error| {
                            tracing::error!(error = %error, "a sealed attachment does not open");
                            AppError::Internal
                        })?;
                        Store::reseal_bytes(
                            &mut tx,
                            k1,
                            &self.seals.keys().seal_bytes(column, row, &plain),
                        )
                        .await
                        .map_err(db)?;
                    }
                    _ => {
                        let Some(stored) = Store::sealed_text(&mut tx, sealed, k1, k2)
                            .await
                            .map_err(db)?
                        else {
                            continue;
                        };
                        let plain = self.seals.open(column, row, &stored)?;
                        let value = self.seals.seal(column, row, &plain);
                        Store::reseal_text(&mut tx, sealed, (k1, k2), &stored, &value)
                            .await
                            .map_err(db)?;
                    }
                }
                tx.commit().await.map_err(db)?;
                rewritten += 1;
            }
        }
        for (token_hash, stored) in self.store.session_emails().await.map_err(db)? {
            if self.seals.keys().is_current_text(&stored) {
                continue;
            }
            let row = Row::Session(&token_hash);
            let email = self.seals.open(Column::Email, row, &stored)?;
            self.store
                .reseal_session_email(
                    &token_hash,
                    &stored,
                    &self.seals.seal(Column::Email, row, &email),
                )
                .await
                .map_err(db)?;
            rewritten += 1;
        }
        tracing::info!(rewritten, "data resealed under the current key");
        Ok(rewritten)
    }

    /// Seals and indexes every address that has no index yet; run at
    /// start-up, before the portal serves (an unindexed request would not
    /// be found by its subject). Any number of servers may run it at once.
    /// Anonymised rows (no address) get an empty index, which nothing finds.
    /// Returns how many rows it wrote.
    pub async fn seal_emails(&self) -> Result<u64, AppError> {
        let mut written = 0;
        for table in EmailTable::ALL {
            loop {
                let batch = self
                    .store
                    .unindexed_emails(table, EMAIL_BATCH)
                    .await
                    .map_err(db)?;
                if batch.is_empty() {
                    break;
                }
                let mut tx = self.store.begin().await.map_err(db)?;
                for (id, stored, bound) in &batch {
                    // Written before addresses were sealed: in clear
                    // (which `open` passes through as it is).
                    let row = match table {
                        EmailTable::Requests => Row::Request(bound),
                        // Written before addresses had an index: none to bind yet.
                        _ => Row::Subject {
                            org: bound,
                            index: "",
                        },
                    };
                    let email = self.seals.open(Column::Email, row, stored)?;
                    let (sealed, index) = if email.is_empty() {
                        (String::new(), String::new())
                    } else {
                        let stored = match table {
                            EmailTable::Requests => self.seals.store_request_email(bound, &email),
                            _ => self.seals.store_subject_email(bound, &email),
                        };
                        (stored.sealed, stored.index.as_str().to_owned())
                    };
                    Store::index_email(&mut tx, table, *id, &sealed, &index)
                        .await
                        .map_err(db)?;
                }
                tx.commit().await.map_err(db)?;
                written += batch.len() as u64;
            }
        }
        if written > 0 {
            tracing::info!(
                written,
                "addresses written before sealing are now sealed and indexed"
            );
        }
        Ok(written)
    }
}
