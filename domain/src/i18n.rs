//! The words the interface shows, in English, Norwegian Bokmål and Dutch.
//! Messages live in Fluent files (`domain/locales/*.ftl`), compiled into the
//! binary; codes from the domain become text here and only here.
//!
//! Pages are rendered on the server, which looks messages up. The one island
//! (the request form) must not carry Fluent and three languages into the
//! WebAssembly: it receives its words ready-made in [`FormStrings`], so
//! nothing in the browser calls [`t`] and the linker drops it.
//!
//! The staff console is in English (see README, "Languages"): its users are a
//! company's privacy team, and its vocabulary is the GDPR's.

use crate::{AppError, FieldErrorCode, Language, RequestKind, Status, MAX_DETAIL_CHARS};
use fluent_bundle::concurrent::FluentBundle;
pub use fluent_bundle::FluentArgs;
use fluent_bundle::{FluentResource, FluentValue};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const SOURCES: [(Language, &str); 3] = [
    (Language::En, include_str!("../locales/en.ftl")),
    (Language::Nb, include_str!("../locales/nb.ftl")),
    (Language::Nl, include_str!("../locales/nl.ftl")),
];

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static [Bundle; 3] {
    static BUNDLES: OnceLock<[Bundle; 3]> = OnceLock::new();
    BUNDLES.get_or_init(|| SOURCES.map(|(language, source)| bundle(language, source)))
}

fn bundle(language: Language, source: &str) -> Bundle {
    let tag = language
        .code()
        .parse()
        .expect("a supported language is a valid language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    // Unicode isolation marks around arguments help right-to-left text; ours
    // is all left-to-right, and the marks would end up in titles and tests.
    bundle.set_use_isolating(false);
    // A syntax error in a shipped file is a bug: the unit tests parse every
    // file, so this cannot be reached by a build that passed them.
    let resource = FluentResource::try_new(source.to_owned())
        .unwrap_or_else(|(_, errors)| panic!("{} messages: {errors:?}", language.code()));
    bundle
        .add_resource(resource)
        .unwrap_or_else(|errors| panic!("{} messages: {errors:?}", language.code()));
    bundle
}

fn index(language: Language) -> usize {
    match language {
        Language::En => 0,
        Language::Nb => 1,
        Language::Nl => 2,
    }
}

/// The message `id` in `language`, with its arguments filled in. A missing
/// message falls back to English; the tests make sure none is missing, so a
/// reader never sees an id.
pub fn t_args(language: Language, id: &str, args: Option<&FluentArgs>) -> String {
    let all = bundles();
    [index(language), 0]
        .into_iter()
        .find_map(|i| {
            let bundle = &all[i];
            let pattern = bundle.get_message(id)?.value()?;
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args, &mut errors);
            errors.is_empty().then(|| text.into_owned())
        })
        .unwrap_or_else(|| id.to_owned())
}

pub fn t(language: Language, id: &str) -> String {
    t_args(language, id, None)
}

/// A message with one argument, the common case.
pub fn t1<'a>(
    language: Language,
    id: &str,
    name: &'a str,
    value: impl Into<FluentValue<'a>>,
) -> String {
    let mut args = FluentArgs::new();
    args.set(name, value);
    t_args(language, id, Some(&args))
}

pub fn kind_label(language: Language, kind: RequestKind) -> String {
    t(language, &format!("kind-{}", kind.as_str()))
}

/// The kind as the published figures name it, with its article.
pub fn kind_figure_label(language: Language, kind: RequestKind) -> String {
    t(language, &format!("figures-kind-{}", kind.as_str()))
}

pub fn kind_summary(language: Language, kind: RequestKind) -> String {
    t(language, &format!("kind-{}-summary", kind.as_str()))
}

pub fn status_label(language: Language, status: Status) -> String {
    t(language, &format!("status-{}", status.as_str()))
}

pub fn field_label(language: Language, field: &str) -> String {
    t(language, &format!("field-{field}"))
}

/// What the subject asked, question by question, in the reader's
/// language: the form's question and their answer (their own words, or
/// the choice they made). Questions left blank are left out.
pub fn submitted_answers(
    language: Language,
    kind: RequestKind,
    details: &crate::ValidDetails,
) -> Vec<(String, String)> {
    kind.fields()
        .iter()
        .filter_map(|(field, _)| {
            let answer = details.answer(*field)?;
            let shown = match (*field, answer) {
                (crate::Field::ErasureScope, "all") => t(language, "erasure-all"),
                (crate::Field::ErasureScope, _) => t(language, "erasure-specific"),
                _ => answer.to_owned(),
            };
            Some((field_label(language, field.name()), shown))
        })
        .collect()
}

