//! Who is calling, for every door: server functions, the REST API, file
//! routes, the consent forms and the middleware that reads a session.
//! Typed extractors, so each door learns its caller the same way, and the
//! answers to a missing, expired or foreign session live here alone.
//!
//! - A session (cookie or, for the REST API, `Authorization: Bearer`)
//!   speaks for one subject in one organisation. Where a door names an
//!   organisation, another organisation's session is no session there: the
//!   caller is answered exactly as one without a session (401). Where none
//!   is named (the REST API), it speaks for its own organisation, and
//!   another's request is not found (404), like a request that does not
//!   exist.
//! - A host name an organisation claims serves that organisation alone: a
//!   session of another organisation is no session on it, naming another
//!   organisation there is answered as if it did not exist, and the
//!   console on it shows that organisation's work alone.

use super::cookies::{self, Framing};
use super::error::ApiError;
use crate::service::{ApiClient, Service, StaffMember, Subject};
use crate::token::Token;
use axum::{
    extract::{FromRef, FromRequestParts},
    http::{header, request::Parts, HeaderMap},
};
use domain::{AppError, Language, OrgSlug};
use std::sync::Arc;

/// The caller's network address as the server saw it (the connection's
/// peer, or the load balancer's header): what rate limits, code quotas and
/// sign-in lockouts count by. The throttle middleware puts it in the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// The organisation the request's host name belongs to, if one claims it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostOrg(pub Option<OrgSlug>);

impl HostOrg {
    fn of(service: &Service, headers: &HeaderMap) -> HostOrg {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        HostOrg(service.content().org_for_host(host).map(|o| o.slug.clone()))
    }

    /// Whether `org` may be served on this host.
    pub fn allows(&self, org: &str) -> bool {
        self.0.as_deref().is_none_or(|bound| bound == org)
    }

    /// `org`, if this host serves it; another organisation's name is
    /// answered as one that does not exist.
    pub fn serves(&self, org: &str) -> Result<(), AppError> {
        if self.allows(org) {
            Ok(())
        } else {
            Err(AppError::UnknownOrganisation)
        }
    }
}

/// What every door knows about a request besides its session: where it
/// comes from, which language it reads, which host it was sent to and how
/// the answer is to be framed.
#[derive(Clone, Debug)]
pub struct Caller {
    pub client: ClientAddress,
    pub language: Language,
    pub host: HostOrg,
    /// A page in a company's iframe, or a form posted from one.
    pub framing: Framing,
    /// A plain form post from a browser without JavaScript (it accepts
    /// HTML): it is answered with a redirect, not a status.
    pub plain_form: bool,
    /// Whether the portal is served over https: cookies are then
    /// `__Host-` and `Secure`.
    pub secure: bool,
    /// Global Privacy Control (`Sec-GPC: 1`) on this request.
    pub gpc: bool,
    headers: HeaderMap,
}

impl Caller {
    pub fn of(service: &Service, parts: &Parts) -> Caller {
        let headers = &parts.headers;
        let framed = parts.uri.path().starts_with("/embed/") || posted_from_frame(headers);
        Caller {
            client: client_address(parts),
            language: parts
                .extensions
                .get::<Language>()
                .copied()
                .unwrap_or_default(),
            host: HostOrg::of(service, headers),
            framing: if framed {
                Framing::Framed
            } else {
                Framing::Top
            },
            plain_form: headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html")),
            secure: service.secure_cookies(),
            gpc: headers
                .get("sec-gpc")
                .is_some_and(|v| v.as_bytes().trim_ascii() == b"1"),
            headers: headers.clone(),
        }
    }

    /// The organisation a door of the subject's side names: one this host
    /// serves, and one that exists (else `UnknownOrganisation`, 404).
    pub fn org<'s>(
        &self,
        service: &'s Service,
        org: &str,
    ) -> Result<&'s crate::content::Organisation, AppError> {
        self.host.serves(org)?;
        service.organisation(org)
    }

    /// The organisation a console door names: on another organisation's
    /// host its requests and team are not found (404), as if they were not
    /// there; which of them the member may reach is the use case's rule.
    pub fn console_org(&self, org: &str) -> Result<(), AppError> {
        self.host.serves(org).map_err(|_| AppError::NotFound)
    }

    /// The newest notice version of `org` whose changes this reader opened.
    pub fn notice_seen(&self, org: &str) -> Option<String> {
        cookies::read(&self.headers, &cookies::notice_seen_name(org))
    }
}

/// Whether a post came from a page in an iframe (`/embed/…`), by its
/// same-origin `Referer`.
pub fn posted_from_frame(headers: &HeaderMap) -> bool {
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<axum::http::Uri>().ok())
        .is_some_and(|uri| uri.path().starts_with("/embed/"))
}

fn client_address(parts: &Parts) -> ClientAddress {
    parts
        .extensions
        .get::<ClientAddress>()
        .cloned()
        .unwrap_or_else(|| ClientAddress("unknown".into()))
}

/// The subject behind the request's session, if it has a live one valid on
/// this host.
pub struct MaybeSubject(pub Option<Subject>);

impl MaybeSubject {
    /// The subject, who must belong to `org`: without a session, or with
    /// another organisation's, the caller is unauthenticated here.
    pub fn in_org(self, org: &str) -> Result<Subject, AppError> {
        self.0
            .filter(|subject| subject.org == org)
            .ok_or(AppError::Unauthenticated)
    }

