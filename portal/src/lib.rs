//! The portal below its doors: use cases, read models, storage and the
//! services they need. See the README's "Architecture" section for the map.

pub mod audit;
pub mod config;
pub mod content;
pub mod crypto;
pub mod door;
pub mod errors;
pub mod export;
pub mod mail;
pub mod notice;
pub mod notice_import;
pub mod notice_json;
pub mod sealing;
pub mod service;
pub mod sources;
pub mod store;
pub mod theme;
pub mod token;
pub mod webhooks;
