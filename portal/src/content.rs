//! Organisation content read from the content folder at start-up: each
//! organisation's settings (`orgs/<slug>/org.toml`) and privacy notice
//! (`orgs/<slug>/notice/<lang>.md`, Markdown with TOML front matter between
//! `+++` lines), rendered once so serving the notice costs no Markdown work.

use anyhow::{bail, Context};
use domain::views::{OrgView, TocEntry};
use domain::OrgSlug;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Deserialize;
use std::{collections::HashMap, path::Path};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgSettings {
    /// Display name, e.g. "Nordlys Energi AS".
    pub name: String,
    /// Where subjects can write to the privacy team.
    pub contact_email: String,
    /// Staff of this organisation must use two-factor authentication.
    #[serde(default)]
    pub require_two_factor: bool,
    /// The categories of data its notice describes (labels of exports).
    #[serde(default)]
    pub categories: Vec<crate::export::Category>,
    /// Staff review each package before the subject can download it.
    #[serde(default)]
    pub review_exports: bool,
    /// Where its data about a subject lives (`[[sources]]`).
    #[serde(default)]
    pub sources: Vec<crate::sources::SourceConfig>,
    /// Colours, radius, font and logo (`[theme]`), checked for contrast.
    #[serde(default)]
    pub theme: Option<crate::theme::Theme>,
    /// Host names that serve this organisation alone, e.g.
    /// `["privacy.fjordlys.example"]`: there `/` leads to its notice, other
    /// organisations' pages are not found, and mail links use the first.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Origins of the company's own sites that may show the portal in an
    /// iframe (`/embed/{org}/…`), e.g. `["https://www.fjordlys.example"]`.
    /// Sent as CSP `frame-ancestors`; every other site is refused by the
    /// browser.
    #[serde(default)]
    pub embed_origins: Vec<String>,
    /// What subjects may give or withdraw consent to on their Choices page
    /// (`[[consents]]`): marketing channels and purposes resting on consent.
    #[serde(default)]
    pub consents: Vec<ConsentPurpose>,
    /// Days a closed request keeps its personal data (counted from when it
    /// was closed); then the retention purge anonymises it. Default 1095
    /// (three years, the usual time to bring a claim about how a request
    /// was handled); 30 to 3650.
    #[serde(default = "default_retention_days")]
    pub retention_days: i64,
    /// Endpoints told of requests, opt-outs and consents (`[[webhooks]]`).
    #[serde(default)]
    pub webhooks: Vec<crate::webhooks::WebhookConfig>,
    /// Where subjects may complain (Art. 77), named in every refusal
    /// (`[supervisory_authority]`: name, address, url).
    #[serde(default)]
    pub supervisory_authority: Option<domain::SupervisoryAuthority>,
    /// Its own sender and Reply-To for every mail about it (`[mail]`).
    #[serde(default)]
    pub mail: OrgMail,
    /// Whether the request figures are published (`[metrics] public`).
    #[serde(default)]
    pub metrics: MetricsSettings,
}

/// `[mail]`: the organisation's own sender (`from = "Name <address>"`) and
/// Reply-To; without them, `PORTAL_MAIL_FROM` and no Reply-To.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgMail {
    pub from: Option<String>,
    pub reply_to: Option<String>,
}

/// `[metrics]`: `public = true` publishes the figures of its requests per
/// kind and month at `/o/<slug>/figures` (what the CCPA has large
/// businesses publish); off by default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSettings {
    #[serde(default)]
    pub public: bool,
}

/// Also the period for organisations no longer in the content folder.
pub const DEFAULT_RETENTION_DAYS: i64 = 1095;

fn default_retention_days() -> i64 {
    DEFAULT_RETENTION_DAYS
}

/// One thing a subject consents to. The id is what receipts record; two ids
/// have a meaning of their own: `marketing` (the organisation's marketing
/// mail, withdrawn by a one-click unsubscribe) and
/// `marketing_profiling_and_sharing` (withdrawn by a Global Privacy Control
/// signal).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentPurpose {
    pub id: String,
    /// A way of sending marketing (e-mail, SMS) rather than a purpose.
    #[serde(default)]
    pub channel: bool,
    /// Per language code; English is required.
    pub name: HashMap<String, String>,
    #[serde(default)]
    pub description: HashMap<String, String>,
}

impl ConsentPurpose {
    /// The name in `language`, else in English.
    pub fn name(&self, language: domain::Language) -> &str {
        localized(&self.name, language).unwrap_or(&self.id)
    }

