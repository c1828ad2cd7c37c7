//! The languages the portal speaks to subjects in.

use serde::{Deserialize, Serialize};

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Nb,
    Nl,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::En, Language::Nb, Language::Nl];

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Nb => "nb",
            Language::Nl => "nl",
        }
    }

    /// Accepts BCP 47 tags such as `nb-NO`, `no` or `nl-BE`.
    pub fn parse(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Language::En),
            "nb" | "no" | "nn" => Some(Language::Nb),
            "nl" => Some(Language::Nl),
            _ => None,
        }
    }

    /// The name of the language in itself, for a language picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Nb => "Norsk bokmål",
            Language::Nl => "Nederlands",
        }
    }
}

impl TryFrom<String> for Language {
    type Error = String;

    fn try_from(code: String) -> Result<Language, String> {
        Language::parse(&code).ok_or_else(|| format!("unknown language {code:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_tags_map_to_the_supported_language() {
        assert_eq!(Language::parse("nb-NO"), Some(Language::Nb));
        assert_eq!(Language::parse("no"), Some(Language::Nb));
        assert_eq!(Language::parse("nl_BE"), Some(Language::Nl));
        assert_eq!(Language::parse("EN"), Some(Language::En));
        assert_eq!(Language::parse("de"), None);
        assert_eq!(Language::parse(""), None);
    }
}
