//! The web benchmark (`make bench`; ignored by `make test`). The release
//! server binary runs as an operator runs it; `wrk` (Debian's) loads it
//! from a second process with 64 connections. Each figure is printed next
//! to its reference, measured in the same run on the same machine:
//!
//! - the notice page (server-rendered from memory) next to the same bytes
//!   served by axum's `ServeDir`: requests/s, p50/p99 latency, and the
//!   server's CPU time per request (from `/proc/<pid>/stat`);
//! - the tracking page (a database read per request) on SQLite and on
//!   PostgreSQL;
//! - submissions/s (a write, a code and a mail each) on both.
//!
//! It measures and asserts nothing about speed; it asserts only that the
//! load got answers (a benchmark of error pages would be no benchmark).
//! `PORTAL_BENCH_SECONDS` sets each run's length (default 10); the report is
//! also written to `target/bench/web.json`.

use crate::harness::{fresh_postgres_database, server_process, shipped_content, SmtpSink};
use std::{path::Path, process::Command};

const CONNECTIONS: u32 = 64;

#[derive(Debug, Clone, serde::Serialize)]
struct Load {
    requests: u64,
    requests_per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
    /// CPU seconds the serving process spent per request, in microseconds.
    cpu_us_per_request: f64,
}

fn seconds() -> u32 {
    std::env::var("PORTAL_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

/// utime + stime of a process, in seconds.
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may hold spaces) start at ")".
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    // Linux reports in USER_HZ, which is 100 on every Linux ABI we run on.
    ticks / 100.0
}

/// "1.23ms" / "850.00us" / "1.02s" as milliseconds.
fn millis(text: &str) -> f64 {
    let text = text.trim();
    for (unit, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)] {
        if let Some(number) = text.strip_suffix(unit) {
            if let Ok(value) = number.parse::<f64>() {
                return value * factor;
            }
        }
    }
    panic!("not a wrk duration: {text:?}")
}

fn wrk_blocking(url: &str, script: Option<&Path>, pid: &str) -> Load {
    let before = cpu_seconds(pid);
    let mut command = Command::new("wrk");
    command.args([
        "-t2",
        &format!("-c{CONNECTIONS}"),
        &format!("-d{}s", seconds()),
        "--latency",
    ]);
    if let Some(script) = script {
        command.arg("-s").arg(script);
    }
    let output = command
        .arg(url)
        .output()
        .expect("wrk (make bench installs it)");
    let cpu = cpu_seconds(pid) - before;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "wrk failed: {text}");
    let find = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(prefix))
            .map(|rest| rest.split_whitespace().next().unwrap().to_owned())
    };
    let requests: u64 = text
        .lines()
        .find(|l| l.contains(" requests in "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no request count in {text}"));
    let load = Load {
        requests,
        requests_per_sec: find("Requests/sec:").unwrap().parse().unwrap(),
        p50_ms: millis(&find("50%").unwrap()),
        p99_ms: millis(&find("99%").unwrap()),
        non_2xx: find("Non-2xx or 3xx responses:")
            .map(|n| n.parse().unwrap())
            .unwrap_or(0),
        cpu_us_per_request: cpu / requests.max(1) as f64 * 1e6,
    };
    assert!(load.requests > 0, "{text}");
    assert!(
        load.non_2xx * 100 <= load.requests,
        "more than 1% errors: {text}"
    );
    load
}

/// Runs wrk off the async workers, which keep serving meanwhile.
async fn wrk(url: &str, script: Option<&Path>, pid: &str) -> Load {
    let (url, script, pid) = (
        url.to_owned(),
        script.map(Path::to_path_buf),
        pid.to_owned(),
    );
    tokio::task::spawn_blocking(move || wrk_blocking(&url, script.as_deref(), &pid))
        .await
        .unwrap()
}

/// The same bytes as the notice page, served by `ServeDir` from this test
/// process (its CPU is this process's, which does nothing else meanwhile).
async fn static_server(dir: &Path) -> (tokio::task::JoinHandle<()>, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(dir));
    // TCP_NODELAY as the portal sets it: a fair reference.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let handle = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (handle, format!("http://{address}"))
}

struct Portal {
    child: std::process::Child,
    base: String,
    pid: String,
    tracking: String,
}

