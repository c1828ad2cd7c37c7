//! The chrome around every organisation page: skip link, header, navigation
//! and footer.

use super::{set_page_status, use_org};
use crate::api::get_organisation;
use crate::domain::AppError;
use crate::i18n;
use leptos::prelude::*;
use leptos_meta::Stylesheet;
use leptos_router::components::{Outlet, A};

/// Whether this page request carries `Sec-GPC: 1` (server only: the
/// layout is not hydrated).
fn gpc_signalled() -> bool {
    #[cfg(feature = "ssr")]
    return crate::port::gpc_signalled();
    #[cfg(not(feature = "ssr"))]
    false
}

#[component]
pub fn OrgLayout() -> impl IntoView {
    let org = use_org();
    let organisation = Resource::new(move || org.get(), get_organisation);
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <Suspense fallback=|| view! { <header class="site-header"><div class="wrap"></div></header> }>
            {move || Suspend::new(async move {
                match organisation.await {
                    Ok(organisation) => {
                        let base = format!("/o/{}", organisation.slug);
                        view! {
                            {organisation.themed.then(|| view! { <Stylesheet id="org-theme" href=format!("{base}/theme.css")/> })}
                            <header class="site-header">
                                <div class="wrap header-row">
                                    <a class="brand" href=base.clone()>
                                        {organisation.logo.then(|| view! {
                                            <img class="brand-logo" src=format!("{base}/logo") alt="" height="32"/>
                                        })}
                                        {organisation.name.clone()}
                                    </a>
                                    <nav aria-label="Main">
                                        <ul class="nav-list">
                                            <li><A href=base.clone() exact=true>"Privacy notice"</A></li>
                                            <li><A href=format!("{base}/new")>"Make a request"</A></li>
                                            <li><A href=format!("{base}/requests") exact=true>"My requests"</A></li>
                                        </ul>
                                    </nav>
                                </div>
                            </header>
                            <main id="main" class="wrap" tabindex="-1">
                                {gpc_signalled().then(|| view! {
                                    <p class="notice-box gpc-note" role="status">
                                        "Your browser sent a Global Privacy Control signal. We honour it: we do not use your data for marketing profiling or share it for marketing. Once you have confirmed your e-mail address here, we record it as your choice, and you can download the receipt."
                                    </p>
                                })}
                                <Outlet/>
                            </main>
                            <footer class="site-footer">
                                <div class="wrap">
                                    <p>{format!("Privacy portal of {}", organisation.name)}</p>
                                </div>
                            </footer>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A whole-page error with the matching HTTP status.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    set_page_status(error.http_status());
    view! {
        <main id="main" class="wrap" tabindex="-1">
            <h1>{if error.http_status() == 404 { "Not found" } else { "Something went wrong" }}</h1>
            <p>{i18n::error_message(&error)}</p>
        </main>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound/> }
}