pub fn field_error(language: Language, code: FieldErrorCode) -> String {
    t1(
        language,
        &format!("field-error-{}", code.as_str()),
        "max",
        MAX_DETAIL_CHARS,
    )
}

pub fn error_message(language: Language, error: &AppError) -> String {
    match error {
        AppError::CodeInvalid { attempts_left } => {
            t1(language, "error-code_invalid", "attempts", *attempts_left)
        }
        AppError::TransitionRefused { reason } => {
            use crate::TransitionError as T;
            let code = match reason {
                T::NotInThisStatus => "not_in_this_status",
                T::NotVerified => "not_verified",
                T::AlreadyExtended => "already_extended",
                T::ExtensionTooLong => "extension_too_long",
                T::ReasonRequired => "reason_required",
                T::LegalGroundRequired => "legal_ground_required",
                T::AlreadyExecuted => "already_executed",
                T::FirstMonthOver => "first_month_over",
            };
            t(language, &format!("refused-{code}"))
        }
        AppError::Network => t(language, "error-unavailable"),
        other => t(language, &format!("error-{}", other.code())),
    }
}

/// `2026-12-22` → `22 December 2026` / `22. desember 2026` / `22 december
/// 2026`. Dates cross the wire as ISO strings and are worded here.
pub fn long_date(language: Language, iso: &str) -> String {
    let mut parts = iso.get(..10).unwrap_or(iso).split('-');
    match (
        parts.next(),
        parts.next().and_then(|m| m.parse::<u8>().ok()),
        parts.next().and_then(|d| d.parse::<u8>().ok()),
    ) {
        (Some(year), Some(month @ 1..=12), Some(day)) => {
            let mut args = FluentArgs::new();
            args.set("day", day.to_string());
            args.set("month", t(language, &format!("month-{month}")));
            args.set("year", year.to_owned());
            t_args(language, "date-long", Some(&args))
        }
        _ => iso.to_owned(),
    }
}

/// `1536` → `1.5 kB`: sizes as people read them.
pub fn human_size(language: Language, bytes: i64) -> String {
    let decimal = |value: f64| {
        let text = format!("{value:.1}");
        // Norwegian and Dutch write a decimal comma.
        if language == Language::En {
            text
        } else {
            text.replace('.', ",")
        }
    };
    match bytes {
        b if b < 1000 => t1(language, "size-bytes", "n", b),
        b if b < 1_000_000 => format!("{} kB", decimal(b as f64 / 1000.0)),
        b => format!("{} MB", decimal(b as f64 / 1_000_000.0)),
    }
}

/// Everything the request form island says, worded on the server in the
/// reader's language and sent along as the island's props. A plain list
/// of strings at fixed places rather than a struct with named fields: its
/// deserialiser is the one `Vec<String>` already has, which keeps the
/// WebAssembly inside its budget.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FormStrings(Vec<String>);

const EMAIL_LABEL: usize = 0;
const EMAIL_HINT: usize = 1;
const ERASURE_ALL: usize = 2;
const ERASURE_SPECIFIC: usize = 3;
const LANGUAGE_LABEL: usize = 4;
const CHARACTERS: usize = 5;
const SEND: usize = 6;
const SENDING: usize = 7;
const FIELD_ERRORS: usize = 8;
const ERRORS: usize = FIELD_ERRORS + FieldErrorCode::ALL.len();
/// The errors a submission can meet, in their place in the list; anything
/// else shows `internal`, the last.
const FORM_ERRORS: [&str; 9] = [
    "validation",
    "unknown_organisation",
    "unknown_kind",
    "malformed_body",
    "payload_too_large",
    "rate_limited",
    "unavailable",
    "network",
    "internal",
];
/// The labels of the kind's own fields follow, in `RequestKind::fields` order.
const FIELD_LABELS: usize = ERRORS + FORM_ERRORS.len();

