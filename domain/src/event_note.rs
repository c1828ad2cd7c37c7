//! What a history entry tells the subject besides its kind. Staff's own
//! words are kept as they wrote them; everything the portal itself says
//! (what an opt-out means, the right to complain after a refusal) is a
//! code here and becomes a sentence in the reader's language only when a
//! page or mail shows it (`i18n::event_note`). So a Norwegian subject reads
//! Norwegian, whoever was reading when the event was written.

use crate::kind::RequestKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum EventNote {
    /// Staff's words to the subject: an extension's reason.
    Said { text: String },
    /// A refusal (Art. 12(4)): staff's reason and the legal ground; the
    /// subject's right to complain is added where it is shown.
    Refused {
        reason: String,
        /// A `RefusalGround`'s name; refusals written before grounds were
        /// chosen from a list carry staff's free text, shown as written.
        legal_ground: String,
        /// Where the subject may complain, as the organisation named it
        /// when it refused (Art. 12(4)); `None` before it named one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authority: Option<crate::SupervisoryAuthority>,
    },
    /// An opt-out or a withdrawal of consent took effect with no staff
    /// work; what that means depends on the kind.
    TookEffect { kind: RequestKind },
    /// A reviewed automated decision (Art. 22(3)): who reviewed it, what
    /// they considered (staff's words) and whether it stands.
    Reviewed {
        reviewer: String,
        considered: String,
        upheld: bool,
    },
    /// What a staff member tells the colleague they hand a request to: the
    /// team's, never shown to the subject.
    Handover { text: String },
}

impl EventNote {
    /// Whether the subject is shown this note with its event.
    pub fn for_subject(&self) -> bool {
        !matches!(self, EventNote::Handover { .. })
    }

    /// The stored form (sealed by the service): JSON.
    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).expect("a note serialises")
    }

    /// A stored note. Notes written before they were typed are plain text
    /// (an extension's or refusal's words, or an English sentence of the
    /// portal's): they are shown as they were written.
    pub fn from_stored(stored: &str) -> EventNote {
        serde_json::from_str(stored).unwrap_or_else(|_| EventNote::Said {
            text: stored.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_round_trip_and_old_plain_notes_stay_readable() {
        for note in [
            EventNote::Said {
                text: "Many systems".into(),
            },
            EventNote::Refused {
                reason: "Manifestly unfounded".into(),
                legal_ground: "Art. 12(5)".into(),
                authority: None,
            },
            EventNote::Refused {
                reason: "Asked every week".into(),
                legal_ground: "excessive".into(),
                authority: Some(crate::SupervisoryAuthority {
                    name: "Datatilsynet".into(),
                    address: "Postboks 458 Sentrum, 0105 Oslo".into(),
                    url: "https://www.datatilsynet.no".into(),
                }),
            },
            EventNote::TookEffect {
                kind: RequestKind::MarketingOptOut,
            },
            EventNote::Handover {
                text: "The subject called; see the ticket".into(),
            },
        ] {
            assert_eq!(EventNote::from_stored(&note.to_stored()), note);
            assert_eq!(
                note.for_subject(),
                !matches!(note, EventNote::Handover { .. })
            );
        }
        assert_eq!(
            EventNote::from_stored("{not json"),
            EventNote::Said {
                text: "{not json".into()
            }
        );
        // A staff member's reason that happens to be JSON of another shape
        // is still their words.
        assert_eq!(
            EventNote::from_stored(r#"{"a":1}"#),
            EventNote::Said {
                text: r#"{"a":1}"#.into()
            }
        );
    }
}
