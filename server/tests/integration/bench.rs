//! The export benchmark (`make bench`; ignored by `make test`): a SQL
//! source holding 1,000,000 rows about one subject (about 200 MB as JSON)
//! is collected, packaged, sealed and downloaded through the real server.
//! It reports throughput and peak memory (resident set) for each phase,
//! next to the time `sqlite3 -json` takes to dump the same rows, measured
//! in the same run. It measures; it asserts only that the package holds
//! every row, so a fast wrong answer cannot pass for a result.
//!
//! `PORTAL_BENCH_ROWS` changes the row count; the report is also written to
//! `target/bench/export.json`.

use crate::harness::spawn_app_with_org;
use domain::Role;
use futures_util::StreamExt;
use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const SUBJECT: &str = "kari@example.no";
const QUERY: &str = "SELECT id, meter, read_at, kwh, tariff, address, note FROM readings WHERE email = :email ORDER BY id";

/// Builds the source with the sqlite3 shell: fast, and outside this
/// process, so it does not count towards the portal's memory.
fn create_source(db: &Path, rows: u64) {
    let script = format!(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         CREATE TABLE readings (id INTEGER PRIMARY KEY, email TEXT NOT NULL, meter TEXT, read_at TEXT, kwh REAL,
                                tariff TEXT, address TEXT, note TEXT);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
         INSERT INTO readings SELECT i, '{SUBJECT}', printf('7070-%04d', i % 3), datetime(1767225600 + i * 3600, 'unixepoch'),
                round((i % 997) * 0.0173, 3),
                CASE i % 3 WHEN 0 THEN 'standard-day' WHEN 1 THEN 'standard-night' ELSE 'weekend-flex' END,
                'Storgata ' || (i % 120) || ', 0155 Oslo', 'Hourly reading from the smart meter, validated by the grid operator'
         FROM n;
         INSERT INTO readings (email, meter, read_at, kwh) VALUES ('ola@example.no', '9090-0001', '2026-01-01 00:00:00', 2.5);
         CREATE INDEX readings_by_email ON readings (email, id);"
    );
    let mut shell = Command::new("sqlite3")
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the sqlite3 shell (make bench installs it)");
    shell
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    assert!(
        shell.wait().unwrap().success(),
        "creating the source failed"
    );
}

/// Peak resident memory of this process since the last reset, in MiB.
fn peak_rss_mib() -> f64 {
    crate::bench_web::memory_mib("self", "VmHWM:")
}

/// Starts a new peak (Linux: writing 5 to clear_refs resets VmHWM).
fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").expect("resetting the peak RSS");
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

struct Phase {
    name: &'static str,
    time: Duration,
    peak_mib: f64,
    /// What throughput counts: the source's rows as JSON, or (download) the zip.
    bytes: u64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: make bench runs it"]
async fn export_of_a_million_rows() {
    let rows: u64 = std::env::var("PORTAL_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("meters.db");
    create_source(&db, rows);

    // The yardstick: the sqlite3 shell dumping the same rows as JSON to a file.
    let dump = dir.path().join("dump.json");
    let started = Instant::now();
    let status = Command::new("sqlite3")
        .arg("-json")
        .arg(&db)
        .arg(QUERY.replace(":email", &format!("'{SUBJECT}'")))
        .stdout(std::fs::File::create(&dump).unwrap())
        .status()
        .unwrap();
    let yardstick = started.elapsed();
    assert!(status.success());
    let json_bytes = std::fs::metadata(&dump).unwrap().len();
    std::fs::remove_file(&dump).unwrap();

    let toml = format!(
        "name = \"Bench Energi AS\"\ncontact_email = \"privacy@bench.example\"\n\
         [[categories]]\nid = \"consumption\"\nname = \"Consumption\"\npurpose = \"Billing for electricity\"\n\
         legal_basis = \"Art. 6(1)(b)\"\nretention = \"3 years\"\nsource = \"Your smart meter\"\nprovided_by_subject = true\n\
         [[sources]]\nname = \"Meters\"\ntype = \"sql\"\nurl = \"sqlite://{}?mode=ro\"\n\
         [[sources.queries]]\ncategory = \"consumption\"\nsql = \"{QUERY}\"\n",
        db.display()
    );
    let app = spawn_app_with_org("bench", &toml).await;
    let mut agent = app
        .staff("agent@bench.example", "bench", Role::Agent, false)
        .await;
    let cookie = app.staff_cookie(&mut agent).await;
    let (reference, token) = app
        .verified_request(serde_json::json!({"org": "bench", "kind": "access", "email": SUBJECT}))
        .await;
    let subject = format!("portal_session={token}");
    // No client timeout: a benchmark waits as long as it takes.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = |path: String| {
        let request = client
            .post(app.url(&path))
            .header("cookie", &cookie)
            .header("accept", "text/html");
        async move {
            let response = request.send().await.unwrap();
            response
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        }
    };

    let mut phases = Vec::new();
    reset_peak();
    let started = Instant::now();
    let done = post(format!("/console/o/bench/requests/{reference}/collect")).await;
    assert!(done.ends_with("done=collected"), "{done}");
    phases.push(Phase {
        name: "collect (source to portal)",
        bytes: json_bytes,
        time: started.elapsed(),
        peak_mib: peak_rss_mib(),
    });

    reset_peak();
    let started = Instant::now();
    let done = post(format!("/console/o/bench/requests/{reference}/export")).await;
    assert!(done.ends_with("done=export_built"), "{done}");
    phases.push(Phase {
        name: "package (zip, sealed, stored)",
        bytes: json_bytes,
        time: started.elapsed(),
        peak_mib: peak_rss_mib(),
    });

    reset_peak();
    let package = dir.path().join("package.zip");
    let started = Instant::now();
    let response = client
        .get(app.url(&format!("/o/bench/requests/{reference}/export")))
        .header("cookie", &subject)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut file = std::io::BufWriter::new(std::fs::File::create(&package).unwrap());
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        file.write_all(&chunk.unwrap()).unwrap();
    }
    file.flush().unwrap();
    drop(file);
    phases.push(Phase {
        name: "download (opened as sent)",
        bytes: std::fs::metadata(&package).unwrap().len(),
        time: started.elapsed(),
        peak_mib: peak_rss_mib(),
    });
    let zip_bytes = std::fs::metadata(&package).unwrap().len();

