//! The portal's background work: staff get their daily digest
//! (`digests`), unverified requests are reminded of once
//! (`reminders`) and expire (`expiry`),
//! closed ones are anonymised when their retention ends (`retention`),
//! sealed values are rewritten under a new key (`reseal`), and the job
//! queue collects from data sources (`jobs`).

mod digests;
mod expiry;
mod jobs;
mod reminders;
mod reseal;
mod retention;

use super::outbox::Outbox;
use super::{Exports, JobSettings, Links, Packages, Seals, Trail};
use crate::{content::Content, store::Store};
use std::sync::Arc;

#[derive(Clone)]
pub struct Upkeep {
    pub(super) store: Store,
    pub(super) seals: Seals,
    pub(super) content: Arc<Content>,
    pub(super) trail: Trail,
    pub(super) outbox: Outbox,
    pub(super) links: Links,
    pub(super) exports: Exports,
    pub(super) packages: Packages,
    pub(super) jobs: JobSettings,
    /// Organisations with requests but no longer in the content folder
    /// (found by the first retention purge).
    pub(super) removed_orgs: Arc<tokio::sync::OnceCell<Vec<String>>>,
}
