//! Random secrets and their hashes. Tokens carry 256 random bits from the
//! operating system's CSPRNG and are stored as SHA-256 digests. Codes have
//! only 10^6 values, so a plain digest could be reversed by trying them all:
//! they are stored as HMAC-SHA256 under the server secret, bound to their
//! request.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, Rng, TryRngCore};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// A fresh 256-bit token, URL-safe.
pub fn new_token() -> SecretString {
    let mut bytes = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the OS random source is available");
    SecretString::from(URL_SAFE_NO_PAD.encode(bytes))
}

/// A six-digit code, uniformly drawn.
pub fn new_code() -> SecretString {
    let code: u32 = OsRng.unwrap_err().random_range(0..1_000_000);
    SecretString::from(format!("{code:06}"))
}

/// 40 random bits for a request reference.
pub fn reference_bits() -> u64 {
    OsRng.unwrap_err().random::<u64>() & 0xFF_FFFF_FFFF
}

pub fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut key)
        .expect("the OS random source is available");
    key
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// What a key is known by where it must not be shown: the first 8 bytes
/// of its SHA-256, in hex.
pub fn fingerprint(key: &[u8; 32]) -> String {
    hex::encode(&Sha256::digest(key)[..8])
}

/// A keyed digest of `text` (HMAC-SHA256 under the server secret): stored
/// in place of a value that is small enough to guess (an IP address), so
/// the stored form cannot be reversed by trying every value.
pub fn keyed_hash(secret: &[u8; 32], text: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(text.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The stored form of a code: keyed, and bound to the request it was issued for.
pub fn code_hash(secret: &[u8; 32], request_id: i64, code: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&request_id.to_be_bytes());
    mac.update(code.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Recovery code `index` of an account's `generation`: HMAC-SHA256 under the
/// server secret, 50 bits written as ten characters of an unambiguous
/// alphabet (`abcde-fghjk`). The same generation always gives the same
/// codes, so the page showing a fresh set can be rendered twice; only
/// their hashes are stored.
pub fn recovery_code(secret: &[u8; 32], staff_id: i64, generation: i64, index: u8) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"staff recovery code");
    mac.update(&staff_id.to_be_bytes());
    mac.update(&generation.to_be_bytes());
    mac.update(&[index]);
    let digest = mac.finalize().into_bytes();
    let mut bits = u64::from_be_bytes(
        digest[..8]
            .try_into()
            .expect("a SHA-256 digest has 32 bytes"),
    );
    let mut code = String::with_capacity(11);
    for i in 0..10 {
        if i == 5 {
            code.push('-');
        }
        code.push(char::from(ALPHABET[(bits & 31) as usize]));
        bits >>= 5;
    }
    code
}

/// The stored form of a recovery code: keyed under the server secret and
/// bound to its account, so a copy of the database cannot be searched for
/// the codes (50 bits each) by trying them all.
pub fn recovery_hash(secret: &[u8; 32], staff_id: i64, code: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"staff recovery code hash\0");
    mac.update(&staff_id.to_be_bytes());
    mac.update(code.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The personal tracking link's key of a request: derived from the server
/// secret and the reference, so every code mail can carry the same link and
/// nothing a stranger does (a resend, say) changes it. 256 bits, URL-safe.
pub fn tracking_key(secret: &[u8; 32], reference: &str) -> SecretString {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"tracking link\0");
    mac.update(reference.as_bytes());
    SecretString::from(URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// Compares two strings in constant time.
pub fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Compares a typed code with a stored hash in constant time.
pub fn code_matches(secret: &[u8; 32], request_id: i64, code: &str, stored: &str) -> bool {
    use subtle::ConstantTimeEq;
    let computed = code_hash(secret, request_id, code.trim());
    computed.as_bytes().ct_eq(stored.as_bytes()).into()
}

/// The token of a one-click unsubscribe link for `email` at `org`: the
/// address in base64url, a dot, and 128 bits of HMAC-SHA256 under the
/// server secret. Only the portal can make one; the address in it is the
/// recipient's own.
pub fn unsubscribe_token(secret: &[u8; 32], org: &str, email: &str) -> String {
    use base64::Engine;
    let address = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(email);
    format!("{address}.{}", unsubscribe_tag(secret, org, email))
}

fn unsubscribe_tag(secret: &[u8; 32], org: &str, email: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"one-click unsubscribe\0");
    mac.update(org.as_bytes());
    mac.update(b"\0");
    mac.update(email.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// The address an unsubscribe token was made for, if the portal made it
/// for this organisation.
pub fn unsubscribe_email(secret: &[u8; 32], org: &str, token: &str) -> Option<String> {
    use base64::Engine;
    use subtle::ConstantTimeEq;
    let (address, tag) = token.split_once('.')?;
    let email = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(address)
            .ok()?,
    )
    .ok()?;
    let expected = unsubscribe_tag(secret, org, &email);
    bool::from(expected.as_bytes().ct_eq(tag.as_bytes())).then_some(email)
}

pub fn expose(secret: &SecretString) -> &str {
    secret.expose_secret()
}

#[cfg(test)]
mod tests {
    #[test]
    fn unsubscribe_tokens_open_only_for_their_organisation_and_secret() {
        let token = super::unsubscribe_token(&[1; 32], "demo", "kari@example.no");
        assert_eq!(
            super::unsubscribe_email(&[1; 32], "demo", &token).as_deref(),
            Some("kari@example.no")
        );
        assert_eq!(super::unsubscribe_email(&[1; 32], "other", &token), None);
        assert_eq!(super::unsubscribe_email(&[2; 32], "demo", &token), None);
        let forged = super::unsubscribe_token(&[1; 32], "demo", "ola@example.no");
        let spliced = format!(
            "{}.{}",
            forged.split('.').next().unwrap(),
            token.split('.').nth(1).unwrap()
        );
        assert_eq!(
            super::unsubscribe_email(&[1; 32], "demo", &spliced),
            None,
            "another address with Kari's tag"
        );
        assert_eq!(super::unsubscribe_email(&[1; 32], "demo", "garbage"), None);
    }

    use super::*;

    #[test]
    fn tokens_carry_256_bits_and_differ() {
        let a = new_token();
        let b = new_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(expose(&a)).unwrap().len(), 32);
        assert_ne!(expose(&a), expose(&b));
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let code = new_code();
            assert_eq!(expose(&code).len(), 6);
            assert!(expose(&code).bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn recovery_codes_are_stable_per_generation_and_differ_between_them() {
        let secret = [7u8; 32];
        let code = recovery_code(&secret, 1, 1, 0);
        assert_eq!(code.len(), 11);
        assert_eq!(code.as_bytes()[5], b'-');
        assert_eq!(code, recovery_code(&secret, 1, 1, 0));
        assert_ne!(code, recovery_code(&secret, 1, 2, 0));
        assert_ne!(code, recovery_code(&secret, 2, 1, 0));
        assert_ne!(code, recovery_code(&secret, 1, 1, 1));
    }

    #[test]
    fn tracking_keys_and_recovery_hashes_depend_on_the_secret_and_their_owner() {
        let key = expose(&tracking_key(&[1; 32], "PR-AAAA-BBBB")).to_owned();
        assert_eq!(URL_SAFE_NO_PAD.decode(&key).unwrap().len(), 32);
        assert_eq!(key, expose(&tracking_key(&[1; 32], "PR-AAAA-BBBB")));
        assert_ne!(key, expose(&tracking_key(&[1; 32], "PR-AAAA-BBBC")));
        assert_ne!(key, expose(&tracking_key(&[2; 32], "PR-AAAA-BBBB")));
        let hash = recovery_hash(&[1; 32], 7, "abcde-fghjk");
        assert_ne!(hash, token_hash("abcde-fghjk"), "keyed, not a plain digest");
        assert_ne!(hash, recovery_hash(&[1; 32], 8, "abcde-fghjk"));
        assert_ne!(hash, recovery_hash(&[2; 32], 7, "abcde-fghjk"));
        assert!(same(&hash, &recovery_hash(&[1; 32], 7, "abcde-fghjk")));
    }

    #[test]
    fn a_code_matches_only_its_own_request() {
        let key = random_key();
        let stored = code_hash(&key, 7, "123456");
        assert!(code_matches(&key, 7, "123456", &stored));
        assert!(code_matches(&key, 7, " 123456 ", &stored));
        assert!(!code_matches(&key, 8, "123456", &stored));
        assert!(!code_matches(&key, 7, "123457", &stored));
        assert!(!code_matches(&random_key(), 7, "123456", &stored));
    }
}
