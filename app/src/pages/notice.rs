//! The organisation's privacy notice: rendered on the server, readable
//! before (and without) any WebAssembly, with a table of contents.

use super::{layout::ErrorPage, use_org};
use crate::api::get_notice;
use crate::i18n;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NoticePage() -> impl IntoView {
    let org = use_org();
    let notice = Resource::new(move || org.get(), get_notice);
    view! {
        <Suspense fallback=|| view! { <p>"Loading the privacy notice…"</p> }>
            {move || Suspend::new(async move {
                match notice.await {
                    Ok(notice) => {
                        let new_request = format!("/o/{}/new", notice.org.slug);
                        view! {
                            <Title text=format!("{} – {}", notice.title, notice.org.name)/>
                            <article class="notice">
                                <header class="notice-head">
                                    <h1>{notice.title.clone()}</h1>
                                    <p class="meta">
                                        "Last updated "
                                        <time datetime=notice.last_updated.clone()>
                                            {i18n::long_date(&notice.last_updated)}
                                        </time>
                                    </p>
                                    <p class="cta-row">
                                        <a class="button" href=new_request>"Exercise your rights"</a>
                                    </p>
                                </header>
                                <nav class="toc" aria-labelledby="toc-heading">
                                    <h2 id="toc-heading">"Contents"</h2>
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
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
