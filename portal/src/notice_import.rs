//! Turns a privacy notice as organisations publish it in plain text (copied
//! from their web page or a PDF) into the portal's content format: a
//! Markdown notice with front matter. `server notice import` runs it.
//!
//! What is recognised, in text split into blocks by blank lines:
//! - a block of one short line (at most 90 characters and 12 words) that
//!   does not end like a sentence (`.`, `,`, `;`, `:`, `!`) is a heading;
//!   the first one, if the text starts with it, is the title;
//! - lines starting with a bullet (`•`, `·`, `▪`, `◦`, `-`, `–`, `*`) are
//!   list items, as are numbered lines (`1.`, `2)`);
//! - a paragraph that opens with a short term and a colon ("Controller:
//!   …") gets the term in bold, as a definition;
//! - everything else is a paragraph, its lines joined.
//!
//! Text is escaped, so nothing in it is taken for Markdown or HTML. All
//! headings come out at the second level (the table of contents): plain
//! text does not say which heading belongs under which, so staff adjust
//! levels, and fill in the structured front matter, by hand.

use domain::Language;

const BULLETS: [char; 7] = ['•', '·', '▪', '◦', '-', '–', '*'];

#[derive(Debug, Clone, PartialEq)]
enum Block {
    Heading(String),
    Paragraph(String),
    Bullet(String),
    Numbered(u32, String),
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ImportError {
    #[error("the text is empty")]
    Empty,
}

/// The item text of a bullet line, if it is one.
fn bullet(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    let first = trimmed.chars().next()?;
    let rest = &trimmed[first.len_utf8()..];
    (BULLETS.contains(&first) && rest.starts_with(char::is_whitespace)).then(|| rest.trim())
}

/// The number and text of a numbered line (`3. …`, `3) …`), if it is one.
fn numbered(line: &str) -> Option<(u32, &str)> {
    let trimmed = line.trim_start();
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = &trimmed[digits..];
    let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix(')'))?;
    if !rest.starts_with(char::is_whitespace) || rest.trim().is_empty() {
        return None;
    }
    Some((trimmed[..digits].parse().ok()?, rest.trim()))
}

fn is_heading(text: &str) -> bool {
    let words = text.split_whitespace().count();
    text.chars().count() <= 90
        && (1..=12).contains(&words)
        && text.chars().any(char::is_alphabetic)
        && !text.ends_with(['.', ',', ';', ':', '!'])
        && definition(text).is_none()
}

/// "Term: the rest" or "Term : the rest", for a short term.
fn definition(text: &str) -> Option<(&str, &str)> {
    let (term, rest) = text.split_once(':')?;
    let term = term.trim_end();
    let rest = rest.trim();
    let short = term.chars().count() <= 50 && term.split_whitespace().count() <= 6;
    (short
        && !term.is_empty()
        && !rest.is_empty()
        && !term.contains(['.', '(', ')', '/'])
        && !rest.starts_with("//"))
    .then_some((term, rest))
}

fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    // Lines of the paragraph being read, and whether it may be a heading.
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if paragraph.is_empty() {
            return;
        }
        let joined = paragraph
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ");
        let single = paragraph.len() == 1;
        paragraph.clear();
        blocks.push(if single && is_heading(&joined) {
            Block::Heading(joined)
        } else {
            Block::Paragraph(joined)
        });
    };
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            flush(&mut paragraph, &mut blocks);
        } else if let Some(item) = bullet(line) {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Bullet(item.to_owned()));
        } else if let Some((number, item)) = numbered(line) {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Numbered(number, item.to_owned()));
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut blocks);
    blocks
}

/// Escapes text so that Markdown shows it as it is.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    // What would start a list, a heading or a rule at the start of a line.
    if out.starts_with(['-', '+', '=']) {
        out.insert(0, '\\');
    }
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

fn default_title(language: Language) -> &'static str {
    match language {
        Language::En => "Privacy notice",
        Language::Nb => "Personvernerklæring",
        Language::Nl => "Privacyverklaring",
    }
}

