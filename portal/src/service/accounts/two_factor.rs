//! The staff's second factor: TOTP (RFC 6238) with single-use recovery
//! codes. A new authenticator waits as `totp_pending` until a code from it
//! is confirmed, so the working one stays in force meanwhile.
//!
//! What a stolen session alone cannot do: confirm a new authenticator or
//! mint recovery codes (both ask for the password again, and a wrong one
//! counts as a failed sign-in), see or plant another session's pending
//! authenticator or fresh recovery codes (each belongs to the session that
//! made it), nor take the factor away. Replacing the authenticator or the
//! recovery codes ends the account's other sessions and tells its owner. Only an admin of every organisation the account belongs to
//! (or the command line) resets it, which ends the account's sessions and
//! makes it enrol again before it reaches anything.
//!
//! Secrets are sealed under the data key, bound to their account; recovery
//! codes are stored as HMACs under the server secret (`crypto::recovery_hash`).

use super::Accounts;
use super::{orgs_of, StaffMember};
use crate::door::ClientAddress;
use crate::service::{db, now};
use crate::{crypto, sealing::Column, sealing::Row, store::Store};
use domain::{Actor, AuditAction, Task};
use domain::{AppError, Email, FieldErrorCode, Role};

/// A pending authenticator is kept for the session that began it this long.
pub const PENDING_SECS: i64 = 15 * 60;

/// Recovery codes handed out at TOTP enrolment.
pub const RECOVERY_CODES: usize = 10;
/// A new set of recovery codes can be shown for this long.
pub const RECOVERY_SHOW_SECS: i64 = 10 * 60;

/// What an authenticator app needs to enrol.
pub struct Enrolment {
    pub secret_base32: String,
    pub otpauth_url: String,
    /// The otpauth URL as a QR code, an SVG document.
    pub qr_svg: String,
    /// The account has a working factor, which this one will replace.
    pub replacing: bool,
}

/// RFC 6238 with the parameters every authenticator app supports: SHA-1,
/// six digits, 30-second steps.
fn totp_for(secret_base32: &str, account: &str) -> Option<totp_rs::TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret_base32.to_owned())
        .to_bytes()
        .ok()?;
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("Privacy portal".into()),
        account.to_owned(),
    )
    .ok()
}

/// The time step, one either side of now, whose code `code` is.
fn step_of(totp: &totp_rs::TOTP, code: &str, at: i64) -> Option<i64> {
    let now_step = at / 30;
    [now_step - 1, now_step, now_step + 1]
        .into_iter()
        .find(|step| crypto::same(&totp.generate((step * 30) as u64), code))
}

impl Accounts {
    fn open_totp(&self, staff_id: i64, sealed: &str) -> Result<String, AppError> {
        self.seals
            .open(Column::TotpSecret, Row::Staff(staff_id), sealed)
    }

    fn seal_totp(&self, staff_id: i64, secret: &str) -> String {
        self.seals
            .seal(Column::TotpSecret, Row::Staff(staff_id), secret)
    }

    /// A TOTP code of the account's working secret, not older than the last
    /// one accepted (no replays), with one step of clock skew either way.
    pub(super) async fn accept_totp(
        &self,
        conn: &mut crate::store::Conn,
        account: &crate::store::StaffRow,
        code: &str,
        at: i64,
    ) -> Result<bool, AppError> {
        let Some(sealed) = account
            .totp_secret
            .as_deref()
            .filter(|_| account.totp_confirmed)
        else {
            return Ok(false);
        };
        let secret = self.open_totp(account.id, sealed)?;
        let Some(step) = totp_for(&secret, &account.email).and_then(|t| step_of(&t, code, at))
        else {
            return Ok(false);
        };
        Store::accept_totp_step(conn, account.id, step)
            .await
            .map_err(db)
    }

