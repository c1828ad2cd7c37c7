//! The audit log for admins: every entry of the organisations they
//! administer, newest first, filtered by action (or its start, such as
//! `request.`), actor and target, 50 to a page.

use super::{query_string, ConsoleError};
use crate::api::console::audit_log;
use domain::views::console::AuditView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("action"),
            q.get("actor"),
            q.get("target"),
            q.get("page").and_then(|p| p.parse::<u32>().ok()),
        )
    });
    let data = Resource::new(
        move || params.get(),
        |(action, actor, target, page)| audit_log(action, actor, target, page),
    );
    view! {
        <Title text="Audit log – Privacy console"/>
        <h1>"Audit log"</h1>
        <p>"Every action by subjects, staff and the system, and every staff view of personal data. Entries are chained by hash; "<code>"server audit verify"</code>" checks the chain."</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let (action, actor, target, _) = params.get_untracked();
                match data.await {
                    Ok(view) => view! { <Log view action actor target/> }.into_any(),
                    Err(error) => view! { <ConsoleError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Log(
    view: AuditView,
    action: Option<String>,
    actor: Option<String>,
    target: Option<String>,
) -> impl IntoView {
    let AuditView {
        entries,
        total,
        page,
        pages,
    } = view;
    let link_to = {
        let (action, actor, target) = (action.clone(), actor.clone(), target.clone());
        move |page: u32| {
            format!(
                "/console/audit{}",
                query_string(&[
                    ("action", action.clone()),
                    ("actor", actor.clone()),
                    ("target", target.clone()),
                    ("page", Some(page.to_string())),
                ])
            )
        }
    };
    view! {
        <form method="get" action="/console/audit" class="filters" aria-label="Filter the audit log">
            <div class="field">
                <label for="a-action">"Action (or its start)"</label>
                <input id="a-action" name="action" list="actions" value=action.unwrap_or_default()/>
                <datalist id="actions">
                    <option value="request."/>
                    <option value="request.viewed"/>
                    <option value="verification."/>
                    <option value="staff.login"/>
                    <option value="attachment.downloaded"/>
                </datalist>
            </div>
            <div class="field">
                <label for="a-actor">"Actor (e.g. staff:1, subject, system)"</label>
                <input id="a-actor" name="actor" value=actor.unwrap_or_default()/>
            </div>
            <div class="field">
                <label for="a-target">"Target (a reference)"</label>
                <input id="a-target" name="target" value=target.unwrap_or_default()/>
            </div>
            <button type="submit" class="button secondary">"Filter"</button>
        </form>
        <p class="result-count" role="status">{format!("{total} entr{}", if total == 1 { "y" } else { "ies" })}</p>
        <div class="table-scroll">
            <table class="audit">
                <caption class="visually-hidden">"Audit entries, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">"When (UTC)"</th>
                        <th scope="col">"Actor"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col">"Detail"</th>
                    </tr>
                </thead>
                <tbody>
                    {entries.into_iter().map(|e| view! {
                        <tr>
                            <td>{e.id}</td>
                            <td><time datetime=e.at.clone()>{e.at.replace('T', " ").trim_end_matches('Z').to_owned()}</time></td>
                            <td>{e.actor}</td>
                            <td>{e.action}</td>
                            <td>{e.target}</td>
                            <td><code class="detail">{e.detail}</code></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(pages > 1).then(|| view! {
            <nav class="pagination" aria-label="Pages">
                {(page > 1).then(|| view! { <a rel="prev" href=link_to(page - 1)>"Newer"</a> })}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages).then(|| view! { <a rel="next" href=link_to(page + 1)>"Older"</a> })}
            </nav>
        })}
    }
}
