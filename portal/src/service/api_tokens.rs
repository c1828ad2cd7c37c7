//! Organisation API tokens: an admin makes one for an integration (a CRM,
//! a ticketing or mailing system), names it, gives it a role and an expiry,
//! sees it once, and can revoke it. The store keeps only its SHA-256. A
//! token speaks for its one organisation with its role, through the same
//! use cases as a member (`CaseWorker`); every call it authenticates is
//! audited (`api_token.used`), besides what the use case itself records.

use super::{db, now, views, StaffMember, Trail};
use crate::content::Content;
use crate::store::{ApiTokenRow, NewApiToken, Store};
use crate::token::Token;
use domain::views::console::{ApiTokenState, ApiTokenView, ApiTokensView};
use domain::{Actor, AppError, AuditAction, FieldErrorCode, OrgSlug, Role};
use std::sync::Arc;

/// The longest a token may live: a year, so that none is forgotten for ever.
pub const MAX_TOKEN_DAYS: u32 = 365;
/// What every token's text starts with, so that a leaked one is recognised
/// (secret scanners, logs) for what it is.
pub const TOKEN_PREFIX: &str = "ppo_";
const MAX_NAME_CHARS: usize = 60;

#[derive(Clone)]
pub struct ApiTokens {
    pub(super) store: Store,
    pub(super) content: Arc<Content>,
    pub(super) trail: Trail,
}

/// An integration calling with a live token: one organisation, one role.
#[derive(Clone, Debug)]
pub struct ApiClient {
    pub id: i64,
    pub org: OrgSlug,
    pub role: Role,
    pub name: String,
}

impl ApiClient {
    /// The token's organisation, where a door names one: a token of
    /// another organisation is no token there (401), as for sessions.
    pub fn in_org(&self, org: &str) -> Result<&ApiClient, AppError> {
        if self.org == org {
            Ok(self)
        } else {
            Err(AppError::Unauthenticated)
        }
    }
}

/// A token's name: 1–60 printable characters, trimmed.
fn clean_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(AppError::validation("name", FieldErrorCode::Required));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::validation("name", FieldErrorCode::TooLong));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::validation("name", FieldErrorCode::InvalidChoice));
    }
    Ok(name.to_owned())
}

fn state_of(row: &ApiTokenRow, at: i64) -> ApiTokenState {
    if row.revoked_at.is_some() {
        ApiTokenState::Revoked
    } else if row.expires_at <= at {
        ApiTokenState::Expired
    } else {
        ApiTokenState::Live
    }
}

