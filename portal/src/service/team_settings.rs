//! A member's own mail settings: what of each organisation's requests
//! they are mailed about (`TeamMail`), and when their daily digest goes.
//! Only their own, only for organisations they work for.

use super::accounts::StaffMember;
use super::time_zones::zone;
use super::{db, Team};
use crate::store::Store;
use domain::views::console::OrgMailSettings;
use domain::{AppError, DigestHour, DigestTime, Role, StaffMailSettings};

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

    /// When the member's digest goes, with the zones they may choose from.
    pub async fn digest_time(&self, member: &StaffMember) -> Result<DigestTime, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        let (time_zone, hour) = Store::digest_time_of(&mut conn, member.id)
            .await
            .map_err(db)?;
        let hour = u8::try_from(hour)
            .ok()
            .and_then(|hour| DigestHour::try_from(hour).ok())
            .unwrap_or(DigestHour::DEFAULT);
        Ok(DigestTime { time_zone, hour })
    }

    pub async fn set_digest_time(
        &self,
        member: &StaffMember,
        time: DigestTime,
    ) -> Result<(), AppError> {
        // The zone's canonical name is stored, whatever the case typed.
        let zone = zone(&time.time_zone)?;
        let name = zone.iana_name().unwrap_or("UTC");
        let mut conn = self.store.conn().await.map_err(db)?;
        Store::set_digest_time(&mut conn, member.id, name, time.hour.get())
            .await
            .map_err(db)
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
