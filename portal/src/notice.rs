//! An organisation's privacy notice: Markdown per language, in versions.
//!
//! ```text
//! notice/en.md                       the current version, one file per language
//! notice/nb.md
//! notice/history/2026-03-01/en.md    earlier versions, in a folder named by the
//! notice/history/2026-03-01/nb.md    date they took effect (their last_updated)
//! ```
//!
//! Every file has TOML front matter (`title`, `last_updated`). Versions are
//! told apart by date; the readable diff between two of them compares the
//! text paragraph by paragraph and word by word (`similar`), as plain text,
//! so Markdown markup never shows up as a change.

use crate::content::{render_markdown, split_front_matter};
use anyhow::{bail, Context};
use domain::views::{Change, ChangedParagraph, DiffPart, NoticeView, OrgView, TocEntry};
use domain::Language;
use serde::{Deserialize, Serialize};
use similar::{capture_diff_slices, Algorithm, DiffOp, TextDiff};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    last_updated: String,
    // The facts, listed here rather than flattened: serde cannot refuse
    // unknown keys (a typo) through a flattened struct.
    #[serde(default)]
    controller: Option<Party>,
    #[serde(default)]
    dpo: Option<Party>,
    #[serde(default)]
    purposes: Vec<Purpose>,
    #[serde(default)]
    recipients: Vec<String>,
    #[serde(default)]
    transfers: Vec<Transfer>,
}

/// The notice's key facts as data, from its front matter (all optional),
/// in the notice's language: published in `notice.json` with DPV terms.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NoticeFacts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controller: Option<Party>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dpo: Option<Party>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub purposes: Vec<Purpose>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transfers: Vec<Transfer>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    pub name: String,
    /// In words, citing the GDPR point: "Contract (Art. 6(1)(b))".
    pub legal_basis: String,
    pub retention: String,
    /// Ids of `org.toml` categories processed for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dpv_purposes: Vec<String>,
    /// For a purpose based on consent (Art. 6(1)(a)): the id of the
    /// `org.toml` consent subjects give and withdraw for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub recipient: String,
    /// ISO 3166 country code, e.g. "US".
    pub country: String,
    /// The Chapter V ground: "EU–US Data Privacy Framework (Art. 45)".
    pub safeguard: String,
}

