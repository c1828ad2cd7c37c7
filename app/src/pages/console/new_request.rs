//! "Enter a request": for a request that reached the organisation by post,
//! phone, e-mail or in person. First the kind (a plain GET form, so the
//! next step shows that kind's own fields without JavaScript), then the
//! channel, the day it arrived, the subject's address and language, and
//! the kind's details. The subject gets the usual code mail.

use super::{ConsoleError, STAFF};
use crate::api::console::{intake, EnterRequest};
use crate::i18n;
use crate::pages::fields::FormError;
use domain::i18n::FormStrings;
use domain::views::console::IntakeView;
use domain::{Channel, Field, Language, RequestKind};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NewRequestPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| intake());
    let query = use_query_map();
    let kind = move || {
        query
            .read()
            .get("kind")
            .and_then(|k| k.parse::<RequestKind>().ok())
    };
    let entered = move || query.read().get("entered");
    let enter = ServerAction::<EnterRequest>::new();
    let error = Signal::derive(move || {
        enter
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| match e.field_errors().first() {
                Some(f) if f.field == "arrived_on" => {
                    "Give the day it arrived: today or earlier, within the last year.".into()
                }
                Some(f) => format!("{} ({})", i18n::field_error(STAFF, f.code), f.field),
                None => i18n::error_message(STAFF, &e),
            })
    });
    view! {
        <Title text="Enter a request – Privacy console"/>
        <h1>"Enter a request"</h1>
        <p>"For a request that reached you by post, by phone, by e-mail or in person. The subject is sent the usual mail with a code to confirm their address; the deadline runs from the day the request arrived."</p>
        {move || entered().map(|reference| view! {
            <div class="notice-box success" role="status">
                <p>{format!("Request {reference} was entered. The subject has been sent a code; the request joins the queue once they confirm their address.")}</p>
            </div>
        })}
        <form method="get" action="/console/new-request" class="filters">
            <div class="field">
                <label for="kind">"Kind of request"</label>
                <select id="kind" name="kind">
                    {move || RequestKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=kind() == Some(k)>{k.staff_name()}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button secondary">"Continue"</button>
        </form>
        <FormError message=error/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match (data.await, kind()) {
                    (Ok(view), Some(kind)) => view! { <IntakeForm view kind enter/> }.into_any(),
                    (Ok(_), None) => ().into_any(),
                    (Err(error), _) => view! { <ConsoleError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn IntakeForm(
    view: IntakeView,
    kind: RequestKind,
    enter: ServerAction<EnterRequest>,
) -> impl IntoView {
    let IntakeView { orgs, today } = view;
    if orgs.is_empty() {
        return view! { <p>"You are in no organisation's team yet."</p> }.into_any();
    }
    let strings = FormStrings::new(STAFF, kind);
    let fields = kind.fields().iter().enumerate().map(|(i, (field, required))| {
        let name = field.name();
        let label = strings.field_label(i);
        match field {
            Field::ErasureScope => view! {
                <fieldset class="field">
                    <legend>{label}</legend>
                    <label class="choice"><input type="radio" name=name value="all" checked=true/>" "{strings.erasure_all()}</label>
                    <label class="choice"><input type="radio" name=name value="specific"/>" "{strings.erasure_specific()}</label>
                </fieldset>
            }
            .into_any(),
            _ => view! {
                <div class="field">
                    <label for=name>{label}</label>
                    <textarea id=name name=name rows="4" required=*required maxlength=domain::MAX_DETAIL_CHARS.to_string()></textarea>
                </div>
            }
            .into_any(),
        }
    }).collect_view();
    view! {
        <section class="panel" aria-labelledby="intake-heading">
            <h2 id="intake-heading">{kind.staff_name()}</h2>
            <ActionForm action=enter>
                <input type="hidden" name="kind" value=kind.as_str()/>
                <div class="field">
                    <label for="org">"Organisation"</label>
                    <select id="org" name="org">
                        {orgs.into_iter().map(|o| view! { <option value=o.slug>{o.name}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="channel">"How it arrived"</label>
                    <select id="channel" name="channel">
                        {Channel::ALL.into_iter().map(|c| view! { <option value=c.as_str()>{c.staff_name()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="arrived_on">"The day it arrived"</label>
                    <p class="hint" id="arrived-hint">"The deadline runs from this day (GDPR Art. 12(3))."</p>
                    <input id="arrived_on" name="arrived_on" type="date" required=true max=today.clone() value=today aria-describedby="arrived-hint"/>
                </div>
                <div class="field">
                    <label for="email">"The subject's e-mail address"</label>
                    <p class="hint" id="email-hint">"They are sent a code to confirm it, as if they had asked in the portal."</p>
                    <input id="email" name="email" type="email" required=true autocomplete="off" aria-describedby="email-hint"/>
                </div>
                <div class="field">
                    <label for="language">"The subject's language"</label>
                    <select id="language" name="language">
                        {Language::ALL.into_iter().map(|l| view! { <option value=l.code()>{l.native_name()}</option> }).collect_view()}
                    </select>
                </div>
                {fields}
                <button type="submit" class="button">"Enter the request"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}
