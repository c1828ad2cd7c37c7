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
    pub digest: i64,
}

impl MailSettingsRow {
    pub fn settings(&self) -> StaffMailSettings {
        StaffMailSettings {
            new_request: self.new_request == 1,
            subject_wrote: self.subject_wrote == 1,
            assigned: self.assigned == 1,
            digest: self.digest == 1,
        }
    }
}

/// A member who wants one organisation's digest, and when.
#[derive(Debug, Clone, FromRow)]
pub struct DigestReader {
    pub id: i64,
    pub email: String,
    pub org: String,
    pub time_zone: String,
    pub digest_hour: i64,
    /// The member's local day of their last digest for `org`, if any.
    pub last_digest: Option<String>,
}

/// An open request with a deadline, as a digest names it.
#[derive(Debug, Clone, FromRow)]
pub struct DueRow {
    #[sqlx(try_from = "String")]
    pub reference: domain::Reference,
    #[sqlx(try_from = "String")]
    pub kind: domain::RequestKind,
    #[sqlx(try_from = "String")]
    pub status: domain::Status,
    #[sqlx(try_from = "String")]
    pub due_date: domain::DueDate,
    pub assignee_id: Option<i64>,
    pub assignee_email: Option<String>,
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
                    COALESCE(m.assigned, 1) AS assigned, COALESCE(m.digest, 1) AS digest
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
            "INSERT INTO staff_mail_settings (staff_id, org, new_request, subject_wrote, assigned, digest)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (staff_id, org) DO UPDATE SET new_request = excluded.new_request,
                 subject_wrote = excluded.subject_wrote, assigned = excluded.assigned,
                 digest = excluded.digest",
        )
        .bind(staff_id)
        .bind(org)
        .bind(i64::from(settings.new_request))
        .bind(i64::from(settings.subject_wrote))
        .bind(i64::from(settings.assigned))
        .bind(i64::from(settings.digest))
        .execute(conn)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Every member with the digest on, once per organisation they work for.
    pub async fn digest_readers(conn: &mut Conn) -> Result<Vec<DigestReader>, sqlx::Error> {
        sqlx::query_as(
            "SELECT s.id, s.email, r.org, s.time_zone, CAST(s.digest_hour AS BIGINT) AS digest_hour,
                    (SELECT MAX(d.local_date) FROM staff_digests d
                     WHERE d.staff_id = s.id AND d.org = r.org) AS last_digest
             FROM staff s JOIN staff_roles r ON r.staff_id = s.id
             LEFT JOIN staff_mail_settings m ON m.staff_id = s.id AND m.org = r.org
             WHERE COALESCE(m.digest, 1) = 1 ORDER BY s.id, r.org",
        )
        .fetch_all(conn)
        .await
    }

    /// Open requests of `org` due on or before `last` (ISO date), soonest first.
    pub async fn open_due_by(
        conn: &mut Conn,
        org: &str,
        last: &str,
    ) -> Result<Vec<DueRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT r.reference, r.kind, r.status, r.due_date, r.assignee_id, s.email AS assignee_email
             FROM requests r LEFT JOIN staff s ON s.id = r.assignee_id
             WHERE r.org = $1 AND r.due_date <= $2 AND r.status IN ({})
             ORDER BY r.due_date, r.created_at, r.id",
            super::sql::status_list(&domain::Status::OPEN)
        ))
        .bind(org)
        .bind(last)
        .fetch_all(conn)
        .await
    }

    /// Records that the member's digest for `org` on their `local_date` was
    /// made (naming `named` requests); false when it already was, by this
    /// server or another, so it is never sent twice.
    pub async fn record_digest(
        conn: &mut Conn,
        staff_id: i64,
        org: &str,
        local_date: &str,
        named: usize,
        at: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO staff_digests (staff_id, org, local_date, named, at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (staff_id, org, local_date) DO NOTHING",
        )
        .bind(staff_id)
        .bind(org)
        .bind(local_date)
        .bind(named as i64)
        .bind(at)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Digest records older than `before` (seconds) are of no more use.
    pub async fn forget_digests(conn: &mut Conn, before: i64) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query("DELETE FROM staff_digests WHERE at < $1")
            .bind(before)
            .execute(conn)
            .await?
            .rows_affected())
    }

    /// The member's time zone and digest hour.
    pub async fn digest_time_of(
        conn: &mut Conn,
        staff_id: i64,
    ) -> Result<(String, i64), sqlx::Error> {
        sqlx::query_as("SELECT time_zone, CAST(digest_hour AS BIGINT) FROM staff WHERE id = $1")
            .bind(staff_id)
            .fetch_one(conn)
            .await
    }

    pub async fn set_digest_time(
        conn: &mut Conn,
        staff_id: i64,
        time_zone: &str,
        hour: u8,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE staff SET time_zone = $1, digest_hour = $2 WHERE id = $3")
            .bind(time_zone)
            .bind(i64::from(hour))
            .bind(staff_id)
            .execute(conn)
            .await?;
        Ok(())
    }
}
