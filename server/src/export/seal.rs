//! Packages are encrypted at rest with AES-256-GCM under the export key
//! (`PORTAL_EXPORT_KEY`, or one generated into the data folder). The stored
//! form is a 12-byte random nonce followed by the ciphertext and tag; the
//! request reference is bound in as associated data, so a package cannot
//! be passed off as another request's.

use aes_gcm::{
    aead::{Aead, AeadCore, KeyInit, OsRng, Payload},
    Aes256Gcm, Key, Nonce,
};

#[derive(Clone)]
pub struct ExportKey(Key<Aes256Gcm>);

impl ExportKey {
    pub fn new(bytes: [u8; 32]) -> ExportKey {
        ExportKey(Key::<Aes256Gcm>::from(bytes))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the package could not be sealed or opened")]
pub struct SealError;

pub fn seal(key: &ExportKey, reference: &str, plain: &[u8]) -> Result<Vec<u8>, SealError> {
    let cipher = Aes256Gcm::new(&key.0);
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let sealed = cipher.encrypt(&nonce, Payload { msg: plain, aad: reference.as_bytes() }).map_err(|_| SealError)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

pub fn open(key: &ExportKey, reference: &str, stored: &[u8]) -> Result<Vec<u8>, SealError> {
    if stored.len() < 12 {
        return Err(SealError);
    }
    let (nonce, sealed) = stored.split_at(12);
    Aes256Gcm::new(&key.0)
        .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: reference.as_bytes() })
        .map_err(|_| SealError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_package_opens_only_with_its_key_and_reference() {
        let key = ExportKey::new([1; 32]);
        let sealed = seal(&key, "PR-AAAA-BBBB", b"zip bytes").unwrap();
        assert!(!sealed.windows(9).any(|w| w == b"zip bytes"), "not in the clear");
        assert_eq!(open(&key, "PR-AAAA-BBBB", &sealed).unwrap(), b"zip bytes");
        assert!(open(&key, "PR-CCCC-DDDD", &sealed).is_err(), "bound to its request");
        assert!(open(&ExportKey::new([2; 32]), "PR-AAAA-BBBB", &sealed).is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(open(&key, "PR-AAAA-BBBB", &tampered).is_err());
    }
}
