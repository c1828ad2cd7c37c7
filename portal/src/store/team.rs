//! Teams: who holds which role in which organisation, and the
//! invitations that grant one.

use super::{Conn, Store};
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct RoleRow {
    #[sqlx(try_from = "String")]
    pub org: domain::OrgSlug,
    pub role: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub email: String,
    pub role: String,
    #[sqlx(try_from = "super::rows::Flag")]
    pub totp_confirmed: bool,
}

/// An invitation to join an organisation's team.
#[derive(Debug, Clone, FromRow)]
pub struct InvitationRow {
    pub id: i64,
    pub org: String,
    pub email: String,
    pub role: String,
    pub invited_by: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

const INVITATION_COLUMNS: &str =
    "id, org, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at";

/// An invitation as it is first written.
pub struct NewInvitation<'a> {
    pub token_hash: &'a str,
    pub org: &'a str,
    pub email: &'a str,
    pub role: &'a str,
    pub invited_by: i64,
    pub now: i64,
    pub expires_at: i64,
}

impl Store {
    /// Grants `role` in `org`, replacing any earlier role there.
    pub async fn grant_role(
        conn: &mut Conn,
        staff_id: i64,
        org: &str,
        role: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO staff_roles (staff_id, org, role) VALUES ($1, $2, $3)
             ON CONFLICT (staff_id, org) DO UPDATE SET role = excluded.role",
        )
        .bind(staff_id)
        .bind(org)
        .bind(role)
        .execute(conn)
        .await?;
        Ok(())
    }

    pub async fn roles_of(conn: &mut Conn, staff_id: i64) -> Result<Vec<RoleRow>, sqlx::Error> {
        sqlx::query_as("SELECT org, role FROM staff_roles WHERE staff_id = $1 ORDER BY org")
            .bind(staff_id)
            .fetch_all(conn)
            .await
    }

    /// The staff of an organisation with their role and second factor.
    pub async fn members_of(conn: &mut Conn, org: &str) -> Result<Vec<MemberRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT s.id, s.email, r.role, s.totp_confirmed FROM staff s JOIN staff_roles r ON r.staff_id = s.id
             WHERE r.org = $1 ORDER BY s.email",
        )
        .bind(org)
        .fetch_all(conn)
        .await
    }

    /// Takes a member's role in `org` away; false when they had none.
    pub async fn revoke_role(
        conn: &mut Conn,
        staff_id: i64,
        org: &str,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM staff_roles WHERE staff_id = $1 AND org = $2")
            .bind(staff_id)
            .bind(org)
            .execute(conn)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Writes an invitation; an earlier open one for the same address and
    /// organisation is revoked (only the newest link works).
    pub async fn insert_invitation(
        conn: &mut Conn,
        new: &NewInvitation<'_>,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query(
            "UPDATE staff_invitations SET revoked_at = $1
             WHERE org = $2 AND email = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(new.now)
        .bind(new.org)
        .bind(new.email)
        .execute(&mut *conn)
        .await?;
        sqlx::query_scalar(
            "INSERT INTO staff_invitations (token_hash, org, email, role, invited_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.token_hash)
        .bind(new.org)
        .bind(new.email)
        .bind(new.role)
        .bind(new.invited_by)
        .bind(new.now)
        .bind(new.expires_at)
        .fetch_one(conn)
        .await
    }

    /// The open invitation behind a link, if it is still valid.
    pub async fn open_invitation_by_token(
        conn: &mut Conn,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<InvitationRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {INVITATION_COLUMNS} FROM staff_invitations
             WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(conn)
        .await
    }

    pub async fn open_invitation_by_id(
        conn: &mut Conn,
        id: i64,
        now: i64,
    ) -> Result<Option<InvitationRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {INVITATION_COLUMNS} FROM staff_invitations
             WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2"
        ))
        .bind(id)
        .bind(now)
        .fetch_optional(conn)
        .await
    }

    /// Open invitations of an organisation (for its admins), or for an
    /// address (for the invitee, signed in).
    pub async fn open_invitations(
        conn: &mut Conn,
        org: Option<&str>,
        email: Option<&str>,
        now: i64,
    ) -> Result<Vec<InvitationRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {INVITATION_COLUMNS} FROM staff_invitations
             WHERE accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1
               AND ($2 IS NULL OR org = $2) AND ($3 IS NULL OR email = $3)
             ORDER BY org, email"
        ))
        .bind(now)
        .bind(org)
        .bind(email)
        .fetch_all(conn)
        .await
    }

    /// Marks an invitation accepted by `staff_id`; false when it was no
    /// longer open (used, revoked or expired meanwhile).
    pub async fn accept_invitation(
        conn: &mut Conn,
        id: i64,
        staff_id: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE staff_invitations SET accepted_at = $1, accepted_by = $2
             WHERE id = $3 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $4",
        )
        .bind(now)
        .bind(staff_id)
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Revokes an open invitation of `org`; false when there was none.
    pub async fn revoke_invitation(
        conn: &mut Conn,
        id: i64,
        org: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE staff_invitations SET revoked_at = $1
             WHERE id = $2 AND org = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(org)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Whether `staff_id` administers `org` now.
    pub async fn is_admin_of(
        conn: &mut Conn,
        staff_id: i64,
        org: &str,
    ) -> Result<bool, sqlx::Error> {
        let role: Option<String> =
            sqlx::query_scalar("SELECT role FROM staff_roles WHERE staff_id = $1 AND org = $2")
                .bind(staff_id)
                .bind(org)
                .fetch_optional(conn)
                .await?;
        Ok(role.as_deref() == Some("admin"))
    }

    /// Revokes the open invitations `staff_id` sent for `org` (they leave).
    pub async fn revoke_invitations_by(
        conn: &mut Conn,
        staff_id: i64,
        org: &str,
        now: i64,
    ) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE staff_invitations SET revoked_at = $1
             WHERE invited_by = $2 AND org = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(staff_id)
        .bind(org)
        .execute(conn)
        .await?;
        Ok(done.rows_affected())
    }

    /// Invitations an organisation sent since `since`.
    pub async fn invitations_sent_since(
        conn: &mut Conn,
        org: &str,
        since: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM staff_invitations WHERE org = $1 AND created_at >= $2",
        )
        .bind(org)
        .bind(since)
        .fetch_one(conn)
        .await
    }
}
