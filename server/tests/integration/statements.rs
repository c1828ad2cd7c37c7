//! Every statement the store spells out is prepared on the database this
//! run uses (the suite runs once on SQLite and once on PostgreSQL), whether
//! or not another test happens to execute it. Preparing parses the
//! statement and resolves its tables, columns and placeholders, so a query
//! that only one backend accepts fails here, on the other. Statements the
//! store assembles at run time (lists of ids, the queue's filters, the few
//! that differ by backend) are not literals; the tests that use them run
//! them on both.

use crate::harness::{on_postgres, spawn_app};
use sqlx::Executor;

/// The string literals passed straight to `sqlx::query*` in `source`.
fn literal_statements(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("sqlx::query") {
        rest = &rest[at + "sqlx::query".len()..];
        // `_as`, `_scalar`, `_with`, then perhaps a turbofish, then `(`.
        let mut call = rest.trim_start_matches(|c: char| c.is_ascii_lowercase() || c == '_');
        if let Some(generics) = call.strip_prefix("::<") {
            let mut depth = 1;
            let Some(end) = generics.find(|c: char| {
                depth += match c {
                    '<' => 1,
                    '>' => -1,
                    _ => 0,
                };
                depth == 0
            }) else {
                break;
            };
            call = &generics[end + 1..];
        }
        let Some(argument) = call.strip_prefix('(') else {
            continue;
        };
        let argument = argument.trim_start();
        if let Some(raw) = argument.strip_prefix("r#\"") {
            if let Some(end) = raw.find("\"#") {
                found.push(raw[..end].to_owned());
            }
        } else if let Some(plain) = argument.strip_prefix('"') {
            found.push(unescape(plain));
        }
    }
    found
}

/// A Rust string literal's text up to its closing quote: `\"` and `\\`
/// unescaped, a backslash at a line's end joining the next line without
/// its indentation.
fn unescape(body: &str) -> String {
    let mut text = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('\n') => {
                    while chars.peek().is_some_and(|c| c.is_whitespace()) {
                        chars.next();
                    }
                }
                Some('n') => text.push('\n'),
                Some(other) => text.push(other),
                None => break,
            },
            c => text.push(c),
        }
    }
    text
}

#[test]
fn the_scanner_reads_the_literal_shapes_the_store_uses() {
    let source = r####"
        sqlx::query("SELECT 1 \
            FROM t WHERE a = $1")
        sqlx::query_as::<_, (i64,)>(r#"SELECT "x" FROM t"#)
        sqlx::query_scalar(
            "SELECT count(*) FROM t",
        )
        sqlx::query_as_with(&sql, args)
    "####;
    assert_eq!(
        literal_statements(source),
        [
            "SELECT 1 FROM t WHERE a = $1",
            r#"SELECT "x" FROM t"#,
            "SELECT count(*) FROM t",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_statement_the_store_spells_out_prepares_on_this_database() {
    let app = spawn_app().await;
    let store = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../portal/src/store");
    let mut statements = Vec::new();
    for entry in std::fs::read_dir(&store).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let source = std::fs::read_to_string(&path).unwrap();
            for statement in literal_statements(&source) {
                statements.push((path.file_name().unwrap().to_owned(), statement));
            }
        }
    }
    assert!(
        statements.len() >= 100,
        "the scanner finds the store's statements ({} found)",
        statements.len()
    );
    let mut failures = Vec::new();
    for (file, statement) in &statements {
        if let Err(error) = (&app.db).prepare(statement.as_str()).await {
            failures.push(format!("{file:?}: {statement}\n  {error}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} statements do not prepare on {}:\n{}",
        failures.len(),
        statements.len(),
        if on_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        failures.join("\n")
    );
}
