//! The staff console's server functions. Each learns the staff member from
//! `portal::door` (through `door`) and calls the use case, which checks the
//! member's role in the organisation concerned; none holds a business rule.

// `act` takes one argument per form field so that plain HTML forms need no
// nested names; the macro copies them into generated code where an
// item-level allow does not reach.
#![allow(clippy::too_many_arguments)]

use domain::views::console::{
    ApiTokensView, AuditView, CaseView, DigestTimeView, EnrolmentView, IntakeView, InvitationView,
    OrgFigures, OrgMailSettings, OutgoingMailView, QueueView, StaffView, TeamView, WebhooksView,
};
use domain::{AppError, Reference};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::door::{identify, see_other, serve, set_cookie},
    domain::views::console::{AuditFilter, QueueFilter},
    portal::door::{cookies, Caller, MaybeStaff, PendingLogin, StaffCaller, TokenToShow},
    portal::service::LoginStep,
    portal::token::Token,
};

/// The staff session cookie: set after a complete sign-in, cleared on
/// sign-out (`None`: an empty value that expires at once).
#[cfg(feature = "ssr")]
fn set_staff_session(caller: &Caller, token: Option<&Token>, secs: i64) {
    let name = cookies::staff_session_name(caller.secure);
    set_cookie(cookies::staff(caller.secure, name, token, secs));
}

#[cfg(feature = "ssr")]
fn set_pending_login(caller: &Caller, token: Option<&Token>, secs: i64) {
    let name = cookies::pending_login_name(caller.secure);
    set_cookie(cookies::staff(caller.secure, name, token, secs));
}

/// Anyone may try; failures look the same whether or not the account
/// exists, and are rate limited per address.
#[server(prefix = "/_sfn", endpoint = "console/login")]
pub async fn staff_login(email: String, password: String) -> Result<(), AppError> {
    serve(|service, caller| async move {
        match service
            .accounts
            .staff_login(&email, &password, &caller.client)
            .await?
        {
            LoginStep::SignedIn(token) => {
                set_staff_session(&caller, Some(&token), cookies::STAFF_SESSION_SECS);
                see_other(&caller, "/console");
            }
            LoginStep::SecondFactor(pending) => {
                set_pending_login(&caller, Some(&pending), cookies::PENDING_LOGIN_SECS);
                see_other(&caller, "/console/login/code");
            }
        }
        Ok(())
    })
    .await
}

/// The second step: holders of the pending-login cookie only.
#[server(prefix = "/_sfn", endpoint = "console/second_factor")]
pub async fn staff_second_factor(code: String) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let PendingLogin(pending) = identify(&service).await?;
        let pending = pending.ok_or(AppError::Unauthenticated)?;
        let result = service
            .accounts
            .staff_second_factor(&pending, &code, &caller.client)
            .await;
        // The pending login is spent either way.
        set_pending_login(&caller, None, 0);
        set_staff_session(&caller, Some(&result?), cookies::STAFF_SESSION_SECS);
        see_other(&caller, "/console");
        Ok(())
    })
    .await
}

/// Ends the staff session (anyone may call it; without a session it only
/// clears the cookie).
#[server(prefix = "/_sfn", endpoint = "console/logout")]
pub async fn staff_logout() -> Result<(), AppError> {
    serve(|service, caller| async move {
        if let MaybeStaff(Some(member)) = identify(&service).await? {
            service.accounts.staff_logout(&member).await;
        }
        set_staff_session(&caller, None, 0);
        see_other(&caller, "/console/login");
        Ok(())
    })
    .await
}

/// The signed-in member. Staff only.
#[server(prefix = "/_sfn", endpoint = "console/me")]
pub async fn staff_me() -> Result<StaffView, AppError> {
    serve(|service, _| async move {
        let StaffCaller(member) = identify(&service).await?;
        service.console.staff_view(&member).await
    })
    .await
}

/// A new authenticator secret for the signed-in member (not in force until
/// confirmed). Staff only, and only without a second factor yet.
#[server(prefix = "/_sfn", endpoint = "console/enrolment")]
pub async fn enrolment() -> Result<EnrolmentView, AppError> {
    serve(|service, _| async move {
        let StaffCaller(member) = identify(&service).await?;
        let enrolment = service.accounts.begin_totp(&member).await?;
        Ok(EnrolmentView {
            secret: enrolment.secret_base32,
            qr_svg: enrolment.qr_svg,
            replacing: enrolment.replacing,
        })
    })
    .await
}