impl FormStrings {
    pub fn new(language: Language, kind: RequestKind) -> FormStrings {
        let errors = [
            AppError::Validation { fields: vec![] },
            AppError::UnknownOrganisation,
            AppError::UnknownKind,
            AppError::MalformedBody,
            AppError::PayloadTooLarge,
            AppError::RateLimited,
            AppError::Unavailable,
            AppError::Network,
            AppError::Internal,
        ];
        let mut strings = vec![
            field_label(language, "email"),
            t(language, "field-email-hint"),
            t(language, "erasure-all"),
            t(language, "erasure-specific"),
            t(language, "field-language"),
            t(language, "characters"),
            t(language, "send-request"),
            t(language, "sending"),
        ];
        strings.extend(FieldErrorCode::ALL.map(|code| field_error(language, code)));
        strings.extend(errors.iter().map(|e| error_message(language, e)));
        strings.extend(
            kind.fields()
                .iter()
                .map(|(field, _)| field_label(language, field.name())),
        );
        FormStrings(strings)
    }

    fn at(&self, index: usize) -> String {
        self.0.get(index).cloned().unwrap_or_default()
    }

    pub fn email_label(&self) -> String {
        self.at(EMAIL_LABEL)
    }
    pub fn email_hint(&self) -> String {
        self.at(EMAIL_HINT)
    }
    pub fn erasure_all(&self) -> String {
        self.at(ERASURE_ALL)
    }
    pub fn erasure_specific(&self) -> String {
        self.at(ERASURE_SPECIFIC)
    }
    pub fn language_label(&self) -> String {
        self.at(LANGUAGE_LABEL)
    }
    pub fn characters(&self) -> String {
        self.at(CHARACTERS)
    }
    pub fn send(&self) -> String {
        self.at(SEND)
    }
    pub fn sending(&self) -> String {
        self.at(SENDING)
    }
    /// The label of the kind's `index`th field.
    pub fn field_label(&self, index: usize) -> String {
        self.at(FIELD_LABELS + index)
    }

    pub fn field_error(&self, code: FieldErrorCode) -> String {
        self.at(FIELD_ERRORS + code as usize)
    }

    pub fn error(&self, error: &AppError) -> String {
        let place = FORM_ERRORS
            .iter()
            .position(|code| *code == error.code())
            .unwrap_or(FORM_ERRORS.len() - 1);
        self.at(ERRORS + place)
    }
}

/// What a history entry says happened.
pub fn event_text(language: Language, event: crate::views::EventKind) -> String {
    t(language, &format!("event-{}", event.as_str()))
}

/// A refusal's legal ground in the reader's language.
pub fn refusal_ground(language: Language, ground: crate::RefusalGround) -> String {
    t(language, &format!("ground-{}", ground.as_str()))
}

