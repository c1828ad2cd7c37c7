//! The console's chrome: who is signed in, the navigation (the audit log for
//! admins only) and sign-out. Pages below it load their own data.

use super::ConsoleError;
use crate::api::console::{staff_me, AcceptInvitation, StaffLogout};
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let me = Resource::new(|| (), |_| staff_me());
    let logout = ServerAction::<StaffLogout>::new();
    let accept = ServerAction::<AcceptInvitation>::new();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(me) => {
                        let admin = me.is_admin();
                        let must_enrol = !me.must_enrol_for.is_empty();
                        let reset = me.must_enrol;
                        let invitations = me.invitations.clone();
                        view! {
                            <header class="site-header console-header">
                                <div class="wrap wide header-row">
                                    <a class="brand" href="/console">"Privacy console"</a>
                                    <nav aria-label="Console">
                                        <ul class="nav-list">
                                            <li><A href="/console" exact=true>"Queue"</A></li>
                                            <li><A href="/console/new-request">"Enter a request"</A></li>
                                            {admin.then(|| view! {
                                                <li><A href="/console/team">"Team"</A></li>
                                                <li><A href="/console/audit">"Audit log"</A></li>
                                                <li><A href="/console/mail">"Outgoing mail"</A></li>
                                                <li><A href="/console/webhooks">"Webhooks"</A></li>
                                                <li><A href="/console/figures">"Figures"</A></li>
                                                <li><A href="/console/api-tokens">"API tokens"</A></li>
                                            })}
                                            {(!me.two_factor).then(|| view! { <li><A href="/console/enrol">"Two-factor sign-in"</A></li> })}
                                            <li><A href="/console/account">"Account"</A></li>
                                        </ul>
                                    </nav>
                                    <div class="who">
                                        <span class="who-email">{me.email.clone()}</span>
                                        <ActionForm action=logout attr:class="inline-form">
                                            <button type="submit" class="link-button">"Sign out"</button>
                                        </ActionForm>
                                    </div>
                                </div>
                            </header>
                            <main id="main" class="wrap wide" tabindex="-1">
                                {must_enrol.then(|| view! {
                                    <div class="notice-box warning" role="status">
                                        <p>
                                            {if reset {
                                                "Your account needs two-factor sign-in. Requests stay hidden until you "
                                            } else {
                                                "Your organisation requires two-factor sign-in. Its requests stay hidden until you "
                                            }}
                                            <a href="/console/enrol">"set up an authenticator app"</a>"."
                                        </p>
                                    </div>
                                })}
                                {invitations.into_iter().map(|invitation| view! {
                                    <div class="notice-box" role="status">
                                        <p>{format!("You are invited to the privacy team of {} as {}.", invitation.org_name, invitation.role.as_str())}</p>
                                        <ActionForm action=accept attr:class="inline-form">
                                            <input type="hidden" name="invitation" value=invitation.id.to_string()/>
                                            <button type="submit" class="button secondary">{format!("Join {}", invitation.org_name)}</button>
                                        </ActionForm>
                                    </div>
                                }).collect_view()}
                                <Outlet/>
                            </main>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <main id="main" class="wrap" tabindex="-1"><ConsoleError error/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}
