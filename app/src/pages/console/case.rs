//! One request as staff work it: who asked what, how they proved it, the
//! conversation, the history and audit trail, and the actions the request's
//! status allows (decided by the same domain rules the server applies).
//! Opening this page is recorded in the audit log.

use super::ConsoleError;
use super::STAFF;
use crate::api::console::{case, Act};
use crate::i18n;
use crate::pages::fields::FormError;
use domain::views::console::{AuditEntryView, CaseDone, CaseView};
use domain::views::{EventKind, MessageView};
use domain::{ErasureException, ErasureScope, Move, Outcome, RequestKind, ValidDetails};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = Memo::new(move |_| {
        let p = params.read();
        (
            p.get("org").unwrap_or_default(),
            p.get("reference").unwrap_or_default(),
        )
    });
    let data = Resource::new(move || key.get(), |(org, reference)| case(org, reference));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let q = query.get_untracked();
                let (done, error, field) = (q.get("done"), q.get("error"), q.get("field"));
                match data.await {
                    Ok(view) => view! { <Case view done error field/> }.into_any(),
                    Err(error) => view! { <ConsoleError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the page says after an action: `done` is the event the action
/// recorded, or the step of an export or execution that finished.
fn done_text(done: &str) -> &'static str {
    let Some(done) = CaseDone::parse(done) else {
        return "Done.";
    };
    match done {
        CaseDone::Acted(EventKind::Assigned) => "Assigned.",
        CaseDone::Acted(EventKind::Started) => "The request is in progress.",
        CaseDone::Acted(EventKind::AskedSubject) => {
            "Your question was sent; the subject was told by e-mail."
        }
        CaseDone::Acted(EventKind::Extended) => {
            "The deadline was extended; the subject was told why."
        }
        CaseDone::Acted(EventKind::Completed) => {
            "The request is completed; the subject was told by e-mail."
        }
        CaseDone::Acted(EventKind::Rejected) => {
            "The request was refused; the subject was told why and of their right to complain."
        }
        CaseDone::Acted(EventKind::Message) => {
            "Your message was sent; the subject was told by e-mail."
        }
        CaseDone::Acted(_) => "Done.",
        CaseDone::DataAdded => "The data was added to the package.",
        CaseDone::Collected => "Every source answered; their data is ready for the package.",
        CaseDone::Executed => "Carried out on every source; see each one's result below.",
        CaseDone::ExecutedWithFailures => "Some sources failed (see below); you may try again.",
        CaseDone::CollectedWithFailures => {
            "Some sources failed (see below). Ask again, or say why the package comes without them."
        }
        CaseDone::WithoutSource => {
            "Recorded: the package will say that this system did not answer, and what you will do."
        }
        CaseDone::ExportBuilt => "The package was built.",
        CaseDone::ExportReleased => "The package was released; the subject was told by e-mail.",
    }
}

/// The upload route's errors arrive as a code in the address.
fn upload_error(code: &str, field: Option<&str>) -> String {
    match (code, field) {
        ("validation", Some("response")) => "Write the response to the subject.".into(),
        ("validation", Some("retained")) => "Say what was kept under the exception you chose.".into(),
        ("validation", Some("exceptions")) => "Choose the exception that applies to what was kept.".into(),
        ("validation", Some("decision")) => "Record the decision.".into(),
        ("validation", Some("attachments")) => "At most 5 files of 10 MB each, with a name.".into(),
        ("validation", Some("file")) => "Choose a CSV file with a header row, or a JSON file with an object or a list of objects (at most 20 MB).".into(),
        ("validation", Some("category")) => "Choose one of the organisation's data categories.".into(),
        ("transition_refused", _) => "This cannot be done while the request has its current status.".into(),
        ("payload_too_large", _) => "The files are too large: at most 5 files of 10 MB each.".into(),
        _ => "The request could not be completed. Please try again.".into(),
    }
}

fn exception_label(exception: ErasureException) -> &'static str {
    match exception {
        ErasureException::FreedomOfExpression => {
            "Freedom of expression and information (Art. 17(3)(a))"
        }
        ErasureException::LegalObligation => {
            "A legal obligation, e.g. book-keeping law (Art. 17(3)(b))"
        }
        ErasureException::PublicHealth => "Public interest in public health (Art. 17(3)(c))",
        ErasureException::Archiving => "Archiving, research or statistics (Art. 17(3)(d))",
        ErasureException::LegalClaims => "Legal claims (Art. 17(3)(e))",
    }
}

