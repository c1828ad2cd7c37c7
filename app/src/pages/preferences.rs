//! "Your choices": a verified subject gives or withdraws each consent the
//! organisation asks for. A plain form posting to `/o/{org}/preferences`,
//! so it works without JavaScript; every change becomes a receipt.

use super::my_requests::SignInHelp;
use super::{layout::ErrorPage, use_org};
use crate::api::get_preferences;
use crate::i18n::{self, t, t1, use_language};
use domain::views::{ConsentChoice, ConsentState};
use domain::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PreferencesPage() -> impl IntoView {
    let org = use_org();
    let lang = use_language();
    let saved = use_query_map().read_untracked().get("saved").is_some();
    let preferences = Resource::new(move || org.get(), get_preferences);
    view! {
        <Title text=t(lang, "preferences-heading")/>
        <h1>{t(lang, "preferences-heading")}</h1>
        <Suspense fallback=move || view! { <p>{t(lang, "loading")}</p> }>
            {move || Suspend::new(async move {
                match preferences.await {
                    Ok(preferences) => {
                        let (channels, purposes): (Vec<_>, Vec<_>) =
                            preferences.choices.into_iter().partition(|c| c.channel);
                        let empty = channels.is_empty() && purposes.is_empty();
                        view! {
                            {saved.then(|| view! {
                                <p class="notice-box success" role="status">{t(lang, "preferences-saved")}</p>
                            })}
                            <p class="lead">{t(lang, "preferences-lead")}</p>
                            {if empty {
                                view! { <p>{t(lang, "preferences-none")}</p> }.into_any()
                            } else {
                                view! {
                                    <form method="post" action=move || format!("/o/{}/preferences", org.get()) class="preferences-form">
                                        <ChoiceGroup heading=t(lang, "preferences-marketing") choices=channels/>
                                        <ChoiceGroup heading=t(lang, "preferences-purposes") choices=purposes/>
                                        <button type="submit" class="button">{t(lang, "preference-save")}</button>
                                    </form>
                                }.into_any()
                            }}
                            <p>
                                <a href=move || format!("/o/{}/consents.json", org.get()) download="consent-receipts.json">
                                    {t(lang, "consent-receipts-download")}
                                </a>
                            </p>
                        }
                        .into_any()
                    }
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

#[component]
fn ChoiceGroup(heading: String, choices: Vec<ConsentChoice>) -> impl IntoView {
    (!choices.is_empty()).then(|| {
        view! {
            <section class="panel choice-group">
                <h2>{heading}</h2>
                {choices.into_iter().map(|choice| view! { <Choice choice/> }).collect_view()}
            </section>
        }
    })
}

/// One consent: a group of two radio buttons, its state in words.
#[component]
fn Choice(choice: ConsentChoice) -> impl IntoView {
    let lang = use_language();
    let state_id = format!("{}-state", choice.id);
    let described = state_id.clone();
    let state = match (choice.state, &choice.since) {
        (ConsentState::Given, Some(at)) => t1(
            lang,
            "preference-given-on",
            "date",
            i18n::long_date(lang, at),
        ),
        (ConsentState::Withdrawn, Some(at)) => t1(
            lang,
            "preference-withdrawn-on",
            "date",
            i18n::long_date(lang, at),
        ),
        _ => t(lang, "preference-not-given"),
    };
    let name = choice.id.clone();
    view! {
        <fieldset class="field choice-field" aria-describedby=described>
            <legend>{choice.name}</legend>
            {choice.description.map(|d| view! { <p class="hint">{d}</p> })}
            <p class="hint" id=state_id>{state}</p>
            <div class="choice-row">
                <label class="choice">
                    <input type="radio" name=name.clone() value="granted" checked=choice.state == ConsentState::Given/>
                    " "{t(lang, "preference-allowed")}
                </label>
                <label class="choice">
                    <input type="radio" name=name value="withdrawn" checked=choice.state == ConsentState::Withdrawn/>
                    " "{t(lang, "preference-withdrawn")}
                </label>
            </div>
        </fieldset>
    }
}
