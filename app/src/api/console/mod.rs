//! The staff console's server functions. Each reads the staff session from
//! its cookie and passes it to the `Console` port, which checks the member's
//! role in the organisation concerned; none holds a business rule.

// `act` takes one argument per form field so that plain HTML forms need no
// nested names; the macro copies them into generated code where an
// item-level allow does not reach.
#![allow(clippy::too_many_arguments)]

pub mod types;

use crate::domain::AppError;
use leptos::prelude::*;
use types::{AuditView, CaseView, EnrolmentView, InvitationView, QueueView, StaffView, TeamView};

#[cfg(feature = "ssr")]
use {
    crate::domain::Reference,
    crate::port::{console, fail},
    types::{AuditFilter, QueueFilter},
};

/// Staff sessions last at most 10 hours; the server ends them sooner when idle.
#[cfg(feature = "ssr")]
const STAFF_COOKIE_SECS: i64 = 10 * 60 * 60;
/// Five minutes to type the second factor.
#[cfg(feature = "ssr")]
const PENDING_COOKIE_SECS: i64 = 5 * 60;

#[cfg(feature = "ssr")]
fn secure() -> bool {
    crate::port::portal()
        .map(|p| p.secure_cookies())
        .unwrap_or(true)
}

/// The staff session token, or `Unauthenticated`.
#[cfg(feature = "ssr")]
fn staff_token() -> Result<String, AppError> {
    crate::port::cookie_value(crate::port::staff_cookie_name(secure()))
        .ok_or_else(|| fail(AppError::Unauthenticated))
}

#[cfg(feature = "ssr")]
fn reference(raw: &str) -> Result<Reference, AppError> {
    Reference::parse(raw).map_err(|_| fail(AppError::NotFound))
}

/// Anyone may try; failures look the same whether or not the account
/// exists, and are rate limited per address.
#[server(prefix = "/_sfn", endpoint = "console/login")]
pub async fn staff_login(email: String, password: String) -> Result<(), AppError> {
    use crate::port::{pending_cookie_name, set_staff_cookie, staff_cookie_name, StaffLogin};
    let console = console()?;
    let secure = secure();
    match console
        .login(&email, &password, &crate::port::client_address())
        .await
        .map_err(fail)?
    {
        StaffLogin::SignedIn(token) => {
            set_staff_cookie(secure, staff_cookie_name(secure), token, STAFF_COOKIE_SECS);
            crate::port::see_other("/console");
        }
        StaffLogin::SecondFactor(pending) => {
            set_staff_cookie(
                secure,
                pending_cookie_name(secure),
                pending,
                PENDING_COOKIE_SECS,
            );
            crate::port::see_other("/console/login/code");
        }
    }
    Ok(())
}

/// The second step: holders of the pending-login cookie only.
#[server(prefix = "/_sfn", endpoint = "console/second_factor")]
pub async fn staff_second_factor(code: String) -> Result<(), AppError> {
    use crate::port::{pending_cookie_name, set_staff_cookie, staff_cookie_name};
    let console = console()?;
    let secure = secure();
    let pending = crate::port::cookie_value(pending_cookie_name(secure))
        .ok_or_else(|| fail(AppError::Unauthenticated))?;
    let result = console
        .second_factor(&pending, &code, &crate::port::client_address())
        .await;
    // The pending login is spent either way.
    set_staff_cookie(secure, pending_cookie_name(secure), String::new(), 0);
    let token = result.map_err(fail)?;
    set_staff_cookie(secure, staff_cookie_name(secure), token, STAFF_COOKIE_SECS);
    crate::port::see_other("/console");
    Ok(())
}

/// Ends the staff session (anyone may call it; without a session it only
/// clears the cookie).
#[server(prefix = "/_sfn", endpoint = "console/logout")]
pub async fn staff_logout() -> Result<(), AppError> {
    use crate::port::{set_staff_cookie, staff_cookie_name};
    let console = console()?;
    let secure = secure();
    if let Some(token) = crate::port::cookie_value(staff_cookie_name(secure)) {
        console.logout(&token).await;
    }
    set_staff_cookie(secure, staff_cookie_name(secure), String::new(), 0);
    crate::port::see_other("/console/login");
    Ok(())
}

/// The signed-in member. Staff only.
#[server(prefix = "/_sfn", endpoint = "console/me")]
pub async fn staff_me() -> Result<StaffView, AppError> {
    console()?.me(&staff_token()?).await.map_err(fail)
}

/// A new authenticator secret for the signed-in member (not in force until
/// confirmed). Staff only, and only without a second factor yet.
#[server(prefix = "/_sfn", endpoint = "console/enrolment")]
pub async fn enrolment() -> Result<EnrolmentView, AppError> {
    console()?
        .begin_enrolment(&staff_token()?)
        .await
        .map_err(fail)
}

