//! `[minors]`: children under 14 and minors 14–18 (PIPL 31; CHILD; MINOR).

use crate::manifest::controller::Officer;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Minors {
    /// Who the app is for.
    #[serde(default)]
    pub audience: Audience,
    /// Below this age a guardian's consent is needed (PIPL 31: 14).
    #[serde(default = "fourteen")]
    pub guardian_consent_age: u8,
    /// How a guardian's consent is obtained (MIN-01, MIN-02).
    #[serde(default)]
    pub guardian_consent: GuardianConsent,
    /// The rule for minors from 14 to 18.
    #[serde(default)]
    pub teen_rule: TeenRule,
    /// Where the separate children's rules are (MIN-03): a URL or chapter title.
    #[serde(default)]
    pub children_rules: Option<String>,
    #[serde(default)]
    pub children_rules_en: Option<String>,
    /// The person responsible for children's PI (MIN-04).
    #[serde(default)]
    pub officer: Option<Officer>,
    /// How a guardian reaches the operator.
    #[serde(default)]
    pub guardian_contact: Option<String>,
    #[serde(default)]
    pub guardian_contact_en: Option<String>,
    /// A yearly compliance audit of minors' PI, reported to the CAC (MIN-05).
    #[serde(default)]
    pub annual_audit: bool,
    /// When the last yearly audit of minors' PI was done: the next falls due a year later,
    /// and `gebao serve` reminds the operator (docs/deadlines.md).
    #[serde(default, with = "crate::manifest::date::opt")]
    #[schemars(with = "Option<String>")]
    pub last_audit: Option<chrono::NaiveDate>,
    /// Staff access to minors' PI is least-privilege, approved and logged (MIN-07).
    #[serde(default)]
    pub staff_access_controlled: bool,
    /// What happens if the guardian refuses (MIN-06).
    #[serde(default)]
    pub refusal_consequence: Option<String>,
    #[serde(default)]
    pub refusal_consequence_en: Option<String>,
}

impl Default for Minors {
    fn default() -> Self {
        Minors {
            audience: Audience::default(),
            guardian_consent_age: 14,
            guardian_consent: GuardianConsent::default(),
            teen_rule: TeenRule::default(),
            children_rules: None,
            children_rules_en: None,
            officer: None,
            guardian_contact: None,
            guardian_contact_en: None,
            annual_audit: false,
            last_audit: None,
            staff_access_controlled: false,
            refusal_consequence: None,
            refusal_consequence_en: None,
        }
    }
}

fn fourteen() -> u8 {
    14
}

impl Minors {
    /// The app may have users under 14.
    pub fn may_have_children(&self) -> bool {
        self.audience != Audience::AdultsOnly
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    /// Not meant for minors, and age is checked.
    AdultsOnly,
    /// For everyone: children may use it.
    #[default]
    General,
    /// Made for children.
    Children,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GuardianConsent {
    /// The guardian consents in a verified step of their own.
    Verified,
    /// Registration is taken as the guardian's consent ("视为已获得监护人同意", MIN-02).
    Presumed,
    /// No flow declared.
    #[default]
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TeenRule {
    /// Minors from 14 consent themselves.
    #[default]
    OwnConsent,
    /// Minors from 14 also need a guardian's consent.
    GuardianConsent,
}
