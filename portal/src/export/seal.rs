//! Packages are encrypted at rest with AES-256-GCM under the export key
//! (`PORTAL_EXPORT_KEY`, or one generated into the data folder), as a
//! STREAM (Hoang, Reyhanitabar, Rogaway, Vizár: RustCrypto's
//! `aead::stream`), so a package of any size is sealed and opened in
//! bounded memory: 64 KiB segments, each with its own tag, numbered, and
//! the last one flagged, so segments cannot be reordered, dropped or cut
//! off. The stored form is `PPS1`, a 7-byte random nonce prefix, then the
//! segments. The request reference is bound in as associated data, so a
//! package cannot be passed off as another request's.

use aes_gcm::{
    aead::{
        rand_core::RngCore,
        stream::{DecryptorBE32, EncryptorBE32},
        OsRng,
    },
    Aes256Gcm, Key,
};
use std::io::{self, Write};

/// Plaintext bytes per segment.
pub const SEGMENT: usize = 64 * 1024;
const TAG: usize = 16;
const MAGIC: &[u8; 4] = b"PPS1";
const NONCE_PREFIX: usize = 7;
/// Bytes before the first segment.
pub const HEADER: usize = MAGIC.len() + NONCE_PREFIX;
/// A full segment as stored; a shorter one is the last.
pub const SEALED_SEGMENT: usize = SEGMENT + TAG;

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

impl From<SealError> for io::Error {
    fn from(error: SealError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, error)
    }
}

/// Encrypts everything written to it into `inner`. A full segment is
/// written as soon as it is complete, so the one `finish` writes is always
/// shorter than a full one: that is how a reader knows the end.
pub struct SealWriter<W: Write> {
    inner: W,
    encryptor: Option<EncryptorBE32<Aes256Gcm>>,
    buffer: Vec<u8>,
    aad: Vec<u8>,
}

impl<W: Write> SealWriter<W> {
    pub fn new(key: &ExportKey, reference: &str, mut inner: W) -> io::Result<SealWriter<W>> {
        let mut prefix = [0u8; NONCE_PREFIX];
        OsRng.fill_bytes(&mut prefix);
        inner.write_all(MAGIC)?;
        inner.write_all(&prefix)?;
        Ok(SealWriter {
            inner,
            encryptor: Some(EncryptorBE32::new(&key.0, (&prefix).into())),
            buffer: Vec::with_capacity(SEALED_SEGMENT),
            aad: reference.as_bytes().to_vec(),
        })
    }

    fn seal_full_segment(&mut self) -> io::Result<()> {
        let encryptor = self.encryptor.as_mut().ok_or(SealError)?;
        encryptor
            .encrypt_next_in_place(&self.aad, &mut self.buffer)
            .map_err(|_| SealError)?;
        self.inner.write_all(&self.buffer)?;
        self.buffer.clear();
        Ok(())
    }

    /// Seals the last segment and returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        let encryptor = self.encryptor.take().ok_or(SealError)?;
        encryptor
            .encrypt_last_in_place(&self.aad, &mut self.buffer)
            .map_err(|_| SealError)?;
        self.inner.write_all(&self.buffer)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for SealWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let take = data.len().min(SEGMENT - self.buffer.len());
        self.buffer.extend_from_slice(&data[..take]);
        if self.buffer.len() == SEGMENT {
            self.seal_full_segment()?;
        }
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Opens a sealed package segment by segment: give it the header, then
/// each stored segment in order (`SEALED_SEGMENT` bytes, the last shorter).
pub struct Opener {
    decryptor: Option<DecryptorBE32<Aes256Gcm>>,
    aad: Vec<u8>,
}

impl Opener {
    pub fn new(key: &ExportKey, reference: &str, header: &[u8]) -> Result<Opener, SealError> {
        if header.len() != HEADER || &header[..MAGIC.len()] != MAGIC {
            return Err(SealError);
        }
        let prefix = &header[MAGIC.len()..];
        Ok(Opener {
            decryptor: Some(DecryptorBE32::new(&key.0, prefix.into())),
            aad: reference.as_bytes().to_vec(),
        })
    }