/// A portal on `database_url` with one verified request whose tracking
/// page (reached by the mailed link's key) is the database read to load.
async fn portal(database_url: &str, dir: &Path) -> (Portal, SmtpSink) {
    let (mail, smtp_port) = SmtpSink::start().await;
    let (child, base) = server_process(database_url, dir, &shipped_content(), smtp_port);
    let pid = child.id().to_string();
    let client = reqwest::Client::new();
    let submitted = client
        .post(format!("{base}/api/v1/requests"))
        .json(&serde_json::json!({"org": "demo", "kind": "access", "email": "kari@example.no"}))
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 201);
    let message = mail.wait_for(1).await;
    let tracking = message.link_containing("key=");
    let path = tracking.split_once("://").unwrap().1;
    let path = &path[path.find('/').unwrap()..];
    (
        Portal {
            child,
            base: base.clone(),
            pid,
            tracking: format!("{base}{path}"),
        },
        mail,
    )
}

const SUBMIT_SCRIPT: &str = r#"
counter = 0
request = function()
  counter = counter + 1
  local body = '{"org":"demo","kind":"access","email":"bench' .. counter .. '.' .. math.random(1, 1000000000) .. '@example.no"}'
  return wrk.format("POST", "/api/v1/requests", {["Content-Type"] = "application/json"}, body)
end
"#;

