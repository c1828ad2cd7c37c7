//! Where sealed packages live. A trait, so an object store can replace the
//! local folder; the folder is the default and needs nothing else.

use async_trait::async_trait;
use std::path::PathBuf;

#[async_trait]
pub trait ExportStore: Send + Sync {
    async fn put(&self, name: &str, bytes: Vec<u8>) -> std::io::Result<()>;
    async fn get(&self, name: &str) -> std::io::Result<Vec<u8>>;
}

/// Sealed packages as files in one folder (`<data>/exports`).
pub struct LocalStore {
    dir: PathBuf,
}

impl LocalStore {
    pub fn new(dir: PathBuf) -> std::io::Result<LocalStore> {
        std::fs::create_dir_all(&dir)?;
        Ok(LocalStore { dir })
    }

    /// Names are made by the service (a random token in hex); anything else
    /// is refused rather than joined onto the path.
    fn path(&self, name: &str) -> std::io::Result<PathBuf> {
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "bad package name"));
        }
        Ok(self.dir.join(format!("{name}.zip.sealed")))
    }
}

#[async_trait]
impl ExportStore for LocalStore {
    async fn put(&self, name: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        let path = self.path(name)?;
        let temp = path.with_extension("partial");
        tokio::fs::write(&temp, bytes).await?;
        // Whole or nothing: a crash never leaves half a package under its name.
        tokio::fs::rename(&temp, &path).await
    }

    async fn get(&self, name: &str) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(self.path(name)?).await
    }
}
