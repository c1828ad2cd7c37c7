//! Staff accounts: creation (from the command line for the first admin),
//! login with argon2id-hashed passwords and TOTP, and server-side sessions.
//! A failed login looks and takes the same whether or not the account exists,
//! and an address is locked out for 15 minutes after 5 failures (wrong
//! passwords and wrong second factors alike).

use super::{db, now, Service};
use crate::{
    audit::{self, ActorKind, Entry},
    crypto,
    store::Store,
};
use app::domain::{AppError, Email, Role};
use argon2::{
    password_hash::{rand_core::OsRng, SaltString},
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
};
use std::sync::OnceLock;

/// ASVS 6.2.1: at least 12 characters; 6.2.9: at least 64 allowed.
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;
pub const LOGIN_FAILURE_LIMIT: i64 = 5;
pub const LOGIN_WINDOW_SECS: i64 = 15 * 60;
pub const STAFF_SESSION_IDLE_SECS: i64 = 30 * 60;
pub const STAFF_SESSION_ABSOLUTE_SECS: i64 = 10 * 60 * 60;

/// Recovery codes handed out at TOTP enrolment.
pub const RECOVERY_CODES: usize = 10;
/// A new set of recovery codes can be shown for this long.
pub const RECOVERY_SHOW_SECS: i64 = 10 * 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: i64,
    pub email: String,
    /// Organisations and the role in each, for those whose two-factor rule
    /// this member meets: an organisation that requires TOTP is not listed
    /// for a member without it.
    pub roles: Vec<(String, Role)>,
    pub two_factor: bool,
    /// Organisations withheld because they require two-factor authentication
    /// and this member has not enrolled yet.
    pub must_enrol_for: Vec<String>,
}

impl StaffMember {
    /// Whether this member may act with `needed` in `org`.
    pub fn may(&self, org: &str, needed: Role) -> bool {
        self.roles
            .iter()
            .any(|(o, role)| o == org && role.covers(needed))
    }
}

/// The outcome of a correct password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginStep {
    /// Signed in: the session token.
    SignedIn(String),
    /// The account has TOTP: this token only allows `staff_second_factor`.
    SecondFactor(String),
}

/// What an authenticator app needs to enrol.
pub struct Enrolment {
    pub secret_base32: String,
    pub otpauth_url: String,
    /// The otpauth URL as a QR code, an SVG document.
    pub qr_svg: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateStaffError {
    #[error("{0} is not a valid e-mail address")]
    Email(String),
    #[error("the password must have {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters")]
    Password,
    #[error("there is no organisation {0}")]
    Organisation(String),
    #[error("storing the account failed")]
    Store,
}

pub(super) fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// A hash to check passwords against when the account does not exist, so
/// that answering takes as long as for a real account.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password("no account has this password").expect("hashing a constant works")
    })
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

