//! An organisation's notice as JSON, for machines: who the controller is,
//! and for each category of data its purpose, legal basis, recipients,
//! retention and source, in words and as W3C Data Privacy Vocabulary (DPV)
//! terms. Served at `/api/v1/orgs/{org}/notice.json`.
//!
//! Legal bases are read from the category's `legal_basis` text: each GDPR
//! Art. 6(1) point it cites ("Art. 6(1)(b) and (f)") becomes the DPV term
//! and the DPV-GDPR term for that point. Data and purpose terms come from
//! the category's `dpv_data` and `dpv_purposes` in `org.toml`.

use crate::content::Organisation;
use domain::Language;
use serde_json::{json, Value};

/// The DPV and DPV-GDPR terms of each Art. 6(1) point.
const ARTICLE_6: [(char, &str); 6] = [
    ('a', "dpv:Consent"),
    ('b', "dpv:Contract"),
    ('c', "dpv:LegalObligation"),
    ('d', "dpv:VitalInterest"),
    ('e', "dpv:PublicTask"),
    ('f', "dpv:LegitimateInterest"),
];

/// The Art. 6(1) points a legal basis text cites, in order, each once:
/// "6(1)(b)", "6(1)(b) and (c)", "6(1)(b), (c) og (f)".
pub fn article_6_points(text: &str) -> Vec<char> {
    let mut points = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("6(1)") {
        rest = &rest[at + 4..];
        loop {
            let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
            let trimmed = ["and ", "og ", "en ", "or ", "eller ", "of "]
                .iter()
                .find_map(|word| trimmed.strip_prefix(word))
                .unwrap_or(trimmed);
            let mut chars = trimmed.chars();
            match (chars.next(), chars.next(), chars.next()) {
                (Some('('), Some(point @ 'a'..='f'), Some(')')) => {
                    if !points.contains(&point) {
                        points.push(point);
                    }
                    rest = &trimmed[3..];
                }
                _ => break,
            }
        }
    }
    points
}

fn legal_bases(text: &str) -> Vec<String> {
    article_6_points(text)
        .into_iter()
        .flat_map(|point| {
            let dpv = ARTICLE_6
                .iter()
                .find(|(p, _)| *p == point)
                .map(|(_, term)| term.to_string());
            dpv.into_iter().chain([format!("eu-gdpr:A6-1-{point}")])
        })
        .collect()
}

/// The notice of `org` as JSON-LD-flavoured JSON, with the facts of its
/// front matter in `language` (or the language it falls back to); `base`
/// is the portal's address for links.
pub fn notice_json(org: &Organisation, base: &str, language: Language) -> Value {
    let current = org.notice.current();
    let (language, text) = current.text(language);
    let facts = &text.facts;
    let purposes: Vec<Value> = facts
        .purposes
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "legal_basis": p.legal_basis,
                "dpv:hasLegalBasis": legal_bases(&p.legal_basis),
                "dpv:hasPurpose": p.dpv_purposes,
                "retention": p.retention,
                "categories": p.categories,
            })
        })
        .collect();
    let processing: Vec<Value> = org
        .settings
        .categories
        .iter()
        .map(|c| {
            json!({
                "category": c.id,
                "name": c.name,
                "dpv:hasPersonalData": c.dpv_data,
                "purpose": c.purpose,
                "dpv:hasPurpose": c.dpv_purposes,
                "legal_basis": c.legal_basis,
                "dpv:hasLegalBasis": legal_bases(&c.legal_basis),
                "recipients": c.recipients,
                "retention": c.retention,
                "source": c.source,
                "provided_by_subject": c.provided_by_subject,
            })
        })
        .collect();
    json!({
        "@context": {
            "dpv": "https://w3id.org/dpv#",
            "pd": "https://w3id.org/dpv/pd#",
            "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
        },
        "organisation": { "slug": org.slug, "name": org.settings.name, "contact_email": org.settings.contact_email },
        "notice": {
            "title": text.title,
            "language": language.code(),
            "last_updated": current.date,
            "languages": current.texts.keys().map(|l| l.code()).collect::<Vec<_>>(),
            "versions": org.notice.earlier_versions(),
            "url": format!("{}/o/{}?lang={}", base.trim_end_matches('/'), org.slug, language.code()),
            "controller": facts.controller,
            "dpo": facts.dpo,
            "purposes": purposes,
            "recipients": facts.recipients,
            "transfers": facts.transfers,
        },
        "processing": processing,
    })
}

/// A DPV term as `org.toml` may give it: a known prefix and a name.
pub fn is_dpv_term(term: &str) -> bool {
    term.split_once(':').is_some_and(|(prefix, name)| {
        ["dpv", "pd", "eu-gdpr"].contains(&prefix)
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_6_points_are_read_from_the_legal_basis_text() {
        assert_eq!(article_6_points("Contract (GDPR Art. 6(1)(b))"), vec!['b']);
        assert_eq!(
            article_6_points(
                "Contract, and legal obligation (Art. 6(1)(b) and (c), the Bookkeeping Act)"
            ),
            vec!['b', 'c']
        );
        assert_eq!(
            article_6_points("Samtykke og berettiget interesse (art. 6(1)(a) og (f))"),
            vec!['a', 'f']
        );
        assert_eq!(
            article_6_points("art. 6(1)(b), (c) en (f); ook 6(1)(b)"),
            vec!['b', 'c', 'f']
        );
        assert_eq!(article_6_points("Art. 9(2)(a)"), Vec::<char>::new());
        assert_eq!(
            article_6_points("Art. 6(1)(g)"),
            Vec::<char>::new(),
            "there is no point (g)"
        );
        assert_eq!(
            legal_bases("Art. 6(1)(f)"),
            vec!["dpv:LegitimateInterest", "eu-gdpr:A6-1-f"]
        );
    }

    #[test]
    fn dpv_terms_have_a_known_prefix() {
        assert!(
            is_dpv_term("pd:Contact")
                && is_dpv_term("dpv:ServiceProvision")
                && is_dpv_term("eu-gdpr:A6-1-b")
        );
        assert!(
            !is_dpv_term("Contact")
                && !is_dpv_term("schema:Person")
                && !is_dpv_term("pd:")
                && !is_dpv_term("pd:a b")
        );
    }
}
