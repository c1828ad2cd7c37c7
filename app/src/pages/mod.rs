//! One module per page; shared pieces (layout, form fields, errors) beside them.

mod confirm;
mod console;
mod fields;
mod figures;
mod figures_chart;
mod layout;
mod my_requests;
mod notice;
mod preferences;
mod request_form;
mod track;
mod unsubscribe;

pub use confirm::ConfirmLinkPage;
pub use console::{
    AccountPage, ApiTokensPage, AuditPage, CasePage, ConsoleLayout, EnrolPage, FiguresPage,
    ForgotPasswordPage, InvitationPage, LoginPage, MailPage, NewRequestPage, QueuePage,
    RecoveryCodesPage, ResetPasswordPage, SecondFactorPage, TeamPage, WebhooksPage,
};
pub use figures::FiguresPage as PublicFiguresPage;
pub use layout::{EmbedLayout, NotFound, OrgLayout};
pub use my_requests::MyRequestsPage;
pub use notice::{NoticeChangesPage, NoticePage};
pub use preferences::PreferencesPage;
pub use request_form::{KindChooser, RequestFormPage};
pub use track::TrackPage;
pub use unsubscribe::UnsubscribePage;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The organisation slug from the URL.
pub(crate) fn use_org() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("org").unwrap_or_default())
}

/// Where this organisation's pages live for the current page: `/o/{org}`,
/// or `/embed/{org}` inside a company's iframe, so links stay in the frame.
pub(crate) fn use_base() -> Memo<String> {
    let org = use_org();
    let location = leptos_router::hooks::use_location();
    Memo::new(move |_| {
        let prefix = if location.pathname.get().starts_with("/embed/") {
            "embed"
        } else {
            "o"
        };
        format!("/{prefix}/{}", org.get())
    })
}

/// Sets the HTTP status of a server-rendered page (no effect in the browser).
pub(crate) fn set_page_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(status),
    ) {
        response.set_status(code);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}