impl ApiTokens {
    /// Makes a token for `org`, valid `days` days: the text is returned
    /// here once and never again. Admins of `org` only.
    #[tracing::instrument(name = "service.create_api_token", skip_all, fields(org = %org))]
    pub async fn create(
        &self,
        admin: &StaffMember,
        org: &str,
        name: &str,
        role: Role,
        days: u32,
    ) -> Result<(i64, Token), AppError> {
        if !admin.may(org, Role::Admin) {
            return Err(AppError::NotFound);
        }
        self.content.organisation(org)?;
        let name = clean_name(name)?;
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(AppError::validation("days", FieldErrorCode::InvalidChoice));
        }
        let token = Token::presented(format!("{TOKEN_PREFIX}{}", Token::mint().expose()));
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        if Store::live_token_named(&mut tx, org, &name)
            .await
            .map_err(db)?
        {
            return Err(AppError::validation("name", FieldErrorCode::InvalidChoice));
        }
        let new = NewApiToken {
            org,
            name: &name,
            role,
            token_hash: &token.hash(),
            created_by: admin.id,
            created_at: at,
            expires_at: at + i64::from(days) * 86_400,
        };
        let id = Store::insert_api_token(&mut tx, new).await.map_err(db)?;
        self.trail
            .record(
                &mut tx,
                Actor::Staff(admin.id),
                org,
                AuditAction::ApiTokenCreated,
                &Actor::Token(id).to_string(),
                serde_json::json!({ "name": name, "role": role.as_str(), "days": days }),
                at,
            )
            .await?;
        tx.commit().await.map_err(db)?;
        Ok((id, token))
    }

    /// Revokes a live token of `org` at once. Admins of `org` only;
    /// anyone else, and a token that is not live, gets `NotFound`.
    #[tracing::instrument(name = "service.revoke_api_token", skip_all, fields(org = %org))]
    pub async fn revoke(&self, admin: &StaffMember, org: &str, id: i64) -> Result<(), AppError> {
        if !admin.may(org, Role::Admin) {
            return Err(AppError::NotFound);
        }
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        if !Store::revoke_api_token(&mut tx, org, id, admin.id, at)
            .await
            .map_err(db)?
        {
            return Err(AppError::NotFound);
        }
        self.trail
            .record(
                &mut tx,
                Actor::Staff(admin.id),
                org,
                AuditAction::ApiTokenRevoked,
                &Actor::Token(id).to_string(),
                serde_json::json!({}),
                at,
            )
            .await?;
        tx.commit().await.map_err(db)
    }

    /// The tokens of the organisations `admin` administers.
    pub async fn list(&self, admin: &StaffMember) -> Result<ApiTokensView, AppError> {
        let orgs = admin.admin_orgs()?;
        let at = now();
        let mut conn = self.store.conn().await.map_err(db)?;
        let rows = Store::api_tokens_of(&mut conn, &orgs).await.map_err(db)?;
        Ok(ApiTokensView {
            orgs,
            max_days: MAX_TOKEN_DAYS,
            tokens: rows
                .into_iter()
                .map(|row| ApiTokenView {
                    state: state_of(&row, at),
                    id: row.id,
                    org: row.org.to_string(),
                    name: row.name,
                    role: row.role,
                    created_by: row.created_by,
                    created_at: views::rfc3339(row.created_at),
                    expires_at: views::rfc3339(row.expires_at),
                    last_used_at: row.last_used_at.map(views::rfc3339),
                    uses: row.uses,
                })
                .collect(),
        })
    }

    /// The integration a presented token speaks for, if it is live and
    /// its organisation still exists; the call (`method`, the route's
    /// pattern) is audited and counted. Anything else is `Unauthenticated`,
    /// alike for unknown, revoked and expired tokens.
    pub async fn authenticate(
        &self,
        token: &Token,
        method: &str,
        route: &str,
    ) -> Result<ApiClient, AppError> {
        if !token.expose().starts_with(TOKEN_PREFIX) {
            return Err(AppError::Unauthenticated);
        }
        let at = now();
        let mut conn = self.store.conn().await.map_err(db)?;
        let row = Store::api_token_by_hash(&mut conn, &token.hash())
            .await
            .map_err(db)?
            .filter(|row| state_of(row, at) == ApiTokenState::Live)
            .filter(|row| self.content.org(&row.org).is_some())
            .ok_or(AppError::Unauthenticated)?;
        drop(conn);
        let mut tx = self.store.begin().await.map_err(db)?;
        Store::touch_api_token(&mut tx, row.id, at)
            .await
            .map_err(db)?;
        self.trail
            .record(
                &mut tx,
                Actor::Token(row.id),
                &row.org,
                AuditAction::ApiTokenUsed,
                &Actor::Token(row.id).to_string(),
                serde_json::json!({ "method": method, "route": route }),
                at,
            )
            .await?;
        tx.commit().await.map_err(db)?;
        Ok(ApiClient {
            id: row.id,
            org: row.org,
            role: row.role,
            name: row.name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(clean_name("  CRM sync ").unwrap(), "CRM sync");
        assert!(clean_name("   ").is_err());
        assert!(clean_name(&"x".repeat(61)).is_err());
        assert!(clean_name("bad\nname").is_err());
    }
}
