//! A member's own account: changing the password (the current one first),
//! replacing the authenticator, new recovery codes; and, signed out,
//! "forgot your password" and the page behind a reset link. Plain forms.

use super::{ConsoleError, LoginFrame, STAFF};
use crate::api::console::{
    digest_time, mail_settings, reset_link, ChangePassword, ForgotPassword, ResetPassword,
    SaveDigestTime, SaveMailSettings,
};
use crate::i18n;
use crate::pages::fields::FormError;
use domain::views::console::{DigestTimeView, OrgMailSettings};
use domain::AppError;
use domain::StaffNews;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The console's words for a refused password form.
pub(super) fn password_error(error: &AppError) -> String {
    match error.field_errors().first() {
        Some(f) if f.field == "password" => "Your current password is not right.".into(),
        Some(f) if f.field == "new_password" => "Choose a password of 12 to 128 characters.".into(),
        Some(f) if f.field == "repeat" => "The two new passwords are not the same.".into(),
        _ => i18n::error_message(STAFF, error),
    }
}

/// New password, twice, with the browser's password manager in mind.
#[component]
pub(super) fn NewPasswordFields() -> impl IntoView {
    view! {
        <div class="field">
            <label for="new-password">"New password"</label>
            <p class="hint" id="new-password-hint">"12 to 128 characters. A long passphrase is best."</p>
            <input id="new-password" name="new_password" type="password" autocomplete="new-password"
                minlength="12" maxlength="128" required=true aria-describedby="new-password-hint"/>
        </div>
        <div class="field">
            <label for="repeat-password">"New password again"</label>
            <input id="repeat-password" name="repeat" type="password" autocomplete="new-password" required=true/>
        </div>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let query = use_query_map();
    let error = Signal::derive(move || {
        change
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| password_error(&e))
    });
    view! {
        <Title text="Your account – Privacy console"/>
        <h1>"Your account"</h1>
        {move || (query.read().get("done").as_deref() == Some("password")).then(|| view! {
            <div class="notice-box success" role="status">
                <p>"Your password was changed. Your other sessions were signed out."</p>
            </div>
        })}
        {move || (query.read().get("done").as_deref() == Some("mail")).then(|| view! {
            <div class="notice-box success" role="status">
                <p>"Your mail settings were saved."</p>
            </div>
        })}
        {move || (query.read().get("done").as_deref() == Some("digest")).then(|| view! {
            <div class="notice-box success" role="status">
                <p>"Your digest's time was saved."</p>
            </div>
        })}
        <section class="panel" aria-labelledby="password-heading">
            <h2 id="password-heading">"Change your password"</h2>
            <ActionForm action=change>
                <FormError message=error/>
                <div class="field">
                    <label for="current-password">"Current password"</label>
                    <input id="current-password" name="password" type="password" autocomplete="current-password" required=true/>
                </div>
                <NewPasswordFields/>
                <button type="submit" class="button">"Change password"</button>
            </ActionForm>
        </section>
        <MailSettings/>
        <section class="panel" aria-labelledby="factor-heading">
            <h2 id="factor-heading">"Two-factor sign-in"</h2>
            <p>"A new phone? Set up the authenticator app again; the old one works until the new one is confirmed."</p>
            <p><a href="/console/enrol">"Set up an authenticator app"</a></p>
            <p><a href="/console/recovery-codes">"Recovery codes"</a></p>
        </section>
    }
}

/// What the member is mailed about: one form per organisation they work
/// for, every box ticked until they untick it.
#[component]
fn MailSettings() -> impl IntoView {
    let settings = Resource::new(|| (), |_| mail_settings());
    let save = ServerAction::<SaveMailSettings>::new();
    view! {
        <section class="panel" aria-labelledby="mail-heading">
            <h2 id="mail-heading">"Mail me when"</h2>
            <p>"Mails name the reference and the kind of request and link here; they never carry the subject's data."</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(orgs) => orgs.into_iter().map(|org| view! { <OrgMailForm org save/> }).collect_view().into_any(),
                        Err(error) => view! { <ConsoleError error/> }.into_any(),
                    }
                })}
            </Suspense>
            <DigestTimeForm/>
        </section>
    }
}

