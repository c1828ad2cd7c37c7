//! Export packages: the answer to an access (Art. 15) or portability
//! (Art. 20) request, as a zip the subject downloads. `records` keeps what
//! sources return as chunks, `package` builds the zip from them as a
//! stream, `seal` encrypts it at rest, `store` keeps it.

pub mod object;
pub mod package;
pub mod records;
pub mod seal;
pub mod store;

pub use object::ObjectExports;
pub use package::{build, Category, Chunks, PackageError, PackageInput, SourceGap, Staged};
pub use records::{LineBuffer, Lines, Record, Summary};
pub use seal::{open, seal, ExportKey, Opener, SealWriter};
pub use store::{ExportStore, LocalStore, PackageReader};

/// The JSON Schema of `data.json`, served at `/api/v1/schemas/export.json`
/// and shipped inside every package.
pub const SCHEMA: &str = include_str!("export.schema.json");
