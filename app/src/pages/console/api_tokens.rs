//! API tokens for admins: what their organisations' integrations (a CRM, a
//! ticketing or mailing system) use to work the queue and read the
//! opt-outs and consents. A new token is shown once, on the page its form
//! leads to; the server keeps only its hash. Each can be revoked at once.
//! Also the opt-out list and the consent receipts as CSV.

use super::ConsoleError;
use super::STAFF;
use crate::api::console::{api_tokens, fresh_api_token, CreateApiToken, RevokeApiToken};
use crate::i18n;
use crate::pages::fields::FormError;
use domain::views::console::{ApiTokenState, ApiTokenView, ApiTokensView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Copy)]
struct TokenActions {
    create: ServerAction<CreateApiToken>,
    revoke: ServerAction<RevokeApiToken>,
}

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(|| (), |_| api_tokens());
    // Asked for only after a token was made: reading it clears it.
    let created = Memo::new(move |_| query.read().get("created"));
    let fresh = Resource::new(
        move || created.get(),
        |created| async move {
            match created {
                Some(_) => fresh_api_token().await.ok().flatten(),
                None => None,
            }
        },
    );
    let actions = TokenActions {
        create: ServerAction::new(),
        revoke: ServerAction::new(),
    };
    let error = Signal::derive(move || {
        actions
            .create
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| actions.revoke.value().get().and_then(|r| r.err()))
            .map(|e| match e.field_errors().first() {
                Some(f) if f.field == "name" && f.code == domain::FieldErrorCode::InvalidChoice => {
                    "A live token of that organisation already has that name.".into()
                }
                Some(f) => format!("{} ({})", i18n::field_error(STAFF, f.code), f.field),
                None => i18n::error_message(STAFF, &e),
            })
    });
    view! {
        <Title text="API tokens – Privacy console"/>
        <h1>"API tokens"</h1>
        <p>"Your organisations' own systems (a CRM, a ticketing or mailing system) work the queue and read the opt-outs and consents through the API with a token (see /api/v1/openapi.json). A token has a role like a member's and an expiry; everything it does is in the audit log as token:<id>."</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                fresh.await.map(|token| view! {
                    <div class="notice-box success" role="status">
                        <p><strong>"Your new token. Copy it now: it is not shown again."</strong></p>
                        <p><code class="secret" data-testid="new-token">{token}</code></p>
                        <p class="hint">"Send it as Authorization: Bearer <token>. If it is lost, revoke it and make another."</p>
                    </div>
                })
            })}
        </Suspense>
        {move || query.read().get("done").map(|_| view! {
            <div class="notice-box success" role="status">
                <p>"The token was revoked: it no longer works."</p>
            </div>
        })}
        <FormError message=error/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <Tokens view actions/> }.into_any(),
                    Err(error) => view! { <ConsoleError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn when(at: &str) -> String {
    at.replace('T', " ").trim_end_matches('Z').to_owned()
}

fn state_label(state: ApiTokenState) -> &'static str {
    match state {
        ApiTokenState::Live => "Live",
        ApiTokenState::Expired => "Expired",
        ApiTokenState::Revoked => "Revoked",
    }
}

#[component]
fn Tokens(view: ApiTokensView, actions: TokenActions) -> impl IntoView {
    let ApiTokensView {
        orgs,
        tokens,
        max_days,
    } = view;
    orgs.into_iter()
        .map(|org| {
            let mine: Vec<ApiTokenView> = tokens.iter().filter(|t| t.org == org).cloned().collect();
            view! { <Organisation org tokens=mine max_days actions/> }
        })
        .collect_view()
}

#[component]
fn Organisation(
    org: String,
    tokens: Vec<ApiTokenView>,
    max_days: u32,
    actions: TokenActions,
) -> impl IntoView {
    let heading_id = format!("tokens-{org}");
    let labelled_by = heading_id.clone();
    let (name_id, role_id, days_id) = (
        format!("token-name-{org}"),
        format!("token-role-{org}"),
        format!("token-days-{org}"),
    );
    let revoke = actions.revoke;
    let (opt_outs_csv, consents_csv) = (
        format!("/console/o/{org}/opt-outs.csv"),
        format!("/console/o/{org}/consents.csv"),
    );
    let feed_hint = format!("They carry addresses; each download is in the audit log. An integration with an admin token reads the same as a feed of changes: GET /api/v1/orgs/{org}/opt-outs and /consents.");
    let list = if tokens.is_empty() {
        view! { <p>"No tokens yet."</p> }.into_any()
    } else {
        view! {
            <div class="table-scroll">
                <table class="queue">
                    <caption class="visually-hidden">{format!("API tokens of {org}")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Made (UTC)"</th>
                            <th scope="col">"Expires (UTC)"</th>
                            <th scope="col">"Last used (UTC)"</th>
                            <th scope="col">"Calls"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {tokens.into_iter().map(|t| {
                            let org = org.clone();
                            let label = format!("Revoke {}", t.name);
                            let made = match &t.created_by {
                                Some(by) => format!("{} by {by}", when(&t.created_at)),
                                None => when(&t.created_at),
                            };
                            view! {
                                <tr>
                                    <td>{t.name.clone()}" "<span class="hint">{format!("token:{}", t.id)}</span></td>
                                    <td>{t.role.as_str()}</td>
                                    <td>{state_label(t.state)}</td>
                                    <td>{made}</td>
                                    <td>{when(&t.expires_at)}</td>
                                    <td>{t.last_used_at.as_deref().map(when).unwrap_or_else(|| "never".into())}</td>
                                    <td>{t.uses}</td>
                                    <td>
                                        {(t.state == ApiTokenState::Live).then(|| view! {
                                            <ActionForm action=revoke attr:class="inline-form">
                                                <input type="hidden" name="org" value=org/>
                                                <input type="hidden" name="token" value=t.id.to_string()/>
                                                <button type="submit" class="link-button">{label}</button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby=labelled_by>
            <h2 id=heading_id>{org.clone()}</h2>
            {list}
            <h3>"Make a token"</h3>
            <ActionForm action=actions.create attr:class="filters">
                <input type="hidden" name="org" value=org.clone()/>
                <div class="field">
                    <label for=name_id.clone()>"Name (what uses it)"</label>
                    <input id=name_id name="name" type="text" maxlength="60" required=true/>
                </div>
                <div class="field">
                    <label for=role_id.clone()>"Role"</label>
                    <select id=role_id name="role">
                        <option value="agent">"Agent: works requests"</option>
                        <option value="admin">"Admin: also reads the opt-outs and consents"</option>
                    </select>
                </div>
                <div class="field">
                    <label for=days_id.clone()>"Expires after"</label>
                    <select id=days_id name="days">
                        <option value="30">"30 days"</option>
                        <option value="90" selected=true>"90 days"</option>
                        <option value=max_days.to_string()>{format!("{max_days} days")}</option>
                    </select>
                </div>
                <button type="submit" class="button secondary">"Make token"</button>
            </ActionForm>
            <h3>"Opt-outs and consents"</h3>
            <ul>
                <li><a href=opt_outs_csv download="">"The opt-out list (CSV)"</a></li>
                <li><a href=consents_csv download="">"The consent receipts (CSV)"</a></li>
            </ul>
            <p class="hint">{feed_hint}</p>
        </section>
    }
}
