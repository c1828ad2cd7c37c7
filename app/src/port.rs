//! The port through which server functions reach the service layer. The
//! server crate implements it and provides it as context; the UI never sees
//! the store, the mailer or a row. Also the cookie plumbing that every server
//! function shares, so session handling lives in one place.

use crate::api::console::types::{
    AuditFilter, AuditView, CaseView, EnrolmentView, InvitationView, QueueFilter, QueueView,
    StaffView, TeamView,
};
use crate::api::types::{
    NoticeChanged, NoticeChangesView, NoticeView, OrgView, PreferencesView, RequestView, TrackView,
};
use crate::domain::{AppError, Language, Reference, Role, StaffAction, Submission};
use async_trait::async_trait;
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use std::sync::Arc;

/// A fresh subject session, handed out after a successful verification.
pub struct SessionGrant {
    pub token: String,
    /// Absolute lifetime, for the cookie's Max-Age.
    pub max_age_secs: u64,
}

#[async_trait]
pub trait Portal: Send + Sync + 'static {
    async fn organisation(&self, org: &str) -> Result<OrgView, AppError>;
    async fn notice(&self, org: &str, language: Language) -> Result<NoticeView, AppError>;
    async fn notice_changes(
        &self,
        org: &str,
        from: &str,
        to: Option<&str>,
        language: Language,
    ) -> Result<NoticeChangesView, AppError>;
    /// Whether to tell this verified subject the notice changed; `seen` is
    /// the newest version whose changes they opened.
    async fn notice_changed(
        &self,
        org: &str,
        session: &str,
        seen: Option<&str>,
    ) -> Result<Option<NoticeChanged>, AppError>;
    async fn submit(
        &self,
        submission: Submission,
        client: &ClientAddress,
    ) -> Result<Reference, AppError>;
    async fn verify_code(
        &self,
        org: &str,
        reference: &Reference,
        code: &str,
        client: &ClientAddress,
    ) -> Result<SessionGrant, AppError>;
    async fn confirm_link(
        &self,
        org: &str,
        token: &str,
        client: &ClientAddress,
    ) -> Result<(Reference, SessionGrant), AppError>;
    /// `key`: the request's tracking-link key, when the asker has it.
    async fn resend_code(
        &self,
        org: &str,
        reference: &Reference,
        key: Option<&str>,
        client: &ClientAddress,
    ) -> Result<(), AppError>;
    async fn track(
        &self,
        org: &str,
        reference: &Reference,
        session: Option<&str>,
        key: Option<&str>,
    ) -> Result<TrackView, AppError>;
    async fn my_requests(&self, org: &str, session: &str) -> Result<Vec<RequestView>, AppError>;
    async fn preferences(
        &self,
        org: &str,
        session: &str,
        language: Language,
    ) -> Result<PreferencesView, AppError>;
    async fn reply(
        &self,
        org: &str,
        session: &str,
        reference: &Reference,
        body: &str,
    ) -> Result<(), AppError>;
    async fn cancel(&self, org: &str, session: &str, reference: &Reference)
        -> Result<(), AppError>;
    async fn sign_out(&self, session: &str);
    /// Whether the portal is served over https: the cookie is then `__Host-` and `Secure`.
    fn secure_cookies(&self) -> bool;
}

pub type SharedPortal = Arc<dyn Portal>;

/// The outcome of a correct staff password.
pub enum StaffLogin {
    /// Signed in: the session token.
    SignedIn(String),
    /// The account has two-factor authentication: this token only lets the
    /// second step finish the login.
    SecondFactor(String),
}

