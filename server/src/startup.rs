//! Assembling the application: configuration in, a listening server out.
//! `Application::build` is what `main` and the integration tests both use, so
//! tests run the real router on a random port.

use crate::http::{
    api, embed, files, gpc, guard, health, hosts, language, org_api, org_assets, page_cache,
    preferences, redirects, throttle,
};
use anyhow::Context;
use axum::serve::ListenerExt;
use axum::{
    extract::FromRef,
    middleware,
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use portal::{
    config::Settings, content::Content, crypto, mail::Mailer, service::Service, store::Store,
};
use std::{future::IntoFuture, net::SocketAddr, path::Path, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tower_http::{
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use url::Url;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub default_org: String,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    address: SocketAddr,
    base_url: Url,
    service: Arc<Service>,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        crate::monitoring::handle();
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create the data folder {}",
                settings.data_dir.display()
            )
        })?;
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        let address = listener.local_addr()?;
        let base_url = match &settings.base_url {
            Some(url) => url.clone(),
            None => Url::parse(&format!("http://{address}"))?,
        };
        let service = build_service(&settings, base_url.clone()).await?;
        let router = router(&settings, service.clone(), address);
        Ok(Application {
            listener,
            router,
            address,
            base_url,
            service,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    pub fn service(&self) -> Arc<Service> {
        self.service.clone()
    }

    /// Serves until Ctrl-C or SIGTERM, then stops taking connections and
    /// returns once the requests in flight are answered and the job being
    /// run is finished (a job longer than the orchestrator's grace period
    /// is cut off by its SIGKILL, and taken up again by the next server
    /// when its lease runs out). The sweeper and the job worker run inside
    /// this future (and the outbox's worker), so dropping it (as a crash
    /// would) stops them too.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (stop, stopping) = tokio::sync::watch::channel(false);
        // Responses go out as soon as they are written: with Nagle's
        // algorithm a response written in two parts (headers, then body)
        // waits for the client's delayed ACK, some 40 ms.
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let serve = axum::serve(
            listener,
            // The peer address is what rate limits count by, unless a
            // load balancer's header is configured.
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        });
        let (served, (), (), (), ()) = tokio::join!(
            serve.into_future(),
            sweep(self.service.clone(), stopping.clone()),
            work(self.service.clone(), stopping.clone()),
            deliver_mail(self.service.clone(), stopping.clone()),
            deliver_webhooks(self.service.clone(), stopping),
        );
        served?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// The service layer with its store, mailer and content: what the server and
/// the operator's commands share.
pub async fn build_service(settings: &Settings, base_url: Url) -> anyhow::Result<Arc<Service>> {
    std::fs::create_dir_all(&settings.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}",
            settings.data_dir.display()
        )
    })?;
    let secret = match settings.secret {
        Some(secret) => secret,
        None => load_or_create_secret(&settings.data_dir.join("secret.key"))?,
    };
    let export_key = match settings.export_key {
        Some(key) => key,
        None => load_or_create_secret(&settings.data_dir.join("export.key"))?,
    };
    let data_key = match settings.data_key {
        Some(key) => key,
        None => load_or_create_secret(&settings.data_dir.join("data.key"))?,
    };
    let keys = Arc::new(portal::sealing::DataKeys::new(
        &data_key,
        &settings.previous_data_keys,
    ));
    let exports: Arc<dyn portal::export::ExportStore> = match &settings.export_store {
        Some(url) => Arc::new(portal::export::ObjectExports::new(
            url,
            settings.data_dir.join("exports/partial"),
        )?),
        None => Arc::new(
            portal::export::LocalStore::new(settings.data_dir.join("exports")).with_context(
                || {
                    format!(
                        "cannot create {}",
                        settings.data_dir.join("exports").display()
                    )
                },
            )?,
        ),
    };
    let store = Store::connect(&settings.database_url)
        .await
        .context("cannot open the database")?;
    check_keys(
        &store,
        &secret,
        &export_key,
        &data_key,
        &settings.previous_data_keys,
    )
    .await?;
    let content = Arc::new(Content::load(&settings.content_dir)?);
    let mailer = Mailer::new(
        settings.smtp_url.as_deref(),
        &settings.mail_from,
        &settings.data_dir.join("outbox"),
        &settings.content_dir,
    )?;
    for org in content.orgs() {
        mailer
            .check_org_templates(&org.slug, &settings.content_dir)
            .with_context(|| format!("in organisation {}", org.slug))?;
    }
    let exports = portal::service::Packages {
        store: exports,
        key: portal::export::ExportKey::new(export_key),
        days: settings.export_days,
    };
    let jobs = portal::service::JobSettings {
        lease_secs: settings.job_lease_secs,
        mail_retry: settings.mail_retry,
        webhook_retry: settings.webhook_retry,
    };
    let webhooks = portal::service::WebhookSetup {
        endpoints: portal::webhooks::Endpoints::load(&content, &settings.content_dir)?,
        policy: portal::webhooks::AddressPolicy {
            allow_private: settings.webhooks_allow_private,
        },
    };
    let service = Service::new(
        store,
        mailer,
        content,
        secret,
        base_url,
        exports,
        jobs,
        settings.rate_limits,
        keys,
        webhooks,
    );
    service
        .upkeep
        .seal_emails()
        .await
        .map_err(|error| anyhow::anyhow!("cannot seal the stored e-mail addresses: {error}"))?;
    service
        .accounts
        .seal_staff_secrets()
        .await
        .map_err(|error| anyhow::anyhow!("cannot seal the staff's second factors: {error}"))?;
    if !service.trail.audit_chain_starts_keyed().await? {
        tracing::warn!(
            "the audit log was written before its chain was keyed: run `server audit key` once"
        );
    }
    Ok(Arc::new(service))
}