fn outcome_text(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Answered => "Answered.".into(),
        Outcome::Rectified => "The data was corrected.".into(),
        Outcome::Erased { exceptions, .. } if exceptions.is_empty() => {
            "Everything asked for was erased.".into()
        }
        Outcome::Erased {
            exceptions,
            retained,
        } => format!(
            "Erased, except: {} — kept under {}.",
            retained.clone().unwrap_or_default(),
            exceptions
                .iter()
                .map(|e| exception_label(*e))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Outcome::Restriction { applied: true } => "Processing is restricted.".into(),
        Outcome::Restriction { applied: false } => "Restriction declined.".into(),
        Outcome::Objection { upheld: true } => "Objection upheld: the processing stopped.".into(),
        Outcome::Objection { upheld: false } => {
            "Objection overridden by compelling legitimate grounds.".into()
        }
        Outcome::TookEffect => "Carried out at once on verification.".into(),
        Outcome::Reviewed {
            reviewer,
            considered,
            upheld,
        } => format!(
            "Reviewed by {reviewer} (Art. 22(3)), who considered: {considered}. The decision {}.",
            if *upheld { "stands" } else { "was changed" }
        ),
    }
}

#[component]
fn Case(
    view: CaseView,
    done: Option<String>,
    error: Option<String>,
    field: Option<String>,
) -> impl IntoView {
    let CaseView {
        org,
        request,
        email,
        language,
        assignee,
        colleagues,
        state,
        overdue,
        due_soon,
        duplicates,
        outcome,
        trail,
        export_categories,
        export_data,
        sources,
        executable_sources,
        executions,
    } = view;
    let reference = request.reference.to_string();
    let heading = format!("Request {reference}");
    let extended = state.extended;
    // The forms shown are the moves the lifecycle's rules allow now.
    let can = move |step: Move| state.allows(step).is_ok();
    let verified = request.verified_at.clone();
    let base = format!("/console/o/{org}/requests/{reference}");
    // Built apart and erased to `AnyView`: one view of the whole page is a
    // type too deep for the compiler.
    let main = view! {
                <section class="panel" aria-labelledby="facts-heading">
                    <h2 id="facts-heading">"Request"</h2>
                    <dl class="facts">
                        <dt>"Kind"</dt><dd>{request.kind.staff_name()}</dd>
                        <dt>"Status"</dt>
                        <dd><span class=format!("status status-{}", request.status.as_str())>{request.status.staff_name()}</span></dd>
                        <dt>"Received"</dt><dd>{i18n::long_date(STAFF, &request.received_at)}</dd>
                        <dt>"Due"</dt>
                        <dd>
                            {request.due_date.as_deref().map(|d| i18n::long_date(STAFF, d)).unwrap_or_else(|| "Not confirmed yet".into())}
                            {extended.then_some(" (extended)")}
                        </dd>
                        <dt>"Assignee"</dt><dd>{assignee.map(|a| a.email).unwrap_or_else(|| "Nobody yet".into())}</dd>
                    </dl>
                </section>
                <section class="panel" aria-labelledby="subject-heading">
                    <h2 id="subject-heading">"Subject and verification"</h2>
                    <dl class="facts">
                        <dt>"E-mail"</dt><dd>{email}</dd>
                        <dt>"Language"</dt><dd>{language.code()}</dd>
                        <dt>"Verified"</dt>
                        <dd>{match verified {
                            Some(at) => format!("E-mail address confirmed on {}", i18n::long_date(STAFF, &at)),
                            None => "Not yet: the subject has not confirmed the e-mail address.".into(),
                        }}</dd>
                    </dl>
                </section>
                <section class="panel" aria-labelledby="submission-heading">
                    <h2 id="submission-heading">"What the subject asks"</h2>
                    <Submission kind=request.kind details=request.details.clone()/>
                    {outcome.map(|o| view! { <p class="outcome"><strong>"Outcome: "</strong>{outcome_text(&o)}</p> })}
                </section>
                {(!export_categories.is_empty()).then(|| view! {
                    <DataPackage
                        base=base.clone()
                        categories=export_categories.clone()
                        data=export_data.clone()
                        sources=sources.clone()
                        export=request.export.clone()
                        open=!request.status.is_closed() && request.verified_at.is_some()
                    />
                })}
                {(!executable_sources.is_empty()).then(|| view! {
                    <Execution
                        base=base.clone()
                        sources=executable_sources.clone()
                        executions=executions.clone()
                        open=!request.status.is_closed() && request.verified_at.is_some()
                    />
                })}
                <section class="panel" aria-labelledby="conversation-heading">
                    <h2 id="conversation-heading">"Conversation"</h2>
                    <Messages messages=request.messages.clone()/>
                    {(!request.attachments.is_empty()).then(|| view! {
                        <h3>"Attachments sent to the subject"</h3>
                        <ul class="attachments">
                            {request.attachments.iter().map(|a| view! {
                                <li>
                                    <a href=format!("{base}/attachments/{}", a.id) download="">{a.file_name.clone()}</a>
                                    {format!(" ({} bytes)", a.size)}
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                </section>
                <section class="panel" aria-labelledby="history-heading">
                    <h2 id="history-heading">"History"</h2>
                    <ol class="history">
                        {request.history.iter().rev().map(|e| view! {
                            <li>
                                <time datetime=e.at.clone()>{i18n::long_date(STAFF, &e.at)}</time>
                                " – "{event_text(e.event)}
                                {e.note.as_ref().map(|n| view! { <p class="event-note">{i18n::event_note(STAFF, n)}</p> })}
                            </li>
                        }).collect_view()}
                    </ol>
                    <details class="trail">
                        <summary>"Audit trail"</summary>
                        <Trail entries=trail/>
                    </details>
                </section>
    }
    .into_any();
    view! {
        <Title text=format!("{heading} – Privacy console")/>
        <p class="breadcrumb"><a href="/console">"Queue"</a></p>
        <h1>{heading}</h1>
        {done.map(|d| view! { <div class="notice-box success" role="status"><p>{done_text(&d)}</p></div> })}
        {error.map(|code| view! {
            <div class="notice-box warning" role="alert"><p>{upload_error(&code, field.as_deref())}</p></div>
        })}
        {overdue.then(|| view! { <p class="flag overdue big">"Overdue: the legal deadline has passed."</p> })}
        {due_soon.then(|| view! { <p class="flag due-soon big">"Due within 7 days."</p> })}
        {(!duplicates.is_empty()).then(|| view! {
            <div class="notice-box warning" role="status">
                <p>"Possible duplicate: the same person has other open requests of this kind here. They are not merged; answer them together or refuse the repeat (Art. 12(5))."</p>
                <ul>
                    {duplicates.into_iter().map(|d| view! {
                        <li><a href=format!("/console/o/{org}/requests/{d}")>{d.clone()}</a></li>
                    }).collect_view()}
                </ul>
            </div>
        })}
        <div class="case-grid">
            <div class="case-main">
                {main}
            </div>
            <aside class="case-actions" aria-label="Actions">
                <Actions
                    org=org.clone()
                    reference=reference.clone()
                    kind=request.kind
                    colleagues=colleagues
                    can_start=can(Move::Start)
                    can_ask=can(Move::AskSubject)
                    can_extend=can(Move::Extend)
                    can_complete=can(Move::Complete)
                    can_reject=can(Move::Reject)
                    can_assign=can(Move::Assign)
                    can_message=can(Move::Message)
                />
            </aside>
        </div>
    }
}

/// Erasure and restriction: carry it out on the sources that can, and what
/// each did (done, kept under an exception, or failed).
#[component]
fn Execution(
    base: String,
    sources: Vec<String>,
    executions: Vec<domain::views::console::ExecutionView>,
    open: bool,
) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="execution-heading">
            <h2 id="execution-heading">"On the data sources"</h2>
            <p>{format!("Sources that carry this out: {}.", sources.join(", "))}</p>
            {(!executions.is_empty()).then(|| view! {
                <ul class="sources">
                    {executions.into_iter().map(|e| {
                        use domain::ExecutionOutcome;
                        let class = if e.outcome == ExecutionOutcome::Failed { "source-failed" } else { "" };
                        let what = match e.outcome {
                            ExecutionOutcome::Done => "done",
                            ExecutionOutcome::Exception => "kept under an exception",
                            ExecutionOutcome::Failed => "failed",
                        };
                        view! { <li class=class>{format!("{} ({}, {}): {what} — {}", e.source, e.operation.as_str(), i18n::long_date(STAFF, &e.at), e.detail)}</li> }
                    }).collect_view()}
                </ul>
            })}
            {open.then(|| view! {
                <form method="post" action=format!("{base}/execute")>
                    <button type="submit" class="button">"Carry it out on every source"</button>
                </form>
            })}
        </section>
    }
}

/// Access and portability: what was collected per category, a form to add
/// a source's data (CSV or JSON), and the button that builds the package.
#[component]
fn DataPackage(
    base: String,
    categories: Vec<domain::views::console::CategoryOption>,
    data: Vec<domain::views::console::ExportDataSummary>,
    sources: Vec<domain::views::console::SourceRunView>,
    export: Option<domain::views::ExportView>,
    open: bool,
) -> impl IntoView {
    let has_sources = !sources.is_empty();
    let name_of = {
        let categories = categories.clone();
        move |id: &str| {
            categories
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.name.clone())
                .unwrap_or_else(|| id.to_owned())
        }
    };
    let missing: Vec<String> = categories
        .iter()
        .filter(|c| !data.iter().any(|d| d.category == c.id))
        .map(|c| c.name.clone())
        .collect();
    view! {
        <section class="panel" aria-labelledby="package-heading">
            <h2 id="package-heading">"Data package"</h2>
            {export.map(|e| if e.released {
                view! {
                    <p>
                        {format!("Built on {}; the subject can download it until {}", i18n::long_date(STAFF, &e.created_at), i18n::long_date(STAFF, &e.expires_at))}
                        {e.expired.then_some(" (expired)")}". "
                        <a href=format!("{base}/export") download="">"Download it"</a>
                    </p>
                }.into_any()
            } else {
                view! {
                    <div class="notice-box warning" role="status">
                        <p>
                            {format!("Built on {}. Your organisation reviews packages before the subject gets them: ", i18n::long_date(STAFF, &e.created_at))}
                            <a href=format!("{base}/export") download="">"download it to review"</a>"."
                        </p>
                        <form method="post" action=format!("{base}/export/release")>
                            <button type="submit" class="button">"Release the package to the subject"</button>
                        </form>
                    </div>
                }.into_any()
            })}
            {if data.is_empty() {
                view! { <p>"Nothing collected yet."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {data.iter().map(|d| view! {
                            <li>{format!("{}: {} — {} record(s)", name_of(&d.category), d.source, d.records)}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {has_sources.then(|| view! {
                <h3>"Sources"</h3>
                <ul class="sources">
                    {sources.into_iter().map(|s| {
                        let state = match (&s.at, s.ok) {
                            (None, _) => "not asked yet".to_owned(),
                            (Some(at), true) => format!("{} record(s), {}", s.records, i18n::long_date(STAFF, at)),
                            (Some(at), false) => format!("failed on {}: {}", i18n::long_date(STAFF, at), s.detail.clone().unwrap_or_default()),
                        };
                        let class = if s.at.is_some() && !s.ok { "source-failed" } else { "" };
                        // A source that did not answer: the package waits
                        // for it, or says why it comes without it.
                        let without = (!s.ok && open).then(|| {
                            let id = format!("without-{}", s.source.replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
                            view! {
                                <form method="post" action=format!("{base}/without") class="filters">
                                    <input type="hidden" name="source" value=s.source.clone()/>
                                    <div class="field">
                                        <label for=id.clone()>{format!("Build without {}: why, and what you will do (told to the subject)", s.source)}</label>
                                        <textarea id=id name="text" rows="2" required=true></textarea>
                                    </div>
                                    <button type="submit" class="button secondary">"Record it"</button>
                                </form>
                            }
                            // Type-erased: the page's view type is deep enough as it is.
                            .into_any()
                        });
                        view! { <li class=class>{format!("{}: {state}", s.source)}{without}</li> }.into_any()
                    }).collect_view()}
                </ul>
            })}
            {(!missing.is_empty()).then(|| view! {
                <p class="hint">{format!("Shown as \"no data found\" unless you add data: {}.", missing.join(", "))}</p>
            })}
            {open.then(|| view! {
                <form method="post" action=format!("{base}/export-data") enctype="multipart/form-data" class="filters">
                    <div class="field">
                        <label for="package-category">"Category"</label>
                        <select id="package-category" name="category">
                            {categories.iter().map(|c| view! { <option value=c.id.clone()>{c.name.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="package-file">"Data file (CSV with a header row, or JSON)"</label>
                        <input type="file" id="package-file" name="file" accept=".csv,.json,text/csv,application/json" required=true/>
                    </div>
                    <button type="submit" class="button secondary">"Add data"</button>
                </form>
                {has_sources.then(|| view! {
                    <form method="post" action=format!("{base}/collect")>
                        <button type="submit" class="button secondary">"Ask every source again"</button>
                    </form>
                })}
                <form method="post" action=format!("{base}/export")>
                    <button type="submit" class="button">"Build the package and offer it to the subject"</button>
                </form>
            })}
        </section>
    }
}

fn event_text(event: EventKind) -> &'static str {
    match event {
        EventKind::Submitted => "Submitted",
        EventKind::CodeSent => "Code sent",
        EventKind::Verified => "E-mail verified; the deadline started",
        EventKind::ExpiredUnverified => "Expired unverified",
        EventKind::StatusChanged => "Status changed",
        EventKind::Assigned => "Assigned",
        EventKind::Started => "Started",
        EventKind::AskedSubject => "Asked the subject",
        EventKind::SubjectAnswered => "The subject answered",
        EventKind::Extended => "Deadline extended",
        EventKind::Completed => "Completed",
        EventKind::Rejected => "Refused",
        EventKind::Cancelled => "Cancelled",
        EventKind::Message => "Message",
    }
}

#[component]
fn Submission(kind: RequestKind, details: ValidDetails) -> impl IntoView {
    let text = |label: &'static str, value: Option<String>| {
        value.map(|v| view! { <dt>{label}</dt><dd class="prewrap">{v}</dd> })
    };
    if kind == RequestKind::Rectification {
        // Side by side: what is wrong and what is right.
        return view! {
            <div class="compare">
                <div><h3>"What is wrong"</h3><p class="prewrap">{details.inaccurate.unwrap_or_default()}</p></div>
                <div><h3>"What is right"</h3><p class="prewrap">{details.correction.unwrap_or_default()}</p></div>
            </div>
        }
        .into_any();
    }
    let scope = details.erasure_scope.map(|s| match s {
        ErasureScope::All => "Everything held about them".to_owned(),
        ErasureScope::Specific => "Only what they describe".to_owned(),
    });
    view! {
        <dl class="facts">
            {text("Erase", scope)}
            {text("Description", details.description)}
            {text("Grounds", details.grounds)}
            {text("Decision to review", details.decision)}
            {text("Consent withdrawn for", details.purpose)}
        </dl>
    }
    .into_any()
}

#[component]
fn Messages(messages: Vec<MessageView>) -> impl IntoView {
    if messages.is_empty() {
        return view! { <p>"No messages yet."</p> }.into_any();
    }
    view! {
        <ol class="messages">
            {messages.into_iter().map(|m| view! {
                <li class=if m.from_staff { "message from-you" } else { "message from-staff" }>
                    <p class="message-meta">
                        {if m.from_staff { "Privacy team" } else { "Subject" }}", "
                        <time datetime=m.at.clone()>{i18n::long_date(STAFF, &m.at)}</time>
                    </p>
                    <p class="message-body">{m.body}</p>
                </li>
            }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Trail(entries: Vec<AuditEntryView>) -> impl IntoView {
    view! {
        <ol class="trail-list">
            {entries.into_iter().map(|e| view! {
                <li><code>{e.at}</code>" "<strong>{e.action}</strong>" by "{e.actor}" "<code class="detail">{e.detail}</code></li>
            }).collect_view()}
        </ol>
    }
}

/// The forms for what can be done now. Every form but completion posts to
/// the `act` server function; completion carries files, so it posts
/// multipart to its own route.
#[component]
#[allow(clippy::too_many_arguments)]
fn Actions(
    org: String,
    reference: String,
    kind: RequestKind,
    colleagues: Vec<domain::views::console::Colleague>,
    can_start: bool,
    can_ask: bool,
    can_extend: bool,
    can_complete: bool,
    can_reject: bool,
    can_assign: bool,
    can_message: bool,
) -> impl IntoView {
    // Assigning and writing are allowed whenever anything is: on a
    // verified request that is not closed.
    if !can_message {
        return view! { <p class="panel">"No actions: the request is closed or not confirmed yet."</p> }.into_any();
    }
    let act = ServerAction::<Act>::new();
    let error = Signal::derive(move || {
        act.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| i18n::error_message(STAFF, &e))
    });
    let [h_assign, h_start, h_ask, h_message, h_extend, h_reject] = [
        Move::Assign,
        Move::Start,
        Move::AskSubject,
        Move::Message,
        Move::Extend,
        Move::Reject,
    ]
    .map(|step| hidden_fields(org.clone(), reference.clone(), step).into_any());
    view! {
        <h2>"Actions"</h2>
        <FormError message=error/>
        {can_assign.then(move || view! {
        <ActionForm action=act attr:class="panel action">
            {h_assign}
            <div class="field">
                <label for="assign-to">"Assign to"</label>
                <select id="assign-to" name="to">
                    {colleagues.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.email}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="assign-note">"Note for your colleague (optional)"</label>
                <textarea id="assign-note" name="text" rows="2"></textarea>
                <p class="hint">"Kept in the history for the team; the subject does not see it."</p>
            </div>
            <button type="submit" class="button secondary">"Assign"</button>
        </ActionForm>
        })}
        {can_start.then(move || view! {
            <ActionForm action=act attr:class="panel action">
                {h_start}
                <button type="submit" class="button">"Start working on it"</button>
            </ActionForm>
        })}
        {can_ask.then(move || view! {
            <ActionForm action=act attr:class="panel action">
                {h_ask}
                <div class="field">
                    <label for="ask-text">"Ask the subject for information"</label>
                    <textarea id="ask-text" name="text" rows="3" required=true></textarea>
                    <p class="hint">"The deadline keeps running while you wait; extend it if the answer takes long."</p>
                </div>
                <button type="submit" class="button secondary">"Send question"</button>
            </ActionForm>
        })}
        <ActionForm action=act attr:class="panel action">
            {h_message}
            <div class="field">
                <label for="message-text">"Message to the subject"</label>
                <textarea id="message-text" name="text" rows="3" required=true></textarea>
            </div>
            <button type="submit" class="button secondary">"Send message"</button>
        </ActionForm>
        {can_extend.then(move || view! {
            <ActionForm action=act attr:class="panel action">
                {h_extend}
                <fieldset>
                    <legend>"Extend the deadline (once, Art. 12(3))"</legend>
                    <div class="field">
                        <label for="extend-months">"By"</label>
                        <select id="extend-months" name="months">
                            <option value="1">"1 month"</option>
                            <option value="2">"2 months"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="extend-reason">"Reason (told to the subject)"</label>
                        <textarea id="extend-reason" name="text" rows="3" required=true></textarea>
                    </div>
                </fieldset>
                <button type="submit" class="button secondary">"Extend deadline"</button>
            </ActionForm>
        })}
        {can_complete.then(|| view! { <CompleteForm org=org.clone() reference=reference.clone() kind/> })}
        {can_reject.then(move || view! {
            <ActionForm action=act attr:class="panel action">
                {h_reject}
                <fieldset>
                    <legend>"Refuse the request (Art. 12(4))"</legend>
                    <div class="field">
                        <label for="reject-reason">"Reason (told to the subject)"</label>
                        <textarea id="reject-reason" name="text" rows="3" required=true></textarea>
                    </div>
                    <div class="field">
                        <label for="reject-ground">"Legal ground"</label>
                        <select id="reject-ground" name="legal_ground" required=true>
                            {domain::RefusalGround::for_kind(kind).into_iter().map(|g| view! {
                                <option value=g.as_str()>{g.staff_label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <p class="hint">"The subject is told, in their language, the reason, the legal ground, the supervisory authority they may complain to (the organisation's, from its org.toml) and that they may go to court."</p>
                </fieldset>
                <button type="submit" class="button danger">"Refuse request"</button>
            </ActionForm>
        })}
    }
    .into_any()
}

/// What every action form carries besides its own fields.
fn hidden_fields(org: String, reference: String, step: Move) -> impl IntoView {
    view! {
        <input type="hidden" name="org" value=org/>
        <input type="hidden" name="reference" value=reference/>
        <input type="hidden" name="action" value=step.form_name()/>
    }
}

#[component]
fn CompleteForm(org: String, reference: String, kind: RequestKind) -> impl IntoView {
    let action = format!("/console/o/{org}/requests/{reference}/complete");
    let decision = match kind {
        RequestKind::Restriction => Some((
            "Is processing now restricted?",
            "Yes, restricted",
            "No, declined",
        )),
        RequestKind::Objection => Some((
            "Decision on the objection",
            "Upheld: processing stopped",
            "Overridden by compelling legitimate grounds",
        )),
        _ => None,
    };
    view! {
        <form method="post" action=action enctype="multipart/form-data" class="panel action">
            <fieldset>
                <legend>"Complete the request"</legend>
                <div class="field">
                    <label for="complete-response">"Response to the subject"</label>
                    <textarea id="complete-response" name="response" rows="5" required=true></textarea>
                </div>
                {(kind == RequestKind::Erasure).then(|| view! {
                    <fieldset>
                        <legend>"Exceptions applied (leave empty if everything was erased)"</legend>
                        {ErasureException::ALL.into_iter().map(|e| {
                            let id = format!("exception-{}", e.as_str());
                            view! {
                                <div class="check">
                                    <input type="checkbox" id=id.clone() name="exceptions" value=e.as_str()/>
                                    <label for=id>{exception_label(e)}</label>
                                </div>
                            }
                        }).collect_view()}
                        <div class="field">
                            <label for="retained">"What was kept under these exceptions"</label>
                            <textarea id="retained" name="retained" rows="2"></textarea>
                        </div>
                    </fieldset>
                })}
                {(kind == RequestKind::AutomatedDecision).then(|| view! {
                    <fieldset>
                        <legend>"The review (Art. 22(3)): the subject is told all of it"</legend>
                        <div class="field">
                            <label for="reviewer">"Who reviewed the decision"</label>
                            <input id="reviewer" name="reviewer" type="text" required=true/>
                        </div>
                        <div class="field">
                            <label for="considered">"What they considered"</label>
                            <textarea id="considered" name="considered" rows="3" required=true></textarea>
                        </div>
                        <div class="check">
                            <input type="radio" id="decision-upheld" name="decision" value="upheld" required=true/>
                            <label for="decision-upheld">"The decision stands"</label>
                        </div>
                        <div class="check">
                            <input type="radio" id="decision-changed" name="decision" value="changed"/>
                            <label for="decision-changed">"The decision was changed"</label>
                        </div>
                    </fieldset>
                })}
                {decision.map(|(legend, yes, no)| view! {
                    <fieldset>
                        <legend>{legend}</legend>
                        <div class="check">
                            <input type="radio" id="decision-yes" name="decision" value="yes" required=true/>
                            <label for="decision-yes">{yes}</label>
                        </div>
                        <div class="check">
                            <input type="radio" id="decision-no" name="decision" value="no"/>
                            <label for="decision-no">{no}</label>
                        </div>
                    </fieldset>
                })}
                <div class="field">
                    <label for="attachments">"Attachments (up to 5 files, 10 MB each)"</label>
                    <input type="file" id="attachments" name="attachments" multiple=true/>
                </div>
            </fieldset>
            <button type="submit" class="button">"Complete and notify the subject"</button>
        </form>
    }
}
