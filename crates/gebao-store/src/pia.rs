//! Impact assessments as assessed (PIPL 55–56): the draft gebao made from the manifest for
//! one trigger, and the assessor's conclusion on each of the three items of PIPL 56, with
//! the risk. Each save is a new version; none is changed or deleted, and each is kept at
//! least three years from its date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How long a record is kept at least (PIPL 56).
pub const KEEP_YEARS: u32 = 3;

/// One drafted item of PIPL 56, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftItem {
    pub heading: String,
    pub heading_en: String,
    pub lines: Vec<String>,
    pub lines_en: Vec<String>,
}

/// The assessor's conclusions, item by item (PIPL 56).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conclusions {
    /// Whether the purposes and methods are lawful, legitimate and necessary.
    pub lawfulness: String,
    /// The impact on individuals' rights and interests, and the security risks.
    pub impact: String,
    /// Whether the protection measures are lawful, effective and proportionate to the risk.
    pub measures: String,
}

/// One version of an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PiaRecord {
    /// The `[[pia]]` id of the manifest it stands behind.
    pub id: String,
    pub version: i64,
    /// The trigger, e.g. `sensitive-pi:recommend`, `cross-border:analytics-sg`.
    pub trigger: String,
    pub title: String,
    pub title_en: String,
    /// The day it was assessed.
    pub assessed: NaiveDate,
    /// `low`, `medium` or `high`.
    pub risk: String,
    pub assessor: String,
    pub conclusions: Conclusions,
    pub summary: Option<String>,
    /// What gebao drafted from the manifest for this trigger.
    pub draft: Vec<DraftItem>,
    /// The policy version in force when it was recorded.
    pub policy_version: i64,
    /// Kept at least until then.
    pub keep_until: NaiveDate,
    pub created_ms: i64,
    pub created_by: String,
}

impl PiaRecord {
    /// `ID:VERSION`, the row's key and its audit target's suffix.
    pub fn record(&self) -> String {
        format!("{}:{}", self.id, self.version)
    }
}
