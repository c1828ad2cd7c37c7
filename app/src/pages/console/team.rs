//! Admins manage their organisation's staff: who is in it, with which role
//! and whether they use two-factor sign-in; invite someone (a link goes to
//! their address: nobody but them chooses their password); revoke an
//! invitation; take a member's role away; reset a member's second factor.

use super::ConsoleError;
use super::STAFF;
use crate::api::console::{team, InviteMember, RemoveMember, ResetTwoFactor, RevokeInvitation};
use crate::i18n;
use crate::pages::fields::FormError;
use domain::views::console::TeamView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Copy)]
struct TeamActions {
    invite: ServerAction<InviteMember>,
    revoke: ServerAction<RevokeInvitation>,
    remove: ServerAction<RemoveMember>,
    reset: ServerAction<ResetTwoFactor>,
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let teams = Resource::new(|| (), |_| team());
    let query = use_query_map();
    let actions = TeamActions {
        invite: ServerAction::new(),
        revoke: ServerAction::new(),
        remove: ServerAction::new(),
        reset: ServerAction::new(),
    };
    let error = Signal::derive(move || {
        actions
            .invite
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| actions.revoke.value().get().and_then(|r| r.err()))
            .or_else(|| actions.remove.value().get().and_then(|r| r.err()))
            .or_else(|| actions.reset.value().get().and_then(|r| r.err()))
            .map(|e| match e.field_errors().first() {
                Some(f)
                    if f.field == "email" && f.code == domain::FieldErrorCode::InvalidChoice =>
                {
                    "That address is already in the team.".into()
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
                <p>{match done.as_str() {
                    "removed" => "The member's role was taken away.",
                    "revoked" => "The invitation was revoked; its link no longer works.",
                    "reset" => "Their two-factor sign-in was reset and their sessions ended. They set it up again when they next sign in.",
                    _ => "The invitation was sent. The role is theirs once they accept it.",
                }}</p>
            </div>
        })}
        <FormError message=error/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match teams.await {
                    Ok(teams) => teams.into_iter().map(|t| view! { <Team team=t actions/> }).collect_view().into_any(),
                    Err(error) => view! { <ConsoleError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Team(team: TeamView, actions: TeamActions) -> impl IntoView {
    let TeamView {
        org,
        name,
        members,
        invitations,
        me,
    } = team;
    let heading_id = format!("team-{org}");
    let labelled_by = heading_id.clone();
    let [email_id, role_id] = ["email", "role"].map(|f| format!("{f}-{org}"));
    let TeamActions {
        invite,
        revoke,
        remove,
        reset,
    } = actions;
    let pending = (!invitations.is_empty()).then(|| {
        let org = org.clone();
        view! {
            <h3>"Invited, not yet joined"</h3>
            <ul class="plain-list">
                {invitations.into_iter().map(|i| {
                    let org = org.clone();
                    view! {
                        <li>
                            {format!("{} ({}), until {}", i.email, i.role.as_str(), i18n::long_date(STAFF, &i.expires_at))}
                            " "
                            <ActionForm action=revoke attr:class="inline-form">
                                <input type="hidden" name="org" value=org/>
                                <input type="hidden" name="invitation" value=i.id.to_string()/>
                                <button type="submit" class="link-button">{format!("Revoke the invitation of {}", i.email)}</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    });
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
                            let (org, org2) = (org.clone(), org.clone());
                            let (id, id2) = (m.id.to_string(), m.id.to_string());
                            let (remove_label, reset_label) =
                                (format!("Remove {}", m.email), format!("Reset two-factor of {}", m.email));
                            view! {
                                <tr>
                                    <td>{m.email.clone()}</td>
                                    <td>{m.role.as_str()}</td>
                                    <td>{if m.two_factor { "On" } else { "Off" }}</td>
                                    <td>
                                        {(m.id != me).then(|| view! {
                                            <ActionForm action=remove attr:class="inline-form">
                                                <input type="hidden" name="org" value=org/>
                                                <input type="hidden" name="staff_id" value=id/>
                                                <button type="submit" class="link-button">{remove_label}</button>
                                            </ActionForm>
                                        })}
                                        {m.may_reset_two_factor.then(|| view! {
                                            <ActionForm action=reset attr:class="inline-form">
                                                <input type="hidden" name="org" value=org2/>
                                                <input type="hidden" name="staff_id" value=id2/>
                                                <button type="submit" class="link-button">{reset_label}</button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {pending}
            <h3>"Invite someone"</h3>
            <ActionForm action=invite attr:class="filters">
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
                <button type="submit" class="button secondary">"Send invitation"</button>
            </ActionForm>
            <p class="hint">"We mail them a link that works for 72 hours. Someone new chooses their own password and sets up two-factor sign-in; an existing account accepts after signing in. The role grants nothing until then."</p>
        </section>
    }
}
