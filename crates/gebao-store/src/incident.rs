//! Personal-information incidents as stored (PIPL 57; INCID): the record as it now stands,
//! and each change to it as an event. An incident holds no personal information: how many
//! individuals, which categories, never who.

use gebao_core::incidents::{Grade, NoticeItems};
use serde::{Deserialize, Serialize};

/// What kind of report to the regulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    /// The first report, within the window of INCID art. 4.
    Initial,
    /// A follow-up as the handling goes on.
    FollowUp,
    /// The summary once the incident is handled.
    Final,
}

impl ReportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Initial => "initial",
            ReportKind::FollowUp => "follow-up",
            ReportKind::Final => "final",
        }
    }
}

/// A report made to the regulator, as the operator records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub kind: ReportKind,
    /// When it was made.
    pub at_ms: i64,
    /// To whom (the office).
    pub to: String,
    /// The regulator's reference, a ticket or letter number.
    #[serde(default)]
    pub reference: Option<String>,
}

/// An incident as it now stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    /// Bumped by every change: a change made on an older version is refused.
    pub version: i64,
    pub title: String,
    pub grade: Grade,
    /// When it happened, if known.
    #[serde(default)]
    pub occurred_ms: Option<i64>,
    /// When the operator found or learned of it: the reporting clock starts then.
    pub found_ms: i64,
    pub opened_ms: i64,
    /// How many individuals are (or may be) affected.
    pub affected: i64,
    /// Minors are among them (their guardians are told too: MINOR 35).
    #[serde(default)]
    pub minors: bool,
    /// What happened, for the operator's and the regulator's records.
    pub description: String,
    /// What a notice to individuals says (PIPL 57).
    #[serde(default)]
    pub notice: NoticeItems,
    #[serde(default)]
    pub reports: Vec<Report>,
    #[serde(default)]
    pub closed_ms: Option<i64>,
    /// When the notice was published in the privacy centre, for individuals who cannot be
    /// told one by one (PIPL 57).
    #[serde(default)]
    pub public_notice_ms: Option<i64>,
    pub updated_ms: i64,
}

impl Incident {
    /// When the regulator was first told, if it was.
    pub fn first_report_ms(&self) -> Option<i64> {
        self.reports.iter().map(|r| r.at_ms).min()
    }
}

/// One change, in the incident's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentEvent {
    /// The version it made.
    pub version: i64,
    pub at_ms: i64,
    pub actor: String,
    /// `opened`, `updated`, `reported`, `closed`.
    pub kind: String,
    /// What changed.
    pub detail: serde_json::Value,
}
