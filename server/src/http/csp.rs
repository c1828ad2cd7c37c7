//! The Content-Security-Policy of every page: scripts run only when they
//! carry this response's nonce (`'strict-dynamic'` lets those load the
//! wasm and its glue), WebAssembly may compile (`'wasm-unsafe-eval'`),
//! plugins and `<base>` are off, and only the listed sites may frame it.
//!
//! The nonce is made per request by `guard::security_headers` before the
//! page renders, handed to Leptos (which writes it on its hydration
//! scripts) through the request's extensions, and written into the header
//! afterwards. Responses that set their own policy (downloads, SVG logos)
//! keep it.

use axum::http::request::Parts;

/// This response's script nonce.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

impl CspNonce {
    pub fn generate() -> CspNonce {
        // 128 bits; hex is within the base64 alphabet a nonce is written in.
        CspNonce(hex::encode(&portal::crypto::random_key()[..16]))
    }
}

/// Who may frame a response, set by `embed::frame_ancestors` on pages of
/// `/embed/…`; anything else may be framed by the portal itself alone.
#[derive(Clone, Debug)]
pub struct FrameAncestors(pub Vec<String>);

pub fn policy(nonce: &CspNonce, ancestors: Option<&FrameAncestors>) -> String {
    let mut frame = String::from("'self'");
    for origin in ancestors.map(|a| a.0.as_slice()).unwrap_or_default() {
        frame.push(' ');
        frame.push_str(origin);
    }
    format!(
        "script-src 'nonce-{}' 'strict-dynamic' 'wasm-unsafe-eval'; object-src 'none'; \
         base-uri 'none'; frame-ancestors {frame}",
        nonce.0
    )
}

/// For the Leptos render context: makes Leptos use the nonce the header
/// will name, instead of one of its own.
pub fn provide_to_leptos() {
    let nonce = leptos::prelude::use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(nonce) = nonce {
        leptos::prelude::provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_nonce_and_who_may_frame() {
        let nonce = CspNonce("abc123".into());
        assert_eq!(
            policy(&nonce, None),
            "script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'; object-src 'none'; \
             base-uri 'none'; frame-ancestors 'self'"
        );
        let listed = FrameAncestors(vec!["https://www.a.example".into()]);
        assert!(
            policy(&nonce, Some(&listed)).ends_with("frame-ancestors 'self' https://www.a.example")
        );
    }

    #[test]
    fn each_response_gets_its_own_nonce() {
        let (a, b) = (CspNonce::generate(), CspNonce::generate());
        assert_eq!(a.0.len(), 32);
        assert_ne!(a.0, b.0);
    }
}
