//! The queue: the requests of the member's organisations, soonest deadline
//! first, with overdue and due-soon flags and counts, filters in the address
//! (a plain GET form) and pages of 25.

use super::STAFF;
use super::{query_string, ConsoleError};
use crate::api::console::queue;
use crate::i18n;
use domain::views::console::{QueueItem, QueueView};
use domain::{RequestKind, Status};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn QueuePage() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("status"),
            q.get("kind"),
            q.get("assignee"),
            q.get("page").and_then(|p| p.parse::<u32>().ok()),
        )
    });
    let data = Resource::new(
        move || params.get(),
        |(status, kind, assignee, page)| queue(status, kind, assignee, page),
    );
    view! {
        <Title text="Queue – Privacy console"/>
        <h1>"Requests"</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let (status, kind, assignee, _) = params.get_untracked();
                match data.await {
                    Ok(view) => view! { <Queue view status kind assignee/> }.into_any(),
                    Err(error) => view! { <ConsoleError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Queue(
    view: QueueView,
    status: Option<String>,
    kind: Option<String>,
    assignee: Option<String>,
) -> impl IntoView {
    let QueueView {
        items,
        total,
        page,
        pages,
        overdue,
        due_soon,
        colleagues,
        me: _,
    } = view;
    let selected = |current: &Option<String>, value: &str| current.as_deref() == Some(value);
    let link_to = {
        let (status, kind, assignee) = (status.clone(), kind.clone(), assignee.clone());
        move |page: u32| {
            format!(
                "/console{}",
                query_string(&[
                    ("status", status.clone()),
                    ("kind", kind.clone()),
                    ("assignee", assignee.clone()),
                    ("page", Some(page.to_string())),
                ])
            )
        }
    };
    let empty = items.is_empty();
    let overdue_class = if overdue > 0 {
        "count overdue"
    } else {
        "count"
    };
    let due_soon_class = if due_soon > 0 {
        "count due-soon"
    } else {
        "count"
    };
    view! {
        <ul class="counts" aria-label="Deadlines">
            <li class=overdue_class>
                <a href="/console?status=open"><strong>{overdue}</strong>" overdue"</a>
            </li>
            <li class=due_soon_class>
                <a href="/console?status=open"><strong>{due_soon}</strong>" due within 7 days"</a>
            </li>
        </ul>
        <form method="get" action="/console" class="filters" aria-label="Filter requests">
            <div class="field">
                <label for="f-status">"Status"</label>
                <select id="f-status" name="status">
                    <option value="open" selected=status.is_none() || selected(&status, "open")>"Open (to do)"</option>
                    <option value="all" selected=selected(&status, "all")>"All"</option>
                    {Status::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=selected(&status, s.as_str())>{s.staff_name()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-kind">"Kind"</label>
                <select id="f-kind" name="kind">
                    <option value="" selected=kind.is_none()>"All kinds"</option>
                    {RequestKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=selected(&kind, k.as_str())>{k.staff_name()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-assignee">"Assignee"</label>
                <select id="f-assignee" name="assignee">
                    <option value="" selected=assignee.is_none()>"Anyone"</option>
                    <option value="me" selected=selected(&assignee, "me")>"Me"</option>
                    <option value="none" selected=selected(&assignee, "none")>"Nobody yet"</option>
                    {colleagues.into_iter().map(|c| {
                        let id = c.id.to_string();
                        view! { <option value=id.clone() selected=selected(&assignee, &id)>{c.email}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button secondary">"Filter"</button>
        </form>
        <p class="result-count" role="status">{format!("{total} request{}", if total == 1 { "" } else { "s" })}</p>
        {if empty {
            view! { <p class="empty">"Nothing here. Try another filter."</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="queue">
                        <caption class="visually-hidden">"Requests, soonest deadline first"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Reference"</th>
                                <th scope="col">"Kind"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Due"</th>
                                <th scope="col">"Received"</th>
                                <th scope="col">"Assignee"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {items.into_iter().map(|item| view! { <Row item/> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
        {(pages > 1).then(|| view! {
            <nav class="pagination" aria-label="Pages">
                {(page > 1).then(|| view! { <a rel="prev" href=link_to(page - 1)>"Previous"</a> })}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages).then(|| view! { <a rel="next" href=link_to(page + 1)>"Next"</a> })}
            </nav>
        })}
    }
}

#[component]
fn Row(item: QueueItem) -> impl IntoView {
    let href = format!("/console/o/{}/requests/{}", item.org, item.reference);
    let row_class = if item.overdue {
        "overdue"
    } else if item.due_soon {
        "due-soon"
    } else {
        ""
    };
    view! {
        <tr class=row_class>
            <td>
                <a href=href>{item.reference.to_string()}</a>
                {item.duplicate.then(|| view! { <span class="flag duplicate">"Possible duplicate"</span> })}
            </td>
            <td>{item.kind.staff_name()}</td>
            <td><span class=format!("status status-{}", item.status.as_str())>{item.status.staff_name()}</span></td>
            <td>
                {item.due_date.as_deref().map(|d| i18n::long_date(STAFF, d)).unwrap_or_else(|| "Not confirmed".into())}
                {item.overdue.then(|| view! { <span class="flag overdue">"Overdue"</span> })}
                {item.due_soon.then(|| view! { <span class="flag due-soon">"Due soon"</span> })}
            </td>
            <td>{i18n::long_date(STAFF, &item.received_at)}</td>
            <td>{item.assignee.unwrap_or_else(|| "–".into())}</td>
        </tr>
    }
}