    pub fn description(&self, language: domain::Language) -> Option<&str> {
        localized(&self.description, language)
    }

    fn validate(&self) -> anyhow::Result<()> {
        let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
        if self.id.is_empty() || !self.id.chars().all(plain) {
            bail!("consent id {:?}: use a-z, 0-9 and _", self.id);
        }
        if !self.name.contains_key("en") {
            bail!("consent {:?}: needs a name in English (en)", self.id);
        }
        for code in self.name.keys().chain(self.description.keys()) {
            if domain::Language::parse(code).map(|l| l.code()) != Some(code.as_str()) {
                bail!("consent {:?}: {code:?} is not en, nb or nl", self.id);
            }
        }
        Ok(())
    }
}

fn localized(texts: &HashMap<String, String>, language: domain::Language) -> Option<&str> {
    texts
        .get(language.code())
        .or_else(|| texts.get("en"))
        .map(String::as_str)
}

#[derive(Debug, Clone)]
pub struct Organisation {
    pub slug: OrgSlug,
    pub settings: OrgSettings,
    /// Name, slug and theme flags, as the page chrome needs them.
    pub view: OrgView,
    pub notice: crate::notice::Notice,
    /// The logo file's content type and bytes, read once.
    pub logo: Option<(&'static str, Vec<u8>)>,
}

/// The largest logo file accepted.
const MAX_LOGO_BYTES: u64 = 512 * 1024;

#[derive(Debug, Clone, Default)]
pub struct Content {
    orgs: HashMap<OrgSlug, Organisation>,
    /// Host name → the organisation it serves alone.
    hosts: HashMap<String, OrgSlug>,
}

impl Content {
    pub fn load(dir: &Path) -> anyhow::Result<Content> {
        let orgs_dir = dir.join("orgs");
        let mut orgs = HashMap::new();
        let entries = std::fs::read_dir(&orgs_dir).with_context(|| {
            format!(
                "cannot read the organisations folder {}",
                orgs_dir.display()
            )
        })?;
        for entry in entries {
            let path = entry?.path();
            if !path.is_dir() {
                continue;
            }
            let slug = OrgSlug::parse(
                path.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default(),
            )
            .map_err(|e| anyhow::anyhow!("organisation folder {:?}: {e}", path.display()))?;
            let org = load_org(&slug, &path).with_context(|| format!("in organisation {slug}"))?;
            orgs.insert(slug, org);
        }
        if orgs.is_empty() {
            bail!("no organisation found under {}", orgs_dir.display());
        }
        let mut hosts = HashMap::new();
        for (slug, org) in &orgs {
            for host in &org.settings.hosts {
                let valid = !host.is_empty()
                    && host.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'
                    });
                if !valid {
                    bail!("in organisation {slug}: host {host:?} must be a lower-case host name, without scheme or port");
                }
                if let Some(other) = hosts.insert(host.clone(), slug.clone()) {
                    bail!("host {host:?} is claimed by both {other} and {slug}");
                }
            }
        }
        Ok(Content { orgs, hosts })
    }

    /// The organisation a host name serves alone, if any (`Host` header
    /// value; a port is ignored).
    pub fn org_for_host(&self, host: &str) -> Option<&Organisation> {
        let name = host
            .rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(host, |(name, _)| name);
        self.hosts
            .get(&name.to_ascii_lowercase())
            .and_then(|slug| self.orgs.get(slug))
    }

    pub fn org(&self, slug: &str) -> Option<&Organisation> {
        self.orgs.get(slug)
    }

    /// The name mail greets an organisation by; empty for one no longer in
    /// the content folder (its requests still expire and are reminded of).
    pub fn org_name(&self, slug: &str) -> String {
        self.org(slug)
            .map(|o| o.settings.name.clone())
            .unwrap_or_default()
    }

    /// The organisation a caller names; one that does not exist is
    /// `UnknownOrganisation` (404).
    pub fn organisation(&self, slug: &str) -> Result<&Organisation, domain::AppError> {
        self.org(slug).ok_or(domain::AppError::UnknownOrganisation)
    }

    pub fn orgs(&self) -> impl Iterator<Item = &Organisation> {
        self.orgs.values()
    }
}

fn load_org(slug: &OrgSlug, dir: &Path) -> anyhow::Result<Organisation> {
    let settings =
        parse_org_settings(&std::fs::read_to_string(dir.join("org.toml")).context("org.toml")?)?;
    finish_org(slug, dir, settings)
}

