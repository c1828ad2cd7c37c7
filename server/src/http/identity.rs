//! Who is calling, for the doors of the HTTP surface beside the server
//! functions (the REST API, file routes, consent downloads, the Choices
//! form): typed extractors, so every handler learns its caller the same way
//! and the answers to a missing, expired or foreign session live here.
//!
//! - A session (cookie or, for the REST API, `Authorization: Bearer`)
//!   speaks for one subject in one organisation. Where a door names an
//!   organisation, another organisation's session is no session there: the
//!   caller is answered exactly as one without a session (401). Where none
//!   is named (the REST API), it speaks for its own organisation, and
//!   another's request is not found (404), like a request that does not
//!   exist.
//! - A host name an organisation claims serves that organisation alone
//!   (`crate::portal::served_here`): a session of another organisation is
//!   no session on it.

use super::error::ApiError;
use crate::service::{Service, StaffMember, Subject};
use app::domain::AppError;
use app::port::{cookie_from_headers, session_from_headers, staff_cookie_name, ClientAddress};
use axum::{
    extract::{FromRef, FromRequestParts},
    http::{header, request::Parts},
};
use std::sync::Arc;

/// The organisation the request's host name belongs to, if one claims it.
pub struct HostOrg(pub Option<String>);

impl HostOrg {
    fn of(service: &Service, parts: &Parts) -> HostOrg {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        HostOrg(service.content().org_for_host(host).map(|o| o.slug.clone()))
    }

    /// Whether `org` may be served on this host.
    pub fn allows(&self, org: &str) -> bool {
        self.0.as_deref().is_none_or(|bound| bound == org)
    }
}

impl<S> FromRequestParts<S> for HostOrg
where
    Arc<Service>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(HostOrg::of(&Arc::<Service>::from_ref(state), parts))
    }
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
}

impl<S> FromRequestParts<S> for MaybeSubject
where
    Arc<Service>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let service = Arc::<Service>::from_ref(state);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned());
        let Some(token) =
            bearer.or_else(|| session_from_headers(&parts.headers, service.secure_cookies()))
        else {
            return Ok(MaybeSubject(None));
        };
        let host = HostOrg::of(&service, parts);
        match service.subject(&token).await {
            Ok(subject) if host.allows(&subject.org) => Ok(MaybeSubject(Some(subject))),
            Ok(_) | Err(AppError::Unauthenticated) => Ok(MaybeSubject(None)),
            Err(error) => Err(ApiError(error)),
        }
    }
}

/// A subject with a live session, required (401 without).
pub struct SubjectCaller(pub Subject);

impl<S> FromRequestParts<S> for SubjectCaller
where
    Arc<Service>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match MaybeSubject::from_request_parts(parts, state).await?.0 {
            Some(subject) => Ok(SubjectCaller(subject)),
            None => Err(ApiError(AppError::Unauthenticated)),
        }
    }
}

/// A staff member with a live, complete session (401 without). Which
/// organisation they may act in is the service's to check, per call.
pub struct StaffCaller(pub StaffMember);

impl<S> FromRequestParts<S> for StaffCaller
where
    Arc<Service>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let service = Arc::<Service>::from_ref(state);
        let token =
            cookie_from_headers(&parts.headers, staff_cookie_name(service.secure_cookies()))
                .ok_or(ApiError(AppError::Unauthenticated))?;
        Ok(StaffCaller(service.staff_member(&token).await?))
    }
}

/// The client's address, as the throttle middleware recorded it.
pub struct Client(pub ClientAddress);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client(
            parts
                .extensions
                .get::<ClientAddress>()
                .cloned()
                .unwrap_or_else(|| ClientAddress("unknown".into())),
        ))
    }
}
