//! Why a request may be refused, as the GDPR gives the grounds: the
//! general ones of Art. 12 and 23 and each right's own. Staff choose one of
//! the grounds its kind allows and add their reason in their own words
//! (Art. 12(4): "the reasons for not taking action"); the subject reads the
//! ground in their language, and learns where to complain and that they
//! may go to court.

use crate::kind::RequestKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalGround {
    /// Art. 12(5)(b): manifestly unfounded.
    ManifestlyUnfounded,
    /// Art. 12(5)(b): excessive, in particular because repetitive.
    Excessive,
    /// Art. 11(2) and 12(2): the controller cannot identify the subject.
    CannotIdentify,
    /// Art. 23: a restriction laid down in Union or national law.
    NationalLaw,
    /// Art. 15(4): it would adversely affect the rights and freedoms of others.
    RightsOfOthers,
    /// Art. 16: the data is accurate and complete.
    Accurate,
    /// Art. 17(1): none of the grounds for erasure applies.
    NoErasureGround,
    /// Art. 17(3)(a)–(e): an exception to erasure applies.
    FreedomOfExpression,
    LegalObligation,
    PublicHealth,
    Archiving,
    LegalClaims,
    /// Art. 18(1): none of the conditions for restriction is met.
    RestrictionConditions,
    /// Art. 20(1): the processing is not based on consent or a contract,
    /// or not carried out by automated means.
    PortabilityNotApplicable,
    /// Art. 21(1): compelling legitimate grounds override the objection.
    CompellingGrounds,
    /// Art. 22(2): the decision is allowed (a contract, the law, explicit consent).
    AutomatedDecisionAllowed,
}

/// The grounds every kind may be refused on.
const GENERAL: [RefusalGround; 4] = [
    RefusalGround::ManifestlyUnfounded,
    RefusalGround::Excessive,
    RefusalGround::CannotIdentify,
    RefusalGround::NationalLaw,
];

impl RefusalGround {
    pub const ALL: [RefusalGround; 16] = [
        RefusalGround::ManifestlyUnfounded,
        RefusalGround::Excessive,
        RefusalGround::CannotIdentify,
        RefusalGround::NationalLaw,
        RefusalGround::RightsOfOthers,
        RefusalGround::Accurate,
        RefusalGround::NoErasureGround,
        RefusalGround::FreedomOfExpression,
        RefusalGround::LegalObligation,
        RefusalGround::PublicHealth,
        RefusalGround::Archiving,
        RefusalGround::LegalClaims,
        RefusalGround::RestrictionConditions,
        RefusalGround::PortabilityNotApplicable,
        RefusalGround::CompellingGrounds,
        RefusalGround::AutomatedDecisionAllowed,
    ];

    pub fn as_str(self) -> &'static str {
        use RefusalGround::*;
        match self {
            ManifestlyUnfounded => "manifestly_unfounded",
            Excessive => "excessive",
            CannotIdentify => "cannot_identify",
            NationalLaw => "national_law",
            RightsOfOthers => "rights_of_others",
            Accurate => "accurate",
            NoErasureGround => "no_erasure_ground",
            FreedomOfExpression => "freedom_of_expression",
            LegalObligation => "legal_obligation",
            PublicHealth => "public_health",
            Archiving => "archiving",
            LegalClaims => "legal_claims",
            RestrictionConditions => "restriction_conditions",
            PortabilityNotApplicable => "portability_not_applicable",
            CompellingGrounds => "compelling_grounds",
            AutomatedDecisionAllowed => "automated_decision_allowed",
        }
    }

    pub fn parse(raw: &str) -> Option<RefusalGround> {
        RefusalGround::ALL.into_iter().find(|g| g.as_str() == raw)
    }

    /// The grounds a request of `kind` may be refused on: the general ones,
    /// then its right's own. An opt-out or withdrawal takes effect at once
    /// and is never refused.
    pub fn for_kind(kind: RequestKind) -> Vec<RefusalGround> {
        use RefusalGround::*;
        let own: &[RefusalGround] = match kind {
            RequestKind::Access => &[RightsOfOthers],
            RequestKind::Rectification => &[Accurate],
            RequestKind::Erasure => &[
                NoErasureGround,
                FreedomOfExpression,
                LegalObligation,
                PublicHealth,
                Archiving,
                LegalClaims,
            ],
            RequestKind::Restriction => &[RestrictionConditions],
            RequestKind::Portability => &[PortabilityNotApplicable, RightsOfOthers],
            RequestKind::Objection => &[CompellingGrounds],
            RequestKind::AutomatedDecision => &[AutomatedDecisionAllowed],
            RequestKind::MarketingOptOut | RequestKind::WithdrawConsent => return Vec::new(),
        };
        GENERAL.into_iter().chain(own.iter().copied()).collect()
    }

    /// How the console names it (staff read English and the GDPR's words).
    pub fn staff_label(self) -> &'static str {
        use RefusalGround::*;
        match self {
            ManifestlyUnfounded => "Art. 12(5)(b): manifestly unfounded",
            Excessive => "Art. 12(5)(b): excessive (in particular repetitive)",
            CannotIdentify => "Art. 11(2), 12(2): the subject cannot be identified",
            NationalLaw => "Art. 23: a restriction in Union or national law",
            RightsOfOthers => "Art. 15(4): it would adversely affect the rights of others",
            Accurate => "Art. 16: the data is accurate and complete",
            NoErasureGround => "Art. 17(1): none of the grounds for erasure applies",
            FreedomOfExpression => "Art. 17(3)(a): freedom of expression and information",
            LegalObligation => "Art. 17(3)(b): a legal obligation",
            PublicHealth => "Art. 17(3)(c): public interest in public health",
            Archiving => "Art. 17(3)(d): archiving, research or statistics",
            LegalClaims => "Art. 17(3)(e): legal claims",
            RestrictionConditions => "Art. 18(1): none of the conditions for restriction is met",
            PortabilityNotApplicable => {
                "Art. 20(1): not based on consent or a contract, or not automated"
            }
            CompellingGrounds => "Art. 21(1): compelling legitimate grounds",
            AutomatedDecisionAllowed => "Art. 22(2): the decision is allowed",
        }
    }
}

/// The supervisory authority a subject may complain to (Art. 77), as the
/// organisation names it in its `org.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisoryAuthority {
    /// "Datatilsynet", "Autoriteit Persoonsgegevens".
    pub name: String,
    /// Its postal address.
    pub address: String,
    /// Its web page.
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ground_reads_back_and_each_kind_has_its_own() {
        for ground in RefusalGround::ALL {
            assert_eq!(RefusalGround::parse(ground.as_str()), Some(ground));
            assert!(ground.staff_label().starts_with("Art. "));
        }
        assert!(
            RefusalGround::parse("Art. 12(5)").is_none(),
            "free text is not a ground"
        );
        let erasure = RefusalGround::for_kind(RequestKind::Erasure);
        assert!(erasure.contains(&RefusalGround::LegalClaims));
        assert!(erasure.contains(&RefusalGround::ManifestlyUnfounded));
        assert!(!RefusalGround::for_kind(RequestKind::Access).contains(&RefusalGround::LegalClaims));
        assert!(
            RefusalGround::for_kind(RequestKind::Access).contains(&RefusalGround::RightsOfOthers)
        );
        assert!(RefusalGround::for_kind(RequestKind::MarketingOptOut).is_empty());
        // Every ground is some kind's.
        for ground in RefusalGround::ALL {
            assert!(
                RequestKind::ALL
                    .iter()
                    .any(|k| RefusalGround::for_kind(*k).contains(&ground)),
                "{ground:?}"
            );
        }
    }
}
