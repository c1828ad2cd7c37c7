//! An organisation's figures for its admins: a chart per month (drawn on
//! the server as SVG: no script, no library), and beside it the same
//! numbers as a table, which is what screen readers read; the full table
//! per kind and month below, and as CSV.

use super::ConsoleError;
use crate::api::console::figures;
use crate::pages::figures_chart::Chart;
use domain::views::console::{KindMonth, MonthTotal, OrgFigures};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn FiguresPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| figures());
    view! {
        <Title text="Figures – Privacy console"/>
        <h1>"Figures"</h1>
        <p>"Requests per month in which they were received (the day the subject confirmed, or the day a request entered by staff arrived), by kind: what was answered, how long it took, and what was late. These are the figures supervisory authorities ask for."</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(all) => all.into_iter().map(|figures| view! { <Organisation figures/> }).collect_view().into_any(),
                    Err(error) => view! { <ConsoleError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn days(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |d| format!("{d}"))
}

#[component]
fn Organisation(figures: OrgFigures) -> impl IntoView {
    let OrgFigures {
        org,
        name,
        rows,
        months,
    } = figures;
    let heading_id = format!("figures-{org}");
    let labelled_by = heading_id.clone();
    let csv = format!("/console/o/{org}/figures.csv");
    if rows.is_empty() {
        return view! {
            <section class="panel" aria-labelledby=labelled_by>
                <h2 id=heading_id>{name}</h2>
                <p>"No request has been received yet."</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="panel" aria-labelledby=labelled_by>
            <h2 id=heading_id>{name.clone()}</h2>
            <div class="figures-overview">
                <Chart org=org.clone() months=months.clone() received="Received".into() answered="Answered (completed or rejected)".into()/>
                <MonthTable name=name.clone() months/>
            </div>
            <h3>"Per kind and month"</h3>
            <div class="table-scroll" tabindex="0" role="region" aria-label=format!("{name}: requests per kind and month")>
                <table class="audit">
                    <caption class="visually-hidden">{format!("{name}: requests per kind and month")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Month"</th>
                            <th scope="col">"Kind"</th>
                            <th scope="col">"Received"</th>
                            <th scope="col">"Completed"</th>
                            <th scope="col">"Rejected (by ground)"</th>
                            <th scope="col">"Cancelled"</th>
                            <th scope="col">"Median days to answer"</th>
                            <th scope="col">"95th percentile days"</th>
                            <th scope="col">"Extended"</th>
                            <th scope="col">"Late"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|row: KindMonth| {
                            let grounds = row.rejected_by_ground.iter().map(|g| format!("{}: {}", g.ground, g.count)).collect::<Vec<_>>().join("; ");
                            view! {
                                <tr>
                                    <td>{row.month}</td>
                                    <th scope="row">{row.kind.staff_name()}</th>
                                    <td>{row.received}</td>
                                    <td>{row.completed}</td>
                                    <td>{row.rejected}{(!grounds.is_empty()).then(|| format!(" ({grounds})"))}</td>
                                    <td>{row.cancelled}</td>
                                    <td>{days(row.median_days)}</td>
                                    <td>{days(row.p95_days.map(|d| d as f64))}</td>
                                    <td>{row.extended}</td>
                                    <td>{row.late}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p><a href=csv download="">"Download these figures as CSV"</a></p>
        </section>
    }
    .into_any()
}

/// The months as a table: the chart's numbers, for whoever cannot see it.
#[component]
fn MonthTable(name: String, months: Vec<MonthTotal>) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=format!("{name}: requests per month")>
        <table class="audit figures-months">
            <caption>{format!("{name}: requests per month")}</caption>
            <thead>
                <tr><th scope="col">"Month"</th><th scope="col">"Received"</th><th scope="col">"Answered"</th><th scope="col">"Late"</th></tr>
            </thead>
            <tbody>
                {months.into_iter().map(|m| view! {
                    <tr><th scope="row">{m.month}</th><td>{m.received}</td><td>{m.answered}</td><td>{m.late}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}