impl NoticeFacts {
    /// Every purpose cites an Art. 6(1) point, names known categories and
    /// real DPV terms; a country is two capital letters.
    fn validate(&self, categories: &[String]) -> anyhow::Result<()> {
        for purpose in &self.purposes {
            if crate::notice_json::article_6_points(&purpose.legal_basis).is_empty() {
                bail!(
                    "purpose {:?}: legal_basis must cite GDPR Art. 6(1), e.g. \"Contract (Art. 6(1)(b))\"",
                    purpose.name
                );
            }
            if let Some(unknown) = purpose.categories.iter().find(|c| !categories.contains(c)) {
                bail!(
                    "purpose {:?}: no category {unknown:?} in org.toml",
                    purpose.name
                );
            }
            if let Some(term) = purpose
                .dpv_purposes
                .iter()
                .find(|t| !crate::notice_json::is_dpv_term(t))
            {
                bail!("purpose {:?}: {term:?} is not a DPV term", purpose.name);
            }
        }
        for transfer in &self.transfers {
            if transfer.country.len() != 2
                || !transfer.country.chars().all(|c| c.is_ascii_uppercase())
            {
                bail!(
                    "transfer to {:?}: country must be an ISO code such as US",
                    transfer.recipient
                );
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct NoticeText {
    pub title: String,
    /// The Markdown, kept for the diff.
    pub source: String,
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub facts: NoticeFacts,
}

#[derive(Debug, Clone)]
pub struct NoticeVersion {
    /// ISO date the version took effect.
    pub date: String,
    pub texts: BTreeMap<Language, NoticeText>,
}

impl NoticeVersion {
    /// The text in `wanted`, else English, else any language it has.
    pub fn text(&self, wanted: Language) -> (Language, &NoticeText) {
        self.texts
            .get_key_value(&wanted)
            .or_else(|| self.texts.get_key_value(&Language::En))
            .or_else(|| self.texts.iter().next())
            .map(|(l, t)| (*l, t))
            .expect("a version has at least one language")
    }
}

#[derive(Debug, Clone)]
pub struct Notice {
    /// Oldest first; the last one is current.
    versions: Vec<NoticeVersion>,
}

impl Notice {
    /// Reads the notice folder; `categories` are the ids `org.toml` lists,
    /// which purposes in the front matter may name.
    pub fn load(dir: &Path, categories: &[String]) -> anyhow::Result<Notice> {
        let current = read_version(dir, categories)?
            .with_context(|| format!("{}: no notice (en.md, nb.md or nl.md)", dir.display()))?;
        let mut versions = Vec::new();
        let history = dir.join("history");
        if history.is_dir() {
            for entry in std::fs::read_dir(&history).context("notice/history")? {
                let path = entry?.path();
                if !path.is_dir() {
                    continue;
                }
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                let version = read_version(&path, categories)?
                    .with_context(|| format!("{}: no notice file", path.display()))?;
                if version.date != name {
                    bail!(
                        "{}: the folder must be named after last_updated ({})",
                        path.display(),
                        version.date
                    );
                }
                versions.push(version);
            }
        }
        versions.sort_by(|a, b| a.date.cmp(&b.date));
        if let Some(newest) = versions.last() {
            if newest.date >= current.date {
                bail!(
                    "{}: an earlier version ({}) is not older than the current one ({})",
                    dir.display(),
                    newest.date,
                    current.date
                );
            }
        }
        versions.push(current);
        Ok(Notice { versions })
    }

    pub fn current(&self) -> &NoticeVersion {
        self.versions
            .last()
            .expect("a notice has a current version")
    }

    pub fn version(&self, date: &str) -> Option<&NoticeVersion> {
        self.versions.iter().find(|v| v.date == date)
    }

    /// The version in effect on `date` (ISO), if the notice existed then.
    pub fn version_on(&self, date: &str) -> Option<&NoticeVersion> {
        self.versions.iter().rev().find(|v| v.date.as_str() <= date)
    }

    pub fn view(&self, org: OrgView, wanted: Language) -> NoticeView {
        let current = self.current();
        let (language, text) = current.text(wanted);
        NoticeView {
            org,
            title: text.title.clone(),
            last_updated: current.date.clone(),
            toc: text.toc.clone(),
            html: text.html.clone(),
            language,
            earlier_versions: self.earlier_versions(),
        }
    }

    /// The dates of the versions before the current one, newest first.
    pub fn earlier_versions(&self) -> Vec<String> {
        self.versions[..self.versions.len() - 1]
            .iter()
            .rev()
            .map(|v| v.date.clone())
            .collect()
    }
}

/// One notice file's text: its `last_updated` date and the rendered notice.
pub fn parse_text(source: &str, categories: &[String]) -> anyhow::Result<(String, NoticeText)> {
    let (front, body) =
        split_front_matter(source).context("needs front matter between +++ lines")?;
    let front: FrontMatter = toml::from_str(front).context("front matter is not valid")?;
    let facts = NoticeFacts {
        controller: front.controller,
        dpo: front.dpo,
        purposes: front.purposes,
        recipients: front.recipients,
        transfers: front.transfers,
    };
    facts.validate(categories).context("front matter")?;
    time::Date::parse(
        &front.last_updated,
        &time::format_description::well_known::Iso8601::DATE,
    )
    .context("last_updated must be a date such as 2026-10-01")?;
    let (html, toc) = render_markdown(body);
    Ok((
        front.last_updated,
        NoticeText {
            title: front.title,
            source: body.to_owned(),
            html,
            toc,
            facts,
        },
    ))
}

/// The notice files in one folder, as one version.
fn read_version(dir: &Path, categories: &[String]) -> anyhow::Result<Option<NoticeVersion>> {
    let mut texts = BTreeMap::new();
    let mut date: Option<String> = None;
    for language in Language::ALL {
        let path = dir.join(format!("{}.md", language.code()));
        if !path.exists() {
            continue;
        }
        let source = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
        let (last_updated, text) =
            parse_text(&source, categories).with_context(|| path.display().to_string())?;
        match &date {
            Some(d) if *d != last_updated => bail!(
                "{}: last_updated {last_updated} differs from the other languages' {d}",
                path.display(),
            ),
            _ => date = Some(last_updated),
        }
        texts.insert(language, text);
    }
    Ok(date.map(|date| NoticeVersion { date, texts }))
}

/// A Markdown block as the reader sees it: text only, list items marked.
fn plain(block: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut text = String::new();
    for event in Parser::new(block) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Start(Tag::Item) => {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str("• ");
            }
            _ => {}
        }
    }
    text
}

struct Block {
    text: String,
    /// The heading this block is under (itself, for a heading).
    section: String,
}

/// Paragraphs, list blocks, headings and table rows, with the section each
/// is in. A table changes a row at a time (a retention period, a new
/// purpose), so each row is its own block, its cells joined by " · ".
fn blocks(source: &str) -> Vec<Block> {
    let mut section = String::new();
    let mut result = Vec::new();
    for block in source
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        let texts: Vec<String> = if block.starts_with('|') {
            block
                .lines()
                .filter(|row| {
                    !row.trim()
                        .trim_matches('|')
                        .chars()
                        .all(|c| "-: |".contains(c))
                })
                .map(|row| {
                    row.trim()
                        .trim_matches('|')
                        .split('|')
                        .map(|cell| plain(cell.trim()))
                        .collect::<Vec<_>>()
                        .join(" · ")
                })
                .collect()
        } else {
            vec![plain(block)]
        };
        if block.starts_with('#') {
            section = texts[0].clone();
        }
        result.extend(texts.into_iter().map(|text| Block {
            text,
            section: section.clone(),
        }));
    }
    result
}

/// What changed from `old` to `new` (both Markdown): the changed paragraphs,
/// a rewritten one word by word, an added or removed one whole.
pub fn changes(old: &str, new: &str) -> Vec<ChangedParagraph> {
    let old = blocks(old);
    let new = blocks(new);
    let old_texts: Vec<&str> = old.iter().map(|b| b.text.as_str()).collect();
    let new_texts: Vec<&str> = new.iter().map(|b| b.text.as_str()).collect();
    let whole = |block: &Block, change| ChangedParagraph {
        section: block.section.clone(),
        parts: vec![DiffPart {
            change,
            text: block.text.clone(),
        }],
    };
    let mut result = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, &old_texts, &new_texts) {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => result.extend(
                old[old_index..old_index + old_len]
                    .iter()
                    .map(|b| whole(b, Change::Removed)),
            ),
            DiffOp::Insert {
                new_index, new_len, ..
            } => result.extend(
                new[new_index..new_index + new_len]
                    .iter()
                    .map(|b| whole(b, Change::Added)),
            ),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                // Pair each old paragraph with the most alike of the new ones
                // still to come (a reworded paragraph reads best word by
                // word); the new ones passed over were added, an old one
                // with no counterpart was removed.
                let olds = &old[old_index..old_index + old_len];
                let news = &new[new_index..new_index + new_len];
                let mut next = 0;
                for before in olds {
                    let best = (next..news.len())
                        .map(|j| (j, TextDiff::from_words(&before.text, &news[j].text).ratio()))
                        .filter(|(_, ratio)| *ratio >= 0.5)
                        .max_by(|a, b| a.1.total_cmp(&b.1));
                    match best {
                        Some((j, _)) => {
                            result.extend(news[next..j].iter().map(|b| whole(b, Change::Added)));
                            result.push(ChangedParagraph {
                                section: news[j].section.clone(),
                                parts: words(&before.text, &news[j].text),
                            });
                            next = j + 1;
                        }
                        None => result.push(whole(before, Change::Removed)),
                    }
                }
                result.extend(news[next..].iter().map(|b| whole(b, Change::Added)));
            }
        }
    }
    result
}

