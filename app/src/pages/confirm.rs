//! The magic link's landing page. Its GET only shows a button: mail
//! scanners fetch links, and must not verify anything by doing so.

use super::fields::FormError;
use super::use_org;
use crate::api::ConfirmLink;
use crate::i18n;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn ConfirmLinkPage() -> impl IntoView {
    let org = use_org();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let confirm = ServerAction::<ConfirmLink>::new();
    let error = Signal::derive(move || {
        confirm
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| i18n::error_message(&e))
    });
    view! {
        <Title text="Confirm your e-mail address"/>
        // The token is in this page's address: never send it onwards.
        <Meta name="referrer" content="same-origin"/>
        <h1>"Confirm your e-mail address"</h1>
        <p class="lead">"Press the button to confirm that you made this request."</p>
        <ActionForm action=confirm>
            <input type="hidden" name="org" value=move || org.get()/>
            <input type="hidden" name="token" value=token/>
            <FormError message=error/>
            <button type="submit" class="button" disabled=move || confirm.pending().get()>"Confirm"</button>
        </ActionForm>
    }
}
