//! Outgoing mail for admins: the mail of their organisations that has not
//! arrived (waiting, held up by the receiving server, or given up), with
//! the receiving server's last answer. Never an address or a mail's content.

use super::ConsoleError;
use crate::api::console::outgoing_mail;
use domain::views::console::{OutgoingMailView, UndeliveredMail};
use domain::views::MailProgress;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MailPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| outgoing_mail());
    view! {
        <Title text="Outgoing mail – Privacy console"/>
        <h1>"Outgoing mail"</h1>
        <p>"Every mail the portal sends waits in an outbox until the mail server accepts it, and is tried again (after 15 seconds, then doubling up to an hour) for three days. Listed here: your organisations' mail that has not arrived yet, and mail given up. Sent mail is not listed."</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <MailList view/> }.into_any(),
                    Err(error) => view! { <ConsoleError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn state_label(state: MailProgress) -> &'static str {
    match state {
        MailProgress::Sending => "Waiting to be sent",
        MailProgress::Delayed => "Not accepted yet: tried again",
        MailProgress::Sent => "Sent",
        MailProgress::Undeliverable => "Given up",
    }
}

fn when(at: &str) -> String {
    at.replace('T', " ").trim_end_matches('Z').to_owned()
}

#[component]
fn MailList(view: OutgoingMailView) -> impl IntoView {
    let OutgoingMailView { mails, limit } = view;
    if mails.is_empty() {
        return view! { <p class="result-count" role="status">"All mail has been delivered."</p> }
            .into_any();
    }
    let count = mails.len();
    view! {
        <p class="result-count" role="status">
            {format!("{count} mail{} not delivered", if count == 1 { "" } else { "s" })}
            {(count as u32 >= limit).then(|| format!(" (the newest {limit} shown)"))}
        </p>
        <div class="table-scroll">
            <table class="audit">
                <caption class="visually-hidden">"Mail not delivered, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Written (UTC)"</th>
                        <th scope="col">"Organisation"</th>
                        <th scope="col">"Mail"</th>
                        <th scope="col">"Request"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Tries"</th>
                        <th scope="col">"Next try (UTC)"</th>
                        <th scope="col">"Last answer"</th>
                    </tr>
                </thead>
                <tbody>
                    {mails.into_iter().map(|mail: UndeliveredMail| {
                        let request = mail.reference.map(|reference| {
                            let href = format!("/console/o/{}/requests/{reference}", mail.org);
                            view! { <a href=href>{reference.to_string()}</a> }
                        });
                        view! {
                            <tr>
                                <td><time datetime=mail.written_at.clone()>{when(&mail.written_at)}</time></td>
                                <td>{mail.org}</td>
                                <td><code>{mail.template}</code></td>
                                <td>{request}</td>
                                <td>{state_label(mail.state)}</td>
                                <td>{mail.attempts}</td>
                                <td>{mail.next_try_at.as_deref().map(when)}</td>
                                <td><code class="detail">{mail.last_error}</code></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
