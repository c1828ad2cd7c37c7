//! What staff are mailed about: each member's settings per organisation
//! (no row: the defaults, everything on), and who is to be told of a piece
//! of news.

use super::{Conn, Store};
use domain::{StaffMailSettings, StaffNews};
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct MailSettingsRow {
    pub org: String,
    pub new_request: i64,
    pub subject_wrote: i64,
    pub assigned: i64,
}

impl MailSettingsRow {
    pub fn settings(&self) -> StaffMailSettings {
        StaffMailSettings {
            new_request: self.new_request == 1,
            subject_wrote: self.subject_wrote == 1,
            assigned: self.assigned == 1,
        }
    }
}

/// A member to mail.
#[derive(Debug, Clone, FromRow)]
pub struct Recipient {
    pub id: i64,
    pub email: String,
}

impl Store {
    /// Members of `org` who want `news` (all of them, or only `only`).
    pub async fn staff_to_tell(
        conn: &mut Conn,
        org: &str,
        news: StaffNews,
        only: Option<i64>,
    ) -> Result<Vec<Recipient>, sqlx::Error> {
        // The column is one of three fixed names, never input.
        let column = news.as_str();
        sqlx::query_as(&format!(
            "SELECT s.id, s.email FROM staff s JOIN staff_roles r ON r.staff_id = s.id
             LEFT JOIN staff_mail_settings m ON m.staff_id = s.id AND m.org = r.org
             WHERE r.org = $1 AND COALESCE(m.{column}, 1) = 1 AND ($2 = 0 OR s.id = $3)
             ORDER BY s.id"
        ))
        .bind(org)
        .bind(i64::from(only.is_some()))
        .bind(only.unwrap_or(0))
        .fetch_all(conn)
        .await
    }

    /// The member's settings in every organisation they have a role in.
    pub async fn mail_settings_of(
        conn: &mut Conn,
        staff_id: i64,
    ) -> Result<Vec<MailSettingsRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT r.org, COALESCE(m.new_request, 1) AS new_request, COALESCE(m.subject_wrote, 1) AS subject_wrote,
                    COALESCE(m.assigned, 1) AS assigned
             FROM staff_roles r LEFT JOIN staff_mail_settings m ON m.staff_id = r.staff_id AND m.org = r.org
             WHERE r.staff_id = $1 ORDER BY r.org",
        )
        .bind(staff_id)
        .fetch_all(conn)
        .await
    }

    pub async fn set_mail_settings(
        conn: &mut Conn,
        staff_id: i64,
        org: &str,
        settings: StaffMailSettings,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO staff_mail_settings (staff_id, org, new_request, subject_wrote, assigned)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (staff_id, org) DO UPDATE SET new_request = excluded.new_request,
                 subject_wrote = excluded.subject_wrote, assigned = excluded.assigned",
        )
        .bind(staff_id)
        .bind(org)
        .bind(i64::from(settings.new_request))
        .bind(i64::from(settings.subject_wrote))
        .bind(i64::from(settings.assigned))
        .execute(conn)
        .await?;
        Ok(())
    }
}
