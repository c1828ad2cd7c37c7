//! "My requests": everything the signed-in subject asked of this organisation.

use super::track::RequestCard;
use super::{layout::ErrorPage, use_base, use_org};
use crate::api::my_requests;
use crate::i18n::{t, use_language};
use domain::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MyRequestsPage() -> impl IntoView {
    let org = use_org();
    let base = use_base();
    let lang = use_language();
    let requests = Resource::new(move || org.get(), my_requests);
    view! {
        <Title text=t(lang, "nav-requests")/>
        <h1>{t(lang, "nav-requests")}</h1>
        <Suspense fallback=move || view! { <p>{t(lang, "loading-requests")}</p> }>
            {move || Suspend::new(async move {
                match requests.await {
                    Ok(list) => view! {
                        {if list.is_empty() {
                            view! { <p>{t(lang, "requests-none")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="request-list">
                                    {list.into_iter().map(|request| view! { <li><RequestCard request link=true/></li> }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }}
                        <p>
                            <a href=move || format!("{}/preferences", base.get())>{t(lang, "preferences-heading")}</a>
                        </p>
                        <p>
                            <a href=move || format!("/o/{}/consents.json", org.get()) download="consent-receipts.json">
                                {t(lang, "consent-receipts-download")}
                            </a>
                        </p>
                    }
                    .into_any(),
                    Err(AppError::Unauthenticated) => {
                        super::set_page_status(401);
                        view! { <SignInHelp/> }.into_any()
                    }
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Without a session: how to get one, with a lookup by reference that works
/// as a plain GET form.
#[component]
pub(super) fn SignInHelp() -> impl IntoView {
    let org = use_org();
    let lang = use_language();
    let invalid = use_query_map().read_untracked().get("invalid").is_some();
    view! {
        <p>{t(lang, "sign-in-help")}</p>
        {invalid.then(|| view! {
            <div class="form-error" role="alert"><p>{t(lang, "reference-unknown")}</p></div>
        })}
        <form method="get" action=move || format!("/o/{}/find", org.get()) class="lookup-form">
            <div class="field">
                <label for="reference">{t(lang, "reference-label")}</label>
                <input
                    id="reference"
                    name="reference"
                    autocomplete="off"
                    required=true
                    aria-invalid=invalid.then_some("true")
                />
            </div>
            <button type="submit" class="button">{t(lang, "continue")}</button>
        </form>
    }
}
