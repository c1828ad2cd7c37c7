//! Everything that runs only on the server: configuration, the service layer
//! (the one home of business rules), storage, mail, content and the HTTP
//! surface (REST API, server-function glue, security middleware).

pub mod audit;
pub mod config;
pub mod content;
pub mod crypto;
pub mod export;
pub mod http;
pub mod mail;
pub mod monitoring;
pub mod notice;
pub mod notice_import;
pub mod notice_json;
pub mod portal;
pub mod sealing;
pub mod service;
pub mod sources;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod theme;
