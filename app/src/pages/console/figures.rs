//! An organisation's figures for its admins: a chart per month (drawn on
//! the server as SVG: no script, no library), and beside it the same
//! numbers as a table, which is what screen readers read; the full table
//! per kind and month below, and as CSV.

use super::ConsoleError;
use crate::api::console::figures;
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
                <Chart org=org.clone() months=months.clone()/>
                <MonthTable name=name.clone() months/>
            </div>
            <h3>"Per kind and month"</h3>
            <div class="table-scroll">
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
        <div class="table-scroll">
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

const WIDTH: u32 = 480;
const HEIGHT: u32 = 200;
const AXIS: u32 = 24;

/// Received and answered per month, two bars side by side; the table
/// beside it says the same, so the picture is hidden from screen readers.
#[component]
fn Chart(org: String, months: Vec<MonthTotal>) -> impl IntoView {
    let top = months
        .iter()
        .map(|m| m.received.max(m.answered))
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = (WIDTH - AXIS) / months.len().max(1) as u32;
    // Bars of a readable width, however few months there are.
    let bar = (slot / 3).clamp(2, 36);
    let plot = HEIGHT - AXIS;
    let height = move |n: u32| n * (plot - 16) / top;
    let bars = months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let x = AXIS + i as u32 * slot + slot / 6;
            let (received, answered) = (height(m.received), height(m.answered));
            view! {
                <g>
                    <rect class="bar-received" x=x.to_string() y=(plot - received).to_string() width=bar.to_string() height=received.to_string()/>
                    <rect class="bar-answered" x=(x + bar).to_string() y=(plot - answered).to_string() width=bar.to_string() height=answered.to_string()/>
                    <text x=(x + bar).to_string() y=(HEIGHT - 6).to_string() text-anchor="middle">{m.month.clone()}</text>
                    <text x=(x + bar / 2).to_string() y=(plot - received - 3).to_string() text-anchor="middle">{m.received}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="figures-chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") aria-hidden="true" focusable="false" data-org=org>
                <line x1=AXIS.to_string() y1=plot.to_string() x2=WIDTH.to_string() y2=plot.to_string() class="axis"/>
                {bars}
            </svg>
            <figcaption>
                <span class="key key-received"></span>" Received "
                <span class="key key-answered"></span>" Answered (completed or rejected)"
            </figcaption>
        </figure>
    }
}