fn row(name: &str, load: &Load, reference: &str) {
    println!(
        "{name:<34} {:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  CPU {:>7.1} µs/req   {reference}",
        load.requests_per_sec, load.p50_ms, load.p99_ms, load.cpu_us_per_request
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: make bench runs it"]
async fn pages_and_submissions_under_load() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("submit.lua");
    std::fs::write(&script, SUBMIT_SCRIPT).unwrap();

    let sqlite_dir = dir.path().join("sqlite");
    std::fs::create_dir_all(&sqlite_dir).unwrap();
    let sqlite_url = format!("sqlite://{}/portal.db", sqlite_dir.display());
    let (mut sqlite, _mail) = portal(&sqlite_url, &sqlite_dir).await;

    // The notice page and the same bytes from ServeDir.
    let notice_url = format!("{}/o/demo", sqlite.base);
    let html = reqwest::get(&notice_url)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let static_dir = dir.path().join("static");
    std::fs::create_dir_all(&static_dir).unwrap();
    std::fs::write(static_dir.join("notice.html"), &html).unwrap();
    let (static_task, static_base) = static_server(&static_dir).await;
    let own_pid = std::process::id().to_string();
    let served = wrk(&format!("{static_base}/notice.html"), None, &own_pid).await;
    static_task.abort();
    let notice = wrk(&notice_url, None, &sqlite.pid).await;
    let tracking_sqlite = wrk(&sqlite.tracking, None, &sqlite.pid).await;
    let submit_sqlite = wrk(
        &format!("{}/api/v1/requests", sqlite.base),
        Some(&script),
        &sqlite.pid,
    )
    .await;
    sqlite.child.kill().unwrap();
    sqlite.child.wait().unwrap();

    let pg_dir = dir.path().join("postgres");
    std::fs::create_dir_all(&pg_dir).unwrap();
    let pg_url = fresh_postgres_database().await;
    let (mut pg, _mail) = portal(&pg_url, &pg_dir).await;
    let tracking_pg = wrk(&pg.tracking, None, &pg.pid).await;
    let submit_pg = wrk(
        &format!("{}/api/v1/requests", pg.base),
        Some(&script),
        &pg.pid,
    )
    .await;
    pg.child.kill().unwrap();
    pg.child.wait().unwrap();

    println!(
        "\nweb benchmark: wrk, {CONNECTIONS} connections, {} s per run, {} bytes of notice HTML",
        seconds(),
        html.len()
    );
    row("static notice (axum ServeDir)", &served, "reference");
    let ratio = notice.requests_per_sec / served.requests_per_sec;
    row(
        "notice page (server-rendered)",
        &notice,
        &format!(
            "{ratio:.2}× static (target ≥ 0.5×); CPU target ≤ 100 µs/req: {}",
            if ratio >= 0.5 && notice.cpu_us_per_request <= 100.0 {
                "met"
            } else {
                "NOT met"
            }
        ),
    );
    row(
        "tracking page, SQLite",
        &tracking_sqlite,
        "a database read per request",
    );
    row(
        "tracking page, PostgreSQL",
        &tracking_pg,
        "a database read per request",
    );
    row(
        "submissions, SQLite",
        &submit_sqlite,
        "write + code + mail, synchronous=FULL",
    );
    row(
        "submissions, PostgreSQL",
        &submit_pg,
        "write + code + mail, synchronous_commit=on",
    );

    let report = serde_json::json!({
        "connections": CONNECTIONS,
        "seconds": seconds(),
        "notice_html_bytes": html.len(),
        "static_notice": served,
        "notice": notice,
        "notice_vs_static": ratio,
        "tracking_sqlite": tracking_sqlite,
        "tracking_postgres": tracking_pg,
        "submit_sqlite": submit_sqlite,
        "submit_postgres": submit_pg,
    });
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("web.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
}

/// Resident and peak memory of a process (`self` for this one), in MiB
/// (`/proc/<pid>/status`).
pub(crate) fn memory_mib(pid: &str, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .unwrap()
        .trim()
        .trim_end_matches(" kB")
        .trim()
        .parse()
        .unwrap();
    kib / 1024.0
}

/// A subject downloads a 1 GiB package from the release server: time to
/// first byte, throughput, and how much the server's memory grows (its
/// peak resident set during the download over its resident set before).
/// The package is sealed straight into the export store (making a real
/// one this size takes several GB of source data; `bench.rs` measures
/// that path) and served through the same route as any other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: make bench runs it"]
async fn download_of_a_one_gib_package() {
    use futures_util::StreamExt;
    use std::io::Write;
    const SIZE: usize = 1 << 30;
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}/portal.db", dir.path().display());
    let (mut portal, mail) = portal(&database_url, dir.path()).await;
    let verified = reqwest::Client::new()
        .post(format!("{}/api/v1/requests", portal.base))
        .json(&serde_json::json!({"org": "demo", "kind": "access", "email": "big@example.no"}))
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 201);
    let reference = verified.json::<serde_json::Value>().await.unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = mail.wait_for(2).await.code();
    let token = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/requests/{reference}/verify",
            portal.base
        ))
        .json(&serde_json::json!({ "code": code }))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    // 1 GiB sealed with the server's own export key, in its export folder.
    let key = std::fs::read_to_string(dir.path().join("export.key")).unwrap();
    let key = portal::export::ExportKey::new(portal::config::parse_secret(&key).unwrap());
    let name = "bench00000000000000000000000000001";
    let file =
        std::fs::File::create(dir.path().join(format!("exports/{name}.zip.sealed"))).unwrap();
    let mut writer =
        portal::export::SealWriter::new(&key, &reference, std::io::BufWriter::new(file)).unwrap();
    let block: Vec<u8> = (0..1 << 20).map(|_| rand::random::<u8>()).collect();
    for _ in 0..SIZE / block.len() {
        writer.write_all(&block).unwrap();
    }
    writer.finish().unwrap();
    let db = crate::harness::connect_db(&database_url).await;
    sqlx::query(
        "INSERT INTO exports (request_id, name, size, data_sha256, created_at, expires_at, released_at)
         SELECT id, $1, $2, 'bench', 0, 4102444800, 0 FROM requests WHERE reference = $3",
    )
    .bind(name)
    .bind(SIZE as i64)
    .bind(&reference)
    .execute(&db)
    .await
    .unwrap();

    let before = memory_mib(&portal.pid, "VmRSS:");
    // Peak from here on (Linux: 5 resets VmHWM to the current size).
    std::fs::write(format!("/proc/{}/clear_refs", portal.pid), "5").unwrap();
    let started = std::time::Instant::now();
    let response = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/requests/{reference}/export",
            portal.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut first_byte = None;
    let mut received = 0_usize;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.unwrap();
        if first_byte.is_none() && !chunk.is_empty() {
            first_byte = Some(started.elapsed());
        }
        received += chunk.len();
    }
    let took = started.elapsed();
    let peak = memory_mib(&portal.pid, "VmHWM:");
    portal.child.kill().unwrap();
    portal.child.wait().unwrap();
    assert_eq!(received, SIZE, "the whole package arrived");
    let mb_s = SIZE as f64 / 1e6 / took.as_secs_f64();
    let growth = peak - before;
    println!(
        "\n1 GiB package download: {:.1} s, {mb_s:.0} MB/s, first byte after {:.1} ms; \
         server memory {before:.1} MiB before, peak {peak:.1} MiB: +{growth:.1} MiB (target ≤ 64 MiB: {})",
        took.as_secs_f64(),
        first_byte.unwrap().as_secs_f64() * 1000.0,
        if growth <= 64.0 { "met" } else { "NOT met" }
    );
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("download.json"),
        serde_json::to_string_pretty(&serde_json::json!({
            "bytes": SIZE, "seconds": took.as_secs_f64(), "mb_per_s": mb_s,
            "ttfb_ms": first_byte.unwrap().as_secs_f64() * 1000.0,
            "rss_before_mib": before, "peak_mib": peak, "growth_mib": growth,
        }))
        .unwrap(),
    )
    .unwrap();
}
