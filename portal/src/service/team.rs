//! Admins manage their organisation's team: who is in it, with which role
//! and whether they have a second factor; inviting someone; revoking an
//! invitation; taking a member's role away; resetting a member's second
//! factor (`two_factor`).
//!
//! Adding a member is an invitation, never a password: a single-use link
//! (256 bits, stored hashed, `INVITATION_TTL_SECS`) goes to the address.
//! Someone without an account sets their own password through it and
//! enrols a second factor before they reach anything; an existing account
//! accepts the role while signed in as itself. Until then the role grants
//! nothing, so an admin of one organisation can never make or hold an
//! account that another organisation later trusts. Admins cannot remove
//! themselves, so an organisation is never left without one by accident.

use super::accounts::{check_password_length, hash_password, StaffMember};
use super::outbox::{About, Outbox};
use super::{db, now, Accounts, Links, Trail};
use crate::content::Content;
use crate::{store::Store, token::Token};
use domain::views::console::{
    InvitationStep, InvitationSummary, InvitationView, MyInvitation, TeamMember, TeamView,
};
use domain::{Actor, AuditAction};
use domain::{AppError, Email, FieldErrorCode, Language, Role};
use serde::Serialize;
use std::sync::Arc;

/// An invitation link works for 72 hours, once.
pub const INVITATION_TTL_SECS: i64 = 72 * 60 * 60;
/// Invitation mails an organisation may send a day.
pub const INVITATIONS_PER_DAY: i64 = 50;

