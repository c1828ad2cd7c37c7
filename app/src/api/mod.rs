//! Server functions: the browser's door to the service. Each one parses its
//! input, checks who is calling, calls the service through the `Portal` port
//! and maps the error; none holds a business rule. Endpoints have stable
//! names so tests and no-JavaScript forms can post to them.

// `submit_request` takes one argument per form field, so the plain HTML
// form needs no nested names; the macro copies them into generated code
// where an item-level allow does not reach.
#![allow(clippy::too_many_arguments)]

pub mod console;
pub mod types;

use crate::domain::{AppError, Reference};
use leptos::prelude::*;
use types::{
    NoticeChanged, NoticeChangesView, NoticeView, OrgView, PreferencesView, RequestView, TrackView,
};

#[cfg(feature = "ssr")]
use crate::port::{fail, portal};

/// Reads an organisation's name for the page chrome. Anyone may call it.
#[server(prefix = "/_sfn", endpoint = "organisation")]
pub async fn get_organisation(org: String) -> Result<OrgView, AppError> {
    let portal = portal()?;
    portal.organisation(&org).await.map_err(fail)
}

/// Reads an organisation's privacy notice. Anyone may call it.
#[server(prefix = "/_sfn", endpoint = "notice")]
pub async fn get_notice(org: String) -> Result<NoticeView, AppError> {
    let portal = portal()?;
    portal
        .notice(&org, crate::port::language())
        .await
        .map_err(fail)
}

/// What changed in the notice from version `from` to `to` (default: the
/// current one). Opening the changes up to the current version also stops
/// the "notice changed" note for this reader.
#[server(prefix = "/_sfn", endpoint = "notice_changes")]
pub async fn get_notice_changes(
    org: String,
    from: String,
    #[server(default)] to: Option<String>,
) -> Result<NoticeChangesView, AppError> {
    let portal = portal()?;
    let language = crate::port::language();
    let changes = portal
        .notice_changes(&org, &from, to.as_deref(), language)
        .await
        .map_err(fail)?;
    let current = portal
        .notice(&org, language)
        .await
        .map_err(fail)?
        .last_updated;
    if changes.to == current {
        crate::port::set_notice_seen(&org, &current, portal.secure_cookies());
    }
    Ok(changes)
}

/// The signed-in subject's consents. Changes are posted as a plain form to
/// `/o/{org}/preferences` (any number of purposes in one form).
#[server(prefix = "/_sfn", endpoint = "preferences")]
pub async fn get_preferences(org: String) -> Result<PreferencesView, AppError> {
    let portal = portal()?;
    let session =
        crate::port::session_token(&portal).ok_or_else(|| fail(AppError::Unauthenticated))?;
    portal
        .preferences(&org, &session, crate::port::language())
        .await
        .map_err(fail)
}

/// For a signed-in subject: the notice changed since they last confirmed
/// their address here. `None` for everyone else.
#[server(prefix = "/_sfn", endpoint = "notice_changed")]
pub async fn get_notice_changed(org: String) -> Result<Option<NoticeChanged>, AppError> {
    let portal = portal()?;
    let Some(session) = crate::port::session_token(&portal) else {
        return Ok(None);
    };
    let seen = crate::port::cookie_value(&crate::port::notice_seen_cookie(&org));
    match portal.notice_changed(&org, &session, seen.as_deref()).await {
        Ok(changed) => Ok(changed),
        // A stale session is no reason to fail the page around the note.
        Err(AppError::Unauthenticated) => Ok(None),
        Err(error) => Err(fail(error)),
    }
}

/// Takes a new request from anyone. The reply looks the same whatever the
/// e-mail address, and the next page asks for the code that was mailed.
#[server(prefix = "/_sfn", endpoint = "submit_request")]
pub async fn submit_request(
    org: String,
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
    use crate::domain::{Details, Submission};
    let portal = portal()?;
    let details = Details {
        description,
        inaccurate,
        correction,
        erasure_scope,
        grounds,
        decision,
        purpose,
    };
    let submission =
        Submission::parse(&org, &kind, &email, language.as_deref(), &details).map_err(fail)?;
    let reference = portal
        .submit(submission, &crate::port::client_address())
        .await
        .map_err(fail)?;
    crate::port::see_other(&format!("/o/{org}/requests/{reference}?sent=1"));
    Ok(reference)
}

/// Checks a mailed code; anyone holding the code may call it. Success starts
/// a subject session.
#[server(prefix = "/_sfn", endpoint = "verify_code")]
pub async fn verify_code(org: String, reference: String, code: String) -> Result<(), AppError> {
    let portal = portal()?;
    let reference = Reference::parse(&reference).map_err(|_| fail(AppError::NotFound))?;
    let grant = portal
        .verify_code(&org, &reference, &code, &crate::port::client_address())
        .await
        .map_err(fail)?;
    crate::port::set_session_cookie(&portal, &grant);
    crate::port::see_other(&format!("/o/{org}/requests/{reference}"));
    Ok(())
}