/// An `org.toml`, parsed and checked as far as it can be without its
/// folder (the notice and logo are checked by `load_org`).
pub fn parse_org_settings(text: &str) -> anyhow::Result<OrgSettings> {
    let settings: OrgSettings = toml::from_str(text).context("org.toml is not valid")?;
    let mut ids = std::collections::HashSet::new();
    for consent in &settings.consents {
        consent.validate().context("org.toml, [[consents]]")?;
        if !ids.insert(consent.id.as_str()) {
            bail!("org.toml, [[consents]]: {:?} is listed twice", consent.id);
        }
    }
    for source in &settings.sources {
        source.validate(&settings.categories).context("org.toml")?;
    }
    let mut names = std::collections::HashSet::new();
    for webhook in &settings.webhooks {
        webhook.validate().context("org.toml, [[webhooks]]")?;
        if !names.insert(webhook.name.as_str()) {
            bail!("org.toml, [[webhooks]]: {:?} is listed twice", webhook.name);
        }
    }
    for (key, value) in [
        ("from", &settings.mail.from),
        ("reply_to", &settings.mail.reply_to),
    ] {
        if let Some(value) = value {
            value
                .parse::<lettre::message::Mailbox>()
                .with_context(|| format!("org.toml, [mail] {key}: {value:?} is not a mailbox such as \"Name <privacy@example.com>\""))?;
        }
    }
    if !(30..=3650).contains(&settings.retention_days) {
        bail!(
            "org.toml, retention_days: {} is not between 30 and 3650 days",
            settings.retention_days
        );
    }
    for category in &settings.categories {
        if let Some(term) = category
            .dpv_data
            .iter()
            .chain(&category.dpv_purposes)
            .find(|t| !crate::notice_json::is_dpv_term(t))
        {
            bail!(
                "org.toml, category {:?}: {term:?} is not a DPV term (dpv:…, pd:… or eu-gdpr:…)",
                category.id
            );
        }
    }
    settings
        .theme
        .clone()
        .unwrap_or_default()
        .validate()
        .map_err(|e| anyhow::anyhow!("org.toml, [theme]: {e}"))?;
    for origin in &settings.embed_origins {
        embed_origin(origin).context("org.toml, embed_origins")?;
    }
    Ok(settings)
}

/// Art. 6(1)(a) and 7: what subjects consent to is what the notice says
/// rests on consent. In each language of the current notice, every purpose
/// based on consent names an `org.toml` consent (`consent = "<id>"`), every
/// consent is named by such a purpose, and only such purposes name one.
fn consents_match_purposes(
    settings: &OrgSettings,
    notice: &crate::notice::Notice,
) -> anyhow::Result<()> {
    for (language, text) in &notice.current().texts {
        let file = format!("notice/{}.md", language.code());
        for purpose in &text.facts.purposes {
            let on_consent =
                crate::notice_json::article_6_points(&purpose.legal_basis).contains(&'a');
            match (&purpose.consent, on_consent) {
                (None, true) => bail!(
                    "{file}: purpose {:?} rests on consent (Art. 6(1)(a)) but names no consent of org.toml (consent = \"<id>\")",
                    purpose.name
                ),
                (Some(id), false) => bail!(
                    "{file}: purpose {:?} names consent {id:?} but its legal basis is not consent (Art. 6(1)(a))",
                    purpose.name
                ),
                (Some(id), true) if !settings.consents.iter().any(|c| &c.id == id) => bail!(
                    "{file}: purpose {:?} names consent {id:?}, which org.toml's [[consents]] does not list",
                    purpose.name
                ),
                _ => {}
            }
        }
        for consent in &settings.consents {
            let named = text
                .facts
                .purposes
                .iter()
                .any(|p| p.consent.as_deref() == Some(consent.id.as_str()));
            if !named {
                bail!(
                    "org.toml, [[consents]]: {:?} is asked for, but no purpose of {file} rests on it (add consent = {:?} to the purpose it is for, with its legal basis Art. 6(1)(a))",
                    consent.id,
                    consent.id
                );
            }
        }
    }
    Ok(())
}

