//! Personal information sent abroad, counted per year (XB24 arts. 7–8): individuals counted
//! from decisions, once each per year and kind, and figures the operator reports for what
//! gebao did not decide. Holds no personal information: keyed hashes and counts.

use serde::{Deserialize, Serialize};

/// The year's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbroadTotals {
    pub year: i32,
    /// Individuals counted from decisions, non-sensitive personal information.
    pub counted: u64,
    /// Individuals counted from decisions, sensitive personal information.
    pub counted_sensitive: u64,
    /// Individuals the operator reported, non-sensitive.
    pub reported: u64,
    /// Individuals the operator reported, sensitive.
    pub reported_sensitive: u64,
}

impl AbroadTotals {
    /// Counted and reported together (a reported individual may also have been counted:
    /// adding errs on the side of the law, which forbids splitting volumes).
    pub fn individuals(&self) -> u64 {
        self.counted.saturating_add(self.reported)
    }

    pub fn sensitive(&self) -> u64 {
        self.counted_sensitive.saturating_add(self.reported_sensitive)
    }
}

/// Figures the operator reports: transfers gebao did not decide (a batch export, a
/// partner's own system).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbroadReport {
    pub id: String,
    pub year: i32,
    /// The manifest's recipient, when the report is about one.
    pub recipient: Option<String>,
    pub individuals: u64,
    pub sensitive_individuals: u64,
    pub note: Option<String>,
    pub at_ms: i64,
    pub reported_by: String,
}
