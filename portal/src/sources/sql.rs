//! SQL sources: the organisation's own SQLite, PostgreSQL or MySQL database,
//! asked with named queries per category (SQLite is read in `sqlite`). Queries take the subject's
//! verified identifiers as bound parameters (`:email`, `:reference`),
//! never as text spliced into SQL. Columns must be text, integer, real or
//! boolean (cast others, such as dates, to text in the query).

use super::{Failure, Identifiers, RecordSink, SourceConfig, SourceError};
use crate::export::Record;
use futures_util::TryStreamExt;
use serde::Deserialize;
use serde_json::Value;
use sqlx::{any::AnyTypeInfoKind, Column, Row};
use std::time::Duration;

/// How long one source may take to connect and to answer each query.
pub const SOURCE_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlQuery {
    pub category: String,
    pub sql: String,
}

/// The parameter names a query may use.
pub const PARAMETERS: [&str; 2] = ["email", "reference"];

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Placeholder {
    /// `?` (SQLite, MySQL).
    Question,
    /// `$1`, `$2`, … (PostgreSQL).
    Dollar,
}

/// Rewrites `:name` parameters into the database's positional placeholders
/// and returns the names in binding order. Quoted strings, quoted
/// identifiers and PostgreSQL's `::` casts are left alone.
pub fn positional(sql: &str, style: Placeholder) -> Result<(String, Vec<&'static str>), String> {
    let mut out = String::with_capacity(sql.len());
    let mut names = Vec::new();
    let mut chars = sql.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                for (_, d) in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            ':' if matches!(chars.peek(), Some((_, ':'))) => {
                out.push_str("::");
                chars.next();
            }
            ':' if matches!(chars.peek(), Some((_, n)) if n.is_ascii_alphabetic() || *n == '_') => {
                let start = i + 1;
                let mut end = start;
                while let Some((j, n)) = chars.peek().copied() {
                    if n.is_ascii_alphanumeric() || n == '_' {
                        end = j + n.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let name = &sql[start..end];
                let known = PARAMETERS
                    .iter()
                    .find(|p| **p == name)
                    .ok_or(format!("unknown parameter :{name}"))?;
                names.push(*known);
                match style {
                    Placeholder::Question => out.push('?'),
                    Placeholder::Dollar => out.push_str(&format!("${}", names.len())),
                }
            }
            _ => out.push(c),
        }
    }
    Ok((out, names))
}

fn value_of(row: &sqlx::any::AnyRow, index: usize) -> Result<Value, sqlx::Error> {
    let kind = row.columns()[index].type_info().kind();
    Ok(match kind {
        AnyTypeInfoKind::Null => Value::Null,
        AnyTypeInfoKind::Bool => row
            .try_get::<Option<bool>, _>(index)?
            .map(Value::Bool)
            .unwrap_or(Value::Null),
        AnyTypeInfoKind::SmallInt | AnyTypeInfoKind::Integer | AnyTypeInfoKind::BigInt => row
            .try_get::<Option<i64>, _>(index)?
            .map(Value::from)
            .unwrap_or(Value::Null),
        AnyTypeInfoKind::Real | AnyTypeInfoKind::Double => row
            .try_get::<Option<f64>, _>(index)?
            .map(Value::from)
            .unwrap_or(Value::Null),
        AnyTypeInfoKind::Text => row
            .try_get::<Option<String>, _>(index)?
            .map(Value::String)
            .unwrap_or(Value::Null),
        AnyTypeInfoKind::Blob => {
            use base64::Engine;
            row.try_get::<Option<Vec<u8>>, _>(index)?
                .map(|b| Value::String(base64::engine::general_purpose::STANDARD.encode(b)))
                .unwrap_or(Value::Null)
        }
    })
}

