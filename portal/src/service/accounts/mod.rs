//! Staff accounts: creation from the command line (the first admin of a
//! deployment; everyone else is invited, see `team`), sign-in with
//! argon2id-hashed passwords and TOTP, and server-side sessions.
//!
//! A failed sign-in looks and takes the same whether or not the account
//! exists. Failures (wrong passwords and wrong second factors alike) count
//! per address and client network: five in 15 minutes lock the address for
//! that client only, so a stranger who knows the address cannot lock its
//! owner out. Against guessing from many networks at once, an address with
//! `GLOBAL_FAILURE_LIMIT` failures from anyone in the window accepts a
//! password alone no more: an account with a second factor still signs in
//! (the factor proves the owner), one without waits.
//!
//! Password hashing never runs inside a write transaction: it takes tens
//! of milliseconds on purpose, and writers take turns. At most `HASHERS`
//! run at once (each takes 19 MiB and a core); more would only queue.

mod passwords;
mod two_factor;

pub use two_factor::Enrolment;

use super::{db, now, Links, Seals, Throttle, Trail};
use crate::door::ClientAddress;
use crate::{audit::Entry, content::Content, crypto, store::Store, token::Token};
use argon2::{
    password_hash::{rand_core::OsRng, SaltString},
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
};
use domain::{Actor, AuditAction, Task};
use domain::{AppError, Email, OrgSlug, Role};
use std::sync::Arc;
use std::sync::OnceLock;

/// Staff accounts: the command line's first admin, sign-in, sessions,
/// passwords (`passwords`) and second factors (`two_factor`).
#[derive(Clone)]
pub struct Accounts {
    pub(in crate::service) store: Store,
    pub(in crate::service) seals: Seals,
    pub(in crate::service) content: Arc<Content>,
    pub(in crate::service) outbox: crate::service::outbox::Outbox,
    pub(in crate::service) links: Links,
    pub(in crate::service) throttle: Throttle,
    pub(in crate::service) trail: Trail,
}

/// ASVS 6.2.1: at least 12 characters; 6.2.9: at least 64 allowed.
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Failures per address and client network in the window.
pub const LOGIN_FAILURE_LIMIT: i64 = 5;
/// Failures per address from anyone in the window, past which a password
/// alone does not sign in.
pub const GLOBAL_FAILURE_LIMIT: i64 = 50;
pub const LOGIN_WINDOW_SECS: i64 = 15 * 60;
pub const STAFF_SESSION_IDLE_SECS: i64 = 30 * 60;
pub const STAFF_SESSION_ABSOLUTE_SECS: i64 = 10 * 60 * 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: i64,
    pub email: String,
    /// Organisations and the role in each, for those whose two-factor rule
    /// this member meets: an organisation that requires TOTP is not listed
    /// for a member without it.
    pub roles: Vec<(OrgSlug, Role)>,
    pub two_factor: bool,
    /// Organisations withheld because they require two-factor authentication
    /// and this member has not enrolled yet (all of them after a reset).
    pub must_enrol_for: Vec<OrgSlug>,
    /// The second factor was reset (or the account was made by invitation):
    /// nothing is reached until one is enrolled.
    pub must_enrol: bool,
    /// The hash of the session's token, so a password change can keep
    /// this session while it ends the others.
    pub session_hash: String,
}

impl StaffMember {
    /// Whether this member may act with `needed` in `org`.
    pub fn may(&self, org: &str, needed: Role) -> bool {
        self.roles
            .iter()
            .any(|(o, role)| o == org && role.covers(needed))
    }

    /// The organisations this member administers; `Forbidden` when none
    /// (the admin-only pages: audit log, outgoing mail).
    pub fn admin_orgs(&self) -> Result<Vec<String>, AppError> {
        let orgs: Vec<String> = self
            .roles
            .iter()
            .filter(|(_, role)| *role == Role::Admin)
            .map(|(org, _)| org.to_string())
            .collect();
        if orgs.is_empty() {
            return Err(AppError::Forbidden);
        }
        Ok(orgs)
    }

