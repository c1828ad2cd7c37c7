//! The words of the interface (`domain::i18n`), and the one thing only a
//! page needs: the reader's language from the page's context.

pub use domain::i18n::*;
use domain::Language;

/// The reader's language, chosen by the server for this page request (URL,
/// then cookie, then `Accept-Language`) and provided as context.
pub fn use_language() -> Language {
    leptos::prelude::use_context::<Language>().unwrap_or_default()
}
