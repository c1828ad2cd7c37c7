//! A validated e-mail address. Parsed once at the edge; the rest of the code
//! can only hold one that passed. The rules are deliberately practical (what
//! mail systems deliver to), not the full RFC 5322 grammar, and need no regex
//! so the same parser stays small in the browser.

use super::error::FieldErrorCode;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Trims, lower-cases and checks an address. Lower-casing the whole
    /// address lets one subject find all their requests however they typed
    /// it. ASCII case folding only: Unicode case tables would add kilobytes
    /// to the browser's download for the rare non-ASCII address, which is
    /// kept as typed.
    pub fn parse(raw: &str) -> Result<Email, FieldErrorCode> {
        let candidate = raw.trim().to_ascii_lowercase();
        if candidate.is_empty() {
            return Err(FieldErrorCode::Required);
        }
        if candidate.chars().count() > 254 {
            return Err(FieldErrorCode::TooLong);
        }
        let (local, domain) = candidate
            .rsplit_once('@')
            .ok_or(FieldErrorCode::InvalidEmail)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| letter_or_digit(c) || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| letter_or_digit(c) || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Email(candidate))
        } else {
            Err(FieldErrorCode::InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ASCII letters and digits, and any non-ASCII character that is not a space
/// or a control character (internationalised addresses such as `ærlig@bedrift.no`).
fn letter_or_digit(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
}

impl TryFrom<String> for Email {
    type Error = FieldErrorCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_accepted_and_normalised() {
        assert_eq!(
            Email::parse("  Kari.Nordmann@Example.NO ")
                .unwrap()
                .as_str(),
            "kari.nordmann@example.no"
        );
        assert!(Email::parse("a+tag@sub.example.com").is_ok());
        assert!(Email::parse("ærlig@bedrift.no").is_ok());
    }

    #[test]
    fn empty_input_is_required_not_invalid() {
        assert_eq!(Email::parse("   "), Err(FieldErrorCode::Required));
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "plainaddress",
            "@example.com",
            "user@",
            "user@localhost",
            "user@@example.com",
            "user name@example.com",
            "user@exa mple.com",
            ".user@example.com",
            "user..x@example.com",
            "user@-example.com",
            "user@example..com",
            "<script>@example.com",
            "user\u{a0}name@example.com",
            "user@exa\u{2028}mple.com",
        ] {
            assert_eq!(
                Email::parse(bad),
                Err(FieldErrorCode::InvalidEmail),
                "{bad}"
            );
        }
    }

    #[test]
    fn overlong_addresses_are_refused() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(FieldErrorCode::TooLong));
    }
}
