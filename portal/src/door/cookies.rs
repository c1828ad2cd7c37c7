//! Every cookie the portal reads or sets, in one place: the names, the flags,
//! and how a page in a company's iframe changes them. Doors never build a
//! cookie themselves; they hand these `Set-Cookie` values to the response.

use crate::token::Token;
use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{time::Duration, Cookie, SameSite};

/// Staff sessions last at most 10 hours; the server ends them sooner when idle.
pub const STAFF_SESSION_SECS: i64 = 10 * 60 * 60;
/// Five minutes to type the second factor.
pub const PENDING_LOGIN_SECS: i64 = 5 * 60;

/// The subject's session. Read by the REST API too, so both doors share it.
pub fn subject_session_name(secure: bool) -> &'static str {
    if secure {
        "__Host-portal_session"
    } else {
        "portal_session"
    }
}

/// The staff session cookie: kept apart from the subject's, and
/// SameSite=Strict, since no link from elsewhere should arrive signed in.
pub fn staff_session_name(secure: bool) -> &'static str {
    if secure {
        "__Host-portal_staff"
    } else {
        "portal_staff"
    }
}

/// The cookie that carries a new API token from the form that made it to
/// the page that shows it, once (the server keeps only its hash).
pub fn fresh_api_token_name(secure: bool) -> &'static str {
    if secure {
        "__Host-portal_new_api_token"
    } else {
        "portal_new_api_token"
    }
}

/// How long a new token waits in its cookie to be shown.
pub const FRESH_API_TOKEN_SECS: i64 = 300;

/// The cookie that carries a half-finished login to the second step.
pub fn pending_login_name(secure: bool) -> &'static str {
    if secure {
        "__Host-portal_staff_pending"
    } else {
        "portal_staff_pending"
    }
}

/// Remembers that the reader opened the changes up to a notice version of
/// `org`, so the "notice changed" note stops showing.
pub fn notice_seen_name(org: &str) -> String {
    format!("portal_notice_seen_{org}")
}

/// The reader's chosen language.
pub const LANGUAGE: &str = "portal_lang";

/// The token a named cookie carries (a session's, or a pending login's).
pub fn token(headers: &HeaderMap, name: &str) -> Option<Token> {
    read(headers, name).map(Token::presented)
}

/// A named cookie's value among a request's headers (an empty value is none).
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| Cookie::split_parse(value.to_owned()).filter_map(Result::ok))
        .find(|c| c.name() == name && !c.value().is_empty())
        .map(|c| c.value().to_owned())
}

/// Where the response goes: a page of the portal itself, or a page inside a
/// company's iframe (`/embed/…`, or a post from one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    Top,
    Framed,
}

/// The subject's session cookie: HttpOnly, SameSite=Lax, and `__Host-` with
/// `Secure` over https; framed as `frame` says. `None` (with no age) ends
/// the session.
pub fn subject_session(
    secure: bool,
    framing: Framing,
    token: Option<&Token>,
    max_age_secs: i64,
) -> HeaderValue {
    let value = token.map(Token::expose).unwrap_or_default().to_owned();
    let mut cookie = Cookie::build((subject_session_name(secure), value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(Duration::seconds(max_age_secs))
        .build();
    frame(&mut cookie, framing);
    header_value(&cookie)
}

/// A staff cookie (`staff_session_name` or `pending_login_name`): Strict.
/// `None` (with no age) ends it.
pub fn staff(
    secure: bool,
    name: &'static str,
    token: Option<&Token>,
    max_age_secs: i64,
) -> HeaderValue {
    let value = token.map(Token::expose).unwrap_or_default().to_owned();
    let cookie = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(Duration::seconds(max_age_secs))
        .build();
    header_value(&cookie)
}

/// The notice version whose changes the reader opened, for a year.
pub fn notice_seen(secure: bool, org: &str, version: &str) -> HeaderValue {
    let cookie = Cookie::build((notice_seen_name(org), version.to_owned()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(Duration::days(365))
        .build();
    header_value(&cookie)
}

/// The reader's language choice, for a year (a third party's cookie in an
/// iframe, like the session's).
pub fn language(secure: bool, framing: Framing, code: &str) -> HeaderValue {
    let mut cookie = Cookie::build((LANGUAGE, code.to_owned()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(Duration::days(365))
        .build();
    frame(&mut cookie, framing);
    header_value(&cookie)
}

/// In an iframe the portal is a third party: browsers send its cookie there
/// only if it is `SameSite=None; Secure`, kept in a jar of its own for that
/// site (`Partitioned`, CHIPS), so the embedded portal cannot follow anyone
/// across sites.
fn frame(cookie: &mut Cookie<'_>, framing: Framing) {
    if framing == Framing::Framed {
        cookie.set_same_site(SameSite::None);
        cookie.set_secure(true);
        cookie.set_partitioned(true);
    }
}

fn header_value(cookie: &Cookie<'_>) -> HeaderValue {
    // Names and values here are ours (tokens are URL-safe base64, dates and
    // language codes ASCII), so the header is always valid.
    HeaderValue::from_str(&cookie.to_string())
        .expect("a cookie the portal builds is a valid header")
}
