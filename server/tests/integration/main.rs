//! Integration tests: the real server on a random port, a temporary SQLite
//! file and a real SMTP server, driven over HTTP as clients and browsers do.

mod attacks;
mod audit;
mod authz;
mod backup;
mod bad_input;
mod bench;
mod bench_web;
mod console;
mod durability;
mod exports;
mod flow;
mod forms;
mod gpc;
mod harness;
mod health;
mod hosts;
mod idempotency;
mod instances;
mod jobs;
mod languages;
mod lifecycle;
mod metrics;
mod outage;
mod outbox;
mod preferences;
mod retention;
mod sealing;
mod secrets;
mod security;
mod shutdown;
mod sources;
mod staff;
mod statements;
mod throttle;
mod verification;
