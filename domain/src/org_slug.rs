//! An organisation's slug: its folder under `content/orgs`, the `demo` of
//! `/o/demo`, and what every request, session and role belongs to. Made
//! only by `parse` (the content loader, the store's rows), so a slug in
//! hand is one of the shape the portal names organisations by; which ones
//! exist is the content's to say.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgSlug(String);

/// Longest slug: a DNS label's length, so a slug can name a host too.
pub const MAX_SLUG_CHARS: usize = 63;

impl OrgSlug {
    /// a-z, 0-9 and '-', not at either end, at most 63 characters.
    pub fn parse(text: &str) -> Result<OrgSlug, String> {
        let shaped = !text.is_empty()
            && text.len() <= MAX_SLUG_CHARS
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !text.starts_with('-')
            && !text.ends_with('-');
        if shaped {
            Ok(OrgSlug(text.to_owned()))
        } else {
            Err(format!(
                "an organisation is named with a-z, 0-9 and '-' (not first or last), at most {MAX_SLUG_CHARS} characters; got {text:?}"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for OrgSlug {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for OrgSlug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for OrgSlug {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for OrgSlug {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for OrgSlug {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for OrgSlug {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<OrgSlug> for str {
    fn eq(&self, other: &OrgSlug) -> bool {
        self == other.0
    }
}

impl PartialEq<OrgSlug> for &str {
    fn eq(&self, other: &OrgSlug) -> bool {
        *self == other.0
    }
}

impl PartialEq<OrgSlug> for String {
    fn eq(&self, other: &OrgSlug) -> bool {
        *self == other.0
    }
}

impl TryFrom<String> for OrgSlug {
    type Error = String;

    fn try_from(text: String) -> Result<OrgSlug, String> {
        OrgSlug::parse(&text)
    }
}

impl From<OrgSlug> for String {
    fn from(slug: OrgSlug) -> String {
        slug.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_hyphens() {
        for good in ["demo", "fjordlys-energi", "a", "org2", &"x".repeat(63)] {
            assert_eq!(OrgSlug::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "Demo",
            "-demo",
            "demo-",
            "de mo",
            "demo/../x",
            "æøå",
            "demo_x",
            &"x".repeat(64),
        ] {
            assert!(OrgSlug::parse(bad).is_err(), "{bad:?}");
        }
        let slug = OrgSlug::parse("demo").unwrap();
        let owned = String::from("demo");
        assert_eq!(slug, "demo");
        assert_eq!(slug, *"demo");
        assert_eq!(slug, owned);
        assert_eq!(owned, slug);
        assert_eq!(format!("/o/{slug}"), "/o/demo");
        assert!(serde_json::from_str::<OrgSlug>(r#""../etc""#).is_err());
        assert_eq!(serde_json::to_string(&slug).unwrap(), r#""demo""#);
    }
}
