//! Export packages: the answer to an access (Art. 15) or portability
//! (Art. 20) request, as a zip the subject downloads. `package` builds it
//! from labelled records, `seal` encrypts it at rest, `store` keeps it.

pub mod package;
pub mod seal;
pub mod store;

pub use package::{build, Category, PackageInput, SourceRecords};
pub use seal::{open, seal, ExportKey};
pub use store::{ExportStore, LocalStore};

/// The JSON Schema of `data.json`, served at `/api/v1/schemas/export.json`
/// and shipped inside every package.
pub const SCHEMA: &str = include_str!("export.schema.json");
