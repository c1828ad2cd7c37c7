//! Collected export data and the packages built from it.

use super::Conn;
use super::Store;
use sqlx::FromRow;

/// What one source returned in one category (complete rows only).
#[derive(Debug, Clone, FromRow)]
pub struct ExportDataRow {
    pub id: i64,
    pub category: String,
    pub source: String,
    pub record_count: i64,
    pub bytes: i64,
    /// JSON array of field names.
    pub fields: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct ExportRow {
    pub id: i64,
    pub request_id: i64,
    pub name: String,
    pub size: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub released_at: Option<i64>,
    /// When the sweep deleted its file, after the download period.
    pub purged_at: Option<i64>,
}

/// A package as it is first stored (its bytes go to the package store).
pub struct NewExport<'a> {
    pub request_id: i64,
    pub name: &'a str,
    pub size: i64,
    pub data_sha256: &'a str,
    pub at: i64,
    pub expires_at: i64,
    /// Who built it.
    pub staff_id: Option<i64>,
    /// When the subject may download it: at once, or after staff's review.
    pub released_at: Option<i64>,
}

impl Store {
    /// Starts the data of one source in one category; its chunks follow,
    /// and `complete_export_data` makes it count.
    pub async fn begin_export_data(
        conn: &mut Conn,
        request_id: i64,
        category: &str,
        source: &str,
        staff_id: Option<i64>,
        at: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO export_data (request_id, category, source, records, staff_id, created_at, complete)
             VALUES ($1, $2, $3, '', $4, $5, 0) RETURNING id",
        )
        .bind(request_id)
        .bind(category)
        .bind(source)
        .bind(staff_id)
        .bind(at)
        .fetch_one(conn)
        .await
    }

    pub async fn insert_export_chunk(
        conn: &mut Conn,
        data_id: i64,
        seq: i64,
        lines: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO export_chunks (data_id, seq, lines) VALUES ($1, $2, $3)")
            .bind(data_id)
            .bind(seq)
            .bind(lines)
            .execute(conn)
            .await?;
        Ok(())
    }

    pub async fn complete_export_data(
        conn: &mut Conn,
        data_id: i64,
        records: i64,
        bytes: i64,
        fields_json: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE export_data SET record_count = $1, bytes = $2, fields = $3, complete = 1 WHERE id = $4")
            .bind(records)
            .bind(bytes)
            .bind(fields_json)
            .bind(data_id)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Forgets the data of `source` for a request except `keep` (a run's
    /// own rows): what an earlier run returned, and what a run that died
    /// left half-written.
    pub async fn delete_export_data_of_source(
        conn: &mut Conn,
        request_id: i64,
        source: &str,
        keep: &[i64],
    ) -> Result<(), sqlx::Error> {
        let mut query = super::Sql::new("DELETE FROM export_data WHERE request_id = ");
        query
            .push_bind(request_id)
            .push(" AND source = ")
            .push_bind(source);
        if !keep.is_empty() {
            query.push(" AND id NOT IN (");
            query.push_list(keep.iter().copied());
            query.push(")");
        }
        let (sql, args) = query.into_parts();
        sqlx::query_with(&sql, args).execute(conn).await?;
        Ok(())
    }

    /// Deletes rows by id (a failed run's own).
    pub async fn delete_export_data(conn: &mut Conn, ids: &[i64]) -> Result<(), sqlx::Error> {
        for id in ids {
            sqlx::query("DELETE FROM export_data WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    pub async fn export_data_of(
        conn: &mut Conn,
        request_id: i64,
    ) -> Result<Vec<ExportDataRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, category, source, record_count, bytes, fields FROM export_data
             WHERE request_id = $1 AND complete = 1 ORDER BY id",
        )
        .bind(request_id)
        .fetch_all(conn)
        .await
    }

    /// Packages past their download period whose file is still stored.
    pub async fn exports_to_purge(conn: &mut Conn, at: i64) -> Result<Vec<ExportRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, request_id, name, size, created_at, expires_at, released_at, purged_at FROM exports
             WHERE expires_at <= $1 AND purged_at IS NULL ORDER BY id",
        )
        .bind(at)
        .fetch_all(conn)
        .await
    }

    /// False when another server's sweep marked it first.
    pub async fn mark_export_purged(
        conn: &mut Conn,
        id: i64,
        at: i64,
    ) -> Result<bool, sqlx::Error> {
        let done =
            sqlx::query("UPDATE exports SET purged_at = $1 WHERE id = $2 AND purged_at IS NULL")
                .bind(at)
                .bind(id)
                .execute(conn)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Forgets what was collected for requests that are closed: no package
    /// can be built from it any more. Returns how many requests had some.
    pub async fn delete_export_data_of_closed(conn: &mut Conn) -> Result<u64, sqlx::Error> {
        let sql = format!(
            "DELETE FROM export_data WHERE request_id IN
               (SELECT id FROM requests WHERE status IN ({}))",
            super::sql::closed_list()
        );
        let done = sqlx::query(&sql).execute(conn).await?;
        Ok(done.rows_affected())
    }

    /// One chunk of one source's data (`seq` from 0). Read one at a time,
    /// so at most one chunk is in memory: a streaming query would buffer
    /// dozens of rows ahead.
    pub async fn export_chunk(
        conn: &mut Conn,
        data_id: i64,
        seq: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT lines FROM export_chunks WHERE data_id = $1 AND seq = $2")
            .bind(data_id)
            .bind(seq)
            .fetch_optional(conn)
            .await
    }

    pub async fn insert_export(conn: &mut Conn, new: NewExport<'_>) -> Result<(), sqlx::Error> {
        let NewExport {
            request_id,
            name,
            size,
            data_sha256,
            at,
            expires_at,
            staff_id,
            released_at,
        } = new;
        sqlx::query(
            "INSERT INTO exports (request_id, name, size, data_sha256, created_at, expires_at, staff_id, released_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(request_id)
        .bind(name)
        .bind(size)
        .bind(data_sha256)
        .bind(at)
        .bind(expires_at)
        .bind(staff_id)
        .bind(released_at)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Lets the subject download a package (and its expiry counts from now).
    pub async fn release_export(
        conn: &mut Conn,
        id: i64,
        at: i64,
        expires_at: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE exports SET released_at = $1, expires_at = $2 WHERE id = $3 AND released_at IS NULL AND purged_at IS NULL")
            .bind(at)
            .bind(expires_at)
            .bind(id)
            .execute(conn)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The newest package of each request in `request_ids`; with
    /// `released_only`, the newest the subject may see.
    pub async fn latest_exports(
        conn: &mut Conn,
        request_ids: &[i64],
        released_only: bool,
    ) -> Result<Vec<ExportRow>, sqlx::Error> {
        if request_ids.is_empty() {
            return Ok(Vec::new());
        }
        let released = if released_only {
            "AND x.released_at IS NOT NULL"
        } else {
            ""
        };
        let mut query = super::Sql::new(format!(
            "SELECT id, request_id, name, size, created_at, expires_at, released_at, purged_at FROM exports e WHERE id = \
             (SELECT MAX(id) FROM exports x WHERE x.request_id = e.request_id {released}) AND request_id IN ("
        ));
        query.push_list(request_ids.iter().copied());
        query.push(")");
        let (sql, args) = query.into_parts();
        sqlx::query_as_with(&sql, args).fetch_all(conn).await
    }
}

/// The failure class of a source run that staff completed without, saying
/// why and what they will do (its sealed detail).
pub const COMPLETED_WITHOUT: &str = "completed_without";

#[derive(Debug, Clone, FromRow)]
pub struct SourceRunRow {
    pub request_id: i64,
    pub source: String,
    #[sqlx(try_from = "super::rows::Flag")]
    pub ok: bool,
    pub records: i64,
    /// Sealed (`Column::SourceFailure`): why it failed, in the source's words.
    pub detail: Option<String>,
    /// The failure's class (`sources::Failure`), in clear.
    pub failure: Option<String>,
    pub at: i64,
}

impl Store {
    pub async fn insert_source_run(
        conn: &mut Conn,
        request_id: i64,
        run: &SourceRunRow,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO source_runs (request_id, source, ok, records, detail, failure, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(request_id)
            .bind(&run.source)
            .bind(i64::from(run.ok))
            .bind(run.records)
            .bind(&run.detail)
            .bind(&run.failure)
            .bind(run.at)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// The newest run of each source for a request.
    pub async fn latest_source_runs(
        conn: &mut Conn,
        request_id: i64,
    ) -> Result<Vec<SourceRunRow>, sqlx::Error> {
        Self::latest_source_runs_of(conn, &[request_id]).await
    }

    /// Each source's latest run for several requests, in one query.
    pub async fn latest_source_runs_of(
        conn: &mut Conn,
        request_ids: &[i64],
    ) -> Result<Vec<SourceRunRow>, sqlx::Error> {
        if request_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = super::sql::Sql::new(
            "SELECT request_id, source, ok, records, detail, failure, at FROM source_runs r
             WHERE id = (SELECT MAX(id) FROM source_runs x WHERE x.request_id = r.request_id AND x.source = r.source)
               AND request_id IN (",
        );
        query.push_list(request_ids.iter().copied());
        query.push(") ORDER BY request_id, source");
        let (sql, args) = query.into_parts();
        sqlx::query_as_with(&sql, args).fetch_all(conn).await
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct ExecutionRow {
    pub source: String,
    #[sqlx(try_from = "String")]
    pub operation: domain::Operation,
    #[sqlx(try_from = "String")]
    pub outcome: domain::ExecutionOutcome,
    /// Sealed (`Column::SourceReport`): what the source reported, or why it failed.
    pub detail: String,
    /// A failure's class (`sources::Failure`), in clear.
    pub failure: Option<String>,
    pub at: i64,
}

impl Store {
    pub async fn insert_execution(
        conn: &mut Conn,
        request_id: i64,
        row: &ExecutionRow,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO source_executions (request_id, source, operation, outcome, detail, failure, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(request_id)
        .bind(&row.source)
        .bind(row.operation.as_str())
        .bind(row.outcome.as_str())
        .bind(&row.detail)
        .bind(&row.failure)
        .bind(row.at)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Every execution on a request, oldest first.
    pub async fn executions_of(
        conn: &mut Conn,
        request_id: i64,
    ) -> Result<Vec<ExecutionRow>, sqlx::Error> {
        sqlx::query_as("SELECT source, operation, outcome, detail, failure, at FROM source_executions WHERE request_id = $1 ORDER BY id")
            .bind(request_id)
            .fetch_all(conn)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Data collected before chunks existed (one JSON array per row) is
    /// carried over by migration 0013 and reads back record by record.
    #[tokio::test]
    async fn data_collected_before_chunks_is_carried_over() {
        let dir = tempfile::tempdir().unwrap();
        let older = dir.path().join("older");
        std::fs::create_dir(&older).unwrap();
        let migrations = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
        for entry in std::fs::read_dir(&migrations).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if name.as_str() < "0013" {
                std::fs::copy(&path, older.join(name)).unwrap();
            }
        }
        let url = format!("sqlite://{}", dir.path().join("portal.db").display());
        let options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(&url)
            .unwrap()
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        sqlx::migrate::Migrator::new(older.as_path())
            .await
            .unwrap()
            .run(&pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO requests (id, reference, org, kind, email, language, details, status, created_at, updated_at, tracking_key_hash)
             VALUES (1, 'PR-AAAA-BBBB', 'demo', 'access', 'kari@example.no', 'en', '{}', 'received', 0, 0, 'x')",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO export_data (request_id, category, source, records, created_at) VALUES
             (1, 'identity', 'CRM', '[{\"name\":\"Kari\",\"id\":7},{\"phone\":\"+47 1\"}]', 0), (1, 'payments', 'Billing', '[]', 0)",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;

        let store = Store::connect(&url).await.unwrap();
        let mut conn = store.pool().acquire().await.unwrap();
        let data = Store::export_data_of(&mut conn, 1).await.unwrap();
        assert_eq!(data.len(), 2);
        assert_eq!(
            (data[0].record_count, data[0].fields.as_str()),
            (2, r#"["name","id","phone"]"#)
        );
        assert_eq!((data[1].record_count, data[1].fields.as_str()), (0, "[]"));
        let chunk = Store::export_chunk(&mut conn, data[0].id, 0)
            .await
            .unwrap()
            .unwrap();
        assert!(Store::export_chunk(&mut conn, data[0].id, 1)
            .await
            .unwrap()
            .is_none());
        let records: Vec<serde_json::Value> = chunk
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(
            records,
            vec![
                serde_json::json!({"name": "Kari", "id": 7}),
                serde_json::json!({"phone": "+47 1"})
            ]
        );
        assert_eq!(data[0].bytes as usize, chunk.len());
        assert!(Store::export_chunk(&mut conn, data[1].id, 0)
            .await
            .unwrap()
            .is_none());
    }
}
