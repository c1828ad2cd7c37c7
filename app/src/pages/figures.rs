//! An organisation's request figures, published where its `org.toml` says
//! so (`[metrics] public = true`): per month and kind, how many requests
//! came, how many were answered and how fast, and how many were late. The
//! chart is drawn on the server; the tables say the same in words. In the
//! reader's language, like every subject page.

use super::figures_chart::Chart;
use super::{layout::ErrorPage, use_org};
use crate::api::get_figures;
use crate::i18n::{t, t1, use_language};
use domain::views::console::{KindMonth, MonthTotal, OrgFigures};
use domain::Language;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn FiguresPage() -> impl IntoView {
    let org = use_org();
    let lang = use_language();
    let figures = Resource::new(move || org.get(), get_figures);
    view! {
        <Title text=t(lang, "figures-heading")/>
        <h1>{t(lang, "figures-heading")}</h1>
        <Suspense fallback=move || view! { <p>{t(lang, "loading")}</p> }>
            {move || Suspend::new(async move {
                match figures.await {
                    Ok(figures) => view! { <Published figures lang/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn days(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |d| d.to_string())
}

/// `2026-10` as the reader's language says a month: "October 2026".
fn month_name(lang: Language, month: &str) -> String {
    match month.split_once('-').map(|(y, m)| (y, m.parse::<u8>())) {
        Some((year, Ok(m @ 1..=12))) => format!("{} {year}", t(lang, &format!("month-{m}"))),
        _ => month.to_owned(),
    }
}

#[component]
fn Published(figures: OrgFigures, lang: Language) -> impl IntoView {
    let OrgFigures {
        org,
        name,
        rows,
        months,
    } = figures;
    let lead = view! { <p class="lead">{t1(lang, "figures-lead", "org", name.clone())}</p> };
    if rows.is_empty() {
        return view! { {lead} <p>{t(lang, "figures-none")}</p> }.into_any();
    }
    view! {
        {lead}
        <section class="panel">
            <h2>{t(lang, "figures-per-month")}</h2>
            // One above the other: subject pages are a reading column.
            <Chart org=org months=months.clone() received=t(lang, "figures-received") answered=t(lang, "figures-answered")/>
            <MonthTable months lang/>
        </section>
        <section class="panel">
            <h2>{t(lang, "figures-per-kind")}</h2>
            // Focusable, so a keyboard can scroll it where it is wider than the screen.
            <div class="table-scroll" tabindex="0" role="region" aria-label=t(lang, "figures-per-kind")>
                <table class="audit">
                    <caption class="visually-hidden">{t(lang, "figures-per-kind")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t(lang, "figures-month")}</th>
                            <th scope="col">{t(lang, "figures-kind")}</th>
                            <th scope="col">{t(lang, "figures-received")}</th>
                            <th scope="col">{t(lang, "figures-completed")}</th>
                            <th scope="col">{t(lang, "figures-rejected")}</th>
                            <th scope="col">{t(lang, "figures-cancelled")}</th>
                            <th scope="col">{t(lang, "figures-median")}</th>
                            <th scope="col">{t(lang, "figures-p95")}</th>
                            <th scope="col">{t(lang, "figures-extended")}</th>
                            <th scope="col">{t(lang, "figures-late")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|row: KindMonth| view! {
                            <tr>
                                <td>{month_name(lang, &row.month)}</td>
                                <th scope="row">{domain::i18n::kind_figure_label(lang, row.kind)}</th>
                                <td>{row.received}</td>
                                <td>{row.completed}</td>
                                <td>{row.rejected}</td>
                                <td>{row.cancelled}</td>
                                <td>{days(row.median_days)}</td>
                                <td>{days(row.p95_days.map(|d| d as f64))}</td>
                                <td>{row.extended}</td>
                                <td>{row.late}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="hint">{t(lang, "figures-how")}</p>
        </section>
    }
    .into_any()
}

#[component]
fn MonthTable(months: Vec<MonthTotal>, lang: Language) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=t(lang, "figures-per-month")>
            <table class="audit figures-months">
                <caption class="visually-hidden">{t(lang, "figures-per-month")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t(lang, "figures-month")}</th>
                        <th scope="col">{t(lang, "figures-received")}</th>
                        <th scope="col">{t(lang, "figures-answered")}</th>
                        <th scope="col">{t(lang, "figures-late")}</th>
                    </tr>
                </thead>
                <tbody>
                    {months.into_iter().map(|m| view! {
                        <tr><th scope="row">{month_name(lang, &m.month)}</th><td>{m.received}</td><td>{m.answered}</td><td>{m.late}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