    /// Starts enrolling an authenticator for the signed-in member: a secret
    /// (the pending one, or a new one), not in force until `confirm_totp`
    /// sees a code made from it and the member's password. The working
    /// factor, if any, stays in force meanwhile.
    pub async fn begin_totp(&self, member: &StaffMember) -> Result<Enrolment, AppError> {
        // An enrolment already begun keeps its secret until confirmed, so a
        // page rendered twice shows the secret that will be checked. The
        // write lock makes two renders at once agree too.
        let mut tx = self.store.begin().await.map_err(db)?;
        let account = Store::staff_by_id(&mut tx, member.id)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        // Only this session's own, recent pending secret is shown again;
        // any other is replaced, so no session reads or plants another's.
        let at = now();
        let own = account.totp_pending.as_deref().filter(|_| {
            account.totp_pending_session.as_deref() == Some(member.session_hash.as_str())
                && account
                    .totp_pending_at
                    .is_some_and(|t| t + PENDING_SECS > at)
        });
        let secret_base32 = match own {
            Some(pending) => self.open_totp(member.id, pending)?,
            None => {
                let mut secret = [0u8; 20];
                secret.copy_from_slice(&crypto::random_key()[..20]);
                let fresh = totp_rs::Secret::Raw(secret.to_vec())
                    .to_encoded()
                    .to_string();
                let sealed = self.seal_totp(member.id, &fresh);
                Store::set_totp_pending(&mut tx, member.id, &sealed, &member.session_hash, at)
                    .await
                    .map_err(db)?;
                fresh
            }
        };
        tx.commit().await.map_err(db)?;
        let totp = totp_for(&secret_base32, &member.email).ok_or(AppError::Internal)?;
        let otpauth_url = totp.get_url();
        let qr_svg = qrcode::QrCode::new(otpauth_url.as_bytes())
            .map_err(|_| AppError::Internal)?
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .build();
        Ok(Enrolment {
            secret_base32,
            otpauth_url,
            qr_svg,
            replacing: account.totp_confirmed,
        })
    }

    /// Confirms the pending authenticator with a code from it and the
    /// member's password; it replaces any earlier factor. Returns the new
    /// recovery codes, shown once.
    pub async fn confirm_totp(
        &self,
        member: &StaffMember,
        code: &str,
        password: &str,
        client: &ClientAddress,
    ) -> Result<Vec<String>, AppError> {
        self.confirm_password(member, password, client).await?;
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let account = Store::staff_by_id(&mut tx, member.id)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        let invalid = || AppError::validation("code", FieldErrorCode::InvalidChoice);
        let pending = account
            .totp_pending
            .as_deref()
            .filter(|_| {
                account.totp_pending_session.as_deref() == Some(member.session_hash.as_str())
            })
            .filter(|_| {
                account
                    .totp_pending_at
                    .is_some_and(|t| t + PENDING_SECS > at)
            })
            .ok_or_else(invalid)?;
        let secret = self.open_totp(member.id, pending)?;
        let step = totp_for(&secret, &member.email)
            .and_then(|t| step_of(&t, code.trim(), at))
            .ok_or_else(invalid)?;
        Store::confirm_totp(
            &mut tx,
            member.id,
            &self.seal_totp(member.id, &secret),
            step,
        )
        .await
        .map_err(db)?;
        let codes = self.store_recovery_codes(&mut tx, member).await?;
        let replaced = account.totp_confirmed;
        let action = if replaced {
            AuditAction::StaffTwoFactorReplaced
        } else {
            AuditAction::StaffTwoFactorEnrolled
        };
        if replaced {
            Store::end_staff_sessions(&mut tx, member.id, Some(&member.session_hash))
                .await
                .map_err(db)?;
        }
        self.trail
            .audit_own_account(&mut tx, member.id, action, at)
            .await?;
        if replaced {
            self.mail_account_notice(&mut tx, &member.email, "two_factor_replaced", at)
                .await?;
        }
        tx.commit().await.map_err(db)?;
        self.outbox.wake();
        Ok(codes)
    }