/// The hour of the member's own day, in their time zone, that the digest
/// goes at: one setting for every organisation.
#[component]
fn DigestTimeForm() -> impl IntoView {
    let time = Resource::new(|| (), |_| digest_time());
    let save = ServerAction::<SaveDigestTime>::new();
    let error = Signal::derive(move || {
        save.value().get().and_then(|r| r.err()).map(|e| match e.field_errors().first() {
            Some(f) if f.field == "time_zone" => {
                "That is not a time zone we know. Choose one from the list, such as Europe/Oslo.".to_owned()
            }
            _ => i18n::error_message(STAFF, &e),
        })
    });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match time.await {
                    Ok(DigestTimeView { time, zones }) => view! {
                        <ActionForm action=save attr:class="digest-time">
                            <FormError message=error/>
                            <fieldset>
                                <legend>"When the daily digest comes"</legend>
                                <div class="field">
                                    <label for="digest-zone">"Your time zone"</label>
                                    <p class="hint" id="digest-zone-hint">"A name such as Europe/Oslo or Europe/Amsterdam."</p>
                                    <input id="digest-zone" name="time_zone" list="digest-zones" required=true
                                        autocomplete="off" value=time.time_zone aria-describedby="digest-zone-hint"/>
                                    <datalist id="digest-zones">
                                        {zones.into_iter().map(|zone| view! { <option value=zone></option> }).collect_view()}
                                    </datalist>
                                </div>
                                <div class="field">
                                    <label for="digest-hour">"At"</label>
                                    <select id="digest-hour" name="hour">
                                        {(0u8..24).map(|hour| view! {
                                            <option value=hour.to_string() selected=hour == time.hour.get()>{format!("{hour:02}:00")}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                            </fieldset>
                            <button type="submit" class="button secondary">"Save the digest's time"</button>
                        </ActionForm>
                    }.into_any(),
                    Err(error) => view! { <ConsoleError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn news_label(news: StaffNews) -> &'static str {
    match news {
        StaffNews::NewRequest => "a new request is confirmed by its subject",
        StaffNews::SubjectWrote => "the subject writes (on requests assigned to me, or to nobody)",
        StaffNews::Assigned => "a colleague assigns a request to me",
        StaffNews::Digest => {
            "once a day: requests due within 7 days and overdue ones (only when there are any)"
        }
    }
}

#[component]
fn OrgMailForm(org: OrgMailSettings, save: ServerAction<SaveMailSettings>) -> impl IntoView {
    let OrgMailSettings {
        org,
        org_name,
        settings,
    } = org;
    let legend = format!("Requests to {org_name}");
    view! {
        <ActionForm action=save attr:class="mail-settings">
            <input type="hidden" name="org" value=org.clone()/>
            <fieldset>
                <legend>{legend.clone()}</legend>
                {StaffNews::ALL.into_iter().map(|news| {
                    let id = format!("mail-{org}-{}", news.as_str());
                    view! {
                        <div class="check">
                            <input type="checkbox" id=id.clone() name=news.as_str() value="on" checked=settings.wants(news)/>
                            <label for=id>{news_label(news)}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button secondary" aria-label=format!("Save the mail settings for {org_name}")>"Save"</button>
        </ActionForm>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let forgot = ServerAction::<ForgotPassword>::new();
    let query = use_query_map();
    let error = Signal::derive(move || {
        forgot
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| i18n::error_message(STAFF, &e))
    });
    view! {
        <Title text="Forgot your password – Privacy console"/>
        <LoginFrame>
            <h1>"Forgot your password"</h1>
            {move || query.read().get("sent").map(|_| view! {
                <div class="notice-box" role="status">
                    <p>"If that address has an account, we have sent it a link to choose a new password. It works for 30 minutes, once."</p>
                </div>
            })}
            <ActionForm action=forgot attr:class="panel">
                <FormError message=error/>
                <div class="field">
                    <label for="email">"E-mail address"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required=true/>
                </div>
                <button type="submit" class="button">"Send me a link"</button>
            </ActionForm>
            <p><a href="/console/login">"Back to sign-in"</a></p>
        </LoginFrame>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = Memo::new(move |_| params.read().get("token").unwrap_or_default());
    let valid = Resource::new(move || token.get(), reset_link);
    let reset = ServerAction::<ResetPassword>::new();
    let error = Signal::derive(move || {
        reset
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| password_error(&e))
    });
    view! {
        <Title text="Choose a new password – Privacy console"/>
        <LoginFrame>
            <h1>"Choose a new password"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match valid.await {
                        Ok(true) => view! {
                            <ActionForm action=reset attr:class="panel">
                                <FormError message=error/>
                                <input type="hidden" name="token" value=token.get_untracked()/>
                                <NewPasswordFields/>
                                <p class="hint">"Every session of your account is signed out. If you use an authenticator app, you still need it to sign in."</p>
                                <button type="submit" class="button">"Set the new password"</button>
                            </ActionForm>
                        }
                        .into_any(),
                        Ok(false) => view! {
                            <p>"This link is not valid: it was used, or it is more than 30 minutes old."</p>
                            <p><a href="/console/login/forgot">"Ask for a new link"</a></p>
                        }
                        .into_any(),
                        Err(error) => view! { <ConsoleError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </LoginFrame>
    }
}