/// One audit entry per organisation of the member (including those withheld
/// until they enrol a second factor) about the member's own account.
async fn audit_member(
    conn: &mut crate::store::Conn,
    member: &StaffMember,
    action: &str,
    at: i64,
) -> Result<(), AppError> {
    let actor = format!("staff:{}", member.id);
    for org in member
        .roles
        .iter()
        .map(|(org, _)| org)
        .chain(&member.must_enrol_for)
    {
        let entry = Entry {
            actor_kind: ActorKind::Staff,
            actor: &actor,
            org,
            action,
            target: &actor,
            detail: serde_json::json!({}),
        };
        audit::append(&mut *conn, entry, at).await.map_err(db)?;
    }
    Ok(())
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

impl Service {
    /// Creates a staff account, or gives an existing one a new password and
    /// role, in `org`. For the command line: `server admin create`.
    pub async fn create_staff(
        &self,
        email: &str,
        password: &str,
        org: &str,
        role: Role,
    ) -> Result<i64, CreateStaffError> {
        let email = Email::parse(email).map_err(|_| CreateStaffError::Email(email.to_owned()))?;
        let length = password.chars().count();
        if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&length) {
            return Err(CreateStaffError::Password);
        }
        self.organisation(org)
            .map_err(|_| CreateStaffError::Organisation(org.to_owned()))?;
        let password = password.to_owned();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|_| CreateStaffError::Store)?
            .map_err(|_| CreateStaffError::Store)?;
        let at = now();
        let store_error = |_| CreateStaffError::Store;
        let mut tx = self.store.begin().await.map_err(store_error)?;
        let id = match Store::staff_by_email(&mut tx, email.as_str())
            .await
            .map_err(store_error)?
        {
            Some(existing) => {
                Store::set_staff_password(&mut tx, existing.id, &hash)
                    .await
                    .map_err(store_error)?;
                existing.id
            }
            None => Store::insert_staff(&mut tx, email.as_str(), &hash, at)
                .await
                .map_err(store_error)?,
        };
        Store::grant_role(&mut tx, id, org, role.as_str())
            .await
            .map_err(store_error)?;
        let entry = Entry {
            actor_kind: ActorKind::System,
            actor: "command-line",
            org,
            action: "staff.created",
            target: &format!("staff:{id}"),
            detail: serde_json::json!({ "role": role.as_str() }),
        };
        audit::append(&mut tx, entry, at)
            .await
            .map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        Ok(id)
    }

    /// Checks an e-mail and password. Accounts without TOTP are signed in;
    /// accounts with it get a token that only the second factor completes.
    #[tracing::instrument(name = "service.staff_login", skip_all)]
    pub async fn staff_login(&self, email: &str, password: &str) -> Result<LoginStep, AppError> {
        let at = now();
        // Unparseable addresses are checked like unknown accounts.
        let email = Email::parse(email)
            .map(String::from)
            .unwrap_or_else(|_| email.trim().to_ascii_lowercase());
        let index = self.email_index(&email);
        let mut tx = self.store.begin().await.map_err(db)?;
        if Store::login_failures_since(&mut tx, &index, at - LOGIN_WINDOW_SECS)
            .await
            .map_err(db)?
            >= LOGIN_FAILURE_LIMIT
        {
            tracing::warn!("login refused: too many failures for this address");
            return Err(AppError::RateLimited);
        }
        let account = Store::staff_by_email(&mut tx, &email).await.map_err(db)?;
        let stored = account
            .as_ref()
            .map(|a| a.password_hash.clone())
            .unwrap_or_else(|| dummy_hash().to_owned());
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || password_matches(&password, &stored))
            .await
            .map_err(|_| AppError::Internal)?;
        let Some(account) = account.filter(|_| matches) else {
            Store::record_login_failure(&mut tx, &index, at)
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)?;
            return Err(AppError::LoginFailed);
        };
        if account.totp_confirmed {
            let token = crypto::new_token();
            let token_hash = crypto::token_hash(crypto::expose(&token));
            // Five minutes to type the code.
            Store::insert_staff_session(&mut tx, &token_hash, account.id, at, at + 5 * 60, true)
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)?;
            return Ok(LoginStep::SecondFactor(crypto::expose(&token).to_owned()));
        }
        let token = self
            .open_staff_session(&mut tx, account.id, "password", at)
            .await?;
        tx.commit().await.map_err(db)?;
        Ok(LoginStep::SignedIn(token))
    }

    /// Completes a login with a TOTP code or a recovery code.
    #[tracing::instrument(name = "service.staff_second_factor", skip_all)]
    pub async fn staff_second_factor(&self, pending: &str, code: &str) -> Result<String, AppError> {
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let staff_id = Store::take_pending_staff_session(&mut tx, &crypto::token_hash(pending), at)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        let account = Store::staff_by_id(&mut tx, staff_id)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        let index = self.email_index(&account.email);
        if Store::login_failures_since(&mut tx, &index, at - LOGIN_WINDOW_SECS)
            .await
            .map_err(db)?
            >= LOGIN_FAILURE_LIMIT
        {
            return Err(AppError::RateLimited);
        }
        let code = code.trim();
        let accepted = if code.len() == 6 {
            self.accept_totp(&mut tx, &account, code, at).await?
        } else {
            Store::spend_recovery_code(
                &mut tx,
                account.id,
                &crypto::token_hash(&code.to_ascii_lowercase()),
                at,
            )
            .await
            .map_err(db)?
        };
        if !accepted {
            Store::record_login_failure(&mut tx, &index, at)
                .await
                .map_err(db)?;
            // A wrong code costs the pending login; the password is asked again.
            tx.commit().await.map_err(db)?;
            return Err(AppError::LoginFailed);
        }
        let method = if code.len() == 6 {
            "totp"
        } else {
            "recovery_code"
        };
        let token = self
            .open_staff_session(&mut tx, account.id, method, at)
            .await?;
        tx.commit().await.map_err(db)?;
        Ok(token)
    }

    /// A TOTP code for the account's secret, not older than the last one
    /// accepted (no replays), with one step of clock skew either way.
    async fn accept_totp(
        &self,
        conn: &mut crate::store::Conn,
        account: &crate::store::StaffRow,
        code: &str,
        at: i64,
    ) -> Result<bool, AppError> {
        let Some(totp) = account
            .totp_secret
            .as_deref()
            .and_then(|secret| totp_for(secret, &account.email))
        else {
            return Ok(false);
        };
        let now_step = at / 30;
        for step in [now_step - 1, now_step, now_step + 1] {
            if totp.generate((step * 30) as u64) == code {
                return Store::accept_totp_step(conn, account.id, step)
                    .await
                    .map_err(db);
            }
        }
        Ok(false)
    }

    async fn open_staff_session(
        &self,
        conn: &mut crate::store::Conn,
        staff_id: i64,
        method: &str,
        at: i64,
    ) -> Result<String, AppError> {
        let token = crypto::new_token();
        let token_hash = crypto::token_hash(crypto::expose(&token));
        Store::insert_staff_session(
            conn,
            &token_hash,
            staff_id,
            at,
            at + STAFF_SESSION_ABSOLUTE_SECS,
            false,
        )
        .await
        .map_err(db)?;
        for role in Store::roles_of(&mut *conn, staff_id).await.map_err(db)? {
            let entry = Entry {
                actor_kind: ActorKind::Staff,
                actor: &format!("staff:{staff_id}"),
                org: &role.org,
                action: "staff.login",
                target: &format!("staff:{staff_id}"),
                detail: serde_json::json!({ "method": method }),
            };
            audit::append(&mut *conn, entry, at).await.map_err(db)?;
        }
        Ok(crypto::expose(&token).to_owned())
    }

    /// Starts TOTP enrolment for a signed-in member without it: a secret (the
    /// pending one, or a new one the first time), not in force until
    /// `confirm_totp` sees a code made from it.
    pub async fn begin_totp(&self, token: &str) -> Result<Enrolment, AppError> {
        let member = self.staff_member(token).await?;
        if member.two_factor {
            // A new secret would switch the working one off: refused, so a
            // stolen session cannot swap the second factor.
            return Err(AppError::Forbidden);
        }
        // An enrolment already begun keeps its secret until confirmed, so a
        // page rendered twice shows the secret that will be checked. The
        // write lock makes two renders at once agree too.
        let mut tx = self.store.begin().await.map_err(db)?;
        let account = Store::staff_by_id(&mut tx, member.id)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        let secret_base32 = match account.totp_secret {
            Some(pending) => pending,
            None => {
                let mut secret = [0u8; 20];
                secret.copy_from_slice(&crypto::random_key()[..20]);
                let fresh = totp_rs::Secret::Raw(secret.to_vec())
                    .to_encoded()
                    .to_string();
                Store::set_totp_secret(&mut tx, member.id, &fresh)
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
        })
    }

    /// Confirms enrolment with a code from the app; returns the recovery
    /// codes, shown once.
    pub async fn confirm_totp(&self, token: &str, code: &str) -> Result<Vec<String>, AppError> {
        let member = self.staff_member(token).await?;
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let account = Store::staff_by_id(&mut tx, member.id)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        if !self.accept_totp(&mut tx, &account, code.trim(), at).await? {
            return Err(AppError::validation(
                "code",
                app::domain::FieldErrorCode::InvalidChoice,
            ));
        }
        let codes = self.store_recovery_codes(&mut tx, member.id).await?;
        audit_member(&mut tx, &member, "staff.two_factor_enrolled", at).await?;
        tx.commit().await.map_err(db)?;
        Ok(codes)
    }

    /// New recovery codes for a member with TOTP; the earlier ones stop working.
    pub async fn regenerate_recovery_codes(&self, token: &str) -> Result<Vec<String>, AppError> {
        let member = self.staff_member(token).await?;
        if !member.two_factor {
            return Err(AppError::Forbidden);
        }
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let codes = self.store_recovery_codes(&mut tx, member.id).await?;
        audit_member(&mut tx, &member, "staff.recovery_codes_issued", at).await?;
        tx.commit().await.map_err(db)?;
        Ok(codes)
    }

    async fn store_recovery_codes(
        &self,
        conn: &mut crate::store::Conn,
        staff_id: i64,
    ) -> Result<Vec<String>, AppError> {
        let generation = Store::next_recovery_generation(&mut *conn, staff_id, now())
            .await
            .map_err(db)?;
        let codes = self.recovery_codes_of(staff_id, generation);
        let hashes: Vec<String> = codes.iter().map(|c| crypto::token_hash(c)).collect();
        Store::replace_recovery_codes(conn, staff_id, &hashes)
            .await
            .map_err(db)?;
        Ok(codes)
    }

    fn recovery_codes_of(&self, staff_id: i64, generation: i64) -> Vec<String> {
        (0..RECOVERY_CODES as u8)
            .map(|i| crypto::recovery_code(&self.secret, staff_id, generation, i))
            .collect()
    }

    /// The newest recovery codes, while they are fresh enough to show
    /// (`None` afterwards: make new ones instead).
    pub async fn fresh_recovery_codes(&self, token: &str) -> Result<Option<Vec<String>>, AppError> {
        let member = self.staff_member(token).await?;
        if !member.two_factor {
            return Err(AppError::Forbidden);
        }
        let mut conn = self.store.conn().await.map_err(db)?;
        let account = Store::staff_by_id(&mut conn, member.id)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        let fresh = account
            .recovery_issued_at
            .is_some_and(|at| at + RECOVERY_SHOW_SECS > now());
        Ok(fresh.then(|| self.recovery_codes_of(account.id, account.recovery_generation)))
    }

    /// The staff member behind a session token, with the roles they may use
    /// now (an organisation that requires two-factor authentication is
    /// withheld until the member has it).
    pub async fn staff_member(&self, token: &str) -> Result<StaffMember, AppError> {
        let staff_id = self
            .store
            .live_staff_session(&crypto::token_hash(token), now(), STAFF_SESSION_IDLE_SECS)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        let mut conn = self.store.conn().await.map_err(db)?;
        let account = Store::staff_by_id(&mut conn, staff_id)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        let two_factor = account.totp_confirmed;
        let mut roles = Vec::new();
        let mut must_enrol_for = Vec::new();
        for row in Store::roles_of(&mut conn, staff_id).await.map_err(db)? {
            let Ok(role) = row.role.parse::<Role>() else {
                continue;
            };
            let required = self
                .content
                .org(&row.org)
                .is_some_and(|o| o.settings.require_two_factor);
            if required && !two_factor {
                must_enrol_for.push(row.org);
            } else {
                roles.push((row.org, role));
            }
        }
        Ok(StaffMember {
            id: staff_id,
            email: account.email,
            roles,
            two_factor,
            must_enrol_for,
        })
    }

    pub async fn staff_logout(&self, token: &str) {
        if let Err(error) = self
            .store
            .delete_staff_session(&crypto::token_hash(token))
            .await
        {
            tracing::warn!(error = %error, "could not delete a staff session");
        }
    }
}