/// The app's routes, listed once per process. Listing them runs the app
/// with resource loading switched off process-wide (leptos_axum's
/// `SuppressResourceLoad`): a page rendering at that moment in another
/// application of the same process (as in the tests, which run many) would
/// wait forever (leptos-rs/leptos#4773).
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

fn router(settings: &Settings, service: Arc<Service>, address: SocketAddr) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name("portal")
        .site_root(settings.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(address)
        .build();
    let routes = route_list();
    let use_cases = service.clone();
    let state = AppState {
        leptos_options: leptos_options.clone(),
        default_org: settings.default_org.clone(),
    };
    let guard_config = guard::GuardConfig::new(service.base_url());
    let context = move || {
        crate::http::csp::provide_to_leptos();
        // What the server functions call (`app::api::door`).
        provide_context(use_cases.clone());
    };
    // Everything but file uploads: small bodies only.
    let pages_and_api = Router::new()
        .route("/", get(redirects::root))
        .route("/o/{org}/find", get(redirects::find))
        .leptos_routes_with_context(&state, routes, context, {
            let options = leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            app::shell,
        ))
        .with_state(state)
        .route("/.well-known/gpc.json", get(gpc::well_known))
        .route("/healthz", get(health::healthz))
        // The site's assets, compressed at build time (`make build`).
        .nest_service(
            "/pkg",
            tower_http::services::ServeDir::new(settings.site_root.join("pkg"))
                .precompressed_br()
                .precompressed_gzip(),
        )
        .route(
            "/metrics",
            get(crate::monitoring::endpoint).with_state(crate::monitoring::MetricsConfig {
                service: service.clone(),
                token: settings.metrics_token.clone(),
                behind_proxy: settings.client_ip_header.is_some(),
            }),
        )
        .merge(
            Router::new()
                .route("/o/{org}/consents.json", get(gpc::receipts))
                .route("/o/{org}/theme.css", get(org_assets::theme_css))
                .route("/o/{org}/logo", get(org_assets::logo))
                .route("/o/{org}/unsubscribe/{token}", post(gpc::unsubscribe))
                .route("/o/{org}/preferences", post(preferences::save))
                .route("/readyz", get(health::readyz))
                .with_state(service.clone()),
        )
        .nest("/api/v1", api::router(service.clone()))
        .layer(RequestBodyLimitLayer::new(guard::MAX_BODY_BYTES))
        .layer(middleware::from_fn(guard::body_limit));
    let uploads =
        files::router(service.clone()).layer(RequestBodyLimitLayer::new(files::MAX_UPLOAD_BYTES));
    Router::new()
        .merge(uploads)
        .merge(org_api::router(service.clone()))
        .merge(pages_and_api)
        .layer(middleware::from_fn_with_state(service.clone(), gpc::honour))
        .layer(middleware::from_fn_with_state(
            service.clone(),
            embed::frame_ancestors,
        ))
        .layer(middleware::from_fn_with_state(
            service.clone(),
            hosts::one_org_per_host,
        ))
        // Inside the language choice (part of its key), outside the rest.
        .layer(middleware::from_fn_with_state(
            Arc::new(page_cache::PageCache::default()),
            page_cache::serve,
        ))
        .layer(middleware::from_fn(language::negotiate))
        .layer(middleware::from_fn_with_state(
            throttle::ThrottleConfig {
                service,
                client_ip_header: settings.client_ip_header.clone(),
            },
            throttle::limit,
        ))
        .layer(middleware::from_fn(guard::server_fn_status))
        .layer(middleware::from_fn_with_state(
            guard_config.clone(),
            guard::forgery_guard,
        ))
        .layer(middleware::from_fn_with_state(
            guard_config,
            guard::security_headers,
        ))
        .layer(middleware::from_fn(crate::monitoring::track))
        // Spans name the method, a path without query or link tokens, and
        // the request id, which every log line of the request carries.
        .layer(TraceLayer::new_for_http().make_span_with(crate::telemetry::request_span))
        // An id per request (a load balancer's own `x-request-id` is kept),
        // echoed in the response so a report can be matched to the logs.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// Every ten minutes: expire unverified requests, forget dead sessions,
/// delete packages past their download period.
async fn sweep(service: Arc<Service>, mut stopping: tokio::sync::watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
        if let Err(error) = service.throttle.forget_rate_limits().await {
            tracing::warn!(error = %error, "rate limit sweep failed");
        }
        if let Err(error) = service.requests.forget_idempotency_keys().await {
            tracing::warn!(error = %error, "idempotency key sweep failed");
        }
        if let Err(error) = service.upkeep.send_digests().await {
            tracing::warn!(error = %error, "digest sweep failed");
        }
        if let Err(error) = service.upkeep.remind_unverified().await {
            tracing::warn!(error = %error, "reminder sweep failed");
        }
        if let Err(error) = service.upkeep.expire_unverified().await {
            tracing::warn!(error = %error, "expiry sweep failed");
        }
        if let Err(error) = service.exports.purge_exports().await {
            tracing::warn!(error = %error, "package purge failed");
        }
        if let Err(error) = service.upkeep.purge_retention().await {
            tracing::warn!(error = %error, "retention purge failed");
        }
        if let Err(error) = service.outbox.forget_finished().await {
            tracing::warn!(error = %error, "outbox sweep failed");
        }
        let today = time::OffsetDateTime::now_utc().date();
        if let Err(error) = service.hooks.announce_deadlines(today).await {
            tracing::warn!(error = %error, "deadline webhook sweep failed");
        }
        if let Err(error) = service.hooks.forget_finished().await {
            tracing::warn!(error = %error, "webhook sweep failed");
        }
    }
}