/// Asks the source for everything it holds about the subject, per
/// category, row by row as the database sends them.
#[tracing::instrument(name = "source.sql", skip_all, fields(source = %config.name))]
pub async fn collect(
    config: &SourceConfig,
    who: &Identifiers<'_>,
    sink: &mut dyn RecordSink,
) -> Result<(), SourceError> {
    sqlx::any::install_default_drivers();
    let url = config.connection_url()?;
    if url.starts_with("sqlite:") {
        return super::sqlite::collect(config, &url, who, sink).await;
    }
    let style = if url.starts_with("postgres") {
        Placeholder::Dollar
    } else {
        Placeholder::Question
    };
    let pool = tokio::time::timeout(
        SOURCE_TIMEOUT,
        sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(SOURCE_TIMEOUT)
            .connect(&url),
    )
    .await
    .map_err(|_| Failure::Timeout.error())?
    // The error text may carry the URL; only its kind is kept.
    .map_err(|e| Failure::Unreachable.said(error_kind(&e)))?;
    for query in &config.queries {
        let (sql, names) = positional(&query.sql, style).map_err(|e| Failure::Config.said(e))?;
        let mut statement = sqlx::query(&sql);
        for name in names {
            statement = statement.bind(if name == "email" {
                who.email.to_owned()
            } else {
                who.reference.to_owned()
            });
        }
        let failed = |e: sqlx::Error| {
            Failure::QueryFailed.said(format!("query for {}: {e}", query.category))
        };
        let mut rows = statement.fetch(&pool);
        let mut columns: Vec<String> = Vec::new();
        // The timeout is per row: a large answer may take long, a stalled one may not.
        while let Some(row) = tokio::time::timeout(SOURCE_TIMEOUT, rows.try_next())
            .await
            .map_err(|_| Failure::Timeout.error())?
            .map_err(failed)?
        {
            if columns.is_empty() {
                columns = row.columns().iter().map(|c| c.name().to_owned()).collect();
            }
            let mut record = Vec::with_capacity(columns.len());
            for (index, name) in columns.iter().enumerate() {
                let value = value_of(&row, index).map_err(|e| {
                    Failure::BadAnswer.said(format!("column {name} of {}: {e}", query.category))
                })?;
                record.push((name.clone(), value));
            }
            sink.record(&query.category, Record(record)).await?;
        }
    }
    pool.close().await;
    Ok(())
}

/// Runs the source's erase or restrict statements in one transaction.
#[tracing::instrument(name = "source.sql.execute", skip_all, fields(source = %config.name, operation = operation.as_str()))]
pub async fn execute(
    config: &SourceConfig,
    operation: super::Operation,
    who: &Identifiers<'_>,
) -> Result<super::Execution, SourceError> {
    sqlx::any::install_default_drivers();
    let url = config.connection_url()?;
    let style = if url.starts_with("postgres") {
        Placeholder::Dollar
    } else {
        Placeholder::Question
    };
    let statements = match operation {
        super::Operation::Erase => &config.erase,
        super::Operation::Restrict => &config.restrict,
    };
    let pool = tokio::time::timeout(
        SOURCE_TIMEOUT,
        sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(SOURCE_TIMEOUT)
            .connect(&url),
    )
    .await
    .map_err(|_| Failure::Timeout.error())?
    .map_err(|e| Failure::Unreachable.said(error_kind(&e)))?;
    let mut tx = pool
        .begin()
        .await
        .map_err(|e| Failure::QueryFailed.said(format!("cannot begin ({})", error_kind(&e))))?;
    let mut rows = 0;
    for statement in statements {
        let (sql, names) = positional(statement, style).map_err(|e| Failure::Config.said(e))?;
        let mut query = sqlx::query(&sql);
        for name in names {
            query = query.bind(if name == "email" {
                who.email.to_owned()
            } else {
                who.reference.to_owned()
            });
        }
        let done = tokio::time::timeout(SOURCE_TIMEOUT, query.execute(&mut *tx))
            .await
            .map_err(|_| Failure::Timeout.error())?
            .map_err(|e| Failure::QueryFailed.said(e))?;
        rows += done.rows_affected();
    }
    tx.commit()
        .await
        .map_err(|e| Failure::QueryFailed.said(format!("cannot commit ({})", error_kind(&e))))?;
    pool.close().await;
    let verb = if operation == super::Operation::Erase {
        "erased"
    } else {
        "restricted"
    };
    Ok(super::Execution::Done {
        detail: format!("{rows} row(s) {verb}"),
    })
}

fn error_kind(error: &sqlx::Error) -> &'static str {
    match error {
        sqlx::Error::Configuration(_) => "bad URL",
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) => "network",
        sqlx::Error::Database(_) => "refused by the database",
        sqlx::Error::PoolTimedOut => "timed out",
        _ => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_parameters_become_positional_and_strings_and_casts_stay() {
        let sql = "SELECT name, created::text, ':email' AS lit FROM c WHERE email = :email OR ref = :reference OR alt = :email";
        let (q, names) = positional(sql, Placeholder::Dollar).unwrap();
        assert_eq!(q, "SELECT name, created::text, ':email' AS lit FROM c WHERE email = $1 OR ref = $2 OR alt = $3");
        assert_eq!(names, vec!["email", "reference", "email"]);
        let (q, _) = positional(sql, Placeholder::Question).unwrap();
        assert!(q.ends_with("email = ? OR ref = ? OR alt = ?"));
        assert_eq!(
            positional("SELECT * FROM t WHERE id = :id", Placeholder::Question).unwrap_err(),
            "unknown parameter :id"
        );
    }
}
