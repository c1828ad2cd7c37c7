//! Where a one-click unsubscribe link from an organisation's marketing
//! mail lands. Opening the link changes nothing (mail scanners open links);
//! the button posts it, as mail providers' one-click buttons do.

use crate::i18n::{t, use_language};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let lang = use_language();
    let params = use_params_map();
    let (org, token) = params.with_untracked(|p| {
        (
            p.get("org").unwrap_or_default(),
            p.get("token").unwrap_or_default(),
        )
    });
    let done = use_query_map().read_untracked().get("done").is_some();
    let action = format!("/o/{org}/unsubscribe/{token}");
    view! {
        <Title text=t(lang, "unsubscribe-title")/>
        <h1>{t(lang, "unsubscribe-title")}</h1>
        {if done {
            view! {
                <p class="notice-box" role="status">
                    {t(lang, "unsubscribe-done")}
                </p>
            }
            .into_any()
        } else {
            view! {
                <p>{t(lang, "unsubscribe-lead")}</p>
                <form method="post" action=action>
                    <input type="hidden" name="List-Unsubscribe" value="One-Click"/>
                    <button type="submit" class="button">{t(lang, "unsubscribe-button")}</button>
                </form>
            }
            .into_any()
        }}
    }
}