    // Every row is in data.json (one record per line) and in the CSV.
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&package).unwrap()).unwrap();
    let count_lines = |entry: zip::read::ZipFile<'_, std::fs::File>, prefix: &str| {
        std::io::BufReader::new(entry)
            .lines()
            .filter(|l| l.as_ref().unwrap().starts_with(prefix))
            .count() as u64
    };
    let data_json_bytes = archive.by_name("data.json").unwrap().size();
    assert_eq!(
        count_lines(archive.by_name("data.json").unwrap(), "{\"category\""),
        rows,
        "every row in data.json"
    );
    assert_eq!(
        count_lines(archive.by_name("csv/consumption.csv").unwrap(), "Meters,"),
        rows,
        "every row in the CSV"
    );
    let mut index = String::new();
    archive
        .by_name("index.html")
        .unwrap()
        .read_to_string(&mut index)
        .unwrap();
    assert!(index.contains(&format!("of {rows} records")) || rows <= 100);

    let export_time = phases[0].time + phases[1].time;
    let report = serde_json::json!({
        "rows": rows,
        "source_json_mb": mb(json_bytes),
        "data_json_mb": mb(data_json_bytes),
        "package_zip_mb": mb(zip_bytes),
        "sqlite3_json_seconds": yardstick.as_secs_f64(),
        "export_seconds": export_time.as_secs_f64(),
        "export_mb_per_s": mb(json_bytes) / export_time.as_secs_f64(),
        "times_sqlite3": export_time.as_secs_f64() / yardstick.as_secs_f64(),
        "peak_rss_mib": phases.iter().map(|p| p.peak_mib).fold(0.0, f64::max),
        "phases": phases.iter().map(|p| serde_json::json!({
            "phase": p.name, "seconds": p.time.as_secs_f64(), "mb_per_s": mb(p.bytes) / p.time.as_secs_f64(), "peak_rss_mib": p.peak_mib,
        })).collect::<Vec<_>>(),
    });
    println!("\nExport benchmark: {rows} rows, {:.1} MB as JSON (sqlite3 -json), package {:.1} MB zipped", mb(json_bytes), mb(zip_bytes));
    println!(
        "{:<32} {:>9} {:>9} {:>14}",
        "phase", "seconds", "MB/s", "peak RSS MiB"
    );
    println!(
        "{:<32} {:>9.2} {:>9.1} {:>14}",
        "sqlite3 -json (yardstick)",
        yardstick.as_secs_f64(),
        mb(json_bytes) / yardstick.as_secs_f64(),
        "-"
    );
    for phase in &phases {
        let seconds = phase.time.as_secs_f64();
        println!(
            "{:<32} {:>9.2} {:>9.1} {:>14.1}",
            phase.name,
            seconds,
            mb(phase.bytes) / seconds,
            phase.peak_mib
        );
    }
    println!(
        "export (collect + package): {:.2} s = {:.1} MB/s = {:.2}x sqlite3 -json; peak RSS {:.1} MiB\n",
        export_time.as_secs_f64(),
        report["export_mb_per_s"].as_f64().unwrap(),
        report["times_sqlite3"].as_f64().unwrap(),
        report["peak_rss_mib"].as_f64().unwrap()
    );
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("export.json"),
        serde_json::to_vec_pretty(&report).unwrap(),
    )
    .unwrap();
}
