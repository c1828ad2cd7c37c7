//! The staff console: server-rendered pages with plain forms (no islands,
//! so none of it adds to the subject's WebAssembly). One module per page.

mod account;
mod api_tokens;
mod audit;
mod case;
mod figures;
mod invitation;
mod layout;
mod login;
mod mail;
mod new_request;
mod queue;
mod team;
mod webhooks;

pub use account::{AccountPage, ForgotPasswordPage, ResetPasswordPage};
pub use api_tokens::ApiTokensPage;
pub use audit::AuditPage;
pub use case::CasePage;
pub use figures::FiguresPage;
pub use invitation::InvitationPage;
pub use layout::ConsoleLayout;
use login::LoginFrame;
pub use login::{EnrolPage, LoginPage, RecoveryCodesPage, SecondFactorPage};
pub use mail::MailPage;
pub use new_request::NewRequestPage;
pub use queue::QueuePage;
pub use team::TeamPage;
pub use webhooks::WebhooksPage;

use domain::{AppError, Language};

/// The console speaks English: its users are a company's privacy team, and
/// its vocabulary is the GDPR's (README, "Languages").
const STAFF: Language = Language::En;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// What a console page shows when its data failed: the login page for an
/// expired or missing session, otherwise the error with its status.
#[component]
pub fn ConsoleError(error: AppError) -> impl IntoView {
    if error == AppError::Unauthenticated {
        view! { <Redirect path="/console/login"/> }.into_any()
    } else {
        super::set_page_status(error.http_status());
        let heading = match error.http_status() {
            404 => "Not found",
            403 => "Not allowed",
            _ => "Something went wrong",
        };
        view! {
            <h1>{heading}</h1>
            <p>{crate::i18n::error_message(STAFF, &error)}</p>
            <p><a href="/console">"Back to the queue"</a></p>
        }
        .into_any()
    }
}

/// `?a=1&b=2` from pairs, leaving out empty values (for filter and page links).
pub(crate) fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencode(v)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
