//! Acknowledged means durable. The real server binary is killed with
//! SIGKILL, again and again, in the middle of bursts of concurrent
//! submissions, and started again on the same database. Afterwards every
//! submission that got a 201 is there, exactly once and whole (its history
//! and its code written with it), and SQLite's integrity check passes.
//! Runs on SQLite, and on PostgreSQL in that run of the suite.

use crate::harness::{
    fresh_postgres_database, on_postgres, server_process, shipped_content, SmtpSink,
};
use std::{
    collections::HashSet,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

/// Acknowledged submissions to reach, over as many kills as it takes.
const ACKNOWLEDGED: usize = 2000;
const CONCURRENCY: usize = 32;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_submission_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = if on_postgres() {
        fresh_postgres_database().await
    } else {
        format!("sqlite://{}/portal.db", dir.path().display())
    };
    let (_mail, smtp_port) = SmtpSink::start().await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut kills = 0;
    while acknowledged.lock().unwrap().len() < ACKNOWLEDGED {
        let (mut server, base) =
            server_process(&database_url, dir.path(), &shipped_content(), smtp_port);
        // This round ends with a kill after a few hundred more
        // acknowledgements, while the other submissions are in flight.
        let target = acknowledged.lock().unwrap().len() + 200 + rand::random_range(0..200);
        let stop = Arc::new(AtomicBool::new(false));
        let sent = Arc::new(AtomicUsize::new(0));
        let mut workers = Vec::new();
        for worker in 0..CONCURRENCY {
            let (client, base, stop, sent, acknowledged) = (
                client.clone(),
                base.clone(),
                stop.clone(),
                sent.clone(),
                acknowledged.clone(),
            );
            workers.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let n = sent.fetch_add(1, Ordering::Relaxed);
                    let email = format!("burst{kills}.{worker}.{n}@example.no");
                    let response = client
                        .post(format!("{base}/api/v1/requests"))
                        .json(&serde_json::json!({"org": "demo", "kind": "access", "email": email}))
                        .send()
                        .await;
                    let Ok(response) = response else { break };
                    if response.status() != 201 {
                        break;
                    }
                    let Ok(body) = response.json::<serde_json::Value>().await else {
                        break;
                    };
                    let reference = body["reference"].as_str().unwrap().to_owned();
                    acknowledged.lock().unwrap().push(reference);
                }
            }));
        }
        while acknowledged.lock().unwrap().len() < target
            && workers.iter().any(|w| !w.is_finished())
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.kill().expect("SIGKILL"); // Child::kill is SIGKILL on Unix
        server.wait().unwrap();
        kills += 1;
        stop.store(true, Ordering::Relaxed);
        for worker in workers {
            worker.await.unwrap();
        }
        assert!(
            kills < 100,
            "no progress: {} acknowledged",
            acknowledged.lock().unwrap().len()
        );
    }

    // Once more, to see that the database opens and migrates after the last kill.
    let (mut server, base) =
        server_process(&database_url, dir.path(), &shipped_content(), smtp_port);
    assert_eq!(
        client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    server.kill().unwrap();
    server.wait().unwrap();

    let acknowledged = acknowledged.lock().unwrap().clone();
    let unique: HashSet<&String> = acknowledged.iter().collect();
    assert_eq!(
        unique.len(),
        acknowledged.len(),
        "no reference acknowledged twice"
    );
    let db = crate::harness::connect_db(&database_url).await;
    let stored: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT r.reference,
                (SELECT COUNT(*) FROM request_events e WHERE e.request_id = r.id AND e.event = 'submitted'),
                (SELECT COUNT(*) FROM verification_codes c WHERE c.request_id = r.id)
         FROM requests r",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let stored_refs: HashSet<&String> = stored.iter().map(|(r, _, _)| r).collect();
    let lost: Vec<&&String> = unique
        .iter()
        .filter(|r| !stored_refs.contains(**r))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged but lost, e.g. {:?}",
        lost.len(),
        lost.first()
    );
    let torn: Vec<&(String, i64, i64)> = stored
        .iter()
        .filter(|(_, events, codes)| (*events, *codes) != (1, 1))
        .collect();
    assert!(
        torn.is_empty(),
        "half-written requests: {:?}",
        &torn[..torn.len().min(3)]
    );
    if !on_postgres() {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(check, "ok");
    }
    println!(
        "durability: {} acknowledged over {kills} kills, {} stored (the rest were written but their answer was cut off)",
        acknowledged.len(),
        stored.len()
    );
}
