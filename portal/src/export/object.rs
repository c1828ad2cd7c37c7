//! Sealed packages in an S3-compatible object store
//! (`PORTAL_EXPORT_STORE=s3://bucket/prefix`; credentials, region and an
//! endpoint for S3-compatible services from the usual `AWS_*` variables),
//! so that several servers share them without a shared folder. Uploads are
//! multipart from the scratch file and downloads are streamed: a package is
//! never held in memory.

use super::store::{ExportStore, PackageReader};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use object_store::{path::Path as ObjectPath, ObjectStore, WriteMultipart};
use std::{
    path::{Path, PathBuf},
    sync::Arc,
};
use tokio::io::AsyncReadExt;

/// Parts of 8 MiB, at most 4 in flight: about 32 MiB of memory per upload.
const PART_BYTES: usize = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT: usize = 4;

pub struct ObjectExports {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    scratch: PathBuf,
}

impl ObjectExports {
    /// `url` is `s3://bucket` or `s3://bucket/prefix`.
    pub fn new(url: &str, scratch: PathBuf) -> anyhow::Result<ObjectExports> {
        let parsed = url::Url::parse(url).map_err(|e| {
            anyhow::anyhow!("PORTAL_EXPORT_STORE must be a URL such as s3://bucket/exports: {e}")
        })?;
        if parsed.scheme() != "s3" || parsed.host_str().is_none_or(str::is_empty) {
            anyhow::bail!(
                "PORTAL_EXPORT_STORE must be s3://bucket or s3://bucket/prefix, got {url:?}"
            );
        }
        let store = object_store::aws::AmazonS3Builder::from_env()
            .with_url(url)
            .build()
            .map_err(|e| anyhow::anyhow!("PORTAL_EXPORT_STORE: {e}"))?;
        std::fs::create_dir_all(&scratch)?;
        Ok(ObjectExports {
            store: Arc::new(store),
            prefix: parsed.path().trim_matches('/').to_owned(),
            scratch,
        })
    }

    fn location(&self, name: &str) -> std::io::Result<ObjectPath> {
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "bad package name",
            ));
        }
        Ok(if self.prefix.is_empty() {
            ObjectPath::from(format!("{name}.zip.sealed"))
        } else {
            ObjectPath::from(format!("{}/{name}.zip.sealed", self.prefix))
        })
    }
}

fn io(error: object_store::Error) -> std::io::Error {
    match error {
        object_store::Error::NotFound { .. } => {
            std::io::Error::new(std::io::ErrorKind::NotFound, error)
        }
        other => std::io::Error::other(other),
    }
}

#[async_trait]
impl ExportStore for ObjectExports {
    fn scratch(&self) -> &Path {
        &self.scratch
    }

    async fn put(&self, name: &str, sealed: tempfile::TempPath) -> std::io::Result<()> {
        let location = self.location(name)?;
        let upload = self.store.put_multipart(&location).await.map_err(io)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let copied = async {
            let mut file = tokio::fs::File::open(&sealed).await?;
            let mut buffer = vec![0; 1024 * 1024];
            loop {
                let read = file.read(&mut buffer).await?;
                if read == 0 {
                    return Ok::<(), std::io::Error>(());
                }
                writer
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(io)?;
                writer.write(&buffer[..read]);
            }
        }
        .await;
        match copied {
            // Only a completed upload is visible under its name: whole or nothing.
            Ok(()) => writer.finish().await.map(|_| ()).map_err(io),
            // The parts already sent would otherwise stay (and be billed).
            Err(error) => {
                let _ = writer.abort().await;
                Err(error)
            }
        }
    }

    async fn get(&self, name: &str) -> std::io::Result<PackageReader> {
        let location = self.location(name)?;
        let stream = self
            .store
            .get(&location)
            .await
            .map_err(io)?
            .into_stream()
            .map_err(io);
        Ok(Box::new(tokio_util::io::StreamReader::new(stream)))
    }

    async fn delete(&self, name: &str) -> std::io::Result<()> {
        match self.store.delete(&self.location(name)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(io(error)),
        }
    }
}