/// Webhook workers: a few side by side, so that one slow receiver (a try
/// may wait `webhooks::TIMEOUT`) does not hold up the others; each stream
/// keeps its order whichever worker sends it (`Store::claim_delivery`).
const WEBHOOK_WORKERS: usize = 4;

async fn deliver_webhooks(service: Arc<Service>, stopping: tokio::sync::watch::Receiver<bool>) {
    let workers = (0..WEBHOOK_WORKERS).map(|_| {
        let (service, mut stopping) = (service.clone(), stopping.clone());
        async move {
            while !*stopping.borrow() {
                match service.hooks.deliver_next().await {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(error) => {
                        tracing::warn!(error = %error, "the webhook queue could not be read")
                    }
                }
                tokio::select! {
                    _ = service.hooks.wait(Duration::from_secs(1)) => {}
                    _ = stopping.wait_for(|stop| *stop) => {}
                }
            }
        }
    });
    futures_util::future::join_all(workers).await;
}

/// The outbox's worker: sends due mail one after another, then waits until
/// a use case writes more (or a second passes: retries come due, and other
/// servers write too). Its own loop, so that a slow data source never holds
/// up a code mail. Asked to stop, it finishes the mail it is sending.
async fn deliver_mail(service: Arc<Service>, mut stopping: tokio::sync::watch::Receiver<bool>) {
    while !*stopping.borrow() {
        match service.outbox.deliver_next().await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(error) => tracing::warn!(error = %error, "the outbox could not be read"),
        }
        tokio::select! {
            _ = service.outbox.wait(Duration::from_secs(1)) => {}
            _ = stopping.wait_for(|stop| *stop) => {}
        }
    }
}