/// Turns the new authenticator on, with a code from it and the member's
/// password (a session alone cannot change the second factor). Staff only.
/// The recovery codes made here are shown by the next page.
#[server(prefix = "/_sfn", endpoint = "console/confirm_enrolment")]
pub async fn confirm_enrolment(
    code: String,
    #[server(default)] password: String,
) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        service
            .accounts
            .confirm_totp(&member, &code, &password, &caller.client)
            .await?;
        see_other(&caller, "/console/recovery-codes");
        Ok(())
    })
    .await
}

/// The newest recovery codes while they may be shown (ten minutes), else
/// `None`. Staff with a second factor only.
#[server(prefix = "/_sfn", endpoint = "console/recovery_codes")]
pub async fn recovery_codes() -> Result<Option<Vec<String>>, AppError> {
    serve(|service, _| async move {
        let StaffCaller(member) = identify(&service).await?;
        service.accounts.fresh_recovery_codes(&member).await
    })
    .await
}

/// Makes a new set of recovery codes (the old ones stop working), on the
/// member's password. Staff with a second factor only.
#[server(prefix = "/_sfn", endpoint = "console/new_recovery_codes")]
pub async fn new_recovery_codes(#[server(default)] password: String) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        service
            .accounts
            .regenerate_recovery_codes(&member, &password, &caller.client)
            .await?;
        see_other(&caller, "/console/recovery-codes");
        Ok(())
    })
    .await
}

/// The member's queue. Staff only; only their organisations' requests.
#[server(prefix = "/_sfn", endpoint = "console/queue")]
pub async fn queue(
    #[server(default)] status: Option<String>,
    #[server(default)] kind: Option<String>,
    #[server(default)] assignee: Option<String>,
    #[server(default)] page: Option<u32>,
) -> Result<QueueView, AppError> {
    serve(|service, _| async move {
        let StaffCaller(member) = identify(&service).await?;
        let filter = QueueFilter {
            status,
            kind,
            assignee,
            page,
        };
        service.console.queue(&member, &filter).await
    })
    .await
}

/// One request in full. Staff of the request's organisation only; others
/// get 404. Audited.
#[server(prefix = "/_sfn", endpoint = "console/case")]
pub async fn case(org: String, reference: String) -> Result<CaseView, AppError> {
    serve(|service, caller| async move {
        let reference = super::reference(&reference)?;
        let StaffCaller(member) = identify(&service).await?;
        caller.console_org(&org)?;
        service.console.case(&member, &org, &reference).await
    })
    .await
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
    use domain::views::console::CaseDone;
    use domain::{ActionForm, StaffAction};
    serve(|service, caller| async move {
        let reference = super::reference(&reference)?;
        let StaffCaller(member) = identify(&service).await?;
        let form = ActionForm {
            action,
            to,
            text,
            months,
            legal_ground,
        };
        let action = StaffAction::from_form(&form)?;
        caller.console_org(&org)?;
        let event = service
            .cases
            .staff_act(&member, &org, &reference, action)
            .await?
            .event;
        see_other(
            &caller,
            &format!(
                "/console/o/{org}/requests/{reference}?done={}",
                CaseDone::Acted(event)
            ),
        );
        Ok(())
    })
    .await
}

/// The audit log of the organisations the member administers. Admins only.
#[server(prefix = "/_sfn", endpoint = "console/audit")]
pub async fn audit_log(
    #[server(default)] action: Option<String>,
    #[server(default)] actor: Option<String>,
    #[server(default)] target: Option<String>,
    #[server(default)] page: Option<u32>,
) -> Result<AuditView, AppError> {
    serve(|service, _| async move {
        let StaffCaller(member) = identify(&service).await?;
        let filter = AuditFilter {
            action,
            actor,
            target,
            page,
        };
        service.console.audit_log(&member, &filter).await
    })
    .await
}

/// The mail of the member's organisations that has not arrived. Admins only.
#[server(prefix = "/_sfn", endpoint = "console/mail")]
pub async fn outgoing_mail() -> Result<OutgoingMailView, AppError> {
    serve(|service, _| async move {
        let StaffCaller(member) = identify(&service).await?;
        service.console.outgoing_mail(&member).await
    })
    .await
}