/// Turns the new authenticator on, with a code from it and the member's
/// password (a session alone cannot change the second factor). Staff only.
#[server(prefix = "/_sfn", endpoint = "console/confirm_enrolment")]
pub async fn confirm_enrolment(
    code: String,
    #[server(default)] password: String,
) -> Result<(), AppError> {
    console()?
        .confirm_enrolment(
            &staff_token()?,
            &code,
            &password,
            &crate::port::client_address(),
        )
        .await
        .map_err(fail)?;
    crate::port::see_other("/console/recovery-codes");
    Ok(())
}

/// The newest recovery codes while they may be shown (ten minutes), else
/// `None`. Staff with a second factor only.
#[server(prefix = "/_sfn", endpoint = "console/recovery_codes")]
pub async fn recovery_codes() -> Result<Option<Vec<String>>, AppError> {
    console()?
        .recovery_codes(&staff_token()?)
        .await
        .map_err(fail)
}

/// Makes a new set of recovery codes (the old ones stop working), on the
/// member's password. Staff with a second factor only.
#[server(prefix = "/_sfn", endpoint = "console/new_recovery_codes")]
pub async fn new_recovery_codes(#[server(default)] password: String) -> Result<(), AppError> {
    console()?
        .new_recovery_codes(&staff_token()?, &password, &crate::port::client_address())
        .await
        .map_err(fail)?;
    crate::port::see_other("/console/recovery-codes");
    Ok(())
}

/// The member's queue. Staff only; only their organisations' requests.
#[server(prefix = "/_sfn", endpoint = "console/queue")]
pub async fn queue(
    #[server(default)] status: Option<String>,
    #[server(default)] kind: Option<String>,
    #[server(default)] assignee: Option<String>,
    #[server(default)] page: Option<u32>,
) -> Result<QueueView, AppError> {
    let filter = QueueFilter {
        status,
        kind,
        assignee,
        page,
    };
    console()?
        .queue(&staff_token()?, filter)
        .await
        .map_err(fail)
}

/// One request in full. Staff of the request's organisation only; others
/// get 404. Audited.
#[server(prefix = "/_sfn", endpoint = "console/case")]
pub async fn case(org: String, reference: String) -> Result<CaseView, AppError> {
    let reference = self::reference(&reference)?;
    console()?
        .case(&staff_token()?, &org, &reference)
        .await
        .map_err(fail)
}

/// A staff action on a request (all but completing, which carries files
/// and has its own upload route). Staff of the request's organisation only.
#[server(prefix = "/_sfn", endpoint = "console/act")]
pub async fn act(
    org: String,
    reference: String,
    action: String,
    #[server(default)] to: Option<String>,
    #[server(default)] text: Option<String>,
    #[server(default)] months: Option<String>,
    #[server(default)] legal_ground: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::{ActionForm, StaffAction};
    let parsed = self::reference(&reference)?;
    let token = staff_token()?;
    let form = ActionForm {
        action,
        to,
        text,
        months,
        legal_ground,
    };
    let staff_action = StaffAction::from_form(&form).map_err(fail)?;
    let event = staff_action.event();
    console()?
        .act(&token, &org, &parsed, staff_action)
        .await
        .map_err(fail)?;
    crate::port::see_other(&format!("/console/o/{org}/requests/{parsed}?done={event}"));
    Ok(())
}

/// The audit log of the organisations the member administers. Admins only.
#[server(prefix = "/_sfn", endpoint = "console/audit")]
pub async fn audit_log(
    #[server(default)] action: Option<String>,
    #[server(default)] actor: Option<String>,
    #[server(default)] target: Option<String>,
    #[server(default)] page: Option<u32>,
) -> Result<AuditView, AppError> {
    let filter = AuditFilter {
        action,
        actor,
        target,
        page,
    };
    console()?
        .audit(&staff_token()?, filter)
        .await
        .map_err(fail)
}

/// The staff of the organisations the member administers. Admins only.
#[server(prefix = "/_sfn", endpoint = "console/team")]
pub async fn team() -> Result<Vec<TeamView>, AppError> {
    console()?.teams(&staff_token()?).await.map_err(fail)
}

/// Invites someone to an organisation's team: a link goes to the address.
/// Admins of that organisation only.
#[server(prefix = "/_sfn", endpoint = "console/invite")]
pub async fn invite_member(org: String, email: String, role: String) -> Result<(), AppError> {
    use crate::domain::{FieldErrorCode, Role};
    let token = staff_token()?;
    let role: Role = role
        .parse()
        .map_err(|_| fail(AppError::validation("role", FieldErrorCode::InvalidChoice)))?;
    console()?
        .invite(&token, &org, &email, role)
        .await
        .map_err(fail)?;
    crate::port::see_other("/console/team?done=invited");
    Ok(())
}