    /// Every organisation the account has a role in, usable now or not.
    pub fn all_orgs(&self) -> impl Iterator<Item = &OrgSlug> {
        self.roles
            .iter()
            .map(|(org, _)| org)
            .chain(&self.must_enrol_for)
    }
}

/// The outcome of a correct password.
#[derive(Debug)]
pub enum LoginStep {
    /// Signed in: the session token.
    SignedIn(Token),
    /// The account has TOTP: this token only allows `staff_second_factor`.
    SecondFactor(Token),
}

#[derive(Debug, thiserror::Error)]
pub enum CreateStaffError {
    #[error("{0} is not a valid e-mail address")]
    Email(String),
    #[error("the password must have {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters")]
    Password,
    #[error("there is no organisation {0}")]
    Organisation(String),
    #[error("there is no staff account {0}")]
    NoAccount(String),
    #[error("storing the account failed")]
    Store,
}

/// A password of acceptable length, for a form `field`.
pub(super) fn check_password_length(password: &str, field: &str) -> Result<(), AppError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        return Err(AppError::validation(
            field,
            domain::FieldErrorCode::TooShort,
        ));
    }
    if length > MAX_PASSWORD_CHARS {
        return Err(AppError::validation(field, domain::FieldErrorCode::TooLong));
    }
    Ok(())
}

/// Password hashes computed at once.
const HASHERS: usize = 2;
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(HASHERS);

fn hash_password_now(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Hashes a password on a blocking thread, outside any transaction.
pub(super) async fn hash_password(password: &str) -> Result<String, AppError> {
    let _turn = HASHING.acquire().await.map_err(|_| AppError::Internal)?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password_now(&password))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|_| AppError::Internal)
}

/// Checks a password against a stored hash on a blocking thread, outside
/// any transaction. `None` checks against a dummy hash, so that an unknown
/// account takes as long as a real one.
pub(super) async fn password_matches(
    password: &str,
    stored: Option<&str>,
) -> Result<bool, AppError> {
    let _turn = HASHING.acquire().await.map_err(|_| AppError::Internal)?;
    let password = password.to_owned();
    let stored = stored.unwrap_or_else(|| dummy_hash()).to_owned();
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .map_err(|_| AppError::Internal)
}

/// A hash to check passwords against when the account does not exist, so
/// that answering takes as long as for a real account.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password_now("no account has this password").expect("hashing a constant works")
    })
}

/// The organisations an account has a role in.
pub(in crate::service) async fn orgs_of(
    conn: &mut crate::store::Conn,
    staff_id: i64,
) -> Result<Vec<String>, AppError> {
    Ok(Store::roles_of(conn, staff_id)
        .await
        .map_err(db)?
        .into_iter()
        .map(|r| r.org.to_string())
        .collect())
}