/// The request figures of the organisations the member administers. Admins only.
#[server(prefix = "/_sfn", endpoint = "console/figures")]
pub async fn figures() -> Result<Vec<OrgFigures>, AppError> {
    serve(|service, _| async move {
        let StaffCaller(member) = identify(&service).await?;
        service.console.org_figures(&member).await
    })
    .await
}

/// What the "Enter a request" form offers the member.
#[server(prefix = "/_sfn", endpoint = "console/intake")]
pub async fn intake() -> Result<IntakeView, AppError> {
    serve(|service, _| async move {
        let StaffCaller(member) = identify(&service).await?;
        Ok(service.requests.intake(&member))
    })
    .await
}

/// A request that arrived by post, phone, e-mail or in person, entered by
/// an agent or admin of the organisation: the subject gets the code mail;
/// the deadline runs from `arrived_on`.
#[server(prefix = "/_sfn", endpoint = "console/enter_request")]
pub async fn enter_request(
    org: String,
    channel: String,
    arrived_on: String,
    kind: String,
    email: String,
    #[server(default)] language: Option<String>,
    #[server(default)] description: Option<String>,
    #[server(default)] inaccurate: Option<String>,
    #[server(default)] correction: Option<String>,
    #[server(default)] erasure_scope: Option<String>,
    #[server(default)] grounds: Option<String>,
    #[server(default)] decision: Option<String>,
    #[server(default)] purpose: Option<String>,
) -> Result<Reference, AppError> {
    use domain::{Details, Submission};
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        caller.console_org(&org)?;
        let details = Details {
            description,
            inaccurate,
            correction,
            erasure_scope,
            grounds,
            decision,
            purpose,
        };
        let submission = Submission::parse(&org, &kind, &email, language.as_deref(), &details)?;
        let reference = service
            .requests
            .enter(&member, submission, &channel, &arrived_on, &caller.client)
            .await?;
        see_other(
            &caller,
            &format!("/console/new-request?entered={reference}"),
        );
        Ok(reference)
    })
    .await
}

/// The webhooks of the member's organisations: endpoints and deliveries. Admins only.
#[server(prefix = "/_sfn", endpoint = "console/webhooks")]
pub async fn webhooks() -> Result<WebhooksView, AppError> {
    serve(|service, _| async move {
        let StaffCaller(member) = identify(&service).await?;
        service.console.webhooks(&member).await
    })
    .await
}

/// Sends a delivered or given-up webhook delivery again. Admins of its
/// organisation only.
#[server(prefix = "/_sfn", endpoint = "console/replay_webhook")]
pub async fn replay_webhook(org: String, delivery: i64) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        caller.console_org(&org)?;
        service
            .console
            .replay_webhook(&member, &org, delivery)
            .await?;
        see_other(&caller, "/console/webhooks?done=replayed");
        Ok(())
    })
    .await
}

/// The API tokens of the organisations the member administers. Admins only.
#[server(prefix = "/_sfn", endpoint = "console/api_tokens")]
pub async fn api_tokens() -> Result<ApiTokensView, AppError> {
    serve(|service, _| async move {
        let StaffCaller(member) = identify(&service).await?;
        service.api_tokens.list(&member).await
    })
    .await
}

/// Makes an API token; the next page shows it, once. Admins of that
/// organisation only.
#[server(prefix = "/_sfn", endpoint = "console/create_api_token")]
pub async fn create_api_token(
    org: String,
    name: String,
    role: String,
    days: String,
) -> Result<(), AppError> {
    use domain::{FieldErrorCode, Role};
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        caller.console_org(&org)?;
        let role: Role = role
            .parse()
            .map_err(|_| AppError::validation("role", FieldErrorCode::InvalidChoice))?;
        let days: u32 = days
            .trim()
            .parse()
            .map_err(|_| AppError::validation("days", FieldErrorCode::InvalidChoice))?;
        let (id, token) = service
            .api_tokens
            .create(&member, &org, &name, role, days)
            .await?;
        // The page after the redirect shows it once; the server keeps its hash.
        let cookie = cookies::fresh_api_token_name(caller.secure);
        set_cookie(cookies::staff(
            caller.secure,
            cookie,
            Some(&token),
            cookies::FRESH_API_TOKEN_SECS,
        ));
        see_other(&caller, &format!("/console/api-tokens?created={id}"));
        Ok(())
    })
    .await
}

