//! The chrome around every organisation page: skip link, header, navigation
//! and footer.

use super::{set_page_status, use_base, use_org};
use crate::api::{get_notice_changed, get_organisation};
use crate::i18n::{self, t, t1, use_language};
use domain::{AppError, Language};
use leptos::prelude::*;
use leptos_meta::Stylesheet;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_location;

/// Whether this page request carries `Sec-GPC: 1` (server only: the
/// layout is not hydrated).
fn gpc_signalled() -> bool {
    #[cfg(feature = "ssr")]
    return crate::api::door::gpc_signalled();
    #[cfg(not(feature = "ssr"))]
    false
}

#[component]
pub fn OrgLayout() -> impl IntoView {
    view! { <Chrome embedded=false/> }
}

/// `/embed/{org}/…`: the same pages inside a company's iframe, without the
/// header's brand and the footer (the company's own site is around it), and
/// with the script that tells the parent page how tall the content is.
#[component]
pub fn EmbedLayout() -> impl IntoView {
    view! { <Chrome embedded=true/> }
}

#[component]
fn Chrome(embedded: bool) -> impl IntoView {
    let org = use_org();
    let pages = use_base();
    let lang = use_language();
    let organisation = Resource::new(move || org.get(), get_organisation);
    view! {
        <a class="skip-link" href="#main">{t(lang, "skip-link")}</a>
        <Suspense fallback=|| view! { <header class="site-header"><div class="wrap"></div></header> }>
            {move || Suspend::new(async move {
                match organisation.await {
                    Ok(organisation) => {
                        // Theme and logo are served under /o/ alone.
                        let assets = format!("/o/{}", organisation.slug);
                        let base = pages.get_untracked();
                        let origins = organisation.embed_origins.join(" ");
                        view! {
                            {organisation.themed.then(|| view! { <Stylesheet id="org-theme" href=format!("{assets}/theme.css")/> })}
                            {embedded.then(|| view! { <script src="/embed-frame.js" defer data-parent-origins=origins nonce=leptos::nonce::use_nonce()></script> })}
                            <header class=if embedded { "site-header embedded" } else { "site-header" }>
                                <div class="wrap header-row">
                                    {(!embedded).then(|| view! {
                                        <a class="brand" href=base.clone()>
                                            {organisation.logo.then(|| view! {
                                                <img class="brand-logo" src=format!("{assets}/logo") alt="" height="32"/>
                                            })}
                                            {organisation.name.clone()}
                                        </a>
                                    })}
                                    <nav aria-label=t(lang, "nav-label")>
                                        <ul class="nav-list">
                                            <li><A href=base.clone() exact=true>{t(lang, "nav-notice")}</A></li>
                                            <li><A href=format!("{base}/new")>{t(lang, "nav-new")}</A></li>
                                            <li><A href=format!("{base}/requests") exact=true>{t(lang, "nav-requests")}</A></li>
                                        </ul>
                                    </nav>
                                    <LanguageSwitcher current=lang/>
                                </div>
                            </header>
                            <main id="main" class="wrap" tabindex="-1">
                                {gpc_signalled().then(|| view! {
                                    <p class="notice-box gpc-note" role="status">
                                        {t(lang, "gpc-note")}
                                    </p>
                                })}
                                <NoticeChangedNote/>
                                <Outlet/>
                            </main>
                            {(!embedded).then(|| view! {
                                <footer class="site-footer">
                                    <div class="wrap">
                                        <p>{t1(lang, "footer", "org", organisation.name.clone())}</p>
                                        {organisation.figures_public.then(|| view! {
                                            <p><a href=format!("{base}/figures")>{t(lang, "figures-link")}</a></p>
                                        })}
                                    </div>
                                </footer>
                            })}
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
    let lang = use_language();
    view! {
        <main id="main" class="wrap" tabindex="-1">
            <h1>{t(lang, if error.http_status() == 404 { "error-not-found-title" } else { "error-title" })}</h1>
            <p>{i18n::error_message(lang, &error)}</p>
        </main>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound/> }
}

/// Links to this page in each language. `?lang=` is the first thing the
/// server reads, and it remembers the choice in a cookie.
#[component]
fn LanguageSwitcher(current: Language) -> impl IntoView {
    let path = use_location().pathname.get_untracked();
    view! {
        <nav class="languages" aria-label=t(current, "language-switcher")>
            <ul>
                {Language::ALL
                    .into_iter()
                    .map(|language| {
                        view! {
                            <li>
                                <a
                                    href=format!("{path}?lang={}", language.code())
                                    hreflang=language.code()
                                    lang=language.code()
                                    aria-current=(language == current).then_some("true")
                                >
                                    {language.native_name()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// Tells a signed-in subject that the notice changed since they last
/// confirmed their address, with a link to the changes.
#[component]
fn NoticeChangedNote() -> impl IntoView {
    let org = use_org();
    let lang = use_language();
    let changed = Resource::new(move || org.get(), get_notice_changed);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                changed.await.ok().flatten().map(|changed| {
                    let href = format!("{}/notice/changes?from={}", use_base().get_untracked(), changed.from);
                    view! {
                        <p class="notice-box notice-changed" role="status">
                            {t1(lang, "notice-changed-since", "date", i18n::long_date(lang, &changed.seen_on))}
                            " "
                            <a href=href>{t(lang, "notice-changed-link")}</a>
                        </p>
                    }
                })
            })}
        </Suspense>
    }
}