/// The staff console's port. Every method that reads or changes a request
/// takes the staff session token and checks the member's role in the
/// request's organisation itself: a server function cannot forget to.
#[async_trait]
pub trait Console: Send + Sync + 'static {
    async fn login(
        &self,
        email: &str,
        password: &str,
        client: &ClientAddress,
    ) -> Result<StaffLogin, AppError>;
    async fn second_factor(
        &self,
        pending: &str,
        code: &str,
        client: &ClientAddress,
    ) -> Result<String, AppError>;
    async fn logout(&self, token: &str);
    async fn me(&self, token: &str) -> Result<StaffView, AppError>;
    async fn begin_enrolment(&self, token: &str) -> Result<EnrolmentView, AppError>;
    /// Needs the member's password: a session alone cannot change the factor.
    async fn confirm_enrolment(
        &self,
        token: &str,
        code: &str,
        password: &str,
        client: &ClientAddress,
    ) -> Result<(), AppError>;
    /// The newest recovery codes while they may still be shown (`None`
    /// after that), for a member with TOTP.
    async fn recovery_codes(&self, token: &str) -> Result<Option<Vec<String>>, AppError>;
    /// A new set of recovery codes, on the member's password; the earlier
    /// ones stop working.
    async fn new_recovery_codes(
        &self,
        token: &str,
        password: &str,
        client: &ClientAddress,
    ) -> Result<(), AppError>;
    async fn change_password(
        &self,
        token: &str,
        current: &str,
        new: &str,
        repeated: &str,
        client: &ClientAddress,
    ) -> Result<(), AppError>;
    /// Mails a reset link if the address has an account; the same answer either way.
    async fn request_password_reset(
        &self,
        email: &str,
        client: &ClientAddress,
    ) -> Result<(), AppError>;
    async fn password_reset_valid(&self, token: &str) -> Result<bool, AppError>;
    async fn reset_password(&self, token: &str, new: &str, repeated: &str) -> Result<(), AppError>;
    async fn queue(&self, token: &str, filter: QueueFilter) -> Result<QueueView, AppError>;
    async fn case(
        &self,
        token: &str,
        org: &str,
        reference: &Reference,
    ) -> Result<CaseView, AppError>;
    async fn act(
        &self,
        token: &str,
        org: &str,
        reference: &Reference,
        action: StaffAction,
    ) -> Result<(), AppError>;
    async fn audit(&self, token: &str, filter: AuditFilter) -> Result<AuditView, AppError>;
    async fn teams(&self, token: &str) -> Result<Vec<TeamView>, AppError>;
    async fn invite(&self, token: &str, org: &str, email: &str, role: Role)
        -> Result<(), AppError>;
    async fn revoke_invitation(&self, token: &str, org: &str, id: i64) -> Result<(), AppError>;
    async fn remove_member(&self, token: &str, org: &str, staff_id: i64) -> Result<(), AppError>;
    async fn reset_two_factor(&self, token: &str, org: &str, staff_id: i64)
        -> Result<(), AppError>;
    /// The page behind an invitation link; `staff` is the visitor's session.
    async fn invitation(
        &self,
        token: &str,
        staff: Option<&str>,
    ) -> Result<InvitationView, AppError>;
    /// A new account through an invitation link; returns its session token.
    async fn join(&self, token: &str, password: &str, repeated: &str) -> Result<String, AppError>;
    /// A signed-in member accepts an invitation: the one behind `link`, or
    /// their listed invitation `id`.
    async fn accept_invitation(
        &self,
        staff: &str,
        link: Option<&str>,
        id: Option<i64>,
    ) -> Result<(), AppError>;
}

pub type SharedConsole = Arc<dyn Console>;

pub fn console() -> Result<SharedConsole, AppError> {
    use_context::<SharedConsole>().ok_or(AppError::Internal)
}

/// The staff session cookie: kept apart from the subject's, and
/// SameSite=Strict, since no link from elsewhere should arrive signed in.
pub fn staff_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-portal_staff"
    } else {
        "portal_staff"
    }
}

/// The cookie that carries a half-finished login to the second step.
pub fn pending_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-portal_staff_pending"
    } else {
        "portal_staff_pending"
    }
}

/// A cookie's value among the request's headers.
pub fn cookie_value(name: &str) -> Option<String> {
    cookie_from_headers(&request_parts()?.headers, name)
}

pub fn set_staff_cookie(secure: bool, name: &'static str, value: String, max_age_secs: i64) {
    let cookie = cookie::Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(cookie::SameSite::Strict)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build();
    append_set_cookie(cookie);
}

pub fn portal() -> Result<SharedPortal, AppError> {
    use_context::<SharedPortal>().ok_or(AppError::Internal)
}

pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-portal_session"
    } else {
        "portal_session"
    }
}

/// The caller's network address as the server saw it (the connection's
/// peer, or the load balancer's header): what rate limits, code quotas and
/// sign-in lockouts count by. The server's middleware puts it in the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// This request's `ClientAddress`.
pub fn client_address() -> ClientAddress {
    request_parts()
        .and_then(|parts| parts.extensions.get::<ClientAddress>().cloned())
        .unwrap_or_else(|| ClientAddress("unknown".into()))
}

fn request_parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// Remembers that the reader opened the changes up to notice version
/// `date` of `org`, so the "notice changed" note stops showing.
pub fn notice_seen_cookie(org: &str) -> String {
    format!("portal_notice_seen_{org}")
}

