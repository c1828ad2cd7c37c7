//! The magic link's landing page. Its GET only shows a button: mail
//! scanners fetch links, and must not verify anything by doing so.

use super::fields::FormError;
use super::use_org;
use crate::api::ConfirmLink;
use crate::i18n::{self, t, use_language};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn ConfirmLinkPage() -> impl IntoView {
    let org = use_org();
    let lang = use_language();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let confirm = ServerAction::<ConfirmLink>::new();
    let error = Signal::derive(move || {
        confirm
            .value()
            .get()
            .and_then(|r| r.err())
            .map(move |e| i18n::error_message(lang, &e))
    });
    view! {
        <Title text=t(lang, "confirm-title")/>
        // The token is in this page's address: never send it onwards.
        <Meta name="referrer" content="same-origin"/>
        <h1>{t(lang, "confirm-title")}</h1>
        <p class="lead">{t(lang, "confirm-lead")}</p>
        <ActionForm action=confirm>
            <input type="hidden" name="org" value=move || org.get()/>
            <input type="hidden" name="token" value=token/>
            <FormError message=error/>
            <button type="submit" class="button" disabled=move || confirm.pending().get()>{t(lang, "confirm")}</button>
        </ActionForm>
    }
}
