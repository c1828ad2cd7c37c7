//! The audit trail as the use cases write it: every entry in the
//! transaction of the action it records, appended to the keyed chain
//! (`crate::audit`). Also the operator's checks of that chain.

use super::db;
use crate::audit::{self, ActorKind, ChainKey, Entry};
use crate::store::{Conn, Store};
use domain::AppError;

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

    /// Appends an entry about one request, by the subject or the system.
    // One argument per field of the entry: issue 14 makes them types.
    #[allow(clippy::too_many_arguments)]
    pub async fn record(
        &self,
        conn: &mut Conn,
        actor_kind: ActorKind,
        org: &str,
        action: &str,
        reference: &str,
        detail: serde_json::Value,
        at: i64,
    ) -> Result<(), AppError> {
        let actor = match actor_kind {
            ActorKind::Subject => "subject",
            ActorKind::System => "system",
            ActorKind::Staff => "staff",
        };
        let entry = Entry {
            actor_kind,
            actor,
            org,
            action,
            target: reference,
            detail,
        };
        audit::append(conn, &self.key, entry, at).await.map_err(db)
    }

    /// Appends an entry for something staff member `staff_id` did.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_staff(
        &self,
        conn: &mut Conn,
        staff_id: i64,
        org: &str,
        action: &str,
        target: &str,
        detail: serde_json::Value,
        at: i64,
    ) -> Result<(), AppError> {
        let actor = format!("staff:{staff_id}");
        let entry = Entry {
            actor_kind: ActorKind::Staff,
            actor: &actor,
            org,
            action,
            target,
            detail,
        };
        audit::append(conn, &self.key, entry, at).await.map_err(db)
    }

    /// An entry in each of `orgs` (an account's organisations, also those
    /// withheld until it enrols a second factor) about the account itself.
    #[allow(clippy::too_many_arguments)]
    pub async fn audit_account(
        &self,
        conn: &mut Conn,
        actor: &str,
        actor_kind: ActorKind,
        staff_id: i64,
        orgs: &[String],
        action: &str,
        at: i64,
    ) -> Result<(), AppError> {
        let target = format!("staff:{staff_id}");
        for org in orgs {
            let entry = Entry {
                actor_kind,
                actor,
                org,
                action,
                target: &target,
                detail: serde_json::json!({}),
            };
            audit::append(&mut *conn, &self.key, entry, at)
                .await
                .map_err(db)?;
        }
        Ok(())
    }

    /// Something a member did to their own account, in each of its
    /// organisations.
    pub async fn audit_own_account(
        &self,
        conn: &mut Conn,
        staff_id: i64,
        action: &str,
        at: i64,
    ) -> Result<(), AppError> {
        let orgs = super::accounts::orgs_of(&mut *conn, staff_id).await?;
        let actor = format!("staff:{staff_id}");
        self.audit_account(conn, &actor, ActorKind::Staff, staff_id, &orgs, action, at)
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
