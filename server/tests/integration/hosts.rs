//! Organisations by host name: an organisation with `hosts` in its
//! `org.toml` is served alone on those names, while the portal's own
//! address keeps serving every organisation under `/o/{org}`.

use crate::harness::spawn_app_with_org;

const TOML: &str = "name = \"Hosted AS\"\ncontact_email = \"privacy@hosted.example\"\nhosts = [\"privacy.hosted.test\"]\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_on_its_own_host_shows_nothing_of_another() {
    let app = spawn_app_with_org("hosted", TOML).await;
    let get = |path: &str, host: &str| {
        app.client
            .get(app.url(path))
            .header("host", host)
            .header("accept", "text/html")
            .send()
    };
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let own = format!("privacy.hosted.test:{port}");

    // Its host: `/` is its notice, its pages work, other organisations' do not.
    let root = get("/", &own).await.unwrap();
    assert_eq!(root.status(), 303);
    assert_eq!(root.headers()["location"], "/o/hosted");
    let notice = get("/o/hosted", &own).await.unwrap();
    assert_eq!(notice.status(), 200);
    assert!(notice.text().await.unwrap().contains("Hosted AS"));
    for path in [
        "/o/demo",
        "/o/demo/new/access",
        "/o/other/requests",
        "/console/o/demo/requests/PR-AAAA-BBBB",
    ] {
        let other = get(path, &own).await.unwrap();
        assert_eq!(other.status(), 404, "{path}");
        assert!(!other.text().await.unwrap().contains("Fjordlys"), "{path}");
    }
    // Upper case and no port are the same host.
    assert_eq!(
        get("/o/demo", "PRIVACY.HOSTED.TEST")
            .await
            .unwrap()
            .status(),
        404
    );

    // The portal's own address serves every organisation by path.
    let base = app.address.trim_start_matches("http://").to_owned();
    assert_eq!(get("/o/demo", &base).await.unwrap().status(), 200);
    assert_eq!(get("/o/hosted", &base).await.unwrap().status(), 200);

    // Mail links lead to the organisation's own host.
    let response = app
        .submit(serde_json::json!({"org": "hosted", "kind": "access", "email": "kari@example.no"}))
        .await;
    assert_eq!(response.status(), 201);
    let mail = app.mail.wait_for(1).await;
    let link = mail.link_containing("/confirm/");
    assert!(
        link.starts_with("http://privacy.hosted.test/o/hosted/confirm/"),
        "{link}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_theme_is_served_as_custom_properties_and_linked_from_its_pages() {
    let toml = "name = \"Themed AS\"\ncontact_email = \"privacy@themed.example\"\n\
                [theme]\naccent = \"#7a1f5c\"\nradius = \"2px\"\nfont = \"Georgia, serif\"\n";
    let app = spawn_app_with_org("themed", toml).await;
    let css = app
        .client
        .get(app.url("/o/themed/theme.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let css = css.text().await.unwrap();
    assert!(
        css.contains("--accent: #7a1f5c;")
            && css.contains("--radius: 2px;")
            && css.contains("font-family: Georgia, serif;")
    );
    let (_, html) = app.page("/o/themed", None).await;
    assert!(html.contains("/o/themed/theme.css"), "the theme is linked");
    // An organisation without a theme links none, and has no theme or logo to fetch.
    let (_, html) = app.page("/o/demo", None).await;
    assert!(!html.contains("theme.css"));
    assert_eq!(
        app.client
            .get(app.url("/o/demo/theme.css"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        app.client
            .get(app.url("/o/demo/logo"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}
