//! The personal tracking page of one request. Its owner (a verified session)
//! sees everything; anyone else is asked for the mailed code, and only holders
//! of the personal tracking link see a summary first.

use super::fields::{ErrorText, FormError};
use super::{layout::ErrorPage, use_org};
use crate::api::types::{EventKind, EventView, RequestView, Summary, TrackView};
use crate::api::{track_request, CancelRequest, Reply, ResendCode, SignOut, VerifyCode};
use crate::domain::Reference;
use crate::i18n;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn TrackPage() -> impl IntoView {
    let org = use_org();
    let params = use_params_map();
    let query = use_query_map();
    let reference = Memo::new(move |_| params.read().get("reference").unwrap_or_default());
    let key = Memo::new(move |_| query.read().get("key"));
    let sent = Memo::new(move |_| query.read().get("sent").is_some());
    let track = Resource::new(
        move || (org.get(), reference.get(), key.get()),
        |(org, reference, key)| track_request(org, reference, key),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading your request…"</p> }>
            {move || Suspend::new(async move {
                match track.await {
                    Ok(TrackView::Owner(request)) => view! { <RequestDetail request=*request/> }.into_any(),
                    Ok(TrackView::SignIn { reference, summary }) => {
                        view! { <SignIn reference summary sent=sent.get_untracked()/> }.into_any()
                    }
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SignIn(reference: Reference, summary: Option<Summary>, sent: bool) -> impl IntoView {
    let org = use_org();
    // Plain forms: a successful post redirects to this page, which the
    // server then renders for the signed-in owner.
    let verify = ServerAction::<VerifyCode>::new();
    let resend = ServerAction::<ResendCode>::new();
    let code_error = Signal::derive(move || {
        verify
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| i18n::error_message(&e))
    });
    let resend_error = Signal::derive(move || {
        resend
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| i18n::error_message(&e))
    });
    let expired = summary.as_ref().is_some_and(|s| s.expired);
    let heading = format!("Request {reference}");
    let reference = reference.to_string();
    let resend_reference = reference.clone();
    view! {
        <Title text=heading.clone()/>
        <h1>{heading}</h1>
        {summary.map(|summary| view! { <SummaryList summary/> })}
        {if expired {
            view! {
                <div class="notice-box warning" role="status">
                    <p>{i18n::error_message(&crate::domain::AppError::RequestExpired)}</p>
                    <p><a class="button" href=move || format!("/o/{}/new", org.get())>"Make a new request"</a></p>
                </div>
            }
            .into_any()
        } else {
            view! {
                {sent.then(|| view! {
                    <div class="notice-box" role="status">
                        <p>"We have sent a six-digit code to the e-mail address you gave. It is valid for 10 minutes. Check your spam folder if it does not arrive."</p>
                    </div>
                })}
                <section aria-labelledby="verify-heading" class="panel">
                    <h2 id="verify-heading">"Confirm it is you"</h2>
                    <p>"Enter the code from the e-mail, or open the link in it."</p>
                    <ActionForm action=verify attr:class="code-form">
                        <input type="hidden" name="org" value=move || org.get()/>
                        <input type="hidden" name="reference" value=reference/>
                        <div class="field">
                            <label for="code">{i18n::field_label("code")}</label>
                            <input
                                id="code"
                                name="code"
                                inputmode="numeric"
                                autocomplete="one-time-code"
                                maxlength="6"
                                required=true
                                aria-invalid=move || code_error.get().is_some().then_some("true")
                                aria-describedby="code-error"
                            />
                            <div role="alert" aria-live="assertive">
                                <ErrorText id="code-error".to_string() error=code_error/>
                            </div>
                        </div>
                        <button type="submit" class="button" disabled=move || verify.pending().get()>"Confirm"</button>
                    </ActionForm>
                    <ActionForm action=resend attr:class="resend-form">
                        <input type="hidden" name="org" value=move || org.get()/>
                        <input type="hidden" name="reference" value=resend_reference/>
                        <FormError message=resend_error/>
                        <button type="submit" class="button secondary" disabled=move || resend.pending().get()>
                            "Send me a new code"
                        </button>
                    </ActionForm>
                </section>
            }
            .into_any()
        }}
    }
}

#[component]
fn SummaryList(summary: Summary) -> impl IntoView {
    view! {
        <dl class="facts">
            <dt>"Request"</dt>
            <dd>{i18n::kind_label(summary.kind)}</dd>
            <dt>"Status"</dt>
            <dd>{i18n::status_label(summary.status)}</dd>
            <dt>"Received"</dt>
            <dd>{i18n::long_date(&summary.received_at)}</dd>
            <dt>"Due"</dt>
            <dd>{summary.due_date.map(|d| i18n::long_date(&d)).unwrap_or_else(|| "One month after you confirm your e-mail address".into())}</dd>
        </dl>
    }
}

#[component]
pub fn RequestDetail(request: RequestView) -> impl IntoView {
    let org = use_org();
    let sign_out = ServerAction::<SignOut>::new();
    let reply = ServerAction::<Reply>::new();
    let cancel = ServerAction::<CancelRequest>::new();
    let reply_error = Signal::derive(move || {
        reply
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| i18n::error_message(&e))
    });
    let cancel_error = Signal::derive(move || {
        cancel
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| i18n::error_message(&e))
    });
    let heading = format!("Request {}", request.reference);
    let reference = request.reference.to_string();
    let open = !request.status.is_closed();
    let awaiting = request.status == crate::domain::Status::AwaitingSubject;
    let messages = request.messages.clone();
    let attachments = request.attachments.clone();
    let export = request.export.clone();
    let collection = request.collection.clone();
    let export_href = format!(
        "/o/{}/requests/{}/export",
        org.get_untracked(),
        request.reference
    );
    let attachment_base = format!(
        "/o/{}/requests/{}/attachments",
        org.get_untracked(),
        request.reference
    );
    view! {
        <Title text=heading.clone()/>
        <h1>{heading}</h1>
        {awaiting.then(|| view! {
            <div class="notice-box" role="status"><p>"We need information from you: see the message below and answer it here."</p></div>
        })}
        <RequestCard request=request.clone() link=false/>
        {collection.map(|sources| view! {
            <section aria-labelledby="progress-heading" class="panel">
                <h2 id="progress-heading">"Collecting your data"</h2>
                <p>"We are asking each of our systems for what it holds about you. Reload this page to follow it."</p>
                <ul class="progress">
                    {sources.into_iter().map(|s| {
                        let state = match s.state {
                            crate::api::types::SourceState::Waiting => "waiting",
                            crate::api::types::SourceState::Answered => "answered",
                            crate::api::types::SourceState::Retrying => "no answer yet, we will ask again",
                        };
                        view! { <li>{format!("{}: {state}", s.source)}</li> }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {export.map(|e| view! {
            <section aria-labelledby="package-heading" class="panel">
                <h2 id="package-heading">"Your data package"</h2>
                {if e.expired {
                    view! {
                        <p>{format!("The download period ended on {}. Write to the privacy team below if you need a new package.", i18n::long_date(&e.expires_at))}</p>
                    }.into_any()
                } else {
                    view! {
                        <p>"A zip file with your data: a readable summary (index.html), the data as JSON and as CSV files, and checksums."</p>
                        <p>
                            <a class="button" href=export_href.clone() download="">{format!("Download your data ({})", human_size(e.size))}</a>
                        </p>
                        <p class="hint">{format!("Available until {}.", i18n::long_date(&e.expires_at))}</p>
                    }.into_any()
                }}
            </section>
        })}
        <section aria-labelledby="messages-heading" class="panel">
            <h2 id="messages-heading">"Messages"</h2>
            {if messages.is_empty() {
                view! { <p>"No messages yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="messages">
                        {messages.into_iter().map(|m| view! {
                            <li class=if m.from_staff { "message from-staff" } else { "message from-you" }>
                                <p class="message-meta">
                                    {if m.from_staff { "Privacy team" } else { "You" }}", "
                                    <time datetime=m.at.clone()>{i18n::long_date(&m.at)}</time>
                                </p>
                                <p class="message-body">{m.body}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {(!attachments.is_empty()).then(|| view! {
                <h3>"Files from the privacy team"</h3>
                <ul class="attachments">
                    {attachments.into_iter().map(|a| view! {
                        <li>
                            <a href=format!("{attachment_base}/{}", a.id) download="">{a.file_name}</a>
                            {format!(" ({})", human_size(a.size))}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {open.then(|| view! {
                <ActionForm action=reply attr:class="reply-form">
                    <input type="hidden" name="org" value=move || org.get()/>
                    <input type="hidden" name="reference" value=reference.clone()/>
                    <div class="field">
                        <label for="reply-body">"Write to the privacy team"</label>
                        <textarea id="reply-body" name="body" rows="4" required=true aria-describedby="reply-error"></textarea>
                        <div role="alert" aria-live="assertive"><ErrorText id="reply-error".to_string() error=reply_error/></div>
                    </div>
                    <button type="submit" class="button">"Send message"</button>
                </ActionForm>
            })}
        </section>
        <section aria-labelledby="history-heading" class="panel">
            <h2 id="history-heading">"History"</h2>
            <ol class="history">
                {request.history.into_iter().rev().map(|event| view! { <HistoryItem event/> }).collect_view()}
            </ol>
        </section>
        {open.then(|| view! {
            <ActionForm action=cancel attr:class="cancel-form">
                <input type="hidden" name="org" value=move || org.get()/>
                <input type="hidden" name="reference" value=request.reference.to_string()/>
                <FormError message=cancel_error/>
                <button type="submit" class="button secondary">"Cancel this request"</button>
            </ActionForm>
        })}
        <p class="actions">
            <a class="button secondary" href=move || format!("/o/{}/requests", org.get())>"All my requests"</a>
        </p>
        <ActionForm action=sign_out attr:class="inline-form">
            <input type="hidden" name="org" value=move || org.get()/>
            <button type="submit" class="link-button">"Sign out"</button>
        </ActionForm>
    }
}

/// The key facts of a request: what, where it stands and when it is due.
#[component]
pub fn RequestCard(request: RequestView, link: bool) -> impl IntoView {
    let org = use_org();
    let href = format!("/o/{}/requests/{}", org.get_untracked(), request.reference);
    view! {
        <div class="request-card">
            {link.then(|| view! { <h2 class="card-title"><a href=href.clone()>{request.reference.to_string()}</a></h2> })}
            <dl class="facts">
                <dt>"Request"</dt>
                <dd>{i18n::kind_label(request.kind)}</dd>
                <dt>"Status"</dt>
                <dd><span class=format!("status status-{}", request.status.as_str())>{i18n::status_label(request.status)}</span></dd>
                <dt>"Received"</dt>
                <dd>{i18n::long_date(&request.received_at)}</dd>
                <dt>"Due"</dt>
                <dd class="due-date">
                    {request.due_date.map(|d| view! { <time datetime=d.clone()>{i18n::long_date(&d)}</time> }.into_any())
                        .unwrap_or_else(|| "After you confirm your e-mail address".into_any())}
                </dd>
            </dl>
        </div>
    }
}

#[component]
fn HistoryItem(event: EventView) -> impl IntoView {
    let text = match event.event {
        EventKind::Submitted => "You sent the request",
        EventKind::CodeSent => "We e-mailed you a code",
        EventKind::Verified => "You confirmed your e-mail address; the one-month deadline started",
        EventKind::ExpiredUnverified => "The request expired: it was not confirmed within 7 days",
        EventKind::StatusChanged => "The status changed",
        EventKind::Assigned => "A member of the privacy team took your request",
        EventKind::Started => "We started working on your request",
        EventKind::AskedSubject => "We asked you for information",
        EventKind::SubjectAnswered => "You answered",
        EventKind::Extended => "We extended the deadline",
        EventKind::Completed => "We answered your request",
        EventKind::Rejected => "We refused your request",
        EventKind::Cancelled => "The request was cancelled",
        EventKind::Message => "A message was added",
    };
    view! {
        <li>
            <time datetime=event.at.clone()>{i18n::long_date(&event.at)}</time>
            " – "
            {text}
            {event.note.map(|note| view! { <p class="event-note">{note}</p> })}
        </li>
    }
}

/// `1536` → `1.5 kB`: sizes as people read them.
fn human_size(bytes: i64) -> String {
    match bytes {
        b if b < 1000 => format!("{b} bytes"),
        b if b < 1_000_000 => format!("{:.1} kB", b as f64 / 1000.0),
        b => format!("{:.1} MB", b as f64 / 1_000_000.0),
    }
}
