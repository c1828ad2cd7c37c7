//! Languages, notice versions and embedding over real HTTP: the language
//! comes from `?lang=`, then the cookie, then `Accept-Language`; the notice
//! shows its versions and what changed; a subject who confirmed before the
//! notice changed is told, until they open the changes; `/embed/` pages may
//! be framed only by the organisation's own sites.

use crate::harness::{set_cookie, spawn_app};
use domain::i18n::t;
use domain::Language;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_comes_from_the_url_then_the_cookie_then_the_browser() {
    let app = spawn_app().await;
    let get = |path: &str, headers: &[(&str, &str)]| {
        let mut request = app.client.get(app.url(path)).header("accept", "text/html");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };

    let english = get("/o/demo", &[]).await.unwrap();
    assert!(english.headers()["vary"]
        .to_str()
        .unwrap()
        .contains("Accept-Language"));
    let body = english.text().await.unwrap();
    assert!(body.contains(r#"<html lang="en""#), "{}", &body[..200]);
    assert!(body.contains("Last updated"));

    let norwegian = get("/o/demo", &[("accept-language", "nb-NO,nb;q=0.9,en;q=0.5")])
        .await
        .unwrap();
    let body = norwegian.text().await.unwrap();
    assert!(body.contains(r#"<html lang="nb""#));
    assert!(body.contains("Sist oppdatert") && body.contains("Personvernerklæring"));
    // The notice's own Norwegian text, and Norwegian dates.
    assert!(body.contains("1. oktober 2026"), "a Norwegian date");

    // ?lang= wins over the browser and is remembered in a cookie.
    let chosen = get("/o/demo/new?lang=nl", &[("accept-language", "nb")])
        .await
        .unwrap();
    let cookie = set_cookie(&chosen, "portal_lang").expect("the choice is remembered");
    assert_eq!(cookie, "portal_lang=nl");
    assert!(chosen.text().await.unwrap().contains("Wat wilt u doen?"));
    let remembered = get(
        "/o/demo/new",
        &[("accept-language", "nb"), ("cookie", &cookie)],
    )
    .await
    .unwrap();
    assert!(set_cookie(&remembered, "portal_lang").is_none());
    assert!(remembered
        .text()
        .await
        .unwrap()
        .contains(r#"<html lang="nl""#));

    // Nonsense is ignored, not an error.
    let nonsense = get(
        "/o/demo?lang=klingon",
        &[("accept-language", "xx-YY;q=oops")],
    )
    .await
    .unwrap();
    assert_eq!(nonsense.status(), 200);
    assert!(nonsense
        .text()
        .await
        .unwrap()
        .contains(r#"<html lang="en""#));

    // Validation messages of the API's server-rendered forms follow too:
    // the form island gets its words in the page's language.
    let form = get("/o/demo/new/rectification?lang=nb", &[])
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for id in [
        "field-inaccurate",
        "field-correction",
        "send-request",
        "characters",
    ] {
        let words = t(Language::Nb, id);
        assert!(form.contains(&words), "{id}: {words}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notice_shows_its_versions_and_what_changed() {
    let app = spawn_app().await;
    let (status, notice) = app.page("/o/demo", None).await;
    assert_eq!(status, 200);
    assert!(notice.contains("Earlier versions"));
    assert!(notice.contains("/o/demo/notice/changes?from=2026-03-01"));

    let (status, changes) = app
        .page("/o/demo/notice/changes?from=2026-03-01&lang=nb", None)
        .await;
    assert_eq!(status, 200);
    // The retention of logs went from 180 to 90 days; a purpose was added.
    assert!(changes.contains("<del>"), "removed words are marked");
    assert!(changes.contains("180"), "{changes}");
    assert!(
        changes.contains("Strømsparingsråd"),
        "the added purpose, in Norwegian"
    );

    for bad in [
        "/o/demo/notice/changes?from=1999-01-01",
        "/o/demo/notice/changes?from=2026-10-01",
        "/o/demo/notice/changes?from=2026-10-01&to=2026-03-01",
        "/o/demo/notice/changes",
        "/o/nobody/notice/changes?from=2026-03-01",
    ] {
        let (status, body) = app.page(bad, None).await;
        assert_eq!(status, 404, "{bad}");
        assert!(!body.contains("<ins>"), "{bad}");
    }

    let (status, json) = app.get_json("/api/v1/orgs/demo/notice.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        json["notice"]["versions"],
        serde_json::json!(["2026-03-01"])
    );
    assert_eq!(
        json["notice"]["languages"],
        serde_json::json!(["en", "nb", "nl"])
    );

    // The front matter's facts, in the language asked for, with DPV terms.
    let (_, json) = app
        .get_json("/api/v1/orgs/demo/notice.json?lang=nb", None)
        .await;
    let notice = &json["notice"];
    assert_eq!(notice["language"], "nb");
    assert_eq!(notice["title"], "Personvernerklæring");
    assert_eq!(notice["controller"]["name"], "Fjordlys Energi AS");
    assert_eq!(notice["dpo"]["email"], "dpo@fjordlys.example");
    let purposes = notice["purposes"].as_array().unwrap();
    let advice = purposes
        .iter()
        .find(|p| p["name"] == "Strømsparingsråd basert på forbruket ditt")
        .expect("the consent purpose, in Norwegian");
    assert_eq!(
        advice["dpv:hasLegalBasis"],
        serde_json::json!(["dpv:Consent", "eu-gdpr:A6-1-a"])
    );
    assert_eq!(notice["transfers"][0]["country"], "US");
    // A language without a notice of its own gets the English one.
    let (_, json) = app
        .get_json("/api/v1/orgs/demo/notice.json?lang=xx", None)
        .await;
    assert_eq!(json["notice"]["language"], "en");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subject_who_confirmed_before_the_notice_changed_is_told_until_they_look() {
    let app = spawn_app().await;
    let (reference, session) = app.subject_session("ola@example.no").await;

    // Confirmed today: the current notice is the one they saw.
    let (_, page) = app.page("/o/demo/requests", Some(&session)).await;
    assert!(
        !page.contains("notice-changed"),
        "no note for a current reader"
    );

    // Confirmed in May 2026, under the March version: the October one is new to them.
    sqlx::query("UPDATE requests SET verified_at = 1777593600 WHERE reference = $1")
        .bind(&reference)
        .execute(&app.db)
        .await
        .unwrap();
    let (_, page) = app.page("/o/demo/requests", Some(&session)).await;
    assert!(page.contains("notice-changed"), "the note is shown");
    assert!(page.contains("/o/demo/notice/changes?from=2026-03-01"));
    assert!(page.contains("1 May 2026"));
    // On every page of the organisation, in the reader's language.
    let (_, page) = app.page("/o/demo/new?lang=nl", Some(&session)).await;
    assert!(page.contains(&t(Language::Nl, "notice-changed-link")));

    // Opening the changes is looking: the note goes.
    let opened = app
        .client
        .get(app.url("/o/demo/notice/changes?from=2026-03-01"))
        .header("accept", "text/html")
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    let seen = set_cookie(&opened, "portal_notice_seen_demo").expect("remembered as seen");
    assert_eq!(seen, "portal_notice_seen_demo=2026-10-01");
    let (_, page) = app
        .page("/o/demo/requests", Some(&format!("{session}; {seen}")))
        .await;
    assert!(!page.contains("notice-changed"));

    // Someone without a session never sees it.
    let (_, page) = app.page("/o/demo", None).await;
    assert!(!page.contains("notice-changed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embed_pages_may_be_framed_by_the_organisations_sites_only() {
    let app = spawn_app().await;
    let plain = app.client.get(app.url("/o/demo")).send().await.unwrap();
    let frame_ancestors = |response: &reqwest::Response| {
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        policy
            .split("; ")
            .find_map(|d| d.strip_prefix("frame-ancestors "))
            .unwrap_or_else(|| panic!("no frame-ancestors in {policy}"))
            .to_owned()
    };
    assert_eq!(frame_ancestors(&plain), "'self'");
    let embed = app
        .client
        .get(app.url("/embed/demo/new"))
        .send()
        .await
        .unwrap();
    assert_eq!(embed.status(), 200);
    assert_eq!(
        frame_ancestors(&embed),
        "'self' https://www.fjordlys.example http://localhost:4173"
    );
    let body = embed.text().await.unwrap();
    assert!(body.contains("/embed-frame.js"));
    assert!(
        body.contains(r#"href="/embed/demo/new/access""#),
        "links stay in the frame"
    );
    assert!(!body.contains("site-footer"), "no outer chrome");

    // An organisation without embed_origins: only the portal itself.
    let other = app
        .client
        .get(app.url("/embed/other"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);
    assert_eq!(frame_ancestors(&other), "'self'");
    let unknown = app
        .client
        .get(app.url("/embed/nobody"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);

    // A form posted from inside a frame comes back to the frame, and its
    // session cookie is the kind a browser keeps for a third-party frame.
    let submitted = app
        .client
        .post(app.url("/_sfn/submit_request"))
        .header("accept", "text/html")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", app.address.as_str())
        .header("referer", app.url("/embed/demo/new/access"))
        .body("org=demo&kind=access&email=frame%40example.no&language=nb")
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 303);
    let location = submitted.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/embed/demo/requests/PR-"),
        "{location}"
    );
    let reference = location
        .split('/')
        .nth(4)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let mail = app.mail.wait_for(1).await;
    let verified = app
        .client
        .post(app.url("/_sfn/verify_code"))
        .header("accept", "text/html")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", app.address.as_str())
        .header("referer", app.url(&location))
        .body(format!(
            "org=demo&reference={reference}&code={}",
            mail.code()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 303);
    assert_eq!(
        verified.headers()["location"],
        format!("/embed/demo/requests/{reference}").as_str()
    );
    let cookie = verified
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("portal_session="))
        .expect("a session cookie");
    for part in ["SameSite=None", "Secure", "Partitioned", "HttpOnly"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
}