/// Confirms a magic link. Only POST reaches this (mail scanners prefetch
/// links with GET); the token then leaves the address bar with a 303.
#[server(prefix = "/_sfn", endpoint = "confirm_link")]
pub async fn confirm_link(org: String, token: String) -> Result<(), AppError> {
    let portal = portal()?;
    let (reference, grant) = portal
        .confirm_link(&org, &token, &crate::port::client_address())
        .await
        .map_err(fail)?;
    crate::port::set_session_cookie(&portal, &grant);
    crate::port::see_other(&format!("/o/{org}/requests/{reference}"));
    Ok(())
}

/// Mails a new code for a request. Anyone may ask; the mail only ever goes
/// to the address the request was made with, within the code quotas (the
/// holder of the tracking link, `key`, draws on the owner's own).
#[server(prefix = "/_sfn", endpoint = "resend_code")]
pub async fn resend_code(
    org: String,
    reference: String,
    #[server(default)] key: Option<String>,
) -> Result<(), AppError> {
    let portal = portal()?;
    let reference = Reference::parse(&reference).map_err(|_| fail(AppError::NotFound))?;
    portal
        .resend_code(
            &org,
            &reference,
            key.as_deref().filter(|k| !k.is_empty()),
            &crate::port::client_address(),
        )
        .await
        .map_err(fail)?;
    let key = key
        .filter(|k| !k.is_empty())
        .map(|k| format!("&key={k}"))
        .unwrap_or_default();
    crate::port::see_other(&format!("/o/{org}/requests/{reference}?sent=1{key}"));
    Ok(())
}

/// The tracking page's data: full detail for the subject's own session,
/// a summary for holders of the personal tracking link, otherwise only a
/// sign-in form (which says nothing about whether the request exists).
#[server(prefix = "/_sfn", endpoint = "track_request")]
pub async fn track_request(
    org: String,
    reference: String,
    key: Option<String>,
) -> Result<TrackView, AppError> {
    let portal = portal()?;
    let reference = Reference::parse(&reference).map_err(|_| fail(AppError::NotFound))?;
    let session = crate::port::session_token(&portal);
    portal
        .track(&org, &reference, session.as_deref(), key.as_deref())
        .await
        .map_err(fail)
}

/// All requests of the signed-in subject in this organisation.
#[server(prefix = "/_sfn", endpoint = "my_requests")]
pub async fn my_requests(org: String) -> Result<Vec<RequestView>, AppError> {
    let portal = portal()?;
    let session =
        crate::port::session_token(&portal).ok_or_else(|| fail(AppError::Unauthenticated))?;
    portal.my_requests(&org, &session).await.map_err(fail)
}

/// The signed-in subject writes to the privacy team (an answer to their
/// question moves the request back to in progress).
#[server(prefix = "/_sfn", endpoint = "reply")]
pub async fn reply(org: String, reference: String, body: String) -> Result<(), AppError> {
    let portal = portal()?;
    let session =
        crate::port::session_token(&portal).ok_or_else(|| fail(AppError::Unauthenticated))?;
    let parsed = Reference::parse(&reference).map_err(|_| fail(AppError::NotFound))?;
    portal
        .reply(&org, &session, &parsed, &body)
        .await
        .map_err(fail)?;
    crate::port::see_other(&format!("/o/{org}/requests/{parsed}"));
    Ok(())
}

/// The signed-in subject withdraws their request.
#[server(prefix = "/_sfn", endpoint = "cancel_request")]
pub async fn cancel_request(org: String, reference: String) -> Result<(), AppError> {
    let portal = portal()?;
    let session =
        crate::port::session_token(&portal).ok_or_else(|| fail(AppError::Unauthenticated))?;
    let parsed = Reference::parse(&reference).map_err(|_| fail(AppError::NotFound))?;
    portal.cancel(&org, &session, &parsed).await.map_err(fail)?;
    crate::port::see_other(&format!("/o/{org}/requests/{parsed}"));
    Ok(())
}

/// Ends the subject's session.
#[server(prefix = "/_sfn", endpoint = "sign_out")]
pub async fn sign_out(org: String) -> Result<(), AppError> {
    let portal = portal()?;
    if let Some(session) = crate::port::session_token(&portal) {
        portal.sign_out(&session).await;
    }
    crate::port::clear_session_cookie(&portal);
    crate::port::see_other(&format!("/o/{org}"));
    Ok(())
}
