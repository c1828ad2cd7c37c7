//! The audit log's own storage: appending, reading the chain in order, and
//! the one-time re-keying of a chain written before it was keyed.

use super::{is_postgres, Conn, Pool, Store};

/// An entry as the chain hashes it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChainRow {
    pub id: i64,
    pub at: i64,
    pub actor_kind: String,
    pub actor: String,
    pub org: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

const CHAIN_COLUMNS: &str =
    "id, at, actor_kind, actor, org, action, target, detail, prev_hash, hash";

impl Store {
    pub async fn last_audit_link(conn: &mut Conn) -> Result<Option<(i64, String)>, sqlx::Error> {
        sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(conn)
            .await
    }

    pub async fn insert_audit_entry(conn: &mut Conn, row: &ChainRow) -> Result<(), sqlx::Error> {
        sqlx::query(&format!(
            "INSERT INTO audit_log ({CHAIN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(row.id)
        .bind(row.at)
        .bind(&row.actor_kind)
        .bind(&row.actor)
        .bind(&row.org)
        .bind(&row.action)
        .bind(&row.target)
        .bind(&row.detail)
        .bind(&row.prev_hash)
        .bind(&row.hash)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// The whole chain in id order, streamed.
    pub fn audit_chain(
        pool: &Pool,
    ) -> impl futures_util::Stream<Item = Result<ChainRow, sqlx::Error>> + '_ {
        sqlx::query_as::<_, ChainRow>(
            "SELECT id, at, actor_kind, actor, org, action, target, detail, prev_hash, hash
             FROM audit_log ORDER BY id",
        )
        .fetch(pool)
    }

    /// Up to `limit` entries after `after`, in id order.
    pub async fn audit_entries_after(
        conn: &mut Conn,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ChainRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {CHAIN_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"
        ))
        .bind(after)
        .bind(limit)
        .fetch_all(conn)
        .await
    }

    /// Lets this transaction rewrite the chain's links (nothing else writes
    /// meanwhile: it holds the write lock), or makes the table append-only
    /// again. The update trigger is dropped and created anew, inside the
    /// transaction, on both backends (so a database whose trigger someone
    /// dropped gets it back).
    pub async fn audit_log_rewritable(
        conn: &mut Conn,
        rewritable: bool,
    ) -> Result<(), sqlx::Error> {
        let statement = match (is_postgres(conn), rewritable) {
            (true, true) => "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log",
            (true, false) => {
                "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                 FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
            }
            (false, true) => "DROP TRIGGER IF EXISTS audit_log_no_update",
            (false, false) => {
                "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            }
        };
        sqlx::query(statement).execute(&mut *conn).await?;
        Ok(())
    }

    pub async fn rewrite_audit_link(
        conn: &mut Conn,
        id: i64,
        prev_hash: &str,
        hash: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3")
            .bind(prev_hash)
            .bind(hash)
            .bind(id)
            .execute(conn)
            .await?;
        Ok(())
    }
}
