//! The tamper-evident audit log. Every action by a subject, staff member or
//! the system is appended in the same transaction as the action itself, so an
//! action without its entry (or the reverse) cannot be committed. Entries are
//! chained: `hash = HMAC-SHA256(key, prev_hash, id, at, actor_kind, actor,
//! org, action, target, detail)`, starting from 64 zeros, under a key
//! derived from the server secret, which the database never holds: someone
//! who can write to the database can change an entry, but cannot compute
//! the hashes that would hide it.
//!
//! A chain written before it was keyed (plain SHA-256 links) keeps them
//! until the operator runs `server audit key` once after upgrading: it
//! checks every link and keys the chain (`key_chain`). Until then `verify`
//! reports the unkeyed entries and fails, so that a chain someone wrote
//! anew with plain links (which anyone can compute) never passes for the
//! portal's; the keying is never automatic, since a server that keyed
//! whatever it found at start-up would launder such a rewrite. Cutting
//! entries off the end leaves a chain that still links up: an operator who
//! keeps a checkpoint (`server audit checkpoint` prints the head) outside
//! the database finds that with `server audit verify --checkpoint`.

use crate::store::{ChainRow, Conn, Pool, Store};
use domain::{Actor, AuditAction};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The key of the chain's MACs, derived from the server secret.
#[derive(Clone)]
pub struct ChainKey([u8; 32]);

impl ChainKey {
    pub fn derive(secret: &[u8; 32]) -> ChainKey {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
        mac.update(b"audit chain key\0");
        ChainKey(mac.finalize().into_bytes().into())
    }
}

/// A point of the chain an operator keeps outside the database: an
/// entry's id and hash, written `<id>:<hash>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub id: i64,
    pub hash: String,
}

impl std::str::FromStr for Checkpoint {
    type Err = String;

    fn from_str(text: &str) -> Result<Checkpoint, String> {
        let (id, hash) = text
            .trim()
            .split_once(':')
            .ok_or("a checkpoint is <id>:<hash>, as `server audit checkpoint` prints it")?;
        let id = id
            .parse()
            .map_err(|_| "the checkpoint's id is not a number")?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("the checkpoint's hash is not 64 hex digits".into());
        }
        Ok(Checkpoint {
            id,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

impl std::fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.id, self.hash)
    }
}

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One thing that happened: who did what to which request. Written as
/// text at the store's edge (`append`), read back as text (see
/// `domain::audit_action`).
pub struct Entry<'a> {
    pub actor: Actor,
    pub org: &'a str,
    pub action: AuditAction,
    /// The request reference (or another object id, such as `staff:7`).
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

fn chain_hash(key: &ChainKey, fields: &Hashed<'_>) -> String {
    let canonical = serde_json::to_vec(fields).expect("plain strings and numbers serialise");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key.0).expect("HMAC takes any key length");
    mac.update(&canonical);
    hex::encode(mac.finalize().into_bytes())
}

/// How entries were linked before the chain was keyed (`key_chain` checks
/// them so before it keys them).
fn unkeyed_hash(fields: &Hashed<'_>) -> String {
    let canonical = serde_json::to_vec(fields).expect("plain strings and numbers serialise");
    hex::encode(Sha256::digest(canonical))
}

/// Appends an entry. Call inside the write transaction (`Store::begin`) of
/// the action it records: writers take turns (SQLite's IMMEDIATE, a
/// PostgreSQL advisory lock), so reading the last hash and appending cannot
/// interleave with another writer, on any server.
pub async fn append(
    conn: &mut Conn,
    key: &ChainKey,
    entry: Entry<'_>,
    at: i64,
) -> Result<(), sqlx::Error> {
    let last = Store::last_audit_link(&mut *conn).await?;
    let (id, prev_hash) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let mut row = ChainRow {
        id,
        at,
        actor_kind: entry.actor.kind().as_str().to_owned(),
        actor: entry.actor.to_string(),
        org: entry.org.to_owned(),
        action: entry.action.to_string(),
        target: entry.target.to_owned(),
        detail: entry.detail.to_string(),
        prev_hash,
        hash: String::new(),
    };
    row.hash = chain_hash(key, &hashed(&row));
    Store::insert_audit_entry(conn, &row).await
}

fn hashed(row: &ChainRow) -> Hashed<'_> {
    Hashed {
        prev_hash: &row.prev_hash,
        id: row.id,
        at: row.at,
        actor_kind: &row.actor_kind,
        actor: &row.actor,
        org: &row.org,
        action: &row.action,
        target: &row.target,
        detail: &row.detail,
    }
}

/// What `key_chain` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Keying {
    /// Every entry was keyed already.
    AlreadyKeyed,
    /// This many entries, written before the chain was keyed, now are.
    Keyed(u64),
    /// The chain was broken at this entry: it is left as it is, for
    /// `verify` to report (keying it would hide the break).
    Broken(i64),
}