/// The job worker: runs due jobs one after another, and looks again every
/// second when there are none. Asked to stop, it finishes the job it is
/// running and takes no other.
async fn work(service: Arc<Service>, mut stopping: tokio::sync::watch::Receiver<bool>) {
    while !*stopping.borrow() {
        match service.upkeep.run_next_job().await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(error) => tracing::warn!(error = %error, "a job failed to run"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stopping.wait_for(|stop| *stop) => {}
        }
    }
}

/// Every server of a portal must use the keys its database was written
/// with: a code hashed under one secret cannot be checked under another,
/// nor a package or a sealed value opened. The first server records the
/// keys' fingerprints; a server with different keys refuses to start and
/// says which setting differs. A data key rotation (the recorded key now
/// among `PORTAL_DATA_KEYS_PREVIOUS`) moves the record to the new key.
async fn check_keys(
    store: &Store,
    secret: &[u8; 32],
    export_key: &[u8; 32],
    data_key: &[u8; 32],
    previous_data_keys: &[[u8; 32]],
) -> anyhow::Result<()> {
    let previous: Vec<String> = previous_data_keys.iter().map(crypto::fingerprint).collect();
    for (name, setting, key, rotated_from) in [
        ("secret", "PORTAL_SECRET", secret, &[][..]),
        ("export", "PORTAL_EXPORT_KEY", export_key, &[][..]),
        ("data", "PORTAL_DATA_KEY", data_key, previous.as_slice()),
    ] {
        let ours = crypto::fingerprint(key);
        store.record_key_fingerprint(name, &ours).await?;
        let recorded = store.key_fingerprint(name).await?.unwrap_or_default();
        if recorded == ours {
            continue;
        }
        if rotated_from.contains(&recorded) {
            store
                .replace_key_fingerprint(name, &recorded, &ours)
                .await?;
            tracing::info!(
                key = name,
                "data key rotated: new values are sealed under the new key"
            );
            continue;
        }
        anyhow::bail!(
            "{setting} is not the key this database was written with (its fingerprint is {recorded}, \
             this server's is {ours}): give every server of the portal the same {setting}, \
             or a generated one from the same data folder"
        );
    }
    Ok(())
}

fn load_or_create_secret(path: &Path) -> anyhow::Result<[u8; 32]> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        return portal::config::parse_secret(&existing)
            .with_context(|| format!("{} is damaged", path.display()));
    }
    let key = crypto::random_key();
    write_private(path, &hex::encode(key))
        .with_context(|| format!("cannot write {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a new server secret");
    Ok(key)
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents.as_bytes())
}

/// Ctrl-C or SIGTERM. A signal that cannot be listened for is waited for
/// forever rather than taken as given: a server must not stop as it starts.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