impl Accounts {
    /// Creates a staff account, or gives an existing one a new password and
    /// role, in `org`. For the command line only (`server admin create`):
    /// the operator makes the first admin of a deployment; admins invite
    /// everyone else.
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
        self.content
            .organisation(org)
            .map_err(|_| CreateStaffError::Organisation(org.to_owned()))?;
        let hash = hash_password(password)
            .await
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
                // A new password from the operator ends what the old one opened.
                Store::end_staff_sessions(&mut tx, existing.id, None)
                    .await
                    .map_err(store_error)?;
                existing.id
            }
            None => Store::insert_staff(&mut tx, email.as_str(), &hash, false, at)
                .await
                .map_err(store_error)?,
        };
        Store::grant_role(&mut tx, id, org, role.as_str())
            .await
            .map_err(store_error)?;
        let entry = Entry {
            actor: Actor::System(Task::CommandLine),
            org,
            action: AuditAction::StaffCreated,
            target: &Actor::staff_name(id),
            detail: serde_json::json!({ "role": role.as_str() }),
        };
        self.trail
            .append(&mut tx, entry, at)
            .await
            .map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        Ok(id)
    }

    /// Failures counted against `email` for `client`: locked for this
    /// client, and whether a password alone is no longer enough.
    pub(super) async fn lockout(
        &self,
        conn: &mut crate::store::Conn,
        index: &crate::sealing::EmailIndex,
        client: &str,
        at: i64,
    ) -> Result<(bool, bool), AppError> {
        let (mine, everyone) =
            Store::login_failures_since(conn, index, client, at - LOGIN_WINDOW_SECS)
                .await
                .map_err(db)?;
        Ok((
            mine >= LOGIN_FAILURE_LIMIT,
            everyone >= GLOBAL_FAILURE_LIMIT,
        ))
    }

    /// Checks the signed-in member's own password again (outside any
    /// transaction), counting a wrong one as a failed sign-in of the
    /// account from this client: a stolen session cannot guess it freely.
    /// Wrong is a refusal on the form's `password` field.
    pub(super) async fn confirm_password(
        &self,
        member: &StaffMember,
        password: &str,
        client: &ClientAddress,
    ) -> Result<(), AppError> {
        let at = now();
        let index = self.seals.email_index(&member.email);
        let client = self.throttle.client_key(client);
        let mut conn = self.store.conn().await.map_err(db)?;
        if self.lockout(&mut conn, &index, &client, at).await?.0 {
            return Err(AppError::RateLimited);
        }
        let account = Store::staff_by_id(&mut conn, member.id)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        drop(conn);
        if password_matches(password, Some(&account.password_hash)).await? {
            return Ok(());
        }
        let mut conn = self.store.conn().await.map_err(db)?;
        Store::record_login_failure(&mut conn, &index, &client, at)
            .await
            .map_err(db)?;
        Err(AppError::validation(
            "password",
            domain::FieldErrorCode::InvalidChoice,
        ))
    }

    /// Checks an e-mail and password. Accounts without TOTP are signed in;
    /// accounts with it get a token that only the second factor completes.
    #[tracing::instrument(name = "service.staff_login", skip_all)]
    pub async fn staff_login(
        &self,
        email: &str,
        password: &str,
        client: &ClientAddress,
    ) -> Result<LoginStep, AppError> {
        let at = now();
        // Unparseable addresses are checked like unknown accounts.
        let email = Email::parse(email)
            .map(String::from)
            .unwrap_or_else(|_| email.trim().to_ascii_lowercase());
        let index = self.seals.email_index(&email);
        let client = self.throttle.client_key(client);
        let mut conn = self.store.conn().await.map_err(db)?;
        // The attempt counts before the password is checked, so guesses sent
        // in parallel see each other; it is forgotten if it succeeds.
        let attempt = Store::record_login_failure(&mut conn, &index, &client, at)
            .await
            .map_err(db)?;
        let (mine, everyone) =
            Store::login_failures_since(&mut conn, &index, &client, at - LOGIN_WINDOW_SECS)
                .await
                .map_err(db)?;
        if mine > LOGIN_FAILURE_LIMIT {
            tracing::warn!("login refused: too many failures for this address from this client");
            return Err(AppError::RateLimited);
        }
        let guessed_widely = everyone > GLOBAL_FAILURE_LIMIT;
        let account = Store::staff_by_email(&mut conn, &email).await.map_err(db)?;
        drop(conn);
        let matches =
            password_matches(password, account.as_ref().map(|a| a.password_hash.as_str())).await?;
        let Some(account) = account.filter(|_| matches) else {
            // While the address is guessed from many networks every answer
            // but a second factor's is the same: a right password alone
            // must not show as different from a wrong one.
            return Err(if guessed_widely {
                AppError::RateLimited
            } else {
                AppError::LoginFailed
            });
        };
        if !account.totp_confirmed && guessed_widely {
            tracing::warn!("login refused: this address is being guessed from many networks");
            return Err(AppError::RateLimited);
        }
        let mut conn = self.store.conn().await.map_err(db)?;
        Store::forget_login_failure(&mut conn, attempt)
            .await
            .map_err(db)?;
        drop(conn);
        if account.password_reset_required {
            return Err(AppError::PasswordResetRequired);
        }
        let mut tx = self.store.begin().await.map_err(db)?;
        if account.totp_confirmed {
            let token = Token::mint();
            // Five minutes to type the code.
            Store::insert_staff_session(&mut tx, &token.hash(), account.id, at, at + 5 * 60, true)
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)?;
            return Ok(LoginStep::SecondFactor(token));
        }
        let token = self
            .open_staff_session(&mut tx, account.id, "password", at)
            .await?;
        tx.commit().await.map_err(db)?;
        Ok(LoginStep::SignedIn(token))
    }

    /// Completes a login with a TOTP code or a recovery code.
    #[tracing::instrument(name = "service.staff_second_factor", skip_all)]
    pub async fn staff_second_factor(
        &self,
        pending: &Token,
        code: &str,
        client: &ClientAddress,
    ) -> Result<Token, AppError> {
        let at = now();
        let client = self.throttle.client_key(client);
        let mut tx = self.store.begin().await.map_err(db)?;
        let staff_id = Store::take_pending_staff_session(&mut tx, &pending.hash(), at)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        let account = Store::staff_by_id(&mut tx, staff_id)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        let index = self.seals.email_index(&account.email);
        if self.lockout(&mut tx, &index, &client, at).await?.0 {
            return Err(AppError::RateLimited);
        }
        let code = code.trim();
        let accepted = if code.len() == 6 {
            self.accept_totp(&mut tx, &account, code, at).await?
        } else {
            Store::spend_recovery_code(
                &mut tx,
                account.id,
                &crypto::recovery_hash(self.seals.secret(), account.id, &code.to_ascii_lowercase()),
                at,
            )
            .await
            .map_err(db)?
        };
        if !accepted {
            Store::record_login_failure(&mut tx, &index, &client, at)
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

    pub(super) async fn open_staff_session(
        &self,
        conn: &mut crate::store::Conn,
        staff_id: i64,
        method: &str,
        at: i64,
    ) -> Result<Token, AppError> {
        let token = Token::mint();
        Store::insert_staff_session(
            conn,
            &token.hash(),
            staff_id,
            at,
            at + STAFF_SESSION_ABSOLUTE_SECS,
            false,
        )
        .await
        .map_err(db)?;
        for role in Store::roles_of(&mut *conn, staff_id).await.map_err(db)? {
            let entry = Entry {
                actor: Actor::Staff(staff_id),
                org: &role.org,
                action: AuditAction::StaffLogin,
                target: &Actor::staff_name(staff_id),
                detail: serde_json::json!({ "method": method }),
            };
            self.trail.append(&mut *conn, entry, at).await.map_err(db)?;
        }
        Ok(token)
    }

    /// The staff member behind a session token, with the roles they may use
    /// now (an organisation that requires two-factor authentication is
    /// withheld until the member has it; after a reset, all are).
    pub async fn staff_member(&self, token: &Token) -> Result<StaffMember, AppError> {
        let session_hash = token.hash();
        let staff_id = self
            .store
            .live_staff_session(&session_hash, now(), STAFF_SESSION_IDLE_SECS)
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
            let required = account.must_enrol
                || self
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
            must_enrol: account.must_enrol && !two_factor,
            session_hash,
        })
    }

    pub async fn staff_logout(&self, member: &StaffMember) {
        if let Err(error) = self.store.delete_staff_session(&member.session_hash).await {
            tracing::warn!(error = %error, "could not delete a staff session");
        }
    }
}
