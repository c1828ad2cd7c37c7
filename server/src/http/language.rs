//! Which language a page is in: `?lang=` in the URL (the switcher's links),
//! then the cookie that remembers that choice, then the browser's
//! `Accept-Language`, then English. The choice goes into the request's
//! extensions, where the pages (`app::api::door::language`) and every door
//! (`portal::door::Caller`) read it.

use axum::{
    extract::{Query, Request},
    http::{header, HeaderMap, HeaderValue},
    middleware::Next,
    response::Response,
};
use domain::Language;
use portal::door::cookies;
use serde::Deserialize;

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

pub fn from_url(uri: &axum::http::Uri) -> Option<Language> {
    Query::<LangQuery>::try_from_uri(uri)
        .ok()?
        .0
        .lang
        .and_then(|tag| Language::parse(&tag))
}

pub fn from_headers(headers: &HeaderMap) -> Option<Language> {
    cookies::read(headers, cookies::LANGUAGE)
        .and_then(|tag| Language::parse(&tag))
        .or_else(|| {
            let header = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
            // Best first; `nl-NL` counts as `nl` (Language::parse reads the
            // primary subtag).
            accept_language::parse(header)
                .iter()
                .find_map(|tag| Language::parse(tag))
        })
}

pub async fn negotiate(mut request: Request, next: Next) -> Response {
    let chosen = from_url(request.uri());
    let framing = if request.uri().path().starts_with("/embed/") {
        cookies::Framing::Framed
    } else {
        cookies::Framing::Top
    };
    let language = chosen
        .or_else(|| from_headers(request.headers()))
        .unwrap_or_default();
    request.extensions_mut().insert(language);
    let secure = request.uri().scheme_str() == Some("https")
        || request
            .headers()
            .get("x-forwarded-proto")
            .is_some_and(|v| v == "https");
    let mut response = next.run(request).await;
    if let Some(language) = chosen {
        response.headers_mut().append(
            header::SET_COOKIE,
            cookies::language(secure, framing, language.code()),
        );
    }
    // Caches must not hand one reader's language to another.
    response.headers_mut().append(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn the_url_names_a_language_and_nonsense_is_ignored() {
        assert_eq!(
            from_url(&"/o/demo?lang=nb".parse().unwrap()),
            Some(Language::Nb)
        );
        assert_eq!(
            from_url(&"/o/demo?x=1&lang=nl-BE".parse().unwrap()),
            Some(Language::Nl)
        );
        assert_eq!(from_url(&"/o/demo?lang=xx".parse().unwrap()), None);
        assert_eq!(from_url(&"/o/demo".parse().unwrap()), None);
    }

    #[test]
    fn the_cookie_wins_over_the_browser_which_is_read_by_quality() {
        let both = headers(&[
            ("cookie", "portal_lang=nl"),
            ("accept-language", "nb-NO,nb;q=0.9"),
        ]);
        assert_eq!(from_headers(&both), Some(Language::Nl));
        let browser = headers(&[("accept-language", "de-DE,de;q=0.9,nl;q=0.8,en;q=0.5")]);
        assert_eq!(from_headers(&browser), Some(Language::Nl));
        let norwegian = headers(&[("accept-language", "no;q=0.7, en;q=0.3")]);
        assert_eq!(from_headers(&norwegian), Some(Language::Nb));
        let regional = headers(&[("accept-language", "nl-NL")]);
        assert_eq!(from_headers(&regional), Some(Language::Nl));
        let unknown = headers(&[("accept-language", "fr-FR"), ("cookie", "portal_lang=zz")]);
        assert_eq!(from_headers(&unknown), None);
    }
}
