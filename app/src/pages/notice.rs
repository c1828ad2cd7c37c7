//! The organisation's privacy notice: rendered on the server, readable
//! before (and without) any WebAssembly, with a table of contents, its
//! version history and what changed between versions.

use super::{layout::ErrorPage, use_base, use_org};
use crate::api::{get_notice, get_notice_changes};
use crate::i18n::{self, t, t1, use_language};
use domain::views::{Change, NoticeChangesView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NoticePage() -> impl IntoView {
    let org = use_org();
    let lang = use_language();
    let base = use_base();
    let notice = Resource::new(move || org.get(), get_notice);
    view! {
        <Suspense fallback=move || view! { <p>{t(lang, "loading")}</p> }>
            {move || Suspend::new(async move {
                match notice.await {
                    Ok(notice) => {
                        let base = base.get_untracked();
                        let new_request = format!("{base}/new");
                        let changes = format!("{base}/notice/changes");
                        // The text's own language, for screen readers and
                        // hyphenation, when it is not the page's.
                        let text_lang = (notice.language != lang).then(|| notice.language.code());
                        view! {
                            <Title text=format!("{} – {}", notice.title, notice.org.name)/>
                            <article class="notice" lang=text_lang>
                                <header class="notice-head">
                                    <h1>{notice.title.clone()}</h1>
                                    {text_lang.map(|_| view! {
                                        <p class="notice-box" lang=lang.code()>{t(lang, "notice-not-in-language")}</p>
                                    })}
                                    <p class="meta" lang=lang.code()>
                                        {t(lang, "notice-last-updated")}" "
                                        <time datetime=notice.last_updated.clone()>
                                            {i18n::long_date(lang, &notice.last_updated)}
                                        </time>
                                    </p>
                                    <p class="cta-row" lang=lang.code()>
                                        <a class="button" href=new_request>{t(lang, "notice-cta")}</a>
                                    </p>
                                </header>
                                <nav class="toc" aria-labelledby="toc-heading">
                                    <h2 id="toc-heading" lang=lang.code()>{t(lang, "notice-contents")}</h2>
                                    <ol>
                                        {notice
                                            .toc
                                            .into_iter()
                                            .map(|entry| view! { <li><a href=format!("#{}", entry.id)>{entry.title}</a></li> })
                                            .collect_view()}
                                    </ol>
                                </nav>
                                <div class="notice-body" inner_html=notice.html></div>
                            </article>
                            {(!notice.earlier_versions.is_empty()).then(|| view! {
                                <section class="panel versions" aria-labelledby="versions-heading">
                                    <h2 id="versions-heading">{t(lang, "notice-versions")}</h2>
                                    <p>{t(lang, "notice-versions-lead")}</p>
                                    <ul>
                                        {notice.earlier_versions.into_iter().map(|date| {
                                            let href = format!("{changes}?from={date}");
                                            view! {
                                                <li>
                                                    {t1(lang, "notice-version-from", "date", i18n::long_date(lang, &date))}
                                                    " – "
                                                    <a href=href>{t(lang, "notice-changes")}</a>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                </section>
                            })}
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/o/{org}/notice/changes?from=…&to=…`: the changed paragraphs, removed
/// words in `<del>`, added ones in `<ins>` (announced as such by screen
/// readers, and labelled in words for those that do not).
#[component]
pub fn NoticeChangesPage() -> impl IntoView {
    let org = use_org();
    let lang = use_language();
    let query = use_query_map();
    let changes = Resource::new(
        move || query.with(|q| (org.get(), q.get("from").unwrap_or_default(), q.get("to"))),
        |(org, from, to)| get_notice_changes(org, from, to),
    );
    view! {
        <Suspense fallback=move || view! { <p>{t(lang, "loading")}</p> }>
            {move || Suspend::new(async move {
                match changes.await {
                    Ok(changes) => view! { <ChangeList changes/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ChangeList(changes: NoticeChangesView) -> impl IntoView {
    let lang = use_language();
    let back = use_base().get_untracked();
    let text_lang = (changes.language != lang).then(|| changes.language.code());
    let mut args = crate::i18n::FluentArgs::new();
    args.set("from", i18n::long_date(lang, &changes.from));
    args.set("to", i18n::long_date(lang, &changes.to));
    let lead = i18n::t_args(lang, "notice-changes-lead", Some(&args));
    let mut section = String::new();
    view! {
        <Title text=t(lang, "notice-changes-title")/>
        <h1>{t(lang, "notice-changes-title")}</h1>
        <p class="lead">{lead}</p>
        {if changes.changes.is_empty() {
            view! { <p>{t(lang, "notice-changes-none")}</p> }.into_any()
        } else {
            view! {
                <ol class="changes" lang=text_lang>
                    {changes.changes.into_iter().map(|paragraph| {
                        // Name the section once, above its first change.
                        let heading = (paragraph.section != section).then(|| {
                            section = paragraph.section.clone();
                            view! { <h2 class="change-section">{paragraph.section.clone()}</h2> }
                        });
                        view! {
                            <li>
                                {heading}
                                <p class="change">
                                    {paragraph.parts.into_iter().map(|part| match part.change {
                                        Change::Same => view! { <span>{part.text}</span> }.into_any(),
                                        Change::Removed => view! {
                                            <del><span class="visually-hidden">{t(lang, "notice-changes-removed")}" "</span>{part.text}</del>
                                        }.into_any(),
                                        Change::Added => view! {
                                            <ins><span class="visually-hidden">{t(lang, "notice-changes-added")}" "</span>{part.text}</ins>
                                        }.into_any(),
                                    }).collect_view()}
                                </p>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
        <p><a class="button secondary" href=back>{t(lang, "notice-back")}</a></p>
    }
}
