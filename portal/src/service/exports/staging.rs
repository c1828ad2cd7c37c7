//! Keeps what a source returns for the export package, chunk by chunk as
//! it arrives (see `export::records`), and reads it back the same way when
//! the package is built. A run's rows count only once it finished: a run
//! that fails or dies leaves nothing the package would pick up.

use crate::sealing::{Column, DataKeys, Row};
use crate::store::Pool;
use crate::{
    export::{Chunks, LineBuffer, Lines, PackageError, Record},
    sources::{RecordSink, SourceError},
    store::Store,
};
use async_trait::async_trait;
use std::sync::Arc;

struct Category {
    name: String,
    data_id: i64,
    buffer: LineBuffer,
    chunks: i64,
    bytes: i64,
}

/// What one run of one source returned, being written.
pub(super) struct Staging {
    pool: Pool,
    keys: Arc<DataKeys>,
    request_id: i64,
    /// The request's reference, which its sealed chunks are bound to.
    reference: String,
    source: String,
    staff: Option<i64>,
    at: i64,
    categories: Vec<Category>,
}

/// One category's result, for the run's record.
pub(super) struct Staged {
    pub data_id: i64,
    pub records: i64,
    pub bytes: i64,
    pub fields: Vec<String>,
}

fn failed(error: sqlx::Error) -> SourceError {
    tracing::error!(error = %error, "storing collected data failed");
    crate::sources::Failure::Storage.error()
}

impl Staging {
    /// Starts a run: every category the source answers for gets its row
    /// up front, so one that returns nothing shows as "no data found".
    pub async fn begin(
        pool: &Pool,
        keys: Arc<DataKeys>,
        request: &crate::store::RequestRow,
        source: &str,
        categories: &[&str],
        staff: Option<i64>,
        at: i64,
    ) -> Result<Staging, sqlx::Error> {
        let mut staging = Staging {
            pool: pool.clone(),
            keys,
            request_id: request.id,
            reference: request.reference.to_string(),
            source: source.to_owned(),
            staff,
            at,
            categories: Vec::new(),
        };
        for category in categories {
            staging.category(category).await?;
        }
        Ok(staging)
    }

    async fn category(&mut self, name: &str) -> Result<usize, sqlx::Error> {
        if let Some(index) = self.categories.iter().position(|c| c.name == name) {
            return Ok(index);
        }
        let mut conn = self.pool.acquire().await?;
        let data_id = Store::begin_export_data(
            &mut conn,
            self.request_id,
            name,
            &self.source,
            self.staff,
            self.at,
        )
        .await?;
        self.categories.push(Category {
            name: name.to_owned(),
            data_id,
            buffer: LineBuffer::default(),
            chunks: 0,
            bytes: 0,
        });
        Ok(self.categories.len() - 1)
    }

    async fn store_chunk(
        pool: &Pool,
        keys: &DataKeys,
        reference: &str,
        category: &mut Category,
        chunk: Vec<u8>,
    ) -> Result<(), sqlx::Error> {
        let lines = String::from_utf8(chunk).expect("serde_json writes UTF-8");
        let sealed = keys.seal_text(Column::ExportLines, Row::Request(reference), &lines);
        let mut conn = pool.acquire().await?;
        Store::insert_export_chunk(&mut conn, category.data_id, category.chunks, &sealed).await?;
        category.chunks += 1;
        category.bytes += lines.len() as i64;
        Ok(())
    }

    /// The rows of this run.
    pub fn ids(&self) -> Vec<i64> {
        self.categories.iter().map(|c| c.data_id).collect()
    }

    /// Writes what is left; the rows count once `complete` runs in the
    /// caller's transaction.
    pub async fn finish(self) -> Result<Vec<Staged>, sqlx::Error> {
        let mut staged = Vec::new();
        for mut category in self.categories {
            let (rest, summary) = std::mem::take(&mut category.buffer).finish();
            if let Some(chunk) = rest {
                Self::store_chunk(
                    &self.pool,
                    &self.keys,
                    &self.reference,
                    &mut category,
                    chunk,
                )
                .await?;
            }
            staged.push(Staged {
                data_id: category.data_id,
                records: summary.records,
                bytes: category.bytes,
                fields: summary.fields,
            });
        }
        Ok(staged)
    }

    /// Makes a finished run's rows count.
    pub async fn complete(
        conn: &mut crate::store::Conn,
        staged: &[Staged],
    ) -> Result<(), sqlx::Error> {
        for data in staged {
            let fields = serde_json::to_string(&data.fields).expect("strings serialise");
            Store::complete_export_data(conn, data.data_id, data.records, data.bytes, &fields)
                .await?;
        }
        Ok(())
    }

    /// Throws a failed run's rows away.
    pub async fn discard(pool: &Pool, ids: &[i64]) -> Result<(), sqlx::Error> {
        let mut conn = pool.acquire().await?;
        Store::delete_export_data(&mut conn, ids).await
    }
}

#[async_trait]
impl RecordSink for Staging {
    async fn record(&mut self, category: &str, record: Record) -> Result<(), SourceError> {
        let index = self.category(category).await.map_err(failed)?;
        let entry = &mut self.categories[index];
        if let Some(chunk) = entry.buffer.push(&record) {
            Self::store_chunk(&self.pool, &self.keys, &self.reference, entry, chunk)
                .await
                .map_err(failed)?;
        }
        Ok(())
    }

    async fn lines(&mut self, category: &str, lines: Lines) -> Result<(), SourceError> {
        let index = self.category(category).await.map_err(failed)?;
        let entry = &mut self.categories[index];
        if let Some(chunk) = entry.buffer.append(lines) {
            Self::store_chunk(&self.pool, &self.keys, &self.reference, entry, chunk)
                .await
                .map_err(failed)?;
        }
        Ok(())
    }
}

/// Reads staged chunks for the package builder, which runs on a blocking
/// thread: each chunk is fetched from the database as the builder needs it.
pub(super) struct DatabaseChunks {
    pub keys: Arc<DataKeys>,
    /// The request's reference, which its sealed chunks are bound to.
    pub reference: String,
    pub pool: Pool,
    pub runtime: tokio::runtime::Handle,
}

impl Chunks for DatabaseChunks {
    fn each(
        &mut self,
        id: i64,
        each: &mut dyn FnMut(&[u8]) -> Result<(), PackageError>,
    ) -> Result<(), PackageError> {
        let read = |e: sqlx::Error| PackageError::Read(e.to_string());
        self.runtime.block_on(async {
            let mut conn = self.pool.acquire().await.map_err(read)?;
            for seq in 0.. {
                match Store::export_chunk(&mut conn, id, seq)
                    .await
                    .map_err(read)?
                {
                    Some(sealed) => {
                        let lines = self
                            .keys
                            .open_text(Column::ExportLines, Row::Request(&self.reference), &sealed)
                            .map_err(|e| PackageError::Read(e.to_string()))?;
                        each(lines.as_bytes())?
                    }
                    None => break,
                }
            }
            Ok(())
        })
    }
}
