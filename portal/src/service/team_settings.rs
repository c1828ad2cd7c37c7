//! A member's own mail settings: what of each organisation's requests
//! they are mailed about (`TeamMail`). Only their own, only for
//! organisations they work for.

use super::accounts::StaffMember;
use super::{db, Team};
use crate::store::Store;
use domain::views::console::OrgMailSettings;
use domain::{AppError, Role, StaffMailSettings};

impl Team {
    pub async fn mail_settings(
        &self,
        member: &StaffMember,
    ) -> Result<Vec<OrgMailSettings>, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        let rows = Store::mail_settings_of(&mut conn, member.id)
            .await
            .map_err(db)?;
        Ok(rows
            .into_iter()
            // Withheld organisations (a second factor still to enrol) are
            // not the member's to set yet.
            .filter(|row| member.may(&row.org, Role::Agent))
            .map(|row| OrgMailSettings {
                org_name: self.org_name(&row.org),
                settings: row.settings(),
                org: row.org,
            })
            .collect())
    }

    pub async fn set_mail_settings(
        &self,
        member: &StaffMember,
        org: &str,
        settings: StaffMailSettings,
    ) -> Result<(), AppError> {
        if !member.may(org, Role::Agent) {
            return Err(AppError::NotFound);
        }
        let mut conn = self.store.conn().await.map_err(db)?;
        Store::set_mail_settings(&mut conn, member.id, org, settings)
            .await
            .map_err(db)
    }
}
