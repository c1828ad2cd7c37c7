//! Requests per month as a bar chart, drawn on the server as SVG (no
//! script, no library), for the console's figures and the published ones.
//! The chart is hidden from screen readers: a table beside it says the same.

use domain::views::console::MonthTotal;
use leptos::prelude::*;

const WIDTH: u32 = 480;
const HEIGHT: u32 = 200;
const AXIS: u32 = 24;

/// Received and answered per month, two bars side by side; the table
/// beside it says the same, so the picture is hidden from screen readers.
#[component]
pub fn Chart(
    org: String,
    months: Vec<MonthTotal>,
    received: String,
    answered: String,
) -> impl IntoView {
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
                <span class="key key-received"></span>" "{received}" "
                <span class="key key-answered"></span>" "{answered}
            </figcaption>
        </figure>
    }
}
