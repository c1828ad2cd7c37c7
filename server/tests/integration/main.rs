//! Integration tests: the real server on a random port, a temporary SQLite
//! file and a real SMTP server, driven over HTTP as clients and browsers do.

mod audit;
mod bad_input;
mod flow;
mod forms;
mod harness;
mod lifecycle;
mod staff;
mod verification;
