//! The fingerprints of the keys a database was written with.

use super::Store;

impl Store {
    pub async fn key_fingerprint(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT fingerprint FROM key_fingerprints WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
    }

    /// Records `fingerprint` for `name` unless one is recorded already
    /// (another server may be starting at the same moment).
    pub async fn record_key_fingerprint(
        &self,
        name: &str,
        fingerprint: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO key_fingerprints (name, fingerprint) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(fingerprint)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A rotation: the recorded fingerprint becomes the new key's.
    pub async fn replace_key_fingerprint(
        &self,
        name: &str,
        old: &str,
        new: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE key_fingerprints SET fingerprint = $1 WHERE name = $2 AND fingerprint = $3",
        )
        .bind(new)
        .bind(name)
        .bind(old)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
