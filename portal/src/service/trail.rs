//! The audit trail as the use cases write it: every entry in the
//! transaction of the action it records, appended to the keyed chain
//! (`crate::audit`). Also the operator's checks of that chain.

use super::db;
use crate::audit::{self, ChainKey, Entry};
use crate::store::{Conn, Store};
use domain::{Actor, AppError, AuditAction};

#[derive(Clone)]
pub struct Trail {
    store: Store,
    key: ChainKey,
}

impl Trail {
    pub fn new(store: Store, key: ChainKey) -> Trail {
        Trail { store, key }
    }

    /// Appends an entry as it is.
    pub async fn append(
        &self,
        conn: &mut Conn,
        entry: Entry<'_>,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        audit::append(conn, &self.key, entry, at).await
    }

    /// Appends an entry: `actor` did `action` to `target` (a request's
    /// reference, or another object such as `staff:7`) in `org`.
    #[allow(clippy::too_many_arguments)]
    pub async fn record(
        &self,
        conn: &mut Conn,
        actor: Actor,
        org: &str,
        action: AuditAction,
        target: &str,
        detail: serde_json::Value,
        at: i64,
    ) -> Result<(), AppError> {
        let entry = Entry {
            actor,
            org,
            action,
            target,
            detail,
        };
        self.append(conn, entry, at).await.map_err(db)
    }

    /// An entry in each of `orgs` (an account's organisations, also those
    /// withheld until it enrols a second factor) about the account itself.
    pub async fn audit_account(
        &self,
        conn: &mut Conn,
        actor: Actor,
        staff_id: i64,
        orgs: &[String],
        action: AuditAction,
        at: i64,
    ) -> Result<(), AppError> {
        let target = Actor::staff_name(staff_id);
        for org in orgs {
            let detail = serde_json::json!({});
            self.record(&mut *conn, actor, org, action, &target, detail, at)
                .await?;
        }
        Ok(())
    }

    /// Something a member did to their own account, in each of its
    /// organisations.
    pub async fn audit_own_account(
        &self,
        conn: &mut Conn,
        staff_id: i64,
        action: AuditAction,
        at: i64,
    ) -> Result<(), AppError> {
        let orgs = super::accounts::orgs_of(&mut *conn, staff_id).await?;
        self.audit_account(conn, Actor::Staff(staff_id), staff_id, &orgs, action, at)
            .await
    }

    /// Keys an audit chain written before it was keyed (`server audit key`).
    pub async fn key_audit_chain(&self) -> Result<audit::Keying, sqlx::Error> {
        audit::key_chain(&self.store, &self.key).await
    }

    /// Whether the audit chain begins keyed (at start-up, to remind the
    /// operator of `server audit key`).
    pub async fn audit_chain_starts_keyed(&self) -> Result<bool, sqlx::Error> {
        audit::starts_keyed(self.store.pool(), &self.key).await
    }

    /// Checks the audit chain (`server audit verify`).
    pub async fn verify_audit(
        &self,
        checkpoint: Option<&audit::Checkpoint>,
    ) -> Result<audit::Verdict, sqlx::Error> {
        audit::verify(self.store.pool(), &self.key, checkpoint).await
    }
}