/// Revokes an invitation not yet accepted. Admins of that organisation only.
#[server(prefix = "/_sfn", endpoint = "console/revoke_invitation")]
pub async fn revoke_invitation(org: String, invitation: i64) -> Result<(), AppError> {
    let token = staff_token()?;
    console()?
        .revoke_invitation(&token, &org, invitation)
        .await
        .map_err(fail)?;
    crate::port::see_other("/console/team?done=revoked");
    Ok(())
}

/// Resets a member's second factor (they enrol again at next sign-in).
/// Admins of every organisation the member belongs to only.
#[server(prefix = "/_sfn", endpoint = "console/reset_two_factor")]
pub async fn reset_two_factor(org: String, staff_id: i64) -> Result<(), AppError> {
    let token = staff_token()?;
    console()?
        .reset_two_factor(&token, &org, staff_id)
        .await
        .map_err(fail)?;
    crate::port::see_other("/console/team?done=reset");
    Ok(())
}

/// The signed-in member changes their own password. Staff only.
#[server(prefix = "/_sfn", endpoint = "console/change_password")]
pub async fn change_password(
    #[server(default)] password: String,
    #[server(default)] new_password: String,
    #[server(default)] repeat: String,
) -> Result<(), AppError> {
    console()?
        .change_password(
            &staff_token()?,
            &password,
            &new_password,
            &repeat,
            &crate::port::client_address(),
        )
        .await
        .map_err(fail)?;
    crate::port::see_other("/console/account?done=password");
    Ok(())
}

/// "Forgot your password": anyone may ask; the answer is the same whether
/// or not the address has an account.
#[server(prefix = "/_sfn", endpoint = "console/forgot_password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    console()?
        .request_password_reset(&email, &crate::port::client_address())
        .await
        .map_err(fail)?;
    crate::port::see_other("/console/login/forgot?sent=1");
    Ok(())
}

/// Whether a password-reset link is still good. Anyone (the link is the credential).
#[server(prefix = "/_sfn", endpoint = "console/reset_link")]
pub async fn reset_link(token: String) -> Result<bool, AppError> {
    console()?.password_reset_valid(&token).await.map_err(fail)
}

/// A new password through a reset link. Holders of the link only.
#[server(prefix = "/_sfn", endpoint = "console/reset_password")]
pub async fn reset_password(
    token: String,
    #[server(default)] new_password: String,
    #[server(default)] repeat: String,
) -> Result<(), AppError> {
    console()?
        .reset_password(&token, &new_password, &repeat)
        .await
        .map_err(fail)?;
    crate::port::see_other("/console/login?done=reset");
    Ok(())
}

/// The page behind an invitation link. Holders of the link only.
#[server(prefix = "/_sfn", endpoint = "console/invitation")]
pub async fn invitation(token: String) -> Result<InvitationView, AppError> {
    let staff = crate::port::cookie_value(crate::port::staff_cookie_name(secure()));
    console()?
        .invitation(&token, staff.as_deref())
        .await
        .map_err(fail)
}

/// A new account through an invitation link: the invitee chooses their
/// password, then enrols a second factor. Holders of the link only.
#[server(prefix = "/_sfn", endpoint = "console/join")]
pub async fn join(
    token: String,
    #[server(default)] new_password: String,
    #[server(default)] repeat: String,
) -> Result<(), AppError> {
    use crate::port::{set_staff_cookie, staff_cookie_name};
    let session = console()?
        .join(&token, &new_password, &repeat)
        .await
        .map_err(fail)?;
    let secure = secure();
    set_staff_cookie(
        secure,
        staff_cookie_name(secure),
        session,
        STAFF_COOKIE_SECS,
    );
    crate::port::see_other("/console/enrol");
    Ok(())
}

/// The signed-in member accepts an invitation for their own address: the
/// one behind `token`, or their listed invitation `invitation`.
#[server(prefix = "/_sfn", endpoint = "console/accept_invitation")]
pub async fn accept_invitation(
    #[server(default)] token: Option<String>,
    #[server(default)] invitation: Option<i64>,
) -> Result<(), AppError> {
    console()?
        .accept_invitation(&staff_token()?, token.as_deref(), invitation)
        .await
        .map_err(fail)?;
    crate::port::see_other("/console?done=joined");
    Ok(())
}

/// Takes a member's role in an organisation away. Admins of that
/// organisation only, and not their own.
#[server(prefix = "/_sfn", endpoint = "console/remove_member")]
pub async fn remove_member(org: String, staff_id: i64) -> Result<(), AppError> {
    let token = staff_token()?;
    console()?
        .remove_member(&token, &org, staff_id)
        .await
        .map_err(fail)?;
    crate::port::see_other("/console/team?done=removed");
    Ok(())
}
