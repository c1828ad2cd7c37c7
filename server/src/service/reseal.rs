//! `server data reseal`: every sealed value not under the current data key
//! (sealed under a previous key, or written before sealing) is opened and
//! sealed again under it. Run after a rotation; afterwards the previous key
//! can be removed from `PORTAL_DATA_KEYS_PREVIOUS`. Safe to run while the
//! portal serves, and to run again: each value is rewritten in a short
//! transaction of its own, and values already current are skipped.

use super::{db, Service};
use crate::{sealing::Column, store::SealedColumn, store::Store};
use app::domain::AppError;

fn column_of(sealed: SealedColumn) -> Column {
    match sealed {
        SealedColumn::RequestDetails => Column::RequestDetails,
        SealedColumn::RequestOutcome => Column::RequestOutcome,
        SealedColumn::MessageBody => Column::MessageBody,
        SealedColumn::EventNote => Column::EventNote,
        SealedColumn::AttachmentData => Column::AttachmentData,
        SealedColumn::ExportLines => Column::ExportLines,
    }
}

impl Service {
    /// Returns how many values were rewritten.
    pub async fn reseal(&self) -> Result<u64, AppError> {
        let mut rewritten = 0;
        for sealed in SealedColumn::ALL {
            let column = column_of(sealed);
            let heads = self.store.sealed_heads(sealed).await.map_err(db)?;
            for (k1, k2, head) in heads {
                let current = match sealed {
                    SealedColumn::AttachmentData => self.keys.is_current_bytes(&head),
                    _ => self.keys.is_current_text(&String::from_utf8_lossy(&head)),
                };
                if current {
                    continue;
                }
                let mut tx = self.store.begin().await.map_err(db)?;
                match sealed {
                    SealedColumn::AttachmentData => {
                        let Some(stored) = Store::sealed_bytes(&mut tx, k1).await.map_err(db)?
                        else {
                            continue;
                        };
                        let plain = self.keys.open_bytes(column, &stored).map_err(|error| {
                            tracing::error!(error = %error, "a sealed attachment does not open");
                            AppError::Internal
                        })?;
                        Store::reseal_bytes(&mut tx, k1, &self.keys.seal_bytes(column, &plain))
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
                        let plain = self.open(column, &stored)?;
                        Store::reseal_text(&mut tx, sealed, k1, k2, &self.seal(column, &plain))
                            .await
                            .map_err(db)?;
                    }
                }
                tx.commit().await.map_err(db)?;
                rewritten += 1;
            }
        }
        tracing::info!(rewritten, "data resealed under the current key");
        Ok(rewritten)
    }
}
