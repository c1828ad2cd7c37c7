//! Staff passwords: changed by their owner (the current one, then the new
//! one), or reset through a link mailed to the account's address. Nobody
//! else ever chooses or sees a staff member's password.
//!
//! A reset request gets the same answer whether or not the account exists,
//! and as fast (the account is looked up and the mail goes out after the
//! answer); it is limited per address and client network
//! (`RESETS_PER_CLIENT` an hour), so a stranger cannot use up the owner's,
//! per address from anyone (`RESETS_PER_ADDRESS`), counted for any address,
//! and per client by the sign-in rate limit. A reset ends every session of the
//! account; a second factor, if enrolled, is still asked at the next
//! sign-in.

use super::Accounts;
use super::{check_password_length, hash_password, orgs_of, StaffMember};
use crate::door::ClientAddress;
use crate::service::outbox::About;
use crate::service::{db, now};
use crate::{store::Store, token::Token};
use domain::{Actor, AuditAction, Task};
use domain::{AppError, Email, FieldErrorCode, Language};
use serde::Serialize;

/// A reset link works for 30 minutes, once.
pub const RESET_TTL_SECS: i64 = 30 * 60;
/// Reset mails an hour per address and client network, and per address.
pub const RESETS_PER_CLIENT: i64 = 3;
pub const RESETS_PER_ADDRESS: i64 = 10;

#[derive(Serialize)]
struct ResetMail<'a> {
    reset_url: &'a str,
    minutes: i64,
}

#[derive(Serialize)]
struct NoticeMail<'a> {
    what: &'a str,
    login_url: &'a str,
}

impl Accounts {
    /// Mails the owner of a staff account that something about its
    /// security changed (`what`: `password_changed`, `password_reset`,
    /// `two_factor_reset`), in the caller's transaction. Staff mail is in
    /// English, like the console.
    pub(super) async fn mail_account_notice(
        &self,
        conn: &mut crate::store::Conn,
        email: &str,
        what: &str,
        at: i64,
    ) -> Result<(), AppError> {
        let Ok(to) = Email::parse(email) else {
            return Ok(());
        };
        let mail = NoticeMail {
            what,
            login_url: &self.links.url("/console/login"),
        };
        self.outbox
            .write(
                conn,
                About::default(),
                &to,
                Language::En,
                "staff_account_notice",
                &mail,
                at,
            )
            .await
    }

    /// The owner changes their password: the current one, then the new one
    /// twice. Every other session of the account ends.
    #[tracing::instrument(name = "service.change_password", skip_all)]
    pub async fn change_password(
        &self,
        member: &StaffMember,
        current: &str,
        new: &str,
        repeated: &str,
        client: &ClientAddress,
    ) -> Result<(), AppError> {
        check_password_length(new, "new_password")?;
        if new != repeated {
            return Err(AppError::validation(
                "repeat",
                FieldErrorCode::InvalidChoice,
            ));
        }
        self.confirm_password(member, current, client).await?;
        let hash = hash_password(new).await?;
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        Store::set_staff_password(&mut tx, member.id, &hash)
            .await
            .map_err(db)?;
        Store::end_staff_sessions(&mut tx, member.id, Some(&member.session_hash))
            .await
            .map_err(db)?;
        self.trail
            .audit_own_account(&mut tx, member.id, AuditAction::StaffPasswordChanged, at)
            .await?;
        self.mail_account_notice(&mut tx, &member.email, "password_changed", at)
            .await?;
        tx.commit().await.map_err(db)?;
        self.outbox.wake();
        Ok(())
    }