    async fn of(service: &Service, parts: &Parts) -> Result<MaybeSubject, AppError> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| Token::presented(t.trim()));
        let Some(token) = bearer.or_else(|| {
            cookies::token(
                &parts.headers,
                cookies::subject_session_name(service.secure_cookies()),
            )
        }) else {
            return Ok(MaybeSubject(None));
        };
        let host = HostOrg::of(service, &parts.headers);
        match service.sessions.subject(&token).await {
            Ok(subject) if host.allows(&subject.org) => Ok(MaybeSubject(Some(subject))),
            Ok(_) | Err(AppError::Unauthenticated) => Ok(MaybeSubject(None)),
            Err(error) => Err(error),
        }
    }
}

/// A subject with a live session, required (401 without).
pub struct SubjectCaller(pub Subject);

/// A staff member with a live, complete session, with only the roles this
/// host serves. Which organisation they may act in is the use case's to
/// check, per call.
pub struct StaffCaller(pub StaffMember);

/// A staff member if the request carries a live staff session.
pub struct MaybeStaff(pub Option<StaffMember>);

impl MaybeStaff {
    async fn of(service: &Service, parts: &Parts) -> Result<MaybeStaff, AppError> {
        let Some(token) = cookies::token(
            &parts.headers,
            cookies::staff_session_name(service.secure_cookies()),
        ) else {
            return Ok(MaybeStaff(None));
        };
        let mut member = match service.accounts.staff_member(&token).await {
            Ok(member) => member,
            Err(AppError::Unauthenticated) => return Ok(MaybeStaff(None)),
            Err(error) => return Err(error),
        };
        if let HostOrg(Some(bound)) = HostOrg::of(service, &parts.headers) {
            member.roles.retain(|(org, _)| *org == bound);
            member.must_enrol_for.retain(|org| *org == bound);
        }
        Ok(MaybeStaff(Some(member)))
    }
}

/// An integration calling the organisation API with a live token
/// (`Authorization: Bearer ppo_…`), required: 401 without, and for a
/// revoked, expired or unknown one. Cookies are not read, so a browser's
/// console session never reaches the API (no forgery to fear), and a
/// subject's token is no token here. Which organisation it may act in is
/// `ApiClient::in_org`'s to check, per call; each call is audited.
pub struct TokenCaller(pub ApiClient);

impl TokenCaller {
    async fn of(service: &Service, parts: &Parts) -> Result<TokenCaller, AppError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| Token::presented(t.trim()))
            .ok_or(AppError::Unauthenticated)?;
        let route = parts
            .extensions
            .get::<axum::extract::MatchedPath>()
            .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
        let client = service
            .api_tokens
            .authenticate(&token, parts.method.as_str(), &route)
            .await?;
        // On an organisation's own host, another organisation's token is none.
        if !HostOrg::of(service, &parts.headers).allows(&client.org) {
            return Err(AppError::Unauthenticated);
        }
        Ok(TokenCaller(client))
    }
}

/// The half-finished login the second step completes, if the request
/// carries one.
pub struct PendingLogin(pub Option<Token>);

/// A token an admin just made, on its way to being shown once.
pub struct TokenToShow(pub Option<Token>);

/// Implements `FromRequestParts` for an extractor built by `$make` from
/// the service and the request's parts: the one shape every caller type
/// here shares.
macro_rules! extractor {
    ($type:ty, |$service:ident, $parts:ident| $make:expr) => {
        impl<S> FromRequestParts<S> for $type
        where
            Arc<Service>: FromRef<S>,
            S: Send + Sync,
        {
            type Rejection = ApiError;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &S,
            ) -> Result<Self, Self::Rejection> {
                let $service = Arc::<Service>::from_ref(state);
                let $parts = &*parts;
                let made: Result<$type, AppError> = $make;
                made.map_err(ApiError)
            }
        }
    };
}

extractor!(HostOrg, |service, parts| Ok(HostOrg::of(
    &service,
    &parts.headers
)));
extractor!(Caller, |service, parts| Ok(Caller::of(&service, parts)));
extractor!(MaybeSubject, |service, parts| MaybeSubject::of(
    &service, parts
)
.await);
extractor!(SubjectCaller, |service, parts| MaybeSubject::of(
    &service, parts
)
.await?
.0
.map(SubjectCaller)
.ok_or(AppError::Unauthenticated));
extractor!(MaybeStaff, |service, parts| MaybeStaff::of(&service, parts)
    .await);
extractor!(StaffCaller, |service, parts| MaybeStaff::of(
    &service, parts
)
.await?
.0
.map(StaffCaller)
.ok_or(AppError::Unauthenticated));
extractor!(TokenCaller, |service, parts| TokenCaller::of(
    &service, parts
)
.await);
extractor!(TokenToShow, |service, parts| Ok(TokenToShow(
    cookies::token(
        &parts.headers,
        cookies::fresh_api_token_name(service.secure_cookies())
    )
)));
extractor!(PendingLogin, |service, parts| Ok(PendingLogin(
    cookies::token(
        &parts.headers,
        cookies::pending_login_name(service.secure_cookies())
    )
)));

/// The client's address, as the throttle middleware recorded it.
pub struct Client(pub ClientAddress);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client(client_address(parts)))
    }
}