/// What a history entry tells the subject besides its kind: staff's words
/// as written, the portal's own in the reader's language.
pub fn event_note(language: Language, note: &crate::EventNote) -> String {
    use crate::EventNote;
    match note {
        EventNote::Said { text } | EventNote::Handover { text } => text.clone(),
        EventNote::Refused {
            reason,
            legal_ground,
            authority,
        } => {
            let mut args = FluentArgs::new();
            args.set("reason", reason.as_str());
            // A ground from the list in the reader's words; an older
            // refusal's free text as staff wrote it.
            let ground = crate::RefusalGround::parse(legal_ground)
                .map_or_else(|| legal_ground.clone(), |g| refusal_ground(language, g));
            args.set("ground", ground);
            // Art. 12(4): the right to complain (to the authority the
            // organisation names) and to a judicial remedy.
            match authority {
                Some(authority) => {
                    args.set("authority", authority.name.as_str());
                    args.set("address", authority.address.as_str());
                    args.set("url", authority.url.as_str());
                    t_args(language, "note-refused-authority", Some(&args))
                }
                None => t_args(language, "note-refused", Some(&args)),
            }
        }
        EventNote::Reviewed {
            reviewer,
            considered,
            upheld,
        } => {
            let mut args = FluentArgs::new();
            args.set("reviewer", reviewer.as_str());
            args.set("considered", considered.as_str());
            let id = if *upheld {
                "note-reviewed-upheld"
            } else {
                "note-reviewed-changed"
            };
            t_args(language, id, Some(&args))
        }
        EventNote::TookEffect {
            kind: RequestKind::MarketingOptOut,
        } => t(language, "note-opted-out"),
        EventNote::TookEffect { .. } => t(language, "note-consent-withdrawn"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::EventKind;

    fn ids(source: &str) -> Vec<String> {
        let resource = FluentResource::try_new(source.to_owned()).expect("parses");
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_portals_own_notes_are_said_in_the_readers_language() {
        use crate::EventNote;
        let refused = EventNote::Refused {
            reason: "Grunnløs".into(),
            legal_ground: "Art. 12(5)".into(),
            authority: None,
        };
        let nb = event_note(Language::Nb, &refused);
        assert!(
            nb.starts_with("Grunnløs Rettslig grunnlag: Art. 12(5)."),
            "{nb}"
        );
        assert!(
            nb.contains("tilsynsmyndighet") && nb.contains("domstolene"),
            "{nb}"
        );
        // Art. 12(4): a ground from the list, the organisation's authority
        // and the judicial remedy, all in the reader's language.
        let named = EventNote::Refused {
            reason: "Du har spurt hver uke.".into(),
            legal_ground: "excessive".into(),
            authority: Some(crate::SupervisoryAuthority {
                name: "Datatilsynet".into(),
                address: "Postboks 458 Sentrum, 0105 Oslo".into(),
                url: "https://www.datatilsynet.no".into(),
            }),
        };
        let nb = event_note(Language::Nb, &named);
        assert!(
            nb.contains("overdreven") && nb.contains("art. 12 nr. 5"),
            "{nb}"
        );
        assert!(
            nb.contains("klage til Datatilsynet, Postboks 458 Sentrum, 0105 Oslo"),
            "{nb}"
        );
        assert!(nb.contains("domstolene"), "{nb}");
        let nl = event_note(Language::Nl, &named);
        assert!(
            nl.contains("buitensporig") && nl.contains("rechter"),
            "{nl}"
        );
        for language in Language::ALL {
            for ground in crate::RefusalGround::ALL {
                assert!(!refusal_ground(language, ground).starts_with("ground-"));
            }
        }
        let opted_out = EventNote::TookEffect {
            kind: RequestKind::MarketingOptOut,
        };
        let withdrawn = EventNote::TookEffect {
            kind: RequestKind::WithdrawConsent,
        };
        for language in Language::ALL {
            assert_ne!(event_note(language, &opted_out), "note-opted-out");
            assert_ne!(
                event_note(language, &opted_out),
                event_note(language, &withdrawn)
            );
        }
        assert_ne!(
            event_note(Language::Nl, &opted_out),
            event_note(Language::En, &opted_out)
        );
        let said = EventNote::Said {
            text: "Three archives".into(),
        };
        assert_eq!(event_note(Language::Nl, &said), "Three archives");
    }

    #[test]
    fn every_language_has_exactly_the_english_messages() {
        let english = ids(SOURCES[0].1);
        assert!(english.len() > 100, "{} messages", english.len());
        for (language, source) in &SOURCES[1..] {
            let theirs = ids(source);
            let missing: Vec<_> = english.iter().filter(|id| !theirs.contains(id)).collect();
            let extra: Vec<_> = theirs.iter().filter(|id| !english.contains(id)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: missing {missing:?}, unknown {extra:?}",
                language.code()
            );
        }
    }

    /// Every id the code names literally, as a string in a `t` or `t1` call,
    /// exists, so a typo cannot put an id on a page. The calls are in the
    /// pages (`app`), the use cases (`portal`) and here.
    #[test]
    fn every_message_the_code_asks_for_exists() {
        let english = ids(SOURCES[0].1);
        let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut asked = Vec::new();
        let mut dirs: Vec<_> = ["domain", "app", "portal", "server"]
            .iter()
            .map(|krate| workspace.join(krate).join("src"))
            .collect();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for call in [
                        "t(lang, \"",
                        "t1(lang, \"",
                        "t(language, \"",
                        "t1(language, \"",
                    ] {
                        for (at, _) in text.match_indices(call) {
                            let rest = &text[at + call.len()..];
                            let id = &rest[..rest.find('"').unwrap()];
                            asked.push((path.display().to_string(), id.to_owned()));
                        }
                    }
                }
            }
        }
        assert!(asked.len() > 50, "found only {} lookups", asked.len());
        let unknown: Vec<_> = asked
            .iter()
            .filter(|(_, id)| !english.contains(id))
            .collect();
        assert!(unknown.is_empty(), "unknown message ids: {unknown:?}");
    }

    /// The ids built from domain codes, in every language: none falls back
    /// to English or to its id, and none fails to format.
    #[test]
    fn every_domain_code_is_worded_in_every_language() {
        for language in Language::ALL {
            let mut texts = Vec::new();
            for kind in RequestKind::ALL {
                texts.push(kind_label(language, kind));
                texts.push(kind_summary(language, kind));
                texts.push(kind_figure_label(language, kind));
                for ground in crate::RefusalGround::for_kind(kind) {
                    texts.push(refusal_ground(language, ground));
                }
                for (field, _) in kind.fields() {
                    texts.push(field_label(language, field.name()));
                }
            }
            for status in Status::ALL {
                texts.push(status_label(language, status));
            }
            for code in FieldErrorCode::ALL {
                texts.push(field_error(language, code));
            }
            for event in EventKind::ALL {
                texts.push(event_text(language, event));
            }
            let strings = FormStrings::new(language, RequestKind::Erasure);
            texts.extend(strings.0.iter().cloned());
            texts.push(error_message(
                language,
                &AppError::CodeInvalid { attempts_left: 1 },
            ));
            for text in &texts {
                assert!(!text.is_empty());
                assert!(
                    !text.contains("kind-")
                        && !text.contains("figures-")
                        && !text.contains("ground-")
                        && !text.contains("status-")
                        && !text.contains("error-")
                        && !text.contains("field-")
                        && !text.contains("event-"),
                    "{}: an id instead of a message: {text}",
                    language.code()
                );
            }
            if language != Language::En {
                let english = FormStrings::new(Language::En, RequestKind::Erasure);
                assert_ne!(
                    strings.send(),
                    english.send(),
                    "{} is not translated",
                    language.code()
                );
            }
        }
    }

    #[test]
    fn iso_dates_are_worded_in_full_in_each_language() {
        assert_eq!(long_date(Language::En, "2026-12-02"), "2 December 2026");
        assert_eq!(
            long_date(Language::En, "2027-01-31T10:00:00Z"),
            "31 January 2027"
        );
        assert_eq!(long_date(Language::Nb, "2026-12-02"), "2. desember 2026");
        assert_eq!(long_date(Language::Nl, "2026-03-09"), "9 maart 2026");
        assert_eq!(long_date(Language::Nb, "garbage"), "garbage");
    }

    #[test]
    fn plurals_and_numbers_follow_the_language() {
        assert_eq!(
            error_message(Language::En, &AppError::CodeInvalid { attempts_left: 1 }),
            "That code is not right. You can try 1 more time."
        );
        assert!(
            error_message(Language::En, &AppError::CodeInvalid { attempts_left: 3 })
                .contains("3 more times")
        );
        assert_eq!(human_size(Language::En, 1536), "1.5 kB");
        assert_eq!(human_size(Language::Nb, 1536), "1,5 kB");
        assert_eq!(human_size(Language::Nl, 2_500_000), "2,5 MB");
    }

    #[test]
    fn the_form_finds_its_error_messages() {
        let strings = FormStrings::new(Language::Nl, RequestKind::Rectification);
        assert_eq!(
            strings.0.len(),
            FIELD_LABELS + RequestKind::Rectification.fields().len()
        );
        assert_eq!(
            strings.field_label(1),
            field_label(Language::Nl, "correction")
        );
        assert_eq!(strings.email_label(), field_label(Language::Nl, "email"));
        assert_eq!(strings.sending(), t(Language::Nl, "sending"));
        // Every error in its place.
        for code in FORM_ERRORS.iter() {
            let error: AppError =
                serde_json::from_value(serde_json::json!({ "code": code, "fields": [] }))
                    .or_else(|_| serde_json::from_value(serde_json::json!({ "code": code })))
                    .unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(
                strings.error(&error),
                error_message(Language::Nl, &error),
                "{code}"
            );
        }
        assert_eq!(
            strings.error(&AppError::RateLimited),
            error_message(Language::Nl, &AppError::RateLimited)
        );
        // An error a submission should not meet still gets a message.
        assert_eq!(
            strings.error(&AppError::Forbidden),
            error_message(Language::Nl, &AppError::Internal)
        );
        assert_eq!(
            strings.field_error(FieldErrorCode::InvalidEmail),
            field_error(Language::Nl, FieldErrorCode::InvalidEmail)
        );
    }
}
