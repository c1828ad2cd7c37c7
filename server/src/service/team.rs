//! Admins manage their organisation's staff in the console: who is in it,
//! with which role and whether they have a second factor; adding a member
//! (a new account gets the initial password the admin chose; an existing
//! account only gains the role) and taking a member's role away. Admins
//! cannot remove themselves, so an organisation is never left without one
//! by accident.

use super::{db, now, staff::hash_password, Service, StaffMember, MIN_PASSWORD_CHARS};
use crate::store::Store;
use app::api::console::types::{TeamMember, TeamView};
use app::domain::{AppError, Email, FieldErrorCode, Role};

impl Service {
    fn require_admin(member: &StaffMember, org: &str) -> Result<(), AppError> {
        if member.may(org, Role::Admin) {
            Ok(())
        } else if member.may(org, Role::Agent) {
            Err(AppError::Forbidden)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The teams of every organisation the member administers.
    pub async fn teams(&self, member: &StaffMember) -> Result<Vec<TeamView>, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        let mut teams = Vec::new();
        for (org, role) in &member.roles {
            if *role != Role::Admin {
                continue;
            }
            let members = Store::members_of(&mut conn, org)
                .await
                .map_err(db)?
                .into_iter()
                .filter_map(|row| {
                    Some(TeamMember {
                        id: row.id,
                        email: row.email,
                        role: row.role.parse().ok()?,
                        two_factor: row.totp_confirmed,
                    })
                })
                .collect();
            let name = self
                .content
                .org(org)
                .map(|o| o.settings.name.clone())
                .unwrap_or_else(|| org.clone());
            teams.push(TeamView {
                org: org.clone(),
                name,
                members,
                me: member.id,
            });
        }
        if teams.is_empty() {
            return Err(AppError::Forbidden);
        }
        Ok(teams)
    }

    /// Adds `email` to `org` with `role`. A new account needs `password`
    /// (12 to 128 characters); an existing one keeps its own.
    #[tracing::instrument(name = "service.add_member", skip_all, fields(org = %org))]
    pub async fn add_member(
        &self,
        member: &StaffMember,
        org: &str,
        email: &str,
        role: Role,
        password: &str,
    ) -> Result<(), AppError> {
        Self::require_admin(member, org)?;
        let email = Email::parse(email)
            .map_err(|_| AppError::validation("email", FieldErrorCode::InvalidEmail))?;
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let existing = Store::staff_by_email(&mut tx, email.as_str())
            .await
            .map_err(db)?;
        let (id, created) = match existing {
            Some(account) => (account.id, false),
            None => {
                let length = password.chars().count();
                if length < MIN_PASSWORD_CHARS {
                    return Err(AppError::validation("password", FieldErrorCode::TooShort));
                }
                if length > super::staff::MAX_PASSWORD_CHARS {
                    return Err(AppError::validation("password", FieldErrorCode::TooLong));
                }
                let password = password.to_owned();
                let hash = tokio::task::spawn_blocking(move || hash_password(&password))
                    .await
                    .map_err(|_| AppError::Internal)?
                    .map_err(|_| AppError::Internal)?;
                (
                    Store::insert_staff(&mut tx, email.as_str(), &hash, at)
                        .await
                        .map_err(db)?,
                    true,
                )
            }
        };
        Store::grant_role(&mut tx, id, org, role.as_str())
            .await
            .map_err(db)?;
        let detail = serde_json::json!({ "role": role.as_str(), "new_account": created });
        super::record_staff(
            &mut tx,
            member.id,
            org,
            "staff.added",
            &format!("staff:{id}"),
            detail,
            at,
        )
        .await?;
        tx.commit().await.map_err(db)
    }

    /// Takes `staff_id`'s role in `org` away.
    #[tracing::instrument(name = "service.remove_member", skip_all, fields(org = %org))]
    pub async fn remove_member(
        &self,
        member: &StaffMember,
        org: &str,
        staff_id: i64,
    ) -> Result<(), AppError> {
        Self::require_admin(member, org)?;
        if staff_id == member.id {
            return Err(AppError::validation(
                "member",
                FieldErrorCode::InvalidChoice,
            ));
        }
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        if !Store::revoke_role(&mut tx, staff_id, org)
            .await
            .map_err(db)?
        {
            return Err(AppError::NotFound);
        }
        let detail = serde_json::json!({});
        super::record_staff(
            &mut tx,
            member.id,
            org,
            "staff.removed",
            &format!("staff:{staff_id}"),
            detail,
            at,
        )
        .await?;
        tx.commit().await.map_err(db)
    }
}
