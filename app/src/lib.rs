//! The portal's user interface: pages, and the server functions that are
//! their door to the use cases (`portal`, under `ssr` only). Built twice:
//! with `ssr` into the server (rendering and server functions) and with
//! `hydrate` into the WebAssembly. Islands mode: pages are rendered
//! on the server and work as plain HTML; only components marked `#[island]`
//! (the request form) hydrate and enhance them.

pub mod api;
pub mod i18n;
mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

/// Hydration starts once the page has loaded and shown its first content
/// (the browser's `first-contentful-paint` entry), not while it loads:
/// pages work as plain HTML, and on a slow phone connection a preloaded
/// wasm (≈150 KiB) would share the bandwidth with what the first paint
/// waits for. Leptos's scripts and preload links wait, inert, in a
/// `<template>`; the copy put into the document runs (allowed by the nonce
/// and 'strict-dynamic'). A browser without paint timing starts at `load`.
const HYDRATE_AFTER_PAINT: &str = "addEventListener('load',()=>{\
const go=()=>document.head.append(document.importNode(document.getElementById('hydration').content,true));\
if(!(PerformanceObserver.supportedEntryTypes||[]).includes('paint'))return go();\
new PerformanceObserver((list,observer)=>{if(list.getEntriesByName('first-contentful-paint').length){observer.disconnect();go()}})\
.observe({type:'paint',buffered:true})})";

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let language = api::door::language();
    #[cfg(not(feature = "ssr"))]
    let language = domain::Language::default();
    view! {
        <!DOCTYPE html>
        <html lang=language.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <template id="hydration">
                    <HydrationScripts options islands=true/>
                </template>
                <script nonce=leptos::nonce::use_nonce()>{HYDRATE_AFTER_PAINT}</script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Pages read the reader's language from context (`i18n::use_language`).
    #[cfg(feature = "ssr")]
    provide_context(api::door::language());
    view! {
        <Stylesheet id="leptos" href="/pkg/portal.css"/>
        <Title text="Privacy portal"/>
        <Router>
            <Routes fallback=pages::NotFound>
                // Async: the server waits for the data and sends whole pages,
                // so they read and work without JavaScript (streamed
                // Suspense fragments would need a script to show).
                <ParentRoute path=path!("/o/:org") view=pages::OrgLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=pages::NoticePage ssr=SsrMode::Async/>
                    <Route path=path!("notice/changes") view=pages::NoticeChangesPage ssr=SsrMode::Async/>
                    <Route path=path!("new") view=pages::KindChooser ssr=SsrMode::Async/>
                    <Route path=path!("new/:kind") view=pages::RequestFormPage ssr=SsrMode::Async/>
                    <Route path=path!("requests") view=pages::MyRequestsPage ssr=SsrMode::Async/>
                    <Route path=path!("preferences") view=pages::PreferencesPage ssr=SsrMode::Async/>
                    <Route path=path!("figures") view=pages::PublicFiguresPage ssr=SsrMode::Async/>
                    <Route path=path!("requests/:reference") view=pages::TrackPage ssr=SsrMode::Async/>
                    <Route path=path!("confirm/:token") view=pages::ConfirmLinkPage ssr=SsrMode::Async/>
                    <Route path=path!("unsubscribe/:token") view=pages::UnsubscribePage ssr=SsrMode::Async/>
                </ParentRoute>
                <ParentRoute path=path!("/embed/:org") view=pages::EmbedLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=pages::NoticePage ssr=SsrMode::Async/>
                    <Route path=path!("notice/changes") view=pages::NoticeChangesPage ssr=SsrMode::Async/>
                    <Route path=path!("new") view=pages::KindChooser ssr=SsrMode::Async/>
                    <Route path=path!("new/:kind") view=pages::RequestFormPage ssr=SsrMode::Async/>
                    <Route path=path!("requests") view=pages::MyRequestsPage ssr=SsrMode::Async/>
                    <Route path=path!("preferences") view=pages::PreferencesPage ssr=SsrMode::Async/>
                    <Route path=path!("figures") view=pages::PublicFiguresPage ssr=SsrMode::Async/>
                    <Route path=path!("requests/:reference") view=pages::TrackPage ssr=SsrMode::Async/>
                    <Route path=path!("confirm/:token") view=pages::ConfirmLinkPage ssr=SsrMode::Async/>
                </ParentRoute>
                <Route path=path!("/console/login") view=pages::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/console/login/code") view=pages::SecondFactorPage ssr=SsrMode::Async/>
                <Route path=path!("/console/login/forgot") view=pages::ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/console/reset/:token") view=pages::ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/console/invitation/:token") view=pages::InvitationPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("/console") view=pages::ConsoleLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=pages::QueuePage ssr=SsrMode::Async/>
                    <Route path=path!("enrol") view=pages::EnrolPage ssr=SsrMode::Async/>
                    <Route path=path!("recovery-codes") view=pages::RecoveryCodesPage ssr=SsrMode::Async/>
                    <Route path=path!("audit") view=pages::AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("mail") view=pages::MailPage ssr=SsrMode::Async/>
                    <Route path=path!("webhooks") view=pages::WebhooksPage ssr=SsrMode::Async/>
                    <Route path=path!("figures") view=pages::FiguresPage ssr=SsrMode::Async/>
                    <Route path=path!("api-tokens") view=pages::ApiTokensPage ssr=SsrMode::Async/>
                    <Route path=path!("new-request") view=pages::NewRequestPage ssr=SsrMode::Async/>
                    <Route path=path!("team") view=pages::TeamPage ssr=SsrMode::Async/>
                    <Route path=path!("account") view=pages::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("o/:org/requests/:reference") view=pages::CasePage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