/// Admins of `org` only: its agents are refused (403), strangers to it get
/// 404, as for an organisation that does not exist.
pub(super) fn require_admin(member: &StaffMember, org: &str) -> Result<(), AppError> {
    if member.may(org, Role::Admin) {
        Ok(())
    } else if member.may(org, Role::Agent) {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

/// Which invitation an invitee accepts: the one behind their link, or one
/// of theirs listed in the console.
pub enum Invitation<'a> {
    Link(&'a Token),
    Listed(i64),
}

#[derive(Serialize)]
struct InvitationMail<'a> {
    org_name: &'a str,
    role: &'a str,
    invited_by: &'a str,
    accept_url: &'a str,
    hours: i64,
}

/// Who works for which organisation: invitations, roles, removal.
#[derive(Clone)]
pub struct Team {
    pub(super) store: Store,
    pub(super) content: Arc<Content>,
    pub(super) outbox: Outbox,
    pub(super) links: Links,
    pub(super) trail: Trail,
    pub(super) accounts: Accounts,
}

impl Team {
    pub(super) fn org_name(&self, org: &str) -> String {
        self.content
            .org(org)
            .map(|o| o.settings.name.clone())
            .unwrap_or_else(|| org.to_owned())
    }

    /// The teams of every organisation the member administers.
    pub async fn teams(&self, member: &StaffMember) -> Result<Vec<TeamView>, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        let at = now();
        let mut teams = Vec::new();
        for (org, role) in &member.roles {
            if *role != Role::Admin {
                continue;
            }
            let mut members = Vec::new();
            for row in Store::members_of(&mut conn, org).await.map_err(db)? {
                let Ok(role) = row.role.parse() else { continue };
                let orgs = super::accounts::orgs_of(&mut conn, row.id).await?;
                members.push(TeamMember {
                    id: row.id,
                    email: row.email,
                    role,
                    two_factor: row.totp_confirmed,
                    may_reset_two_factor: row.totp_confirmed
                        && Accounts::may_reset_two_factor(member, row.id, &orgs),
                });
            }
            let invitations = Store::open_invitations(&mut conn, Some(org), None, at)
                .await
                .map_err(db)?
                .into_iter()
                .filter_map(|row| {
                    Some(InvitationSummary {
                        id: row.id,
                        email: row.email,
                        role: row.role.parse().ok()?,
                        expires_at: super::views::rfc3339(row.expires_at),
                    })
                })
                .collect();
            teams.push(TeamView {
                org: org.to_string(),
                name: self.org_name(org),
                members,
                invitations,
                me: member.id,
            });
        }
        if teams.is_empty() {
            return Err(AppError::Forbidden);
        }
        Ok(teams)
    }

    /// Invites `email` to `org` with `role`: mails a link to the address.
    /// A member already in the team is refused; an earlier open invitation
    /// of the address is replaced.
    #[tracing::instrument(name = "service.invite", skip_all, fields(org = %org))]
    pub async fn invite(
        &self,
        member: &StaffMember,
        org: &str,
        email: &str,
        role: Role,
    ) -> Result<(), AppError> {
        require_admin(member, org)?;
        let email = Email::parse(email)
            .map_err(|_| AppError::validation("email", FieldErrorCode::InvalidEmail))?;
        let at = now();
        let token = Token::mint();
        let mut tx = self.store.begin().await.map_err(db)?;
        let already = Store::members_of(&mut tx, org)
            .await
            .map_err(db)?
            .iter()
            .any(|m| m.email == email.as_str());
        if already {
            return Err(AppError::validation("email", FieldErrorCode::InvalidChoice));
        }
        if Store::invitations_sent_since(&mut tx, org, at - 86_400)
            .await
            .map_err(db)?
            >= INVITATIONS_PER_DAY
        {
            return Err(AppError::RateLimited);
        }
        let id = Store::insert_invitation(
            &mut tx,
            &crate::store::NewInvitation {
                token_hash: &token.hash(),
                org,
                email: email.as_str(),
                role: role.as_str(),
                invited_by: member.id,
                now: at,
                expires_at: at + INVITATION_TTL_SECS,
            },
        )
        .await
        .map_err(db)?;
        let detail = serde_json::json!({ "role": role.as_str() });
        self.trail
            .record(
                &mut tx,
                Actor::Staff(member.id),
                org,
                AuditAction::StaffInvited,
                &format!("invitation:{id}"),
                detail,
                at,
            )
            .await?;
        let url = self
            .links
            .url(&format!("/console/invitation/{}", token.expose()));
        let mail = InvitationMail {
            org_name: &self.org_name(org),
            role: role.as_str(),
            invited_by: &member.email,
            accept_url: &url,
            hours: INVITATION_TTL_SECS / 3600,
        };
        let about = About {
            org: Some(org),
            request_id: None,
        };
        self.outbox
            .write(
                &mut tx,
                about,
                &email,
                Language::En,
                "staff_invitation",
                &mail,
                at,
            )
            .await?;
        tx.commit().await.map_err(db)?;
        self.outbox.wake();
        Ok(())
    }

    /// Revokes an open invitation of `org`.
    pub async fn revoke_invitation(
        &self,
        member: &StaffMember,
        org: &str,
        invitation: i64,
    ) -> Result<(), AppError> {
        require_admin(member, org)?;
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        if !Store::revoke_invitation(&mut tx, invitation, org, at)
            .await
            .map_err(db)?
        {
            return Err(AppError::NotFound);
        }
        self.trail
            .record(
                &mut tx,
                Actor::Staff(member.id),
                org,
                AuditAction::StaffInvitationRevoked,
                &format!("invitation:{invitation}"),
                serde_json::json!({}),
                at,
            )
            .await?;
        tx.commit().await.map_err(db)
    }

    /// What the page behind an invitation link shows: whom it is for and
    /// what the holder does next. `staff` is the visitor's session, if any.
    pub async fn invitation(
        &self,
        token: &Token,
        signed_in: Option<&StaffMember>,
    ) -> Result<InvitationView, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        let row = Store::open_invitation_by_token(&mut conn, &token.hash(), now())
            .await
            .map_err(db)?
            .ok_or(AppError::LinkInvalid)?;
        let has_account = Store::staff_by_email(&mut conn, &row.email)
            .await
            .map_err(db)?
            .is_some();
        drop(conn);
        let step = match (signed_in, has_account) {
            (Some(member), _) if member.email == row.email => InvitationStep::Accept,
            (Some(_), _) => InvitationStep::OtherAccount,
            (None, true) => InvitationStep::SignIn,
            (None, false) => InvitationStep::NewAccount,
        };
        Ok(InvitationView {
            org_name: self.org_name(&row.org),
            role: row.role.parse().map_err(|_| AppError::Internal)?,
            email: row.email,
            expires_at: super::views::rfc3339(row.expires_at),
            step,
        })
    }

    /// The open invitations for the signed-in member's own address.
    pub async fn my_invitations(
        &self,
        member: &StaffMember,
    ) -> Result<Vec<MyInvitation>, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        Ok(
            Store::open_invitations(&mut conn, None, Some(&member.email), now())
                .await
                .map_err(db)?
                .into_iter()
                .filter_map(|row| {
                    Some(MyInvitation {
                        id: row.id,
                        org_name: self.org_name(&row.org),
                        role: row.role.parse().ok()?,
                    })
                })
                .collect(),
        )
    }

    /// Someone without an account accepts through their link, choosing
    /// their own password: the account is made (it must enrol a second
    /// factor before it reaches anything), the role granted, and a session
    /// opened. Returns the session token.
    #[tracing::instrument(name = "service.join", skip_all)]
    pub async fn accept_invitation_as_new(
        &self,
        token: &Token,
        password: &str,
        repeated: &str,
    ) -> Result<Token, AppError> {
        check_password_length(password, "new_password")?;
        if password != repeated {
            return Err(AppError::validation(
                "repeat",
                FieldErrorCode::InvalidChoice,
            ));
        }
        // The link first: a forged one costs no password hash.
        let at = now();
        let mut conn = self.store.conn().await.map_err(db)?;
        Store::open_invitation_by_token(&mut conn, &token.hash(), at)
            .await
            .map_err(db)?
            .ok_or(AppError::LinkInvalid)?;
        drop(conn);
        let hash = hash_password(password).await?;
        let mut tx = self.store.begin().await.map_err(db)?;
        let row = Store::open_invitation_by_token(&mut tx, &token.hash(), at)
            .await
            .map_err(db)?
            .ok_or(AppError::LinkInvalid)?;
        if Store::staff_by_email(&mut tx, &row.email)
            .await
            .map_err(db)?
            .is_some()
        {
            // The address has an account: its owner signs in to accept.
            return Err(AppError::Forbidden);
        }
        let id = Store::insert_staff(&mut tx, &row.email, &hash, true, at)
            .await
            .map_err(db)?;
        self.join(&mut tx, &row, id, at).await?;
        let session = self
            .accounts
            .open_staff_session(&mut tx, id, "invitation", at)
            .await?;
        tx.commit().await.map_err(db)?;
        Ok(session)
    }

    /// A signed-in member accepts an invitation for their own address.
    #[tracing::instrument(name = "service.accept_invitation", skip_all)]
    pub async fn accept_invitation(
        &self,
        member: &StaffMember,
        invitation: Invitation<'_>,
    ) -> Result<String, AppError> {
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let row = match invitation {
            Invitation::Link(token) => {
                Store::open_invitation_by_token(&mut tx, &token.hash(), at).await
            }
            Invitation::Listed(id) => Store::open_invitation_by_id(&mut tx, id, at).await,
        }
        .map_err(db)?
        // Another address's invitation is none of this member's business.
        .filter(|row| row.email == member.email)
        .ok_or(AppError::LinkInvalid)?;
        self.join(&mut tx, &row, member.id, at).await?;
        tx.commit().await.map_err(db)?;
        Ok(row.org)
    }

    async fn join(
        &self,
        tx: &mut crate::store::Conn,
        row: &crate::store::InvitationRow,
        staff_id: i64,
        at: i64,
    ) -> Result<(), AppError> {
        // An invitation speaks for its admin while they are one.
        if !Store::is_admin_of(&mut *tx, row.invited_by, &row.org)
            .await
            .map_err(db)?
        {
            return Err(AppError::LinkInvalid);
        }
        if !Store::accept_invitation(&mut *tx, row.id, staff_id, at)
            .await
            .map_err(db)?
        {
            return Err(AppError::LinkInvalid);
        }
        Store::grant_role(&mut *tx, staff_id, &row.org, &row.role)
            .await
            .map_err(db)?;
        let entry = crate::audit::Entry {
            actor: Actor::Staff(staff_id),
            org: &row.org,
            action: AuditAction::StaffJoined,
            target: &Actor::staff_name(staff_id),
            detail: serde_json::json!({ "role": row.role, "invitation": row.id, "invited_by": Actor::staff_name(row.invited_by) }),
        };
        self.trail.append(tx, entry, at).await.map_err(db)
    }

    /// Takes `staff_id`'s role in `org` away.
    #[tracing::instrument(name = "service.remove_member", skip_all, fields(org = %org))]
    pub async fn remove_member(
        &self,
        member: &StaffMember,
        org: &str,
        staff_id: i64,
    ) -> Result<(), AppError> {
        require_admin(member, org)?;
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
        // Whom they invited here joins through nobody now.
        Store::revoke_invitations_by(&mut tx, staff_id, org, at)
            .await
            .map_err(db)?;
        let detail = serde_json::json!({});
        self.trail
            .record(
                &mut tx,
                Actor::Staff(member.id),
                org,
                AuditAction::StaffRemoved,
                &Actor::staff_name(staff_id),
                detail,
                at,
            )
            .await?;
        tx.commit().await.map_err(db)
    }
}
