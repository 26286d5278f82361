//! A subject's state in memory: status, age, and the latest consent per scope; and
//! [`SubjectView`], what the engine reads of a subject, so that a compact store (the
//! server's) is decided on without a copy.

use super::consent::{ConsentAction, ConsentRecord, ConsentScope};
use super::scopes::ScopeId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What the engine reads of a subject.
pub trait SubjectView {
    fn status(&self) -> SubjectStatus;
    /// Age in whole years on `today`, if known.
    fn age_on(&self, today: NaiveDate) -> Option<u32>;
    /// Whether a deletion request erased any field (then [`SubjectView::erased_at`] is asked).
    fn has_erasures(&self) -> bool;
    /// When `field` was erased, if it was.
    fn erased_at(&self, field: &str) -> Option<i64>;
    /// The latest consent of a scope.
    fn consent(&self, scope: ScopeId) -> Option<ConsentEntry>;
}

/// Age in whole years on `today` from a date of birth, or from an age known on a date.
pub fn age_on(
    birth_date: Option<NaiveDate>,
    age: Option<u8>,
    known_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<u32> {
    if let Some(b) = birth_date {
        return today.years_since(b);
    }
    let (age, on) = (age?, known_on?);
    Some(u32::from(age) + today.years_since(on).unwrap_or(0))
}

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

impl ConsentEntry {
    /// What a ledger record leaves as the latest consent of its scope.
    pub fn of(r: &ConsentRecord) -> ConsentEntry {
        ConsentEntry {
            granted: r.action == ConsentAction::Grant,
            policy_version: r.policy_version,
            at_ms: r.at_ms,
            by_guardian: r.by_guardian,
        }
    }
}

/// Everything the engine knows of a subject, as a plain value (for embedding the engine).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SubjectState {
    pub status: SubjectStatus,
    /// Date of birth, when known.
    pub birth_date: Option<NaiveDate>,
    /// Age in whole years when only an age is known (as of `age_known_on`).
    pub age: Option<u8>,
    pub age_known_on: Option<NaiveDate>,
    /// Latest record per scope.
    pub(crate) consents: Vec<(ScopeId, ConsentEntry)>,
    /// Fields a deletion request erased (PIPL 47), with when: data of these fields
    /// collected before then may no longer be used (`field-erased`).
    pub erased: Vec<(Box<str>, i64)>,
}

impl SubjectState {
    /// Applies a ledger record; records must be applied in ledger order.
    pub fn apply(&mut self, r: &ConsentRecord) {
        let entry = ConsentEntry::of(r);
        let id = ScopeId::of(&r.scope);
        match self.consents.iter_mut().find(|(s, _)| *s == id) {
            Some((_, held)) => *held = entry,
            None => self.consents.push((id, entry)),
        }
    }

    /// When `field` was erased, if it was.
    pub fn erased_at(&self, field: &str) -> Option<i64> {
        self.erased.iter().find(|(f, _)| &**f == field).map(|(_, at)| *at)
    }

    /// The latest consent of a scope.
    pub fn consent_to(&self, scope: &ConsentScope) -> Option<ConsentEntry> {
        ScopeId::find(scope).and_then(|id| SubjectView::consent(self, id))
    }

    /// The scopes with a consent record, and their latest record.
    pub fn consents(&self) -> impl Iterator<Item = (ScopeId, ConsentEntry)> + '_ {
        self.consents.iter().copied()
    }
}

impl SubjectView for SubjectState {
    fn status(&self) -> SubjectStatus {
        self.status
    }

    fn age_on(&self, today: NaiveDate) -> Option<u32> {
        age_on(self.birth_date, self.age, self.age_known_on, today)
    }

    fn has_erasures(&self) -> bool {
        !self.erased.is_empty()
    }

    fn erased_at(&self, field: &str) -> Option<i64> {
        SubjectState::erased_at(self, field)
    }

    fn consent(&self, scope: ScopeId) -> Option<ConsentEntry> {
        self.consents.iter().find(|(s, _)| *s == scope).map(|(_, e)| *e)
    }
}