    /// "Forgot your password": mails a reset link if the address has an
    /// account. The answer is the same either way.
    #[tracing::instrument(name = "service.request_password_reset", skip_all)]
    pub async fn request_password_reset(
        &self,
        email: &str,
        client: &ClientAddress,
    ) -> Result<(), AppError> {
        let Ok(email) = Email::parse(email) else {
            return Err(AppError::validation("email", FieldErrorCode::InvalidEmail));
        };
        let at = now();
        // Counted for any address, so a refusal says nothing about accounts.
        let index = self.seals.email_index(email.as_str());
        let window = at - at.rem_euclid(3600);
        let pool = self.store.pool();
        let client = self.throttle.client_key(client);
        let by_client = Store::hit(pool, &format!("reset:{}:{client}", index.as_str()), window)
            .await
            .map_err(db)?;
        let by_anyone = Store::hit(pool, &format!("reset:{}", index.as_str()), window)
            .await
            .map_err(db)?;
        if by_client > RESETS_PER_CLIENT || by_anyone > RESETS_PER_ADDRESS {
            return Err(AppError::RateLimited);
        }
        // The rest happens after the answer, which is the same either way.
        let accounts = self.clone();
        tokio::spawn(async move {
            if let Err(error) = accounts.mail_reset_link(&email, at).await {
                tracing::error!(error = %error, "password reset failed");
            }
        });
        Ok(())
    }

    /// Makes a reset link for the account with `email`, if there is one,
    /// and mails it.
    async fn mail_reset_link(&self, email: &Email, at: i64) -> Result<(), AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        let account = Store::staff_by_email(&mut conn, email.as_str())
            .await
            .map_err(db)?;
        drop(conn);
        let Some(account) = account else {
            return Ok(());
        };
        let token = Token::mint();
        let mut tx = self.store.begin().await.map_err(db)?;
        Store::insert_password_reset(&mut tx, &token.hash(), account.id, at, at + RESET_TTL_SECS)
            .await
            .map_err(db)?;
        let orgs = orgs_of(&mut tx, account.id).await?;
        self.trail
            .audit_account(
                &mut tx,
                Actor::System(Task::PasswordReset),
                account.id,
                &orgs,
                AuditAction::StaffPasswordResetRequested,
                at,
            )
            .await?;
        let url = self
            .links
            .url(&format!("/console/reset/{}", token.expose()));
        let mail = ResetMail {
            reset_url: &url,
            minutes: RESET_TTL_SECS / 60,
        };
        self.outbox
            .write(
                &mut tx,
                About::default(),
                email,
                Language::En,
                "staff_password_reset",
                &mail,
                at,
            )
            .await?;
        tx.commit().await.map_err(db)?;
        self.outbox.wake();
        Ok(())
    }

    /// Whether a reset link is still good (the page shows the form or says
    /// it is not).
    pub async fn password_reset_valid(&self, token: &Token) -> Result<bool, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        Ok(
            Store::password_reset_account(&mut conn, &token.hash(), now())
                .await
                .map_err(db)?
                .is_some(),
        )
    }

    /// Sets a new password through a reset link, once; every session of the
    /// account ends. The second factor, if any, is asked at the next
    /// sign-in as always.
    #[tracing::instrument(name = "service.reset_password", skip_all)]
    pub async fn reset_password(
        &self,
        token: &Token,
        new: &str,
        repeated: &str,
    ) -> Result<(), AppError> {
        check_password_length(new, "new_password")?;
        if new != repeated {
            return Err(AppError::validation(
                "repeat",
                FieldErrorCode::InvalidChoice,
            ));
        }
        if !self.password_reset_valid(token).await? {
            return Err(AppError::LinkInvalid);
        }
        let hash = hash_password(new).await?;
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let staff_id = Store::spend_password_reset(&mut tx, &token.hash(), at)
            .await
            .map_err(db)?
            .ok_or(AppError::LinkInvalid)?;
        Store::set_staff_password(&mut tx, staff_id, &hash)
            .await
            .map_err(db)?;
        Store::end_staff_sessions(&mut tx, staff_id, None)
            .await
            .map_err(db)?;
        let account = Store::staff_by_id(&mut tx, staff_id)
            .await
            .map_err(db)?
            .ok_or(AppError::LinkInvalid)?;
        let orgs = orgs_of(&mut tx, staff_id).await?;
        self.trail
            .audit_account(
                &mut tx,
                Actor::Staff(staff_id),
                staff_id,
                &orgs,
                AuditAction::StaffPasswordReset,
                at,
            )
            .await?;
        self.mail_account_notice(&mut tx, &account.email, "password_reset", at)
            .await?;
        tx.commit().await.map_err(db)?;
        self.outbox.wake();
        Ok(())
    }
}
