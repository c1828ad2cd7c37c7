//! Request references: what a subject quotes and what appears in links.
//! `PR-` then two groups of four Crockford base32 characters (no I, L, O, U,
//! so they survive being read aloud or retyped): 40 random bits.

use serde::{Deserialize, Serialize};
use std::fmt;

pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidReference;

impl std::error::Error for InvalidReference {}

impl fmt::Display for InvalidReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid reference")
    }
}

impl Reference {
    /// Builds a reference from 40 random bits supplied by the caller (the
    /// server's CSPRNG); the domain stays free of I/O.
    pub fn from_random(bits: u64) -> Reference {
        let chars: String = (0..8)
            .map(|i| ALPHABET[((bits >> (5 * (7 - i))) & 31) as usize] as char)
            .collect();
        Reference(format!("PR-{}-{}", &chars[..4], &chars[4..]))
    }

    /// Accepts what a person might type: any case, with or without dashes.
    pub fn parse(raw: &str) -> Result<Reference, InvalidReference> {
        let cleaned: String = raw
            .trim()
            .chars()
            .filter(|c| *c != '-' && *c != ' ')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let body = cleaned.strip_prefix("PR").ok_or(InvalidReference)?;
        if body.len() != 8 || !body.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(InvalidReference);
        }
        Ok(Reference(format!("PR-{}-{}", &body[..4], &body[4..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Reference {
    type Error = InvalidReference;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Reference::parse(&value)
    }
}

impl From<Reference> for String {
    fn from(reference: Reference) -> String {
        reference.0
    }
}

/// A reference reads as its text wherever text is asked for (SQL binds,
/// sealing bindings, paths).
impl std::ops::Deref for Reference {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_references_parse_back_to_themselves() {
        for bits in [0u64, 1, 0xFF_FFFF_FFFF, 0x12_3456_789A] {
            let reference = Reference::from_random(bits);
            assert_eq!(Reference::parse(reference.as_str()), Ok(reference.clone()));
            assert_eq!(reference.as_str().len(), 12);
        }
    }

    #[test]
    fn typed_references_are_normalised() {
        assert_eq!(
            Reference::parse(" pr-abcd-ef12 ").unwrap().as_str(),
            "PR-ABCD-EF12"
        );
        assert_eq!(
            Reference::parse("PRABCDEF12").unwrap().as_str(),
            "PR-ABCD-EF12"
        );
    }

    #[test]
    fn ambiguous_or_malformed_references_are_refused() {
        for bad in [
            "",
            "PR-ABCD",
            "PR-ABCD-EFGI",
            "XX-ABCD-EF12",
            "PR-ABCD-EF12-3",
            "PR-ÆØÅ0-0000",
        ] {
            assert_eq!(Reference::parse(bad), Err(InvalidReference), "{bad}");
        }
    }
}
