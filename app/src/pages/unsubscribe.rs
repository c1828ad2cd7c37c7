//! Where a one-click unsubscribe link from an organisation's marketing
//! mail lands. Opening the link changes nothing (mail scanners open links);
//! the button posts it, as mail providers' one-click buttons do.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn UnsubscribePage() -> impl IntoView {
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
        <Title text="Unsubscribe from marketing"/>
        <h1>"Unsubscribe from marketing"</h1>
        {if done {
            view! {
                <p class="notice-box" role="status">
                    "You are unsubscribed: we will send no more marketing mail to this address. We have recorded your choice."
                </p>
            }
            .into_any()
        } else {
            view! {
                <p>"Press the button to stop our marketing mail to the address this link was sent to. Mail about your contract and your requests still comes."</p>
                <form method="post" action=action>
                    <input type="hidden" name="List-Unsubscribe" value="One-Click"/>
                    <button type="submit" class="button">"Unsubscribe me"</button>
                </form>
            }
            .into_any()
        }}
    }
}