/// A rewritten paragraph, word by word, with neighbouring pieces of the same
/// kind merged so the reader sees phrases, not single words.
fn words(before: &str, after: &str) -> Vec<DiffPart> {
    let diff = TextDiff::from_words(before, after);
    let mut parts: Vec<DiffPart> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            similar::ChangeTag::Equal => Change::Same,
            similar::ChangeTag::Delete => Change::Removed,
            similar::ChangeTag::Insert => Change::Added,
        };
        match parts.last_mut() {
            Some(last) if last.change == kind => last.text.push_str(change.value()),
            _ => parts.push(DiffPart {
                change: kind,
                text: change.value().to_owned(),
            }),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(parts: &[DiffPart]) -> Vec<(Change, &str)> {
        parts.iter().map(|p| (p.change, p.text.as_str())).collect()
    }

    const OLD: &str = "## Hvem vi er\n\nVi er et **strømselskap** i Bergen.\n\n## Lagring\n\n- Fakturaer: 5 år\n- Målerdata: 3 år\n\nVi deler ikke data.\n";

    #[test]
    fn a_reworded_sentence_shows_the_words_that_changed_under_its_heading() {
        let new = OLD.replace("i Bergen", "i Ålesund og Bergen");
        let changes = changes(OLD, &new);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].section, "Hvem vi er");
        assert_eq!(
            kinds(&changes[0].parts),
            [
                (Change::Same, "Vi er et strømselskap i "),
                (Change::Added, "Ålesund og "),
                (Change::Same, "Bergen."),
            ]
        );
    }

    #[test]
    fn markdown_markup_is_not_a_change_and_lists_read_as_bullets() {
        let new = OLD.replace("**strømselskap**", "*strømselskap*");
        assert!(changes(OLD, &new).is_empty());
        let new = OLD.replace("- Målerdata: 3 år", "- Målerdata: 2 år");
        let changes = changes(OLD, &new);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].section, "Lagring");
        let parts = kinds(&changes[0].parts);
        assert!(parts.contains(&(Change::Removed, "3")), "{parts:?}");
        assert!(parts.contains(&(Change::Added, "2")), "{parts:?}");
        assert!(
            parts[0].1.starts_with("• Fakturaer: 5 år\n• Målerdata: "),
            "{parts:?}"
        );
    }

    #[test]
    fn added_and_removed_paragraphs_come_whole() {
        let new = OLD.replace(
            "Vi deler ikke data.\n",
            "## Overføring\n\nWij geven gegevens door aan één verwerker in de VS.\n",
        );
        let changes = changes(OLD, &new);
        let flat: Vec<_> = changes
            .iter()
            .map(|c| (c.section.as_str(), kinds(&c.parts)))
            .collect();
        assert_eq!(
            flat,
            [
                ("Lagring", vec![(Change::Removed, "Vi deler ikke data.")]),
                ("Overføring", vec![(Change::Added, "Overføring")]),
                (
                    "Overføring",
                    vec![(
                        Change::Added,
                        "Wij geven gegevens door aan één verwerker in de VS."
                    )]
                ),
            ]
        );
    }

    #[test]
    fn a_table_changes_row_by_row() {
        let old = "## Lagring\n\n| Formål | Tid |\n|---|---:|\n| Logger | 180 dager |\n| Faktura | 5 år |\n";
        let new = "## Lagring\n\n| Formål | Tid |\n|---|---:|\n| Logger | 90 dager |\n| Råd | Til du trekker tilbake samtykket |\n| Faktura | 5 år |\n";
        let changes = changes(old, new);
        let flat: Vec<_> = changes.iter().map(|c| kinds(&c.parts)).collect();
        assert_eq!(
            flat,
            [
                vec![
                    (Change::Same, "Logger · "),
                    (Change::Removed, "180"),
                    (Change::Added, "90"),
                    (Change::Same, " dager"),
                ],
                vec![(Change::Added, "Råd · Til du trekker tilbake samtykket")],
            ]
        );
        assert!(changes.iter().all(|c| c.section == "Lagring"));
    }

    #[test]
    fn a_row_added_above_a_changed_row_is_not_mistaken_for_it() {
        let old = "| Formål | Grunnlag | Tid |\n|---|---|---|\n| Markedsføring | Samtykke (art. 6(1)(a)) | Til du trekker det |\n| Sikkerhet | Berettiget interesse (art. 6(1)(f)) | 180 dager for logger |\n";
        let new = "| Formål | Grunnlag | Tid |\n|---|---|---|\n| Markedsføring | Samtykke (art. 6(1)(a)) | Til du trekker det |\n| Strømsparingsråd | Samtykke (art. 6(1)(a)) | Til du trekker det |\n| Sikkerhet | Berettiget interesse (art. 6(1)(f)) | 90 dager for logger |\n";
        let changed = changes(old, new);
        let flat: Vec<_> = changed.iter().map(|c| kinds(&c.parts)).collect();
        assert_eq!(flat.len(), 2, "{flat:?}");
        assert_eq!(
            flat[0],
            [(
                Change::Added,
                "Strømsparingsråd · Samtykke (art. 6(1)(a)) · Til du trekker det"
            )]
        );
        assert!(flat[1].contains(&(Change::Removed, "180")), "{flat:?}");
        assert!(flat[1].contains(&(Change::Added, "90")), "{flat:?}");
    }

    #[test]
    fn identical_versions_have_no_changes() {
        assert!(changes(OLD, OLD).is_empty());
    }

    fn write(dir: &Path, file: &str, date: &str, body: &str) {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            path,
            format!("+++\ntitle = \"T\"\nlast_updated = \"{date}\"\n+++\n\n{body}\n"),
        )
        .unwrap();
    }

    #[test]
    fn versions_load_from_history_in_order_and_languages_fall_back_to_english() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "en.md", "2026-10-01", "## Now\n\nNew.");
        write(dir.path(), "nb.md", "2026-10-01", "## Nå\n\nNy.");
        write(
            dir.path(),
            "history/2026-03-01/en.md",
            "2026-03-01",
            "## Then\n\nOld.",
        );
        write(
            dir.path(),
            "history/2025-01-15/en.md",
            "2025-01-15",
            "## First\n\nFirst.",
        );
        let notice = Notice::load(dir.path(), &[]).unwrap();
        assert_eq!(notice.current().date, "2026-10-01");
        assert_eq!(notice.version_on("2026-05-30").unwrap().date, "2026-03-01");
        assert_eq!(notice.version_on("2026-10-01").unwrap().date, "2026-10-01");
        assert!(notice.version_on("2024-12-31").is_none());
        let org = OrgView {
            slug: "x".into(),
            name: "X".into(),
            themed: false,
            logo: false,
            embed_origins: vec![],
            figures_public: false,
        };
        let view = notice.view(org.clone(), Language::Nb);
        assert_eq!(view.language, Language::Nb);
        assert_eq!(view.earlier_versions, ["2026-03-01", "2025-01-15"]);
        assert_eq!(notice.view(org, Language::Nl).language, Language::En);
        assert_eq!(
            notice.version("2026-03-01").unwrap().text(Language::Nb).0,
            Language::En
        );
    }

    #[test]
    fn front_matter_facts_are_checked() {
        let front = |extra: &str| {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(
                dir.path().join("en.md"),
                format!(
                    "+++\ntitle = \"T\"\nlast_updated = \"2026-10-01\"\n{extra}\n+++\n\nText.\n"
                ),
            )
            .unwrap();
            Notice::load(dir.path(), &["identity".to_owned()]).map_err(|e| format!("{e:#}"))
        };
        let good = "[[purposes]]\nname = \"Billing\"\nlegal_basis = \"Contract (Art. 6(1)(b))\"\nretention = \"3 years\"\ncategories = [\"identity\"]\ndpv_purposes = [\"dpv:ServiceProvision\"]\n[[transfers]]\nrecipient = \"Host\"\ncountry = \"US\"\nsafeguard = \"SCC\"";
        let notice = front(good).unwrap();
        let facts = &notice.current().text(Language::En).1.facts;
        assert_eq!(facts.purposes[0].categories, ["identity"]);
        assert_eq!(facts.transfers[0].country, "US");
        for (bad, says) in [
            (
                good.replace("Art. 6(1)(b)", "our contract"),
                "must cite GDPR Art. 6(1)",
            ),
            (
                good.replace("[\"identity\"]", "[\"health\"]"),
                "no category \"health\"",
            ),
            (
                good.replace("dpv:ServiceProvision", "ServiceProvision"),
                "not a DPV term",
            ),
            (good.replace("\"US\"", "\"United States\""), "ISO code"),
            ("controler = \"typo\"".to_owned(), "unknown field"),
        ] {
            let error = front(&bad).unwrap_err();
            assert!(error.contains(says), "{says}: {error}");
        }
    }

    #[test]
    fn a_history_folder_must_match_its_date_and_be_older() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "en.md", "2026-10-01", "Now.");
        write(
            dir.path(),
            "history/2026-03-02/en.md",
            "2026-03-01",
            "Then.",
        );
        let error = Notice::load(dir.path(), &[]).unwrap_err();
        assert!(
            format!("{error:#}").contains("named after last_updated"),
            "{error:#}"
        );
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "en.md", "2026-10-01", "Now.");
        write(
            dir.path(),
            "history/2026-11-01/en.md",
            "2026-11-01",
            "Later.",
        );
        assert!(Notice::load(dir.path(), &[]).is_err());
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "en.md", "2026-10-01", "Now.");
        write(dir.path(), "nl.md", "2026-09-01", "Nu.");
        assert!(Notice::load(dir.path(), &[]).is_err());
    }
}
