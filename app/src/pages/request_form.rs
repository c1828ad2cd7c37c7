//! Choosing a right and filling in the form for it. The form is a plain HTML
//! form posting to the `submit_request` server function: it works before the
//! WebAssembly arrives and without JavaScript; once hydrated it submits in
//! place and checks the e-mail address as you leave the field.

use super::fields::{field_error, last_error, ErrorText, FormError, TextArea};
use super::{layout::ErrorPage, use_base, use_org};
use crate::api::SubmitRequest;
use crate::i18n::{self, t, t1, use_language, FormStrings};
use domain::{AppError, Email, Field, Language, RequestKind};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn KindChooser() -> impl IntoView {
    let base = use_base();
    let lang = use_language();
    view! {
        <Title text=t(lang, "nav-new")/>
        <h1>{t(lang, "chooser-title")}</h1>
        <p class="lead">{t(lang, "chooser-lead")}</p>
        <ul class="kind-list">
            {RequestKind::ALL
                .into_iter()
                .map(|kind| {
                    view! {
                        <li>
                            <a class="kind-card" href=move || format!("{}/new/{}", base.get(), kind.as_str())>
                                <span class="kind-title">{i18n::kind_label(lang, kind)}</span>
                                <span class="kind-summary">{i18n::kind_summary(lang, kind)}</span>
                                {kind.article().map(|a| view! { <span class="kind-article">{t1(lang, "gdpr-article", "article", a)}</span> })}
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
pub fn RequestFormPage() -> impl IntoView {
    let org = use_org();
    let lang = use_language();
    let params = use_params_map();
    let kind = move || {
        params
            .read()
            .get("kind")
            .and_then(|k| k.parse::<RequestKind>().ok())
    };
    move || match kind() {
        Some(kind) => view! {
            <Title text=i18n::kind_label(lang, kind)/>
            <h1>{i18n::kind_label(lang, kind)}</h1>
            <p class="lead">{i18n::kind_summary(lang, kind)}</p>
            <RequestForm org=org.get() kind language=lang strings=FormStrings::new(lang, kind)/>
        }
        .into_any(),
        None => view! { <ErrorPage error=AppError::NotFound/> }.into_any(),
    }
}

/// The form, as an island: hydrated in the browser to submit in place, check
/// the address on leaving the field and count characters.
#[island]
fn RequestForm(
    org: String,
    kind: RequestKind,
    language: Language,
    strings: FormStrings,
) -> impl IntoView {
    // Effects run only in the browser, once hydrated: the marker lets tests
    // know the form is interactive.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    let submit = ServerAction::<SubmitRequest>::new();
    let result = last_error(submit.value());
    // Instant feedback from the same parser the server uses; the server
    // still checks everything.
    let (email_hint, set_email_hint) = signal(None::<String>);
    let strings = StoredValue::new(strings);
    let email_error = {
        let server = field_error(result, "email", strings);
        Signal::derive(move || email_hint.get().or_else(|| server.get()))
    };
    let form_error =
        Signal::derive(move || result.get().map(|e| strings.with_value(|s| s.error(&e))));
    view! {
        <ActionForm action=submit attr:class="request-form" attr:novalidate=true>
            <input type="hidden" name="org" value=org/>
            <input type="hidden" name="kind" value=kind.as_str()/>
            <FormError message=form_error/>
            <div class="field">
                <label for="email">{strings.with_value(|s| s.email_label())}</label>
                <p class="hint" id="email-hint">{strings.with_value(|s| s.email_hint())}</p>
                <input
                    id="email"
                    name="email"
                    type="email"
                    autocomplete="email"
                    required=true
                    aria-invalid=move || email_error.get().is_some().then_some("true")
                    aria-describedby="email-hint email-error"
                    on:change=move |ev| {
                        set_email_hint.set(
                            Email::parse(&event_target_value(&ev))
                                .err()
                                .map(|code| strings.with_value(|s| s.field_error(code))),
                        )
                    }
                />
                <ErrorText id="email-error".to_string() error=email_error/>
            </div>
            {kind
                .fields()
                .iter()
                .enumerate()
                .map(|(i, (field, required))| field_input(*field, *required, i, result, strings))
                .collect_view()}
            <div class="field">
                <label for="language">{strings.with_value(|s| s.language_label())}</label>
                <select id="language" name="language">
                    {Language::ALL
                        .into_iter()
                        .map(|l| view! { <option value=l.code() selected={l == language}>{l.native_name()}</option> })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class="button" disabled=move || submit.pending().get()>
                {move || strings.with_value(|s| if submit.pending().get() { s.sending() } else { s.send() })}
            </button>
        </ActionForm>
    }
}

// `Either` rather than `AnyView`: the type-erased view pulls a large amount
// of generic machinery into the island's WebAssembly.
fn field_input(
    field: Field,
    required: bool,
    index: usize,
    result: Signal<Option<AppError>>,
    strings: StoredValue<FormStrings>,
) -> impl IntoView {
    use leptos::either::Either;
    let name = field.name();
    let error = field_error(result, name, strings);
    let label = strings.with_value(|s| s.field_label(index));
    match field {
        Field::ErasureScope => Either::Left(view! {
            <fieldset class="field" aria-describedby="erasure_scope-error">
                <legend>{label}</legend>
                <label class="choice">
                    <input type="radio" name=name value="all" checked=true/>
                    " "{strings.with_value(|s| s.erasure_all())}
                </label>
                <label class="choice">
                    <input type="radio" name=name value="specific"/>
                    " "{strings.with_value(|s| s.erasure_specific())}
                </label>
                <ErrorText id="erasure_scope-error".to_string() error/>
            </fieldset>
        }),
        _ => Either::Right(view! {
            <TextArea name label required error characters=strings.with_value(|s| s.characters())/>
        }),
    }
}
