//! The page behind an invitation link: whom it is for, and the next step.
//! Someone new chooses a password here (and sets up two-factor sign-in
//! next); an existing account signs in and accepts.

use super::account::{password_error, NewPasswordFields};
use super::{ConsoleError, LoginFrame};
use crate::api::console::{invitation, AcceptInvitation, Join};
use crate::pages::fields::FormError;
use domain::views::console::{InvitationStep, InvitationView};
use domain::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = Memo::new(move |_| params.read().get("token").unwrap_or_default());
    let data = Resource::new(move || token.get(), invitation);
    view! {
        <Title text="Invitation – Privacy console"/>
        <LoginFrame>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <Invited view token=token.get_untracked()/> }.into_any(),
                        Err(AppError::LinkInvalid) => view! {
                            <h1>"This invitation is not valid"</h1>
                            <p>"It was used or revoked, or it is more than 72 hours old. Ask the admin who invited you for a new one."</p>
                        }
                        .into_any(),
                        Err(error) => view! { <ConsoleError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </LoginFrame>
    }
}

#[component]
fn Invited(view: InvitationView, token: String) -> impl IntoView {
    let join = ServerAction::<Join>::new();
    let accept = ServerAction::<AcceptInvitation>::new();
    let error = Signal::derive(move || {
        join.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| accept.value().get().and_then(|r| r.err()))
            .map(|e| password_error(&e))
    });
    let InvitationView {
        org_name,
        role,
        email,
        step,
        ..
    } = view;
    let role = match role {
        domain::Role::Admin => "an admin (works requests, manages the team, reads the audit log)",
        domain::Role::Agent => "an agent (works requests)",
    };
    let next = match step {
        InvitationStep::NewAccount => view! {
            <p>"Choose a password for your account, " <strong>{email.clone()}</strong>". Next you set up two-factor sign-in with an authenticator app."</p>
            <ActionForm action=join attr:class="panel">
                <FormError message=error/>
                <input type="hidden" name="token" value=token.clone()/>
                <input type="email" name="username" value=email.clone() autocomplete="username" hidden=true readonly=true/>
                <NewPasswordFields/>
                <button type="submit" class="button">"Create my account"</button>
            </ActionForm>
        }
        .into_any(),
        InvitationStep::SignIn => view! {
            <p>"The address " <strong>{email.clone()}</strong> " already has an account. Sign in with it; your invitation then waits for you in the console."</p>
            <p><a class="button" href="/console/login">"Sign in"</a></p>
        }
        .into_any(),
        InvitationStep::Accept => view! {
            <ActionForm action=accept attr:class="panel">
                <FormError message=error/>
                <input type="hidden" name="token" value=token.clone()/>
                <button type="submit" class="button">"Join the team"</button>
            </ActionForm>
        }
        .into_any(),
        InvitationStep::OtherAccount => view! {
            <p>"You are signed in with another account. Sign out, then open this link again and sign in as " <strong>{email.clone()}</strong>"."</p>
        }
        .into_any(),
    };
    view! {
        <h1>{format!("Join the privacy team of {org_name}")}</h1>
        <p>{format!("You are invited as {role}.")}</p>
        {next}
    }
}
