//! Server functions: the browser's door to the use cases. Each one parses
//! its input, learns who is calling from `portal::door` (through `door`),
//! calls the use case and lets `door::serve` map the error; none holds a
//! business rule. Endpoints have stable names so tests and no-JavaScript
//! forms can post to them.

// `submit_request` takes one argument per form field, so the plain HTML
// form needs no nested names; the macro copies them into generated code
// where an item-level allow does not reach.
#![allow(clippy::too_many_arguments)]

pub mod console;
#[cfg(feature = "ssr")]
pub mod door;

use domain::views::{
    NoticeChanged, NoticeChangesView, NoticeView, OrgView, PreferencesView, RequestView, TrackView,
};
use domain::{AppError, Reference};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    door::{identify, see_other, serve, set_cookie},
    portal::door::{cookies, MaybeSubject},
};

/// A reference from a path or form: one that does not parse names no
/// request (404).
#[cfg(feature = "ssr")]
pub(crate) fn reference(raw: &str) -> Result<Reference, AppError> {
    Reference::parse(raw).map_err(|_| AppError::NotFound)
}

/// Reads an organisation's name for the page chrome. Anyone may call it.
#[server(prefix = "/_sfn", endpoint = "organisation")]
pub async fn get_organisation(org: String) -> Result<OrgView, AppError> {
    serve(|service, caller| async move { Ok(caller.org(&service, &org)?.view.clone()) }).await
}

/// Reads an organisation's privacy notice. Anyone may call it.
#[server(prefix = "/_sfn", endpoint = "notice")]
pub async fn get_notice(org: String) -> Result<NoticeView, AppError> {
    serve(|service, caller| async move {
        caller.org(&service, &org)?;
        service.notices.notice(&org, caller.language)
    })
    .await
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
    serve(|service, caller| async move {
        caller.org(&service, &org)?;
        let changes =
            service
                .notices
                .notice_changes(&org, &from, to.as_deref(), caller.language)?;
        let current = service.notices.notice(&org, caller.language)?.last_updated;
        if changes.to == current {
            set_cookie(cookies::notice_seen(caller.secure, &org, &current));
        }
        Ok(changes)
    })
    .await
}

/// The organisation's request figures, where it publishes them. Anyone.
#[server(prefix = "/_sfn", endpoint = "figures")]
pub async fn get_figures(org: String) -> Result<domain::views::console::OrgFigures, AppError> {
    serve(|service, caller| async move {
        caller.org(&service, &org)?;
        service.console.public_figures(&org).await
    })
    .await
}

/// The signed-in subject's consents. Changes are posted as a plain form to
/// `/o/{org}/preferences` (any number of purposes in one form).
#[server(prefix = "/_sfn", endpoint = "preferences")]
pub async fn get_preferences(org: String) -> Result<PreferencesView, AppError> {
    serve(|service, caller| async move {
        caller.org(&service, &org)?;
        let subject = identify::<MaybeSubject>(&service).await?.in_org(&org)?;
        service
            .consents
            .preferences(&subject, caller.language)
            .await
    })
    .await
}

/// For a signed-in subject: the notice changed since they last confirmed
/// their address here. `None` for everyone else.
#[server(prefix = "/_sfn", endpoint = "notice_changed")]
pub async fn get_notice_changed(org: String) -> Result<Option<NoticeChanged>, AppError> {
    serve(|service, caller| async move {
        caller.org(&service, &org)?;
        // No session, or a stale one, is no reason to fail the page around
        // the note.
        let Ok(subject) = identify::<MaybeSubject>(&service).await?.in_org(&org) else {
            return Ok(None);
        };
        service
            .notices
            .notice_changed(&subject, caller.notice_seen(&org).as_deref())
            .await
    })
    .await
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
    use domain::{Details, Submission};
    serve(|service, caller| async move {
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
        caller.host.serves(&submission.org)?;
        let reference = service.requests.submit(submission, &caller.client).await?;
        see_other(&caller, &format!("/o/{org}/requests/{reference}?sent=1"));
        Ok(reference)
    })
    .await
}

/// Checks a mailed code; anyone holding the code may call it. Success starts
/// a subject session.
#[server(prefix = "/_sfn", endpoint = "verify_code")]
pub async fn verify_code(org: String, reference: String, code: String) -> Result<(), AppError> {
    serve(|service, caller| async move {
        let reference = self::reference(&reference)?;
        caller.org(&service, &org)?;
        let (_, grant) = service
            .verification
            .verify_code(Some(&org), &reference, &code, &caller.client)
            .await?;
        start_session(&caller, &grant);
        see_other(&caller, &format!("/o/{org}/requests/{reference}"));
        Ok(())
    })
    .await
}