/// The rest of an organisation: its notice and logo, read from its folder.
fn finish_org(slug: &OrgSlug, dir: &Path, settings: OrgSettings) -> anyhow::Result<Organisation> {
    let category_ids: Vec<String> = settings.categories.iter().map(|c| c.id.clone()).collect();
    let notice = crate::notice::Notice::load(&dir.join("notice"), &category_ids)?;
    consents_match_purposes(&settings, &notice)?;
    let theme = settings.theme.clone().unwrap_or_default();
    let logo = match &theme.logo {
        Some(file) => {
            let path = dir.join(file);
            let size = std::fs::metadata(&path)
                .with_context(|| format!("logo {}", path.display()))?
                .len();
            if size > MAX_LOGO_BYTES {
                bail!("logo {} is over {MAX_LOGO_BYTES} bytes", path.display());
            }
            let content_type = crate::theme::logo_type(file).expect("validated");
            Some((
                content_type,
                std::fs::read(&path).with_context(|| format!("logo {}", path.display()))?,
            ))
        }
        None => None,
    };
    let embed_origins = settings
        .embed_origins
        .iter()
        .map(|origin| embed_origin(origin).context("org.toml, embed_origins"))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let org_view = OrgView {
        slug: slug.to_string(),
        name: settings.name.clone(),
        themed: settings.theme.is_some(),
        logo: logo.is_some(),
        embed_origins,
        figures_public: settings.metrics.public,
    };
    Ok(Organisation {
        slug: slug.clone(),
        settings,
        view: org_view,
        notice,
        logo,
    })
}

/// An origin as CSP and `postMessage` compare them: scheme, host and port,
/// nothing else (`https://www.example.com`).
fn embed_origin(text: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(text).with_context(|| format!("{text:?} is not an origin"))?;
    let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    if !matches!(url.scheme(), "https" | "http")
        || url.host().is_none()
        || !bare
        || !url.username().is_empty()
    {
        bail!("{text:?} is not an origin such as https://www.example.com");
    }
    Ok(url.origin().ascii_serialization())
}

pub(crate) fn split_front_matter(source: &str) -> Option<(&str, &str)> {
    let rest = source.trim_start_matches('\u{feff}').strip_prefix("+++")?;
    let end = rest.find("\n+++")?;
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    Some((&rest[..end], body))
}

/// Renders Markdown to HTML, giving every second-level heading an id for the
/// table of contents. Raw HTML in the source is shown as text, never passed
/// through.
pub fn render_markdown(source: &str) -> (String, Vec<TocEntry>) {
    let mut events: Vec<Event> = Parser::new_ext(source, Options::ENABLE_TABLES).collect();
    let mut toc = Vec::new();
    let mut used = HashMap::<String, usize>::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, .. }) = &events[i] {
            let level = *level;
            let text: String = events[i + 1..]
                .iter()
                .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                    _ => None,
                })
                .collect();
            let mut id = slugify(&text);
            let seen = used.entry(id.clone()).or_insert(0);
            *seen += 1;
            if *seen > 1 {
                id = format!("{id}-{seen}");
            }
            if level == HeadingLevel::H2 {
                toc.push(TocEntry {
                    id: id.clone(),
                    title: text,
                });
            }
            events[i] = Event::Start(Tag::Heading {
                level,
                id: Some(CowStr::from(id)),
                classes: vec![],
                attrs: vec![],
            });
        }
        i += 1;
    }
    // Raw HTML from the source becomes text. Our own markup goes in after
    // that: each table in a box that scrolls sideways on a phone, which
    // keyboard users can focus to scroll (WCAG 2.1.1).
    let safe = events.into_iter().flat_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => vec![Event::Text(raw)],
        Event::Start(Tag::Table(alignments)) => vec![
            Event::Html(CowStr::Borrowed(r#"<div class="table-box" tabindex="0">"#)),
            Event::Start(Tag::Table(alignments)),
        ],
        Event::End(TagEnd::Table) => vec![
            Event::End(TagEnd::Table),
            Event::Html(CowStr::Borrowed("</div>")),
        ],
        other => vec![other],
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, safe);
    (html, toc)
}

fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "section".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_level_headings_make_the_table_of_contents() {
        let (html, toc) =
            render_markdown("## Who we are\n\ntext\n\n### Detail\n\n## Your rights\n");
        assert_eq!(
            toc.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
            ["who-we-are", "your-rights"]
        );
        assert!(
            html.contains(r#"<h2 id="who-we-are">Who we are</h2>"#),
            "{html}"
        );
        assert!(html.contains(r#"<h3 id="detail">"#), "{html}");
    }

    #[test]
    fn raw_html_is_escaped_not_rendered() {
        let (html, _) =
            render_markdown("Hello <script>alert(1)</script>\n\n<iframe src=x></iframe>\n");
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<iframe"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn headings_with_nordic_letters_get_readable_unique_ids() {
        let (_, toc) =
            render_markdown("## Hvem får opplysningene?\n\n## Hvem får opplysningene?\n");
        assert_eq!(toc[0].id, "hvem-får-opplysningene");
        assert_eq!(toc[1].id, "hvem-får-opplysningene-2");
    }

    #[test]
    fn front_matter_is_split_from_the_body() {
        let (front, body) = split_front_matter("+++\ntitle = \"x\"\n+++\n\n# Body\n").unwrap();
        assert_eq!(front.trim(), "title = \"x\"");
        assert_eq!(body, "# Body\n");
    }

    #[test]
    fn embed_origins_are_bare_origins() {
        assert_eq!(
            embed_origin("https://www.example.com").unwrap(),
            "https://www.example.com"
        );
        assert_eq!(
            embed_origin("https://WWW.Example.com/").unwrap(),
            "https://www.example.com"
        );
        assert_eq!(
            embed_origin("http://localhost:4173").unwrap(),
            "http://localhost:4173"
        );
        for bad in [
            "www.example.com",
            "https://example.com/page",
            "javascript:alert(1)",
            "https://a@example.com",
            "*",
            "https://example.com?x",
        ] {
            assert!(embed_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_host_belongs_to_one_organisation_and_must_be_a_plain_name() {
        let dir = tempfile::tempdir().unwrap();
        let org = |slug: &str, hosts: &str| {
            let path = dir.path().join("orgs").join(slug);
            std::fs::create_dir_all(path.join("notice")).unwrap();
            let toml = format!(
                "name = \"{slug}\"\ncontact_email = \"a@{slug}.example\"\nhosts = {hosts}\n"
            );
            std::fs::write(path.join("org.toml"), toml).unwrap();
            std::fs::write(
                path.join("notice/en.md"),
                "+++\ntitle = \"Notice\"\nlast_updated = \"2026-11-01\"\n+++\n\nText.\n",
            )
            .unwrap();
        };
        org("one", r#"["privacy.one.example"]"#);
        org("two", "[]");
        let content = Content::load(dir.path()).unwrap();
        assert_eq!(
            content
                .org_for_host("privacy.one.example:8443")
                .unwrap()
                .slug,
            "one"
        );
        assert_eq!(
            content.org_for_host("Privacy.One.Example").unwrap().slug,
            "one"
        );
        assert!(content.org_for_host("portal.example").is_none());
        org("two", r#"["privacy.one.example"]"#);
        let error = format!("{:#}", Content::load(dir.path()).unwrap_err());
        assert!(error.contains("claimed by both"), "{error}");
        org("two", r#"["https://two.example"]"#);
        let error = format!("{:#}", Content::load(dir.path()).unwrap_err());
        assert!(error.contains("without scheme or port"), "{error}");
    }

    #[test]
    fn a_theme_with_weak_contrast_stops_the_load_and_a_logo_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orgs/one");
        std::fs::create_dir_all(path.join("notice")).unwrap();
        std::fs::write(
            path.join("notice/en.md"),
            "+++\ntitle = \"Notice\"\nlast_updated = \"2026-11-01\"\n+++\n\nText.\n",
        )
        .unwrap();
        let write = |theme: &str| {
            let toml =
                format!("name = \"One\"\ncontact_email = \"a@one.example\"\n[theme]\n{theme}\n");
            std::fs::write(path.join("org.toml"), toml).unwrap();
        };
        write("accent = \"#ffd54f\"");
        let error = format!("{:#}", Content::load(dir.path()).unwrap_err());
        assert!(
            error.contains("contrast") && error.contains("WCAG"),
            "{error}"
        );
        write("logo = \"logo.svg\"");
        assert!(
            Content::load(dir.path()).is_err(),
            "the logo file is missing"
        );
        std::fs::write(
            path.join("logo.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .unwrap();
        let content = Content::load(dir.path()).unwrap();
        let one = content.org("one").unwrap();
        assert_eq!(one.logo.as_ref().unwrap().0, "image/svg+xml");
        assert!(one.view.logo && one.view.themed);
    }

    #[test]
    fn the_shipped_demo_organisation_loads() {
        let content =
            Content::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")).unwrap();
        let demo = content.org("demo").expect("demo organisation");
        let ids: Vec<_> = demo
            .notice
            .current()
            .text(domain::Language::En)
            .1
            .toc
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        for section in [
            "controller",
            "data-protection-officer",
            "your-rights",
            "complaints",
        ] {
            assert!(
                ids.iter().any(|id| id.contains(section)),
                "missing {section} in {ids:?}"
            );
        }
    }
}
