//! "My requests": everything the signed-in subject asked of this organisation.

use super::track::RequestCard;
use super::{layout::ErrorPage, use_org};
use crate::api::my_requests;
use crate::domain::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MyRequestsPage() -> impl IntoView {
    let org = use_org();
    let requests = Resource::new(move || org.get(), my_requests);
    view! {
        <Title text="My requests"/>
        <h1>"My requests"</h1>
        <Suspense fallback=|| view! { <p>"Loading your requests…"</p> }>
            {move || Suspend::new(async move {
                match requests.await {
                    Ok(list) => view! {
                        {if list.is_empty() {
                            view! { <p>"You have no requests yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="request-list">
                                    {list.into_iter().map(|request| view! { <li><RequestCard request link=true/></li> }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }}
                        <p>
                            <a href=move || format!("/o/{}/consents.json", org.get()) download="consent-receipts.json">
                                "Download your consent receipts (JSON)"
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
fn SignInHelp() -> impl IntoView {
    let org = use_org();
    let invalid = use_query_map().read_untracked().get("invalid").is_some();
    view! {
        <p>"To see your requests, open the link in the e-mail we sent you, or enter your reference to get a new code."</p>
        {invalid.then(|| view! {
            <div class="form-error" role="alert"><p>"That is not a reference we recognise. References look like PR-7K3M-Q9XD."</p></div>
        })}
        <form method="get" action=move || format!("/o/{}/find", org.get()) class="lookup-form">
            <div class="field">
                <label for="reference">"Reference (for example PR-7K3M-Q9XD)"</label>
                <input
                    id="reference"
                    name="reference"
                    autocomplete="off"
                    required=true
                    aria-invalid=invalid.then_some("true")
                />
            </div>
            <button type="submit" class="button">"Continue"</button>
        </form>
    }
}
