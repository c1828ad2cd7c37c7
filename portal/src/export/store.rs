//! Where sealed packages live. A trait, so an object store can replace the
//! local folder; the folder is the default and needs nothing else.
//! Packages are written to a scratch file first and handed over whole, and
//! read back as a stream: neither side holds a package in memory.

use async_trait::async_trait;
use std::path::{Path, PathBuf};
use tokio::io::AsyncRead;

pub type PackageReader = Box<dyn AsyncRead + Send + Unpin>;

#[async_trait]
pub trait ExportStore: Send + Sync {
    /// A folder for the scratch file a package is sealed into before
    /// `put`; on the same file system as the store when it is local, so
    /// handing it over is a rename.
    fn scratch(&self) -> &Path;
    /// Takes the sealed package from its scratch file, whole or nothing.
    async fn put(&self, name: &str, sealed: tempfile::TempPath) -> std::io::Result<()>;
    async fn get(&self, name: &str) -> std::io::Result<PackageReader>;
    /// Deletes a package; one already gone is not an error.
    async fn delete(&self, name: &str) -> std::io::Result<()>;
}

/// Sealed packages as files in one folder (`<data>/exports`).
pub struct LocalStore {
    dir: PathBuf,
    scratch: PathBuf,
}

impl LocalStore {
    pub fn new(dir: PathBuf) -> std::io::Result<LocalStore> {
        let scratch = dir.join("partial");
        std::fs::create_dir_all(&scratch)?;
        // Scratch files of a build that crashed are of no use to anyone.
        // Only old ones go: another process on the same data folder (an
        // admin command, a second instance) may be building right now.
        let stale = std::time::SystemTime::now() - std::time::Duration::from_secs(24 * 60 * 60);
        for entry in std::fs::read_dir(&scratch)?.flatten() {
            let modified = entry.metadata().and_then(|m| m.modified());
            if modified.is_ok_and(|at| at < stale) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(LocalStore { dir, scratch })
    }

    /// Names are made by the service (a random token in hex); anything else
    /// is refused rather than joined onto the path.
    fn path(&self, name: &str) -> std::io::Result<PathBuf> {
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "bad package name",
            ));
        }
        Ok(self.dir.join(format!("{name}.zip.sealed")))
    }
}

#[async_trait]
impl ExportStore for LocalStore {
    fn scratch(&self) -> &Path {
        &self.scratch
    }

    async fn put(&self, name: &str, sealed: tempfile::TempPath) -> std::io::Result<()> {
        let path = self.path(name)?;
        // A rename: a crash never leaves half a package under its name.
        tokio::task::spawn_blocking(move || sealed.persist(path).map_err(|e| e.error))
            .await
            .map_err(std::io::Error::other)?
    }

    async fn get(&self, name: &str) -> std::io::Result<PackageReader> {
        Ok(Box::new(tokio::fs::File::open(self.path(name)?).await?))
    }

    async fn delete(&self, name: &str) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.path(name)?).await {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}