/// The token made just now, once: the cookie that carried it is cleared.
#[server(prefix = "/_sfn", endpoint = "console/fresh_api_token")]
pub async fn fresh_api_token() -> Result<Option<String>, AppError> {
    serve(|service, caller| async move {
        let StaffCaller(_) = identify::<StaffCaller>(&service).await?;
        let TokenToShow(token) = identify(&service).await?;
        if token.is_some() {
            let cookie = cookies::fresh_api_token_name(caller.secure);
            set_cookie(cookies::staff(caller.secure, cookie, None, 0));
        }
        Ok(token.map(|t| t.expose().to_owned()))
    })
    .await
}

/// Revokes an API token at once. Admins of its organisation only.
#[server(prefix = "/_sfn", endpoint = "console/revoke_api_token")]
pub async fn revoke_api_token(org: String, token: i64) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        caller.console_org(&org)?;
        service.api_tokens.revoke(&member, &org, token).await?;
        see_other(&caller, "/console/api-tokens?done=revoked");
        Ok(())
    })
    .await
}

/// The staff of the organisations the member administers. Admins only.
#[server(prefix = "/_sfn", endpoint = "console/team")]
pub async fn team() -> Result<Vec<TeamView>, AppError> {
    serve(|service, _| async move {
        let StaffCaller(member) = identify(&service).await?;
        service.team.teams(&member).await
    })
    .await
}

/// Invites someone to an organisation's team: a link goes to the address.
/// Admins of that organisation only.
#[server(prefix = "/_sfn", endpoint = "console/invite")]
pub async fn invite_member(org: String, email: String, role: String) -> Result<(), AppError> {
    use domain::{FieldErrorCode, Role};
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        let role: Role = role
            .parse()
            .map_err(|_| AppError::validation("role", FieldErrorCode::InvalidChoice))?;
        caller.console_org(&org)?;
        service.team.invite(&member, &org, &email, role).await?;
        see_other(&caller, "/console/team?done=invited");
        Ok(())
    })
    .await
}

/// Revokes an invitation not yet accepted. Admins of that organisation only.
#[server(prefix = "/_sfn", endpoint = "console/revoke_invitation")]
pub async fn revoke_invitation(org: String, invitation: i64) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        caller.console_org(&org)?;
        service
            .team
            .revoke_invitation(&member, &org, invitation)
            .await?;
        see_other(&caller, "/console/team?done=revoked");
        Ok(())
    })
    .await
}

/// Resets a member's second factor (they enrol again at next sign-in).
/// Admins of every organisation the member belongs to only.
#[server(prefix = "/_sfn", endpoint = "console/reset_two_factor")]
pub async fn reset_two_factor(org: String, staff_id: i64) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        caller.console_org(&org)?;
        service
            .accounts
            .reset_member_two_factor(&member, &org, staff_id)
            .await?;
        see_other(&caller, "/console/team?done=reset");
        Ok(())
    })
    .await
}

/// The signed-in member changes their own password. Staff only.
#[server(prefix = "/_sfn", endpoint = "console/change_password")]
pub async fn change_password(
    #[server(default)] password: String,
    #[server(default)] new_password: String,
    #[server(default)] repeat: String,
) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        service
            .accounts
            .change_password(&member, &password, &new_password, &repeat, &caller.client)
            .await?;
        see_other(&caller, "/console/account?done=password");
        Ok(())
    })
    .await
}

/// What the signed-in member is mailed about, per organisation. Staff only.
#[server(prefix = "/_sfn", endpoint = "console/mail_settings")]
pub async fn mail_settings() -> Result<Vec<OrgMailSettings>, AppError> {
    serve(|service, _| async move {
        let StaffCaller(member) = identify(&service).await?;
        service.team.mail_settings(&member).await
    })
    .await
}

/// When the signed-in member's digest goes. Staff only.
#[server(prefix = "/_sfn", endpoint = "console/digest_time")]
pub async fn digest_time() -> Result<DigestTimeView, AppError> {
    serve(|service, _| async move {
        let StaffCaller(member) = identify(&service).await?;
        let time = service.team.digest_time(&member).await?;
        Ok(DigestTimeView {
            time,
            zones: portal::service::zone_names(),
        })
    })
    .await
}

/// The member chooses the hour of their day, in their time zone, at which
/// the digest goes.
#[server(prefix = "/_sfn", endpoint = "console/save_digest_time")]
pub async fn save_digest_time(time_zone: String, hour: u8) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        let time = domain::DigestTime {
            time_zone,
            hour: domain::DigestHour::try_from(hour)?,
        };
        service.team.set_digest_time(&member, time).await?;
        see_other(&caller, "/console/account?done=digest");
        Ok(())
    })
    .await
}

