//! Security headers as a browser receives them.

use crate::harness::spawn_app;

/// The `nonce="…"` values of every `<script` tag in a page.
fn script_nonces(html: &str) -> Vec<Option<String>> {
    html.split("<script")
        .skip(1)
        .map(|tag| {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            tag.split("nonce=\"")
                .nth(1)
                .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_script_carries_the_nonce_its_policy_names() {
    let app = spawn_app().await;
    let hits = || async {
        let text = app
            .client
            .get(app.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        crate::metrics::sample(&text, r#"portal_page_cache_total{outcome="hit"}"#).unwrap_or(0.0)
    };
    let hits_before = hits().await;
    let mut seen = Vec::new();
    // The request form hydrates (an island); the embedded page adds the
    // frame script; the notice twice: the second time from the page cache,
    // with a nonce of its own.
    for path in [
        "/o/demo/new/access",
        "/embed/demo/new",
        "/o/demo/new/access",
        "/o/demo",
        "/o/demo",
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let nonce = policy
            .split(' ')
            .find_map(|word| word.strip_prefix("'nonce-"))
            .and_then(|rest| rest.strip_suffix('\''))
            .unwrap_or_else(|| panic!("no nonce in {policy}"))
            .to_owned();
        for directive in [
            "'strict-dynamic'",
            "'wasm-unsafe-eval'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'self'",
        ] {
            assert!(
                policy.contains(directive),
                "{directive} missing from {policy}"
            );
        }
        let html = response.text().await.unwrap();
        let nonces = script_nonces(&html);
        assert!(!nonces.is_empty(), "{path} has scripts to hydrate");
        assert!(
            nonces.iter().all(|n| n.as_deref() == Some(nonce.as_str())),
            "{path}: every script has nonce {nonce}: {nonces:?}"
        );
        assert!(!seen.contains(&nonce), "a nonce is never reused");
        seen.push(nonce);
    }
    assert_eq!(
        hits().await,
        hits_before + 1.0,
        "the second notice came from the cache"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_has_the_protective_headers() {
    let app = spawn_app().await;
    for path in [
        "/o/demo",
        "/api/v1/openapi.json",
        "/healthz",
        "/no/such/page",
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert!(headers.contains_key("permissions-policy"), "{path}");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("object-src 'none'"),
            "{path}"
        );
        // The test server is plain http: HSTS is for https deployments.
        assert!(!headers.contains_key("strict-transport-security"), "{path}");
    }
}
