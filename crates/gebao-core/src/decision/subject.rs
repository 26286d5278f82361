//! A subject's state in memory: status, age, and the latest consent per scope.

use super::consent::{ConsentAction, ConsentRecord, ConsentScope};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A subject's account status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectStatus {
    #[default]
    Active,
    /// Processing restricted at the subject's request (PIPL 44).
    Restricted,
    /// Account cancelled: only legal holds may be read.
    Cancelled,
}

/// The latest consent of one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEntry {
    pub granted: bool,
    pub policy_version: u32,
    pub at_ms: i64,
    pub by_guardian: bool,
}

/// Everything the engine knows of a subject.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SubjectState {
    pub status: SubjectStatus,
    /// Date of birth, when known.
    pub birth_date: Option<NaiveDate>,
    /// Age in whole years when only an age is known (as of `age_known_on`).
    pub age: Option<u8>,
    pub age_known_on: Option<NaiveDate>,
    /// Latest record per scope.
    pub consents: HashMap<ConsentScope, ConsentEntry>,
    /// Fields a deletion request erased (PIPL 47), with when: data of these fields
    /// collected before then may no longer be used (`field-erased`).
    #[serde(default)]
    pub erased: Vec<(Box<str>, i64)>,
}

impl SubjectState {
    /// Applies a ledger record; records must be applied in ledger order.
    pub fn apply(&mut self, r: &ConsentRecord) {
        self.consents.insert(
            r.scope.clone(),
            ConsentEntry {
                granted: r.action == ConsentAction::Grant,
                policy_version: r.policy_version,
                at_ms: r.at_ms,
                by_guardian: r.by_guardian,
            },
        );
    }

    /// When `field` was erased, if it was.
    pub fn erased_at(&self, field: &str) -> Option<i64> {
        self.erased.iter().find(|(f, _)| &**f == field).map(|(_, at)| *at)
    }

    pub fn consent(&self, scope: &ConsentScope) -> Option<&ConsentEntry> {
        self.consents.get(scope)
    }

    /// Age in whole years on `today`, if known; unknown ages are treated as adults by the
    /// caller only when the manifest says the app is for adults (age is checked there).
    pub fn age_on(&self, today: NaiveDate) -> Option<u32> {
        if let Some(b) = self.birth_date {
            return today.years_since(b);
        }
        let (age, on) = (self.age?, self.age_known_on?);
        Some(u32::from(age) + today.years_since(on).unwrap_or(0))
    }
}