/// The member chooses what of one organisation they are mailed about: a
/// plain form, each box present when ticked.
#[server(prefix = "/_sfn", endpoint = "console/save_mail_settings")]
pub async fn save_mail_settings(
    org: String,
    #[server(default)] new_request: Option<String>,
    #[server(default)] subject_wrote: Option<String>,
    #[server(default)] assigned: Option<String>,
    #[server(default)] digest: Option<String>,
) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        let settings = domain::StaffMailSettings {
            new_request: new_request.is_some(),
            subject_wrote: subject_wrote.is_some(),
            assigned: assigned.is_some(),
            digest: digest.is_some(),
        };
        service
            .team
            .set_mail_settings(&member, &org, settings)
            .await?;
        see_other(&caller, "/console/account?done=mail");
        Ok(())
    })
    .await
}

/// "Forgot your password": anyone may ask; the answer is the same whether
/// or not the address has an account.
#[server(prefix = "/_sfn", endpoint = "console/forgot_password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    serve(|service, caller| async move {
        service
            .accounts
            .request_password_reset(&email, &caller.client)
            .await?;
        see_other(&caller, "/console/login/forgot?sent=1");
        Ok(())
    })
    .await
}

/// Whether a password-reset link is still good. Anyone (the link is the credential).
#[server(prefix = "/_sfn", endpoint = "console/reset_link")]
pub async fn reset_link(token: String) -> Result<bool, AppError> {
    serve(|service, _| async move {
        service
            .accounts
            .password_reset_valid(&Token::presented(token))
            .await
    })
    .await
}

/// A new password through a reset link. Holders of the link only.
#[server(prefix = "/_sfn", endpoint = "console/reset_password")]
pub async fn reset_password(
    token: String,
    #[server(default)] new_password: String,
    #[server(default)] repeat: String,
) -> Result<(), AppError> {
    serve(|service, caller| async move {
        service
            .accounts
            .reset_password(&Token::presented(token), &new_password, &repeat)
            .await?;
        see_other(&caller, "/console/login?done=reset");
        Ok(())
    })
    .await
}

/// The page behind an invitation link. Holders of the link only.
#[server(prefix = "/_sfn", endpoint = "console/invitation")]
pub async fn invitation(token: String) -> Result<InvitationView, AppError> {
    serve(|service, _| async move {
        let MaybeStaff(member) = identify(&service).await?;
        service
            .team
            .invitation(&Token::presented(token), member.as_ref())
            .await
    })
    .await
}

/// A new account through an invitation link: the invitee chooses their
/// password, then enrols a second factor. Holders of the link only.
#[server(prefix = "/_sfn", endpoint = "console/join")]
pub async fn join(
    token: String,
    #[server(default)] new_password: String,
    #[server(default)] repeat: String,
) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let session = service
            .team
            .accept_invitation_as_new(&Token::presented(token), &new_password, &repeat)
            .await?;
        set_staff_session(&caller, Some(&session), cookies::STAFF_SESSION_SECS);
        see_other(&caller, "/console/enrol");
        Ok(())
    })
    .await
}

/// The signed-in member accepts an invitation for their own address: the
/// one behind `token`, or their listed invitation `invitation`.
#[server(prefix = "/_sfn", endpoint = "console/accept_invitation")]
pub async fn accept_invitation(
    #[server(default)] token: Option<String>,
    #[server(default)] invitation: Option<i64>,
) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        let token = token.map(Token::presented);
        let invitation = match (token.as_ref(), invitation) {
            (Some(token), _) => portal::service::Invitation::Link(token),
            (None, Some(id)) => portal::service::Invitation::Listed(id),
            (None, None) => return Err(AppError::LinkInvalid),
        };
        service.team.accept_invitation(&member, invitation).await?;
        see_other(&caller, "/console?done=joined");
        Ok(())
    })
    .await
}

/// Takes a member's role in an organisation away. Admins of that
/// organisation only, and not their own.
#[server(prefix = "/_sfn", endpoint = "console/remove_member")]
pub async fn remove_member(org: String, staff_id: i64) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let StaffCaller(member) = identify(&service).await?;
        caller.console_org(&org)?;
        service.team.remove_member(&member, &org, staff_id).await?;
        see_other(&caller, "/console/team?done=removed");
        Ok(())
    })
    .await
}