/// Confirms a magic link. Only POST reaches this (mail scanners prefetch
/// links with GET); the token then leaves the address bar with a 303.
#[server(prefix = "/_sfn", endpoint = "confirm_link")]
pub async fn confirm_link(org: String, token: String) -> Result<(), AppError> {
    serve(|service, caller| async move {
        caller.org(&service, &org)?;
        let (reference, grant) = service
            .verification
            .confirm_link(
                &org,
                &portal::token::Token::presented(token),
                &caller.client,
            )
            .await?;
        start_session(&caller, &grant);
        see_other(&caller, &format!("/o/{org}/requests/{reference}"));
        Ok(())
    })
    .await
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
    serve(|service, caller| async move {
        let reference = self::reference(&reference)?;
        caller.host.serves(&org)?;
        let key = key.filter(|k| !k.is_empty());
        service
            .verification
            .resend_code(Some(&org), &reference, key.as_deref(), &caller.client)
            .await?;
        let key = key.map(|k| format!("&key={k}")).unwrap_or_default();
        see_other(
            &caller,
            &format!("/o/{org}/requests/{reference}?sent=1{key}"),
        );
        Ok(())
    })
    .await
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
    serve(|service, caller| async move {
        let reference = self::reference(&reference)?;
        let MaybeSubject(subject) = identify(&service).await?;
        caller.host.serves(&org)?;
        service
            .tracking
            .track(&org, &reference, subject.as_ref(), key.as_deref())
            .await
    })
    .await
}

/// All requests of the signed-in subject in this organisation.
#[server(prefix = "/_sfn", endpoint = "my_requests")]
pub async fn my_requests(org: String) -> Result<Vec<RequestView>, AppError> {
    serve(|service, caller| async move {
        caller.org(&service, &org)?;
        let subject = identify::<MaybeSubject>(&service).await?.in_org(&org)?;
        service.tracking.requests_of(&subject).await
    })
    .await
}

/// The signed-in subject writes to the privacy team (an answer to their
/// question moves the request back to in progress).
#[server(prefix = "/_sfn", endpoint = "reply")]
pub async fn reply(org: String, reference: String, body: String) -> Result<(), AppError> {
    serve(|service, caller| async move {
        caller.host.serves(&org)?;
        let subject = identify::<MaybeSubject>(&service).await?.in_org(&org)?;
        let reference = self::reference(&reference)?;
        service
            .cases
            .subject_reply(&subject, &reference, &body)
            .await?;
        see_other(&caller, &format!("/o/{org}/requests/{reference}"));
        Ok(())
    })
    .await
}

/// The signed-in subject withdraws their request.
#[server(prefix = "/_sfn", endpoint = "cancel_request")]
pub async fn cancel_request(org: String, reference: String) -> Result<(), AppError> {
    serve(|service, caller| async move {
        caller.host.serves(&org)?;
        let subject = identify::<MaybeSubject>(&service).await?.in_org(&org)?;
        let reference = self::reference(&reference)?;
        service.cases.subject_cancel(&subject, &reference).await?;
        see_other(&caller, &format!("/o/{org}/requests/{reference}"));
        Ok(())
    })
    .await
}

/// Ends the subject's session.
#[server(prefix = "/_sfn", endpoint = "sign_out")]
pub async fn sign_out(org: String) -> Result<(), AppError> {
    serve(|service, caller| async move {
        if let MaybeSubject(Some(subject)) = identify(&service).await? {
            service.sessions.sign_out(&subject).await;
        }
        set_cookie(cookies::subject_session(
            caller.secure,
            caller.framing,
            None,
            0,
        ));
        see_other(&caller, &format!("/o/{org}"));
        Ok(())
    })
    .await
}

/// Sets the subject's session cookie after a verification.
#[cfg(feature = "ssr")]
fn start_session(caller: &portal::door::Caller, grant: &portal::service::SessionGrant) {
    let max_age = i64::try_from(grant.max_age_secs).unwrap_or(i64::MAX);
    set_cookie(cookies::subject_session(
        caller.secure,
        caller.framing,
        Some(&grant.token),
        max_age,
    ));
}
