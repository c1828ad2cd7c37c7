//! Webhooks for admins: each endpoint of their organisations with its
//! state (taking deliveries, failing, nothing sent yet) and its last error;
//! the newest deliveries, any delivered or given-up one of which can be
//! sent again. Never a delivery's body (an opt-out's names the address).

use super::ConsoleError;
use super::STAFF;
use crate::api::console::{webhooks, ReplayWebhook};
use crate::i18n;
use crate::pages::fields::FormError;
use domain::views::console::{
    DeliveryState, DeliveryView, EndpointHealth, EndpointView, OrgWebhooks, WebhooksView,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| webhooks());
    let query = use_query_map();
    let replay = ServerAction::<ReplayWebhook>::new();
    let error = Signal::derive(move || {
        replay
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| i18n::error_message(STAFF, &e))
    });
    view! {
        <Title text="Webhooks – Privacy console"/>
        <h1>"Webhooks"</h1>
        <p>"Your organisations' systems are told of requests, opt-outs and consents as they happen. A delivery the receiver does not accept with a 2xx answer is tried again (after 10 seconds, then doubling up to an hour) for three days, in order per request; then it is given up and listed here until you send it again."</p>
        {move || query.read().get("done").map(|_| view! {
            <div class="notice-box success" role="status">
                <p>"The delivery is on its way again, with the same webhook-id."</p>
            </div>
        })}
        <FormError message=error/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <Organisations view replay/> }.into_any(),
                    Err(error) => view! { <ConsoleError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Organisations(view: WebhooksView, replay: ServerAction<ReplayWebhook>) -> impl IntoView {
    let WebhooksView { orgs, limit } = view;
    if orgs.is_empty() {
        return view! {
            <p class="result-count" role="status">"None of your organisations has a webhook. An operator adds them to the organisation's org.toml ([[webhooks]], see the README)."</p>
        }
        .into_any();
    }
    orgs.into_iter()
        .map(|org| view! { <Organisation org limit replay/> })
        .collect_view()
        .into_any()
}

fn health_label(health: EndpointHealth) -> &'static str {
    match health {
        EndpointHealth::Healthy => "Taking deliveries",
        EndpointHealth::Failing => "Failing",
        EndpointHealth::Idle => "Nothing sent yet",
    }
}

fn state_label(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Waiting => "Waiting to be sent",
        DeliveryState::Retrying => "Not accepted yet: tried again",
        DeliveryState::Delivered => "Delivered",
        DeliveryState::GivenUp => "Given up",
    }
}

fn when(at: &str) -> String {
    at.replace('T', " ").trim_end_matches('Z').to_owned()
}

#[component]
fn Organisation(
    org: OrgWebhooks,
    limit: u32,
    replay: ServerAction<ReplayWebhook>,
) -> impl IntoView {
    let OrgWebhooks {
        org,
        endpoints,
        deliveries,
    } = org;
    let heading_id = format!("webhooks-{org}");
    let labelled_by = heading_id.clone();
    let count = deliveries.len();
    let list = if deliveries.is_empty() {
        view! { <p>"Nothing has been sent yet."</p> }.into_any()
    } else {
        view! {
            <p class="result-count">
                {format!("{count} deliver{}", if count == 1 { "y" } else { "ies" })}
                {(count as u32 >= limit).then(|| format!(" (the newest {limit} shown)"))}
            </p>
            <div class="table-scroll">
                <table class="audit">
                    <caption class="visually-hidden">{format!("Deliveries of {org}, newest first")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Written (UTC)"</th>
                            <th scope="col">"Endpoint"</th>
                            <th scope="col">"Event"</th>
                            <th scope="col">"Request"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Tries"</th>
                            <th scope="col">"Last answer"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {deliveries.into_iter().map(|d| view! { <Delivery org=org.clone() delivery=d replay/> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby=labelled_by>
            <h2 id=heading_id>{org.clone()}</h2>
            <h3>"Endpoints"</h3>
            <ul class="plain-list endpoints">
                {endpoints.into_iter().map(|e| view! { <Endpoint endpoint=e/> }).collect_view()}
            </ul>
            <h3>"Deliveries"</h3>
            {list}
        </section>
    }
}

#[component]
fn Endpoint(endpoint: EndpointView) -> impl IntoView {
    let EndpointView {
        name,
        url,
        events,
        health,
        waiting,
        failed,
        oldest_waiting_at,
        last_delivered_at,
        last_error,
        last_error_at,
    } = endpoint;
    let class = match health {
        EndpointHealth::Failing => "endpoint-state failing",
        _ => "endpoint-state",
    };
    let events = events
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <li class="endpoint">
            <p><strong>{name}</strong>" "<code class="detail">{url}</code></p>
            <p><span class=class>{health_label(health)}</span>
                {(waiting > 0).then(|| format!(" · {waiting} waiting"))}
                {oldest_waiting_at.map(|at| format!(" (the oldest since {})", when(&at)))}
                {(failed > 0).then(|| format!(" · {failed} given up"))}
                {last_delivered_at.map(|at| format!(" · last delivered {} UTC", when(&at)))}
            </p>
            {last_error.map(|error| view! {
                <p>"Last error"{last_error_at.map(|at| format!(" ({} UTC)", when(&at)))}": "<code class="detail">{error}</code></p>
            })}
            <p class="hint">"Events: "{events}</p>
        </li>
    }
}

#[component]
fn Delivery(
    org: String,
    delivery: DeliveryView,
    replay: ServerAction<ReplayWebhook>,
) -> impl IntoView {
    let replayable = delivery.replayable();
    let DeliveryView {
        id,
        message_id,
        endpoint,
        event,
        reference,
        state,
        attempts,
        written_at,
        next_try_at,
        last_status,
        last_error,
        ..
    } = delivery;
    let request = reference.map(|reference| {
        let href = format!("/console/o/{org}/requests/{reference}");
        view! { <a href=href>{reference.to_string()}</a> }
    });
    let answer = match (&last_error, last_status, state) {
        (_, Some(code), DeliveryState::Delivered) => Some(format!("{code}")),
        (Some(error), _, _) => Some(error.clone()),
        _ => None,
    };
    let button = replayable.then(|| {
        view! {
            <ActionForm action=replay attr:class="inline-form">
                <input type="hidden" name="org" value=org.clone()/>
                <input type="hidden" name="delivery" value=id.to_string()/>
                <button type="submit" class="link-button" aria-label=format!("Send {message_id} again")>"Send again"</button>
            </ActionForm>
        }
    });
    view! {
        <tr>
            <td><time datetime=written_at.clone()>{when(&written_at)}</time></td>
            <td>{endpoint}</td>
            <td><code>{event.as_str()}</code></td>
            <td>{request}</td>
            <td>{state_label(state)}{next_try_at.filter(|_| state == DeliveryState::Retrying).map(|at| format!(" at {}", when(&at)))}</td>
            <td>{attempts}</td>
            <td><code class="detail">{answer}</code></td>
            <td>{button}</td>
        </tr>
    }
}