/// The notice as the portal's content: front matter, then Markdown.
/// `title` overrides the title found in the text; `today` (an ISO date)
/// becomes `last_updated`.
pub fn import(
    text: &str,
    language: Language,
    title: Option<&str>,
    today: &str,
) -> Result<String, ImportError> {
    let text = text
        .trim_start_matches('\u{feff}')
        .replace('\u{a0}', " ")
        .replace("\r\n", "\n");
    let mut blocks = blocks(&text);
    if blocks.is_empty() {
        return Err(ImportError::Empty);
    }
    let found = match blocks.first() {
        Some(Block::Heading(heading)) => Some(heading.clone()),
        _ => None,
    };
    if found.is_some() {
        blocks.remove(0);
    }
    let title = title
        .map(str::to_owned)
        .or(found)
        .unwrap_or_else(|| default_title(language).to_owned());
    let mut body = String::new();
    let mut previous: Option<&Block> = None;
    for block in &blocks {
        // A blank line between blocks, except between items of one list.
        let same_list = matches!(
            (previous, block),
            (Some(Block::Bullet(_)), Block::Bullet(_))
        ) || matches!(
            (previous, block),
            (Some(Block::Numbered(..)), Block::Numbered(..))
        );
        if previous.is_some() && !same_list {
            body.push('\n');
        }
        match block {
            Block::Heading(text) => body.push_str(&format!("## {}\n", escape(text))),
            Block::Paragraph(text) => match definition(text) {
                Some((term, rest)) => {
                    body.push_str(&format!("**{}:** {}\n", escape(term), escape(rest)))
                }
                None => body.push_str(&format!("{}\n", escape(text))),
            },
            Block::Bullet(text) => body.push_str(&format!("- {}\n", escape(text))),
            Block::Numbered(number, text) => {
                body.push_str(&format!("{number}. {}\n", escape(text)))
            }
        }
        previous = Some(block);
    }
    Ok(format!(
        "+++\ntitle = {}\nlast_updated = \"{today}\"\n+++\n\n{body}",
        toml::Value::String(title)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};

    /// The text a reader sees in the imported notice, without whitespace:
    /// title, then every text event of the body.
    fn visible(imported: &str) -> String {
        let (front, body) = crate::content::split_front_matter(imported).unwrap();
        let front: toml::Table = toml::from_str(front).unwrap();
        let mut text = front["title"].as_str().unwrap().to_owned();
        for event in Parser::new_ext(body, pulldown_cmark::Options::ENABLE_TABLES) {
            if let Event::Text(t) | Event::Code(t) = event {
                text.push_str(&t);
            }
        }
        text.split_whitespace().collect()
    }

    /// The same of the input: every line without its bullet or number.
    fn plain(input: &str) -> String {
        input
            .lines()
            .map(|line| {
                bullet(line)
                    .or_else(|| numbered(line).map(|(_, t)| t))
                    .unwrap_or(line)
            })
            .flat_map(str::split_whitespace)
            .collect::<String>()
            .replace('\u{a0}', "")
    }

    fn structure(imported: &str) -> (Vec<String>, usize, usize) {
        let (_, body) = crate::content::split_front_matter(imported).unwrap();
        let (mut headings, mut items, mut numbered_lists) = (Vec::new(), 0, 0);
        let mut in_heading = None::<String>;
        for event in Parser::new(body) {
            match event {
                Event::Start(Tag::Heading { .. }) => in_heading = Some(String::new()),
                Event::Text(t) if in_heading.is_some() => in_heading.as_mut().unwrap().push_str(&t),
                Event::End(TagEnd::Heading(_)) => headings.extend(in_heading.take()),
                Event::Start(Tag::Item) => items += 1,
                Event::Start(Tag::List(Some(_))) => numbered_lists += 1,
                _ => {}
            }
        }
        (headings, items, numbered_lists)
    }

    const NORWEGIAN: &str = "Personvernerklæring for Fjordlys Energi\n\nVi tar personvernet ditt på alvor. Denne\nerklæringen forklarer hva vi gjør.\n\nHvilke opplysninger behandler vi?\n\n • Navn og adresse\n • Målepunkt-ID og forbruk (kWh)\n\nBehandlingsansvarlig : Fjordlys Energi AS, Kaigata 12, Bergen.\n\nDine rettigheter\n\n1. Innsyn\n2) Retting av feil\n3. Sletting – «retten til å bli glemt»\n";

    #[test]
    fn headings_bullets_numbered_lists_and_definitions_are_recognised() {
        let imported = import(NORWEGIAN, Language::Nb, None, "2026-11-22").unwrap();
        assert!(imported.starts_with("+++\ntitle = \"Personvernerklæring for Fjordlys Energi\"\nlast_updated = \"2026-11-22\"\n+++\n\n"), "{imported}");
        let (headings, items, numbered_lists) = structure(&imported);
        assert_eq!(
            headings,
            vec!["Hvilke opplysninger behandler vi?", "Dine rettigheter"]
        );
        assert_eq!((items, numbered_lists), (5, 1));
        assert!(
            imported.contains(
                "Vi tar personvernet ditt på alvor. Denne erklæringen forklarer hva vi gjør.\n"
            ),
            "lines of a paragraph are joined"
        );
        assert!(
            imported.contains("**Behandlingsansvarlig:** Fjordlys Energi AS"),
            "{imported}"
        );
        assert!(imported.contains("- Målepunkt-ID og forbruk (kWh)\n"));
        assert_eq!(visible(&imported), plain(NORWEGIAN));
    }

    #[test]
    fn dutch_and_english_notices_keep_every_word_and_markdown_in_the_text_stays_text() {
        let dutch = "Privacyverklaring\n\nDe soorten persoonsgegevens die wij verwerken:\n\n • Naam, adres en e-mailadres\n • Gegevens over uw verbruik\n\nHoe lang bewaren we uw gegevens?\n\nWij bewaren gegevens niet langer dan nodig. Zie artikel 5(1)(e) AVG.\n";
        let imported = import(dutch, Language::Nl, None, "2026-11-22").unwrap();
        assert_eq!(
            structure(&imported).0,
            vec!["Hoe lang bewaren we uw gegevens?"]
        );
        assert_eq!(visible(&imported), plain(dutch));

        let tricky = "Notice\n\n# not a heading, *not bold*, <b>not html</b> | not a table.\n\n- 1. a list item that starts with a number\n\n2026. A year that starts a sentence.\n";
        let imported = import(tricky, Language::En, Some("Our notice"), "2026-11-22").unwrap();
        assert!(imported.contains("title = \"Our notice\""));
        let (html, _) = crate::content::render_markdown(
            crate::content::split_front_matter(&imported).unwrap().1,
        );
        assert!(
            !html.contains("<b>")
                && !html.contains("<em>")
                && !html.contains("<table")
                && !html.contains("<h1"),
            "{html}"
        );
        assert!(html.contains("2026. A year"), "not a numbered list: {html}");
        assert_eq!(
            import("\n \n", Language::En, None, "2026-11-22"),
            Err(ImportError::Empty)
        );
    }

    /// The real notices in `../shared/seeds/` (present on CI, absent from a
    /// user's clone): every word comes through, every bullet becomes a list
    /// item, every heading was a line of its own, and the result loads.
    #[test]
    fn the_seed_notices_import_cleanly() {
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/seeds");
        let Ok(entries) = std::fs::read_dir(&seeds) else {
            eprintln!("no {} here: skipped", seeds.display());
            return;
        };
        let mut imported_files = 0;
        for entry in entries {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let imported = import(&text, Language::Nb, None, "2026-11-22").unwrap();
            let name = path.display();
            assert_eq!(
                visible(&imported),
                plain(&text),
                "{name}: every word, in order"
            );
            let bullets = text
                .lines()
                .filter(|l| bullet(l).is_some() || numbered(l).is_some())
                .count();
            let (headings, items, _) = structure(&imported);
            assert_eq!(items, bullets, "{name}: every bullet is a list item");
            assert!(!headings.is_empty(), "{name}: has headings");
            let lines: Vec<&str> = text.lines().map(str::trim).collect();
            for heading in &headings {
                let i = lines
                    .iter()
                    .position(|l| l == heading)
                    .unwrap_or_else(|| panic!("{name}: {heading:?} is a line"));
                assert!(
                    i == 0 || lines[i - 1].is_empty(),
                    "{name}: {heading:?} stands alone"
                );
                assert!(
                    lines.get(i + 1).is_none_or(|l| l.is_empty()),
                    "{name}: {heading:?} stands alone"
                );
            }
            let (front, body) = crate::content::split_front_matter(&imported).unwrap();
            assert!(toml::from_str::<toml::Table>(front).is_ok());
            assert!(!crate::content::render_markdown(body).0.is_empty());
            imported_files += 1;
        }
        assert!(imported_files > 0, "the seeds folder has notices");
    }
}
