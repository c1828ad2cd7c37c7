//! The tamper-evident audit log. Every action by a subject, staff member or
//! the system is appended in the same transaction as the action itself, so an
//! action without its entry (or the reverse) cannot be committed. Entries are
//! chained: `hash = SHA-256(prev_hash, id, at, actor_kind, actor, org, action,
//! target, detail)`, starting from 64 zeros.

use crate::store::{Conn, Pool};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Subject,
    Staff,
    System,
}

impl ActorKind {
    fn as_str(self) -> &'static str {
        match self {
            ActorKind::Subject => "subject",
            ActorKind::Staff => "staff",
            ActorKind::System => "system",
        }
    }
}

/// One thing that happened: who did what to which request.
pub struct Entry<'a> {
    pub actor_kind: ActorKind,
    /// `subject` for data subjects (named by the request), a staff id, or the system task.
    pub actor: &'a str,
    pub org: &'a str,
    /// Dotted verb, e.g. `request.submitted`, `verification.failed`.
    pub action: &'a str,
    /// The request reference (or another object id).
    pub target: &'a str,
    pub detail: serde_json::Value,
}

/// The fields a hash covers, in a fixed order.
#[derive(Serialize)]
struct Hashed<'a> {
    prev_hash: &'a str,
    id: i64,
    at: i64,
    actor_kind: &'a str,
    actor: &'a str,
    org: &'a str,
    action: &'a str,
    target: &'a str,
    detail: &'a str,
}

fn chain_hash(fields: &Hashed<'_>) -> String {
    let canonical = serde_json::to_vec(fields).expect("plain strings and numbers serialise");
    hex::encode(Sha256::digest(canonical))
}

/// Appends an entry. Call inside the write transaction (`Store::begin`) of
/// the action it records: writers take turns (SQLite's IMMEDIATE, a
/// PostgreSQL advisory lock), so reading the last hash and appending cannot
/// interleave with another writer, on any server.
pub async fn append(conn: &mut Conn, entry: Entry<'_>, at: i64) -> Result<(), sqlx::Error> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    let (id, prev_hash) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let detail = entry.detail.to_string();
    let hash = chain_hash(&Hashed {
        prev_hash: &prev_hash,
        id,
        at,
        actor_kind: entry.actor_kind.as_str(),
        actor: entry.actor,
        org: entry.org,
        action: entry.action,
        target: entry.target,
        detail: &detail,
    });
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_kind, actor, org, action, target, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(at)
    .bind(entry.actor_kind.as_str())
    .bind(entry.actor)
    .bind(entry.org)
    .bind(entry.action)
    .bind(entry.target)
    .bind(detail)
    .bind(prev_hash)
    .bind(hash)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry links to the one before it.
    Intact { entries: i64 },
    /// The first entry whose link or content does not check out.
    Broken { id: i64, reason: &'static str },
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: i64,
    actor_kind: String,
    actor: String,
    org: String,
    action: String,
    target: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

/// Walks the whole chain in id order, streaming, and reports the first
/// entry that was changed, inserted out of order, or follows a removed one.
pub async fn verify(pool: &Pool) -> Result<Verdict, sqlx::Error> {
    use futures_util::TryStreamExt;
    let mut rows = sqlx::query_as::<_, Row>(
        "SELECT id, at, actor_kind, actor, org, action, target, detail, prev_hash, hash FROM audit_log ORDER BY id",
    )
    .fetch(pool);
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_id = 1;
    let mut entries = 0;
    while let Some(row) = rows.try_next().await? {
        if row.id != expected_id {
            return Ok(Verdict::Broken {
                id: row.id,
                reason: "an earlier entry is missing",
            });
        }
        if row.prev_hash != expected_prev {
            return Ok(Verdict::Broken {
                id: row.id,
                reason: "does not link to the entry before it",
            });
        }
        let hash = chain_hash(&Hashed {
            prev_hash: &row.prev_hash,
            id: row.id,
            at: row.at,
            actor_kind: &row.actor_kind,
            actor: &row.actor,
            org: &row.org,
            action: &row.action,
            target: &row.target,
            detail: &row.detail,
        });
        if hash != row.hash {
            return Ok(Verdict::Broken {
                id: row.id,
                reason: "its content was changed",
            });
        }
        expected_prev = row.hash;
        expected_id += 1;
        entries += 1;
    }
    Ok(Verdict::Intact { entries })
}