pub fn set_notice_seen(org: &str, date: &str, secure: bool) {
    let cookie = cookie::Cookie::build((notice_seen_cookie(org), date.to_owned()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::days(365))
        .build();
    append_set_cookie(cookie);
}

/// The language the server chose for this request (`?lang=`, then the
/// cookie, then `Accept-Language`); the middleware puts it in the request.
pub fn language() -> crate::domain::Language {
    request_parts()
        .and_then(|parts| parts.extensions.get::<crate::domain::Language>().copied())
        .unwrap_or_default()
}

/// Whether the page request carries the Global Privacy Control signal
/// (`Sec-GPC: 1`); the server records it for a verified subject.
pub fn gpc_signalled() -> bool {
    request_parts().is_some_and(|parts| {
        parts
            .headers
            .get("sec-gpc")
            .is_some_and(|v| v.as_bytes().trim_ascii() == b"1")
    })
}

/// A plain form post from a browser without JavaScript (it accepts HTML).
fn is_plain_form_post() -> bool {
    request_parts()
        .and_then(|parts| {
            parts
                .headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// The session token from the request's cookie, if any.
pub fn session_token(portal: &SharedPortal) -> Option<String> {
    session_from_headers(&request_parts()?.headers, portal.secure_cookies())
}

/// The session cookie's value among a request's headers.
pub fn session_from_headers(headers: &axum::http::HeaderMap, secure: bool) -> Option<String> {
    cookie_from_headers(headers, session_cookie_name(secure))
}

/// A named cookie's value among a request's headers.
pub fn cookie_from_headers(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| cookie::Cookie::split_parse(value.to_owned()).filter_map(Result::ok))
        .find(|c| c.name() == name && !c.value().is_empty())
        .map(|c| c.value().to_owned())
}

/// The subject's session cookie: HttpOnly, SameSite=Lax, and `__Host-` with
/// `Secure` over https. Also used by the REST API, so both set the same one.
pub fn session_cookie(secure: bool, value: String, max_age_secs: i64) -> cookie::Cookie<'static> {
    cookie::Cookie::build((session_cookie_name(secure), value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build()
}

fn append_set_cookie(cookie: cookie::Cookie<'static>) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&cookie.to_string()),
    ) {
        response.append_header(header::SET_COOKIE, value);
    }
}

/// Whether this request comes from a page in a company's iframe: the page
/// itself (`/embed/…`) or a form or server function posted from one (its
/// same-origin `Referer`).
pub fn embedded() -> bool {
    request_parts().is_some_and(|parts| {
        parts.uri.path().starts_with("/embed/") || posted_from_frame(&parts.headers)
    })
}

/// Whether a post came from a page in an iframe (`/embed/…`), by its
/// same-origin `Referer`.
pub fn posted_from_frame(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<axum::http::Uri>().ok())
        .is_some_and(|uri| uri.path().starts_with("/embed/"))
}

/// In an iframe on a company's site the portal is a third party: browsers
/// send its cookie there only if it is `SameSite=None; Secure`, kept in a
/// jar of its own for that site (`Partitioned`, CHIPS), so the embedded
/// portal cannot follow anyone across sites.
fn for_frame(mut cookie: cookie::Cookie<'static>) -> cookie::Cookie<'static> {
    if embedded() {
        cookie.set_same_site(cookie::SameSite::None);
        cookie.set_secure(true);
        cookie.set_partitioned(true);
    }
    cookie
}

pub fn set_session_cookie(portal: &SharedPortal, grant: &SessionGrant) {
    let max_age = i64::try_from(grant.max_age_secs).unwrap_or(i64::MAX);
    append_set_cookie(for_frame(session_cookie(
        portal.secure_cookies(),
        grant.token.clone(),
        max_age,
    )));
}

pub fn clear_session_cookie(portal: &SharedPortal) {
    append_set_cookie(for_frame(session_cookie(
        portal.secure_cookies(),
        String::new(),
        0,
    )));
}

/// Redirects after a state change with 303 See Other, so reloading the next
/// page never re-posts the form (and a token in a posted form leaves the URL).
pub fn see_other(path: &str) {
    // Keep a reader who works inside an iframe inside it.
    let framed;
    let path = match path.strip_prefix("/o/") {
        Some(rest) if embedded() => {
            framed = format!("/embed/{rest}");
            framed.as_str()
        }
        _ => path,
    };
    leptos_axum::redirect(path);
    if is_plain_form_post() {
        if let Some(response) = use_context::<ResponseOptions>() {
            response.set_status(StatusCode::SEE_OTHER);
        }
    }
}

/// Sets the HTTP status that matches the error. Plain form posts keep the
/// redirect that carries the error back to the form instead.
pub fn fail(error: AppError) -> AppError {
    if !is_plain_form_post() {
        if let (Some(response), Ok(status)) = (
            use_context::<ResponseOptions>(),
            StatusCode::from_u16(error.http_status()),
        ) {
            response.set_status(status);
        }
    }
    error
}