    /// New recovery codes for a member with TOTP, on their password; the
    /// earlier ones stop working.
    pub async fn regenerate_recovery_codes(
        &self,
        member: &StaffMember,
        password: &str,
        client: &ClientAddress,
    ) -> Result<Vec<String>, AppError> {
        if !member.two_factor {
            return Err(AppError::Forbidden);
        }
        self.confirm_password(member, password, client).await?;
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let codes = self.store_recovery_codes(&mut tx, member).await?;
        Store::end_staff_sessions(&mut tx, member.id, Some(&member.session_hash))
            .await
            .map_err(db)?;
        self.trail
            .audit_own_account(
                &mut tx,
                member.id,
                AuditAction::StaffRecoveryCodesIssued,
                at,
            )
            .await?;
        self.mail_account_notice(&mut tx, &member.email, "recovery_codes_issued", at)
            .await?;
        tx.commit().await.map_err(db)?;
        self.outbox.wake();
        Ok(codes)
    }

    async fn store_recovery_codes(
        &self,
        conn: &mut crate::store::Conn,
        member: &StaffMember,
    ) -> Result<Vec<String>, AppError> {
        let staff_id = member.id;
        let generation =
            Store::next_recovery_generation(&mut *conn, staff_id, now(), &member.session_hash)
                .await
                .map_err(db)?;
        let codes = self.recovery_codes_of(staff_id, generation);
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| crypto::recovery_hash(self.seals.secret(), staff_id, c))
            .collect();
        Store::replace_recovery_codes(conn, staff_id, &hashes)
            .await
            .map_err(db)?;
        Ok(codes)
    }

    fn recovery_codes_of(&self, staff_id: i64, generation: i64) -> Vec<String> {
        (0..RECOVERY_CODES as u8)
            .map(|i| crypto::recovery_code(self.seals.secret(), staff_id, generation, i))
            .collect()
    }

    /// The newest recovery codes, while they are fresh enough to show
    /// (`None` afterwards: make new ones instead).
    pub async fn fresh_recovery_codes(
        &self,
        member: &StaffMember,
    ) -> Result<Option<Vec<String>>, AppError> {
        if !member.two_factor {
            return Err(AppError::Forbidden);
        }
        let mut conn = self.store.conn().await.map_err(db)?;
        let account = Store::staff_by_id(&mut conn, member.id)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        // Shown again only to the session that made them.
        let fresh = account
            .recovery_issued_at
            .is_some_and(|at| at + RECOVERY_SHOW_SECS > now())
            && account.recovery_issued_session.as_deref() == Some(member.session_hash.as_str());
        Ok(fresh.then(|| self.recovery_codes_of(account.id, account.recovery_generation)))
    }

    /// Whether `admin` may reset `staff_id`'s second factor: they
    /// administer every organisation the account has a role in (so no
    /// organisation's admin can weaken an account another organisation
    /// relies on), and it is not their own.
    pub(in crate::service) fn may_reset_two_factor(
        admin: &StaffMember,
        staff_id: i64,
        orgs: &[String],
    ) -> bool {
        staff_id != admin.id
            && !orgs.is_empty()
            && orgs.iter().all(|org| admin.may(org, Role::Admin))
    }

    /// An admin resets a member's second factor (a lost phone): see
    /// `may_reset_two_factor`. Strangers to `org` get 404.
    #[tracing::instrument(name = "service.reset_two_factor", skip_all, fields(org = %org))]
    pub async fn reset_member_two_factor(
        &self,
        admin: &StaffMember,
        org: &str,
        staff_id: i64,
    ) -> Result<(), AppError> {
        crate::service::team::require_admin(admin, org)?;
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let orgs = orgs_of(&mut tx, staff_id).await?;
        if !orgs.iter().any(|o| o == org) {
            return Err(AppError::NotFound);
        }
        if !Self::may_reset_two_factor(admin, staff_id, &orgs) {
            return Err(AppError::Forbidden);
        }
        let email = self
            .reset_two_factor_in(&mut tx, staff_id, &orgs, Actor::Staff(admin.id), at)
            .await?;
        self.mail_account_notice(&mut tx, &email, "two_factor_reset", at)
            .await?;
        tx.commit().await.map_err(db)?;
        self.outbox.wake();
        Ok(())
    }

    /// `server admin reset-two-factor`: the operator resets an account's
    /// second factor.
    pub async fn reset_two_factor_from_command_line(
        &self,
        email: &str,
    ) -> Result<(), super::CreateStaffError> {
        use super::CreateStaffError;
        let email = Email::parse(email).map_err(|_| CreateStaffError::Email(email.to_owned()))?;
        let store_error = |_| CreateStaffError::Store;
        let at = now();
        let mut tx = self.store.begin().await.map_err(store_error)?;
        let account = Store::staff_by_email(&mut tx, email.as_str())
            .await
            .map_err(store_error)?
            .ok_or_else(|| CreateStaffError::NoAccount(email.to_string()))?;
        let orgs = orgs_of(&mut tx, account.id)
            .await
            .map_err(|_| CreateStaffError::Store)?;
        self.reset_two_factor_in(
            &mut tx,
            account.id,
            &orgs,
            Actor::System(Task::CommandLine),
            at,
        )
        .await
        .map_err(|_| CreateStaffError::Store)?;
        self.mail_account_notice(&mut tx, email.as_str(), "two_factor_reset", at)
            .await
            .map_err(|_| CreateStaffError::Store)?;
        tx.commit().await.map_err(store_error)?;
        self.outbox.wake();
        Ok(())
    }

    async fn reset_two_factor_in(
        &self,
        tx: &mut crate::store::Conn,
        staff_id: i64,
        orgs: &[String],
        actor: Actor,
        at: i64,
    ) -> Result<String, AppError> {
        let account = Store::staff_by_id(&mut *tx, staff_id)
            .await
            .map_err(db)?
            .ok_or(AppError::NotFound)?;
        Store::reset_two_factor(&mut *tx, staff_id)
            .await
            .map_err(db)?;
        Store::end_staff_sessions(&mut *tx, staff_id, None)
            .await
            .map_err(db)?;
        self.trail
            .audit_account(
                tx,
                actor,
                staff_id,
                orgs,
                AuditAction::StaffTwoFactorReset,
                at,
            )
            .await?;
        Ok(account.email)
    }

    /// Seals second-factor secrets written in clear (before they were
    /// sealed) and keys recovery-code digests written unkeyed; run at
    /// start-up, like `seal_emails`. Returns how many rows it wrote.
    pub async fn seal_staff_secrets(&self) -> Result<u64, AppError> {
        let mut written = 0;
        for (id, secret, pending) in self.store.unsealed_totp_secrets().await.map_err(db)? {
            let seal = |value: &Option<String>| {
                value.as_deref().map(|v| {
                    if v.starts_with("sealed") {
                        v.to_owned()
                    } else {
                        self.seal_totp(id, v)
                    }
                })
            };
            let (sealed, sealed_pending) = (seal(&secret), seal(&pending));
            let mut tx = self.store.begin().await.map_err(db)?;
            Store::seal_totp_secrets(
                &mut tx,
                id,
                (secret.as_deref(), pending.as_deref()),
                (sealed.as_deref(), sealed_pending.as_deref()),
            )
            .await
            .map_err(db)?;
            tx.commit().await.map_err(db)?;
            written += 1;
        }
        let unkeyed = self.store.unkeyed_recovery_codes().await.map_err(db)?;
        if !unkeyed.is_empty() {
            let mut tx = self.store.begin().await.map_err(db)?;
            for (id, staff_id, generation, hash) in &unkeyed {
                // Codes are derived from the secret, the account and the
                // generation: the one whose plain digest this is gets keyed.
                let code = self
                    .recovery_codes_of(*staff_id, *generation)
                    .into_iter()
                    .find(|code| crypto::same(&crypto::token_hash(code), hash));
                if let Some(code) = code {
                    let keyed = crypto::recovery_hash(self.seals.secret(), *staff_id, &code);
                    Store::key_recovery_code(&mut tx, *id, hash, &keyed)
                        .await
                        .map_err(db)?;
                    written += 1;
                }
            }
            tx.commit().await.map_err(db)?;
        }
        if written > 0 {
            tracing::info!(
                written,
                "second-factor secrets sealed and recovery codes keyed"
            );
        }
        Ok(written)
    }
}