/// Keys a chain written before it was keyed (`server audit key`, once,
/// after upgrading): checks every link (plain SHA-256 up to the first keyed
/// entry, keyed from there), then writes every entry's keyed hash, all in
/// one write transaction.
pub async fn key_chain(store: &Store, key: &ChainKey) -> Result<Keying, sqlx::Error> {
    let mut tx = store.begin().await?;
    let mut unkeyed = 0;
    let mut after = 0;
    let mut keyed_seen = false;
    let (mut old_prev, mut new_prev) = (GENESIS.to_owned(), GENESIS.to_owned());
    let mut rewritable = false;
    loop {
        let batch = Store::audit_entries_after(&mut tx, after, 1000).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for mut row in batch {
            let keyed = chain_hash(key, &hashed(&row)) == row.hash;
            let plain = !keyed_seen && unkeyed_hash(&hashed(&row)) == row.hash;
            if row.prev_hash != old_prev || !(keyed || plain) {
                tracing::error!(entry = row.id, "the audit chain is broken; it is not keyed");
                return Ok(Keying::Broken(row.id));
            }
            keyed_seen |= keyed;
            unkeyed += u64::from(plain);
            old_prev = std::mem::take(&mut row.hash);
            row.prev_hash = new_prev;
            row.hash = chain_hash(key, &hashed(&row));
            if row.hash != old_prev {
                if !rewritable {
                    Store::audit_log_rewritable(&mut tx, true).await?;
                    rewritable = true;
                }
                Store::rewrite_audit_link(&mut tx, row.id, &row.prev_hash, &row.hash).await?;
            }
            new_prev = row.hash;
        }
    }
    if rewritable {
        Store::audit_log_rewritable(&mut tx, false).await?;
    }
    tx.commit().await?;
    Ok(if unkeyed == 0 {
        Keying::AlreadyKeyed
    } else {
        Keying::Keyed(unkeyed)
    })
}

/// Whether the chain's first entry is keyed (a cheap look at start-up:
/// a chain written before keying needs `server audit key`).
pub async fn starts_keyed(pool: &Pool, key: &ChainKey) -> Result<bool, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    Ok(
        match Store::audit_entries_after(&mut conn, 0, 1).await?.first() {
            Some(first) => chain_hash(key, &hashed(first)) == first.hash,
            None => true,
        },
    )
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry links to the one before it.
    Intact { entries: i64 },
    /// Every entry links up, but the first `unkeyed` have plain links:
    /// written before the chain was keyed (run `server audit key` once), or
    /// written anew by someone without the key.
    Unkeyed { entries: i64, unkeyed: i64 },
    /// The first entry whose link or content does not check out.
    Broken { id: i64, reason: &'static str },
}

/// Walks the whole chain in id order, streaming, and reports the first
/// entry that was changed, inserted out of order, or follows a removed one;
/// with a `checkpoint`, also a chain that no longer reaches it, or reaches
/// another entry there (cut off and written anew).
pub async fn verify(
    pool: &Pool,
    key: &ChainKey,
    checkpoint: Option<&Checkpoint>,
) -> Result<Verdict, sqlx::Error> {
    use futures_util::TryStreamExt;
    let mut rows = std::pin::pin!(Store::audit_chain(pool));
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_id = 1;
    let mut entries = 0;
    let mut unkeyed = 0;
    let mut keyed_seen = false;
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
        if chain_hash(key, &hashed(&row)) == row.hash {
            keyed_seen = true;
        } else if !keyed_seen && unkeyed_hash(&hashed(&row)) == row.hash {
            unkeyed += 1;
        } else {
            return Ok(Verdict::Broken {
                id: row.id,
                reason: "its content was changed",
            });
        }
        if checkpoint.is_some_and(|c| c.id == row.id && c.hash != row.hash) {
            return Ok(Verdict::Broken {
                id: row.id,
                reason: "it is not the entry the checkpoint names",
            });
        }
        expected_prev = row.hash;
        expected_id += 1;
        entries += 1;
    }
    if let Some(checkpoint) = checkpoint.filter(|c| c.id > entries) {
        return Ok(Verdict::Broken {
            id: checkpoint.id,
            reason: "entries were cut off the end: the chain no longer reaches the checkpoint",
        });
    }
    Ok(if unkeyed > 0 {
        Verdict::Unkeyed { entries, unkeyed }
    } else {
        Verdict::Intact { entries }
    })
}

/// The newest entry, as a checkpoint to keep outside the database.
pub async fn head(pool: &Pool) -> Result<Option<Checkpoint>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    Ok(Store::last_audit_link(&mut conn)
        .await?
        .map(|(id, hash)| Checkpoint { id, hash }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_read_as_they_are_printed() {
        let hash = "ab".repeat(32);
        let checkpoint: Checkpoint = format!("42:{hash}").parse().unwrap();
        assert_eq!(
            checkpoint,
            Checkpoint {
                id: 42,
                hash: hash.clone()
            }
        );
        assert_eq!(checkpoint.to_string(), format!("42:{hash}"));
        for wrong in [
            "",
            "42",
            "x:ab",
            "42:abc",
            &format!("42:{}", "zz".repeat(32)),
        ] {
            assert!(wrong.parse::<Checkpoint>().is_err(), "{wrong:?}");
        }
    }

    #[test]
    fn the_chain_key_comes_from_the_secret_and_changes_every_hash() {
        let fields = Hashed {
            prev_hash: GENESIS,
            id: 1,
            at: 0,
            actor_kind: "system",
            actor: "jobs",
            org: "demo",
            action: "job.done",
            target: "PR-AAAA-BBBB",
            detail: "{}",
        };
        let a = chain_hash(&ChainKey::derive(&[1; 32]), &fields);
        assert_ne!(a, chain_hash(&ChainKey::derive(&[2; 32]), &fields));
        assert_ne!(a, unkeyed_hash(&fields), "keyed, not a plain digest");
    }
}