    /// Decrypts one stored segment in place. A segment shorter than a full
    /// one is the last; nothing may follow it.
    pub fn segment(&mut self, segment: &mut Vec<u8>) -> Result<(), SealError> {
        if segment.len() == SEALED_SEGMENT {
            self.decryptor
                .as_mut()
                .ok_or(SealError)?
                .decrypt_next_in_place(&self.aad, segment)
                .map_err(|_| SealError)
        } else {
            self.decryptor
                .take()
                .ok_or(SealError)?
                .decrypt_last_in_place(&self.aad, segment)
                .map_err(|_| SealError)
        }
    }

    /// Whether the last segment has been opened: a stream that ends before
    /// it was cut off.
    pub fn is_complete(&self) -> bool {
        self.decryptor.is_none()
    }
}

/// Seals a whole buffer (small packages, tests).
pub fn seal(key: &ExportKey, reference: &str, plain: &[u8]) -> Result<Vec<u8>, SealError> {
    let mut writer = SealWriter::new(key, reference, Vec::new()).map_err(|_| SealError)?;
    writer.write_all(plain).map_err(|_| SealError)?;
    writer.finish().map_err(|_| SealError)
}

/// Opens a whole sealed buffer (small packages, tests).
pub fn open(key: &ExportKey, reference: &str, stored: &[u8]) -> Result<Vec<u8>, SealError> {
    if stored.len() < HEADER {
        return Err(SealError);
    }
    let (header, mut rest) = stored.split_at(HEADER);
    let mut opener = Opener::new(key, reference, header)?;
    let mut plain = Vec::with_capacity(rest.len());
    loop {
        let (segment, after) = rest.split_at(rest.len().min(SEALED_SEGMENT));
        let mut segment = segment.to_vec();
        opener.segment(&mut segment)?;
        plain.extend_from_slice(&segment);
        rest = after;
        if opener.is_complete() {
            break;
        }
    }
    if !rest.is_empty() {
        return Err(SealError);
    }
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_package_opens_only_with_its_key_and_reference() {
        let key = ExportKey::new([1; 32]);
        let sealed = seal(&key, "PR-AAAA-BBBB", b"zip bytes").unwrap();
        assert!(
            !sealed.windows(9).any(|w| w == b"zip bytes"),
            "not in the clear"
        );
        assert_eq!(open(&key, "PR-AAAA-BBBB", &sealed).unwrap(), b"zip bytes");
        assert!(
            open(&key, "PR-CCCC-DDDD", &sealed).is_err(),
            "bound to its request"
        );
        assert!(open(&ExportKey::new([2; 32]), "PR-AAAA-BBBB", &sealed).is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(open(&key, "PR-AAAA-BBBB", &tampered).is_err());
    }

    #[test]
    fn segments_cannot_be_cut_off_dropped_or_reordered() {
        let key = ExportKey::new([3; 32]);
        // Sizes around segment boundaries, including an exact multiple.
        for size in [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT] {
            let plain: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let sealed = seal(&key, "PR-AAAA-BBBB", &plain).unwrap();
            assert_eq!(
                open(&key, "PR-AAAA-BBBB", &sealed).unwrap(),
                plain,
                "{size} bytes"
            );
            if size >= SEGMENT {
                let cut = &sealed[..HEADER + SEALED_SEGMENT];
                assert!(
                    open(&key, "PR-AAAA-BBBB", cut).is_err(),
                    "cut after a full segment ({size})"
                );
            }
        }
        let plain = vec![7u8; 3 * SEGMENT + 5];
        let sealed = seal(&key, "PR-AAAA-BBBB", &plain).unwrap();
        let mut swapped = sealed[..HEADER].to_vec();
        swapped.extend_from_slice(&sealed[HEADER + SEALED_SEGMENT..HEADER + 2 * SEALED_SEGMENT]);
        swapped.extend_from_slice(&sealed[HEADER..HEADER + SEALED_SEGMENT]);
        swapped.extend_from_slice(&sealed[HEADER + 2 * SEALED_SEGMENT..]);
        assert!(open(&key, "PR-AAAA-BBBB", &swapped).is_err(), "reordered");
        let mut dropped = sealed[..HEADER + SEALED_SEGMENT].to_vec();
        dropped.extend_from_slice(&sealed[HEADER + 2 * SEALED_SEGMENT..]);
        assert!(
            open(&key, "PR-AAAA-BBBB", &dropped).is_err(),
            "a segment dropped"
        );
        let mut extra = sealed.clone();
        extra.push(0);
        assert!(
            open(&key, "PR-AAAA-BBBB", &extra).is_err(),
            "bytes after the end"
        );
    }
}
