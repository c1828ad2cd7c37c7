//! The personal tracking page of one request. Its owner (a verified session)
//! sees everything; anyone else is asked for the mailed code, and only holders
//! of the personal tracking link see a summary first.

use super::fields::{ErrorText, FormError};
use super::{layout::ErrorPage, use_base, use_org};
use crate::api::{track_request, CancelRequest, Reply, ResendCode, SignOut, VerifyCode};
use crate::i18n::{self, t, t1, use_language};
use domain::views::{EventView, MailProgress, RequestView, Summary, TrackView};
use domain::Reference;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn TrackPage() -> impl IntoView {
    let org = use_org();
    let lang = use_language();
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
        <Suspense fallback=move || view! { <p>{t(lang, "loading-request")}</p> }>
            {move || Suspend::new(async move {
                match track.await {
                    Ok(TrackView::Owner(request)) => view! { <RequestDetail request=*request/> }.into_any(),
                    Ok(TrackView::SignIn { reference, summary, code_mail }) => {
                        // The tracking link's key (it opened the summary)
                        // goes with "send a new code": its holder reads the mailbox.
                        let key = summary.is_some().then(|| key.get_untracked()).flatten();
                        view! { <SignIn reference summary key sent=sent.get_untracked() code_mail/> }.into_any()
                    }
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SignIn(
    reference: Reference,
    summary: Option<Summary>,
    key: Option<String>,
    sent: bool,
    code_mail: Option<MailProgress>,
) -> impl IntoView {
    let org = use_org();
    let lang = use_language();
    // Plain forms: a successful post redirects to this page, which the
    // server then renders for the signed-in owner.
    let verify = ServerAction::<VerifyCode>::new();
    let resend = ServerAction::<ResendCode>::new();
    let code_error = Signal::derive(move || {
        verify
            .value()
            .get()
            .and_then(|r| r.err())
            .map(move |e| i18n::error_message(lang, &e))
    });
    let resend_error = Signal::derive(move || {
        resend
            .value()
            .get()
            .and_then(|r| r.err())
            .map(move |e| i18n::error_message(lang, &e))
    });
    let expired = summary.as_ref().is_some_and(|s| s.expired);
    let heading = t1(lang, "request-heading", "reference", reference.to_string());
    let reference = reference.to_string();
    let resend_reference = reference.clone();
    view! {
        <Title text=heading.clone()/>
        <h1>{heading}</h1>
        {summary.map(|summary| view! { <SummaryList summary/> })}
        {if expired {
            view! {
                <div class="notice-box warning" role="status">
                    <p>{i18n::error_message(lang, &domain::AppError::RequestExpired)}</p>
                    <p><a class="button" href=move || format!("{}/new", use_base().get())>{t(lang, "make-new-request")}</a></p>
                </div>
            }
            .into_any()
        } else {
            view! {
                {mail_notice(sent, code_mail).map(|(key, warning)| view! {
                    <div class="notice-box" class:warning=warning role="status">
                        <p>{t(lang, key)}</p>
                    </div>
                })}
                <section aria-labelledby="verify-heading" class="panel">
                    <h2 id="verify-heading">{t(lang, "verify-heading")}</h2>
                    <p>{t(lang, "verify-lead")}</p>
                    <ActionForm action=verify attr:class="code-form">
                        <input type="hidden" name="org" value=move || org.get()/>
                        <input type="hidden" name="reference" value=reference/>
                        <div class="field">
                            <label for="code">{i18n::field_label(lang, "code")}</label>
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
                        <button type="submit" class="button" disabled=move || verify.pending().get()>{t(lang, "confirm")}</button>
                    </ActionForm>
                    <ActionForm action=resend attr:class="resend-form">
                        <input type="hidden" name="org" value=move || org.get()/>
                        <input type="hidden" name="reference" value=resend_reference/>
                        {key.map(|key| view! { <input type="hidden" name="key" value=key/> })}
                        <FormError message=resend_error/>
                        <button type="submit" class="button secondary" disabled=move || resend.pending().get()>
                            {t(lang, "resend-code")}
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
    let lang = use_language();
    view! {
        <dl class="facts">
            <dt>{t(lang, "fact-request")}</dt>
            <dd>{i18n::kind_label(lang, summary.kind)}</dd>
            <dt>{t(lang, "fact-status")}</dt>
            <dd>{i18n::status_label(lang, summary.status)}</dd>
            <dt>{t(lang, "fact-received")}</dt>
            <dd>{i18n::long_date(lang, &summary.received_at)}</dd>
            <dt>{t(lang, "fact-due")}</dt>
            <dd>{summary.due_date.map(|d| i18n::long_date(lang, &d)).unwrap_or_else(|| t(lang, "due-after-verification"))}</dd>
        </dl>
    }
}

#[component]
pub fn RequestDetail(request: RequestView) -> impl IntoView {
    let org = use_org();
    let lang = use_language();
    let sign_out = ServerAction::<SignOut>::new();
    let reply = ServerAction::<Reply>::new();
    let cancel = ServerAction::<CancelRequest>::new();
    let reply_error = Signal::derive(move || {
        reply
            .value()
            .get()
            .and_then(|r| r.err())
            .map(move |e| i18n::error_message(lang, &e))
    });
    let cancel_error = Signal::derive(move || {
        cancel
            .value()
            .get()
            .and_then(|r| r.err())
            .map(move |e| i18n::error_message(lang, &e))
    });
    let heading = t1(
        lang,
        "request-heading",
        "reference",
        request.reference.to_string(),
    );
    let reference = request.reference.to_string();
    let open = !request.status.is_closed();
    let awaiting = request.status == domain::Status::AwaitingSubject;
    let messages = request.messages.clone();
    let attachments = request.attachments.clone();
    let export = request.export.clone();
    let collection = request.collection.clone();
    let not_reached = request.not_reached.clone();
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
            <div class="notice-box" role="status"><p>{t(lang, "awaiting-you")}</p></div>
        })}
        <RequestCard request=request.clone() link=false/>
        <Asked request=request.clone()/>
        {collection.map(|sources| view! {
            <section id="progress" aria-labelledby="progress-heading" class="panel">
                <h2 id="progress-heading">{t(lang, "collecting-heading")}</h2>
                <p>{t(lang, "collecting-lead")}</p>
                // The list follows by itself: a small script where there is
                // JavaScript (not the WebAssembly), a refresh where there is not.
                <script src="/progress.js" defer nonce=leptos::nonce::use_nonce()></script>
                <noscript><meta http-equiv="refresh" content="10"/></noscript>
                <ul class="progress" aria-live="polite">
                    {sources.into_iter().map(|s| {
                        let id = match s.state {
                            domain::views::SourceState::Waiting => "source-waiting",
                            domain::views::SourceState::Answered => "source-answered",
                            domain::views::SourceState::Retrying => "source-retrying",
                        };
                        view! { <li>{t1(lang, id, "source", s.source)}</li> }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {export.map(|e| view! {
            <section aria-labelledby="package-heading" class="panel">
                <h2 id="package-heading">{t(lang, "package-heading")}</h2>
                {(!not_reached.is_empty()).then(|| view! {
                    <div class="notice-box" role="note">
                        <p>{t(lang, "not-reached-lead")}</p>
                        <ul>
                            {not_reached.iter().map(|(source, note)| view! {
                                <li><strong>{source.clone()}</strong>": "{note.clone()}</li>
                            }).collect_view()}
                        </ul>
                    </div>
                })}
                {if e.expired {
                    view! {
                        <p>{t1(lang, "package-expired", "date", i18n::long_date(lang, &e.expires_at))}</p>
                    }.into_any()
                } else {
                    view! {
                        <p>{t(lang, "package-lead")}</p>
                        <p>
                            <a class="button" href=export_href.clone() download="">{t1(lang, "package-download", "size", i18n::human_size(lang, e.size))}</a>
                        </p>
                        <p class="hint">{t1(lang, "package-until", "date", i18n::long_date(lang, &e.expires_at))}</p>
                    }.into_any()
                }}
            </section>
        })}
        <section aria-labelledby="messages-heading" class="panel">
            <h2 id="messages-heading">{t(lang, "messages-heading")}</h2>
            {if messages.is_empty() {
                view! { <p>{t(lang, "messages-none")}</p> }.into_any()
            } else {
                view! {
                    <ol class="messages">
                        {messages.into_iter().map(|m| view! {
                            <li class=if m.from_staff { "message from-staff" } else { "message from-you" }>
                                <p class="message-meta">
                                    {t(lang, if m.from_staff { "from-team" } else { "from-you" })}", "
                                    <time datetime=m.at.clone()>{i18n::long_date(lang, &m.at)}</time>
                                </p>
                                <p class="message-body">{m.body}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {(!attachments.is_empty()).then(|| view! {
                <h3>{t(lang, "files-heading")}</h3>
                <ul class="attachments">
                    {attachments.into_iter().map(|a| view! {
                        <li>
                            <a href=format!("{attachment_base}/{}", a.id) download="">{a.file_name}</a>
                            {format!(" ({})", i18n::human_size(lang, a.size))}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {open.then(|| view! {
                <ActionForm action=reply attr:class="reply-form">
                    <input type="hidden" name="org" value=move || org.get()/>
                    <input type="hidden" name="reference" value=reference.clone()/>
                    <div class="field">
                        <label for="reply-body">{t(lang, "reply-label")}</label>
                        <textarea id="reply-body" name="body" rows="4" required=true aria-describedby="reply-error"></textarea>
                        <div role="alert" aria-live="assertive"><ErrorText id="reply-error".to_string() error=reply_error/></div>
                    </div>
                    <button type="submit" class="button">{t(lang, "send-message")}</button>
                </ActionForm>
            })}
        </section>
        <section aria-labelledby="history-heading" class="panel">
            <h2 id="history-heading">{t(lang, "history-heading")}</h2>
            <ol class="history">
                {request.history.into_iter().rev().map(|event| view! { <HistoryItem event/> }).collect_view()}
            </ol>
        </section>
        {open.then(|| view! {
            <ActionForm action=cancel attr:class="cancel-form">
                <input type="hidden" name="org" value=move || org.get()/>
                <input type="hidden" name="reference" value=request.reference.to_string()/>
                <FormError message=cancel_error/>
                <button type="submit" class="button secondary">{t(lang, "cancel-request")}</button>
            </ActionForm>
        })}
        <p class="actions">
            <a class="button secondary" href=move || format!("{}/requests", use_base().get())>{t(lang, "all-requests")}</a>
        </p>
        <ActionForm action=sign_out attr:class="inline-form">
            <input type="hidden" name="org" value=move || org.get()/>
            <button type="submit" class="link-button">{t(lang, "sign-out")}</button>
        </ActionForm>
    }
}

/// The key facts of a request: what, where it stands and when it is due.
#[component]
pub fn RequestCard(request: RequestView, link: bool) -> impl IntoView {
    let lang = use_language();
    let href = format!(
        "{}/requests/{}",
        use_base().get_untracked(),
        request.reference
    );
    view! {
        <div class="request-card">
            {link.then(|| view! { <h2 class="card-title"><a href=href.clone()>{request.reference.to_string()}</a></h2> })}
            <dl class="facts">
                <dt>{t(lang, "fact-request")}</dt>
                <dd>{i18n::kind_label(lang, request.kind)}</dd>
                <dt>{t(lang, "fact-status")}</dt>
                <dd><span class=format!("status status-{}", request.status.as_str())>{i18n::status_label(lang, request.status)}</span></dd>
                <dt>{t(lang, "fact-received")}</dt>
                <dd>{i18n::long_date(lang, &request.received_at)}</dd>
                <dt>{t(lang, "fact-due")}</dt>
                <dd class="due-date">
                    {request.due_date.map(|d| view! { <time datetime=d.clone()>{i18n::long_date(lang, &d)}</time> }.into_any())
                        .unwrap_or_else(|| t(lang, "due-unconfirmed").into_any())}
                </dd>
            </dl>
        </div>
    }
}

/// What the subject asked, as they submitted it, so they can check what
/// the team is working on.
#[component]
fn Asked(request: RequestView) -> impl IntoView {
    let lang = use_language();
    let answers = i18n::submitted_answers(lang, request.kind, &request.details);
    view! {
        <section aria-labelledby="asked-heading" class="panel">
            <h2 id="asked-heading">{t(lang, "asked-heading")}</h2>
            {if answers.is_empty() {
                view! { <p>{t(lang, "asked-nothing")}</p> }.into_any()
            } else {
                view! {
                    <dl class="asked">
                        {answers.into_iter().map(|(question, answer)| view! {
                            <dt>{question}</dt>
                            <dd class="answer">{answer}</dd>
                        }).collect_view()}
                    </dl>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn HistoryItem(event: EventView) -> impl IntoView {
    let lang = use_language();
    let text = i18n::event_text(lang, event.event);
    view! {
        <li>
            <time datetime=event.at.clone()>{i18n::long_date(lang, &event.at)}</time>
            " – "
            {text}
            {event.note.map(|note| view! { <p class="event-note">{i18n::event_note(lang, &note)}</p> })}
        </li>
    }
}

/// What the page says of the code mail: the truth when it knows it (a mail
/// held up or given up is said so, even unasked), and after a submission
/// or a resend otherwise that it was sent. `(ftl key, is a warning)`.
fn mail_notice(sent: bool, code_mail: Option<MailProgress>) -> Option<(&'static str, bool)> {
    match code_mail {
        Some(progress @ (MailProgress::Delayed | MailProgress::Undeliverable)) => {
            Some((progress.message_key(), true))
        }
        Some(progress) if sent => Some((progress.message_key(), false)),
        None if sent => Some((MailProgress::Sent.message_key(), false)),
        _ => None,
    }
}
