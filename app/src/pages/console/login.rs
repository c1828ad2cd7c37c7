//! Signing in (password, then the authenticator code or a recovery code) and
//! setting up two-factor sign-in. Plain forms: each posts to its server
//! function, which answers with a redirect (or the error, shown here).

use super::ConsoleError;
use super::STAFF;
use crate::api::console::{
    enrolment, recovery_codes, ConfirmEnrolment, NewRecoveryCodes, StaffLogin, StaffSecondFactor,
};
use crate::i18n;
use crate::pages::fields::FormError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub(crate) fn LoginFrame(children: Children) -> impl IntoView {
    view! {
        <header class="site-header console-header">
            <div class="wrap header-row"><span class="brand">"Privacy console"</span></div>
        </header>
        <main id="main" class="wrap narrow" tabindex="-1">{children()}</main>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<StaffLogin>::new();
    let query = leptos_router::hooks::use_query_map();
    let error = Signal::derive(move || {
        login
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| i18n::error_message(STAFF, &e))
    });
    view! {
        <Title text="Sign in – Privacy console"/>
        <LoginFrame>
            <h1>"Sign in"</h1>
            {move || (query.read().get("done").as_deref() == Some("reset")).then(|| view! {
                <div class="notice-box success" role="status">
                    <p>"Your password was changed. Sign in with it."</p>
                </div>
            })}
            <p>"For the privacy team. Data subjects make and follow their requests on their organisation's portal."</p>
            <ActionForm action=login attr:class="panel">
                <FormError message=error/>
                <div class="field">
                    <label for="email">"E-mail address"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required=true/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required=true/>
                </div>
                <button type="submit" class="button">"Sign in"</button>
            </ActionForm>
            <p><a href="/console/login/forgot">"Forgot your password?"</a></p>
        </LoginFrame>
    }
}

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let step = ServerAction::<StaffSecondFactor>::new();
    let error = Signal::derive(move || {
        step.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| i18n::error_message(STAFF, &e))
    });
    view! {
        <Title text="Authenticator code – Privacy console"/>
        <LoginFrame>
            <h1>"Authenticator code"</h1>
            <p>"Enter the six-digit code from your authenticator app, or one of your recovery codes."</p>
            <ActionForm action=step attr:class="panel">
                <FormError message=error/>
                <div class="field">
                    <label for="totp">"Code"</label>
                    <input id="totp" name="code" inputmode="numeric" autocomplete="one-time-code" required=true/>
                </div>
                <button type="submit" class="button">"Continue"</button>
            </ActionForm>
            <p><a href="/console/login">"Start again"</a></p>
        </LoginFrame>
    }
}

#[component]
pub fn EnrolPage() -> impl IntoView {
    let secret = Resource::new(|| (), |_| enrolment());
    let confirm = ServerAction::<ConfirmEnrolment>::new();
    let error = Signal::derive(move || {
        confirm
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| match e.field_errors().first() {
                Some(f) if f.field == "code" => {
                    "That code is not right. Check the app and try again.".into()
                }
                _ => super::account::password_error(&e),
            })
    });
    view! {
        <Title text="Two-factor sign-in – Privacy console"/>
        <h1>"Set up two-factor sign-in"</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match secret.await {
                    Ok(secret) => view! {
                        {secret.replacing.then(|| view! {
                            <div class="notice-box" role="status">
                                <p>"This replaces the authenticator you use now. The old one keeps working until you confirm the new one below."</p>
                            </div>
                        })}
                        <ol class="steps">
                            <li>
                                <p>"Scan this code with an authenticator app (such as Aegis, FreeOTP or Google Authenticator)."</p>
                                <figure class="qr" role="img" aria-label="QR code with your authenticator secret" inner_html=secret.qr_svg></figure>
                                <p>"Cannot scan? Enter this key instead:"</p>
                                <p><code class="secret" data-secret=secret.secret.clone()>{secret.secret.clone()}</code></p>
                            </li>
                            <li>
                                <p>"Enter the six-digit code the app shows, and your password."</p>
                                <ActionForm action=confirm attr:class="panel">
                                    <FormError message=error/>
                                    <div class="field">
                                        <label for="enrol-code">"Code from the app"</label>
                                        <input id="enrol-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required=true/>
                                    </div>
                                    <div class="field">
                                        <label for="enrol-password">"Your password"</label>
                                        <input id="enrol-password" name="password" type="password" autocomplete="current-password" required=true/>
                                    </div>
                                    <button type="submit" class="button">"Turn on two-factor sign-in"</button>
                                </ActionForm>
                            </li>
                        </ol>
                    }
                    .into_any(),
                    Err(error) => view! { <ConsoleError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A fresh set of recovery codes, shown for ten minutes after it was made;
/// after that, a button makes a new set (voiding the old one).
#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let codes = Resource::new(|| (), |_| recovery_codes());
    let renew = ServerAction::<NewRecoveryCodes>::new();
    let error = Signal::derive(move || {
        renew
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| super::account::password_error(&e))
    });
    view! {
        <Title text="Recovery codes – Privacy console"/>
        <h1>"Your recovery codes"</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match codes.await {
                    Ok(Some(codes)) => view! {
                        <div class="notice-box" role="status">
                            <p>"Two-factor sign-in is on. Keep these codes somewhere safe: each one signs you in once if you lose your phone. They are shown only for a few minutes, and any earlier codes no longer work."</p>
                        </div>
                        <ul class="recovery-codes">
                            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                        </ul>
                        <p><a class="button" href="/console">"Go to the queue"</a></p>
                    }
                    .into_any(),
                    Ok(None) => view! {
                        <p>"Your codes were shown when they were made. If you have lost them, make a new set: the old codes stop working."</p>
                        <ActionForm action=renew attr:class="panel">
                            <FormError message=error/>
                            <div class="field">
                                <label for="renew-password">"Your password"</label>
                                <input id="renew-password" name="password" type="password" autocomplete="current-password" required=true/>
                            </div>
                            <button type="submit" class="button secondary">"Make new recovery codes"</button>
                        </ActionForm>
                    }
                    .into_any(),
                    Err(error) => view! { <ConsoleError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
