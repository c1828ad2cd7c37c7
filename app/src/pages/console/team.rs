//! Admins manage their organisation's staff: who is in it, with which role
//! and whether they use two-factor sign-in; add a member; take a member's
//! role away.

use super::ConsoleError;
use super::STAFF;
use crate::api::console::types::TeamView;
use crate::api::console::{team, AddMember, RemoveMember};
use crate::i18n;
use crate::pages::fields::FormError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TeamPage() -> impl IntoView {
    let teams = Resource::new(|| (), |_| team());
    let query = use_query_map();
    let add = ServerAction::<AddMember>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let error = Signal::derive(move || {
        add.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| remove.value().get().and_then(|r| r.err()))
            .map(|e| match e.field_errors().first() {
                Some(f) if f.field == "password" => {
                    "A new account needs an initial password of 12 to 128 characters.".into()
                }
                Some(f) if f.field == "member" => "You cannot remove yourself.".into(),
                Some(f) => format!("{} ({})", i18n::field_error(STAFF, f.code), f.field),
                None => i18n::error_message(STAFF, &e),
            })
    });
    view! {
        <Title text="Team – Privacy console"/>
        <h1>"Team"</h1>
        {move || query.read().get("done").map(|done| view! {
            <div class="notice-box success" role="status">
                <p>{if done == "removed" { "The member's role was taken away." } else { "The member was added." }}</p>
            </div>
        })}
        <FormError message=error/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match teams.await {
                    Ok(teams) => teams.into_iter().map(|t| view! { <Team team=t add remove/> }).collect_view().into_any(),
                    Err(error) => view! { <ConsoleError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Team(
    team: TeamView,
    add: ServerAction<AddMember>,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    let TeamView {
        org,
        name,
        members,
        me,
    } = team;
    let heading_id = format!("team-{org}");
    let labelled_by = heading_id.clone();
    let [email_id, role_id, password_id] =
        ["email", "role", "password"].map(|f| format!("{f}-{org}"));
    view! {
        <section class="panel" aria-labelledby=labelled_by>
            <h2 id=heading_id>{name}</h2>
            <div class="table-scroll">
                <table class="queue">
                    <thead>
                        <tr><th scope="col">"E-mail"</th><th scope="col">"Role"</th><th scope="col">"Two-factor"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr>
                    </thead>
                    <tbody>
                        {members.into_iter().map(|m| {
                            let org = org.clone();
                            view! {
                                <tr>
                                    <td>{m.email.clone()}</td>
                                    <td>{m.role.as_str()}</td>
                                    <td>{if m.two_factor { "On" } else { "Off" }}</td>
                                    <td>
                                        {(m.id != me).then(|| view! {
                                            <ActionForm action=remove attr:class="inline-form">
                                                <input type="hidden" name="org" value=org/>
                                                <input type="hidden" name="staff_id" value=m.id.to_string()/>
                                                <button type="submit" class="link-button">{format!("Remove {}", m.email)}</button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <ActionForm action=add attr:class="filters">
                <input type="hidden" name="org" value=org.clone()/>
                <div class="field">
                    <label for=email_id.clone()>"E-mail address"</label>
                    <input id=email_id name="email" type="email" required=true/>
                </div>
                <div class="field">
                    <label for=role_id.clone()>"Role"</label>
                    <select id=role_id name="role">
                        <option value="agent">"Agent: works requests"</option>
                        <option value="admin">"Admin: also manages the team and reads the audit log"</option>
                    </select>
                </div>
                <div class="field">
                    <label for=password_id.clone()>"Initial password (new accounts only)"</label>
                    <input id=password_id name="password" type="password" autocomplete="new-password" minlength="12"/>
                </div>
                <button type="submit" class="button secondary">"Add member"</button>
            </ActionForm>
            <p class="hint">"Tell a new member their initial password yourself. Where the organisation requires it, they set up two-factor sign-in when they first sign in."</p>
        </section>
    }
}
