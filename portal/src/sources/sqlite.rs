//! SQLite sources, read with rusqlite on a blocking thread, read-only.
//! sqlx's SQLite driver hands rows over one by one through a channel from
//! its worker thread: a million-row source took 5 s with it against 1.2 s
//! for the sqlite3 shell (`make bench`). Here each row is written as a
//! JSON line straight from SQLite's buffers, a chunk at a time, while the
//! portal stores the previous chunk.

use super::{
    sql::{positional, Placeholder, SOURCE_TIMEOUT},
    Failure, Identifiers, RecordSink, SourceConfig, SourceError,
};
use crate::export::{records::CHUNK_BYTES, Lines};
use rusqlite::{types::ValueRef, OpenFlags};
use serde::ser::{Error as _, Serialize, SerializeMap, Serializer};
use tokio::sync::mpsc;

type Batch = Result<(usize, Lines), SourceError>;

/// `sqlite://path?options` (sqlx's form, as configured) as an SQLite URI
/// filename, `file:path?options`, so options such as `immutable=1` keep
/// working. `mode` is dropped: collection always opens read-only, and a
/// URI may not ask for more than that.
fn uri(url: &str) -> Result<String, SourceError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path.starts_with(":memory:") {
        return Err(Failure::Config.said("an SQLite source needs a database file"));
    }
    let options: Vec<&str> = query
        .split('&')
        .filter(|o| !o.is_empty() && !o.starts_with("mode="))
        .collect();
    Ok(if options.is_empty() {
        format!("file:{path}")
    } else {
        format!("file:{path}?{}", options.join("&"))
    })
}

/// One value as JSON, straight from SQLite's buffer: text is not copied
/// into a `String` first. Blobs become base64.
struct Cell<'a>(ValueRef<'a>);

impl Serialize for Cell<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            ValueRef::Null => serializer.serialize_none(),
            ValueRef::Integer(i) => serializer.serialize_i64(i),
            ValueRef::Real(f) => serializer.serialize_f64(f),
            ValueRef::Text(text) => serializer.serialize_str(&String::from_utf8_lossy(text)),
            ValueRef::Blob(bytes) => {
                use base64::Engine;
                serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
            }
        }
    }
}

/// A row as a JSON object, its columns in the query's order.
struct RowObject<'a> {
    columns: &'a [String],
    row: &'a rusqlite::Row<'a>,
}

impl Serialize for RowObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for (index, column) in self.columns.iter().enumerate() {
            map.serialize_entry(
                column,
                &Cell(self.row.get_ref(index).map_err(S::Error::custom)?),
            )?;
        }
        map.end()
    }
}

/// Runs every query of the source and sends its rows as JSON lines, about
/// a chunk at a time; stops when the receiver is gone.
fn read(
    uri: &str,
    queries: &[super::sql::SqlQuery],
    email: &str,
    reference: &str,
    sender: &mpsc::Sender<Batch>,
) -> Result<(), SourceError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // The error text may carry the path; only that it failed is kept.
    let conn = rusqlite::Connection::open_with_flags(uri, flags)
        .map_err(|_| Failure::Unreachable.said("cannot open the database"))?;
    conn.busy_timeout(SOURCE_TIMEOUT)
        .map_err(|e| Failure::Unreachable.said(e))?;
    for (index, query) in queries.iter().enumerate() {
        let failed = |e: &dyn std::fmt::Display| {
            Failure::QueryFailed.said(format!("query for {}: {e}", query.category))
        };
        let (sql, names) =
            positional(&query.sql, Placeholder::Question).map_err(|e| Failure::Config.said(e))?;
        let mut statement = conn.prepare(&sql).map_err(|e| failed(&e))?;
        let columns: Vec<String> = statement
            .column_names()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let parameters = names
            .iter()
            .map(|name| if *name == "email" { email } else { reference });
        let mut rows = statement
            .query(rusqlite::params_from_iter(parameters))
            .map_err(|e| failed(&e))?;
        let batch = || Lines {
            bytes: Vec::with_capacity(CHUNK_BYTES + 64 * 1024),
            records: 0,
            fields: columns.clone(),
        };
        let mut lines = batch();
        while let Some(row) = rows.next().map_err(|e| failed(&e))? {
            serde_json::to_writer(
                &mut lines.bytes,
                &RowObject {
                    columns: &columns,
                    row,
                },
            )
            .map_err(|e| failed(&e))?;
            lines.bytes.push(b'\n');
            lines.records += 1;
            if lines.bytes.len() >= CHUNK_BYTES
                && sender
                    .blocking_send(Ok((index, std::mem::replace(&mut lines, batch()))))
                    .is_err()
            {
                return Ok(());
            }
        }
        if lines.records > 0 && sender.blocking_send(Ok((index, lines))).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

pub async fn collect(
    config: &SourceConfig,
    url: &str,
    who: &Identifiers<'_>,
    sink: &mut dyn RecordSink,
) -> Result<(), SourceError> {
    let uri = uri(url)?;
    let queries = config.queries.clone();
    let (email, reference) = (who.email.to_owned(), who.reference.to_owned());
    // Two chunks in flight: the reader writes the next while the portal
    // stores the last.
    let (sender, mut receiver) = mpsc::channel::<Batch>(2);
    let reader = tokio::task::spawn_blocking(move || {
        if let Err(error) = read(&uri, &queries, &email, &reference, &sender) {
            let _ = sender.blocking_send(Err(error));
        }
    });
    // The timeout is per chunk: a large answer may take long, a stalled one may not.
    while let Some(batch) = tokio::time::timeout(SOURCE_TIMEOUT, receiver.recv())
        .await
        .map_err(|_| Failure::Timeout.error())?
    {
        let (index, lines) = batch?;
        sink.lines(&config.queries[index].category, lines).await?;
    }
    reader
        .await
        .map_err(|_| Failure::QueryFailed.said("reading the database failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlx_style_urls_become_sqlite_uris_and_memory_is_refused() {
        assert_eq!(
            uri("sqlite:///srv/crm.db?mode=rwc").unwrap(),
            "file:/srv/crm.db"
        );
        assert_eq!(
            uri("sqlite:///srv/crm.db?mode=ro&immutable=1").unwrap(),
            "file:/srv/crm.db?immutable=1"
        );
        assert_eq!(uri("sqlite://crm.db").unwrap(), "file:crm.db");
        assert_eq!(uri("sqlite:crm.db").unwrap(), "file:crm.db");
        assert!(uri("sqlite::memory:").is_err());
    }
}
