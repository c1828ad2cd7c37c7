//! Form fields that tie their label, hint and error together for assistive
//! technology (`aria-describedby`, `aria-invalid`), and a live region that
//! announces the form-level error.

use crate::i18n::FormStrings;
use domain::{AppError, MAX_DETAIL_CHARS};
use leptos::prelude::*;

/// The error of the last submission, if it failed.
pub fn last_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// The message for one field, from the last submission's error.
pub fn field_error(
    error: Signal<Option<AppError>>,
    field: &'static str,
    strings: StoredValue<FormStrings>,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.field_error(field))
            .map(|code| strings.with_value(|s| s.field_error(code)))
    })
}

/// The form-level message, announced politely when it changes.
#[component]
pub fn FormError(message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="form-error" role="alert" aria-live="assertive">
            {move || message.get().map(|m| view! { <p>{m}</p> })}
        </div>
    }
}

#[component]
pub fn ErrorText(id: String, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="field-error" id=id>
            {move || error.get()}
        </p>
    }
}

/// A free-text answer with a live character count. The count only moves once
/// the page is hydrated; the end-to-end test uses it to prove hydration.
#[component]
pub fn TextArea(
    name: &'static str,
    label: String,
    required: bool,
    error: Signal<Option<String>>,
    /// The word after the count, in the reader's language.
    characters: String,
) -> impl IntoView {
    let (count, set_count) = signal(0usize);
    let error_id = format!("{name}-error");
    let count_id = format!("{name}-count");
    let described = format!("{count_id} {error_id}");
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <textarea
                id=name
                name=name
                rows="5"
                required=required
                maxlength=MAX_DETAIL_CHARS.to_string()
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described
                on:input=move |ev| set_count.set(event_target_value(&ev).chars().count())
            ></textarea>
            <p class="hint counter" id=count_id>
                {move || format!("{} / {} {characters}", count.get(), MAX_DETAIL_CHARS)}
            </p>
            <ErrorText id=error_id error/>
        </div>
    }
}
