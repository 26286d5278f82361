//! Every subject's decision state, in memory: decisions read it and never the database
//! (pipl-rules part D: "a database read per decision is a defect").
//!
//! The map is split into shards, each behind its own `RwLock`, so that decisions on many
//! cores take read locks on different shards and writers (the group-commit writer, the
//! sync task) block only one shard for a few hash-map operations.
//!
//! Ledger records can reach this map twice and out of order — once from the writer of this
//! instance right after its commit, once from the sync task reading the shared ledger — so
//! each scope remembers the sequence number of the record it holds and an older record
//! never replaces a newer one.

use gebao_core::decision::{ConsentScope, SubjectState};
use gebao_store::{ConsentRow, Subject};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

const SHARDS: usize = 64;

#[derive(Debug, Default)]
struct Entry {
    state: SubjectState,
    /// Ledger sequence number of the record each scope's entry came from.
    seqs: HashMap<ConsentScope, i64>,
}

/// Subject id → decision state.
pub struct Subjects {
    shards: Vec<RwLock<HashMap<String, Entry>>>,
    hasher: RandomState,
    len: AtomicUsize,
}

impl Default for Subjects {
    fn default() -> Self {
        Self::new()
    }
}

fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    // A panic while holding the lock cannot leave a half-updated entry (every update is a
    // single insert), so a poisoned lock is still consistent.
    l.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Subjects {
    pub fn new() -> Self {
        Subjects {
            shards: (0..SHARDS).map(|_| RwLock::new(HashMap::new())).collect(),
            hasher: RandomState::new(),
            len: AtomicUsize::new(0),
        }
    }

    fn shard(&self, id: &str) -> &RwLock<HashMap<String, Entry>> {
        let i = (self.hasher.hash_one(id) as usize) % SHARDS;
        &self.shards[i]
    }

    /// Number of subjects held.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, id: &str) -> bool {
        read(self.shard(id)).contains_key(id)
    }

    /// Runs `f` on a subject's state under the shard's read lock; `None` for an unknown
    /// subject.
    pub fn with<R>(&self, id: &str, f: impl FnOnce(&SubjectState) -> R) -> Option<R> {
        read(self.shard(id)).get(id).map(|e| f(&e.state))
    }

    /// A copy of a subject's state.
    pub fn snapshot(&self, id: &str) -> Option<SubjectState> {
        self.with(id, Clone::clone)
    }

    /// Inserts a subject or refreshes its profile and status, keeping its consents.
    pub fn put_profile(&self, s: &Subject) {
        let mut shard = write(self.shard(&s.id));
        let entry = shard.entry(s.id.clone()).or_insert_with(|| {
            self.len.fetch_add(1, Ordering::Relaxed);
            Entry::default()
        });
        entry.state.status = s.status;
        entry.state.birth_date = s.birth_date;
        entry.state.age = s.age;
        entry.state.age_known_on = s.age_known_on;
    }

    /// Applies a ledger record. Returns `false` when the subject is not held (the caller
    /// loads it and tries again), `true` otherwise — also when the record is older than
    /// the one held for its scope and so changes nothing.
    pub fn apply(&self, row: &ConsentRow) -> bool {
        let mut shard = write(self.shard(&row.record.subject));
        let Some(entry) = shard.get_mut(&row.record.subject) else { return false };
        let newer = entry.seqs.get(&row.record.scope).is_none_or(|held| *held < row.seq);
        if newer {
            entry.state.apply(&row.to_engine());
            entry.seqs.insert(row.record.scope.clone(), row.seq);
        }
        true
    }

    /// Fills the map from `Store::load_all`; returns the highest ledger sequence seen.
    pub fn load(&self, all: Vec<(Subject, Vec<ConsentRow>)>) -> i64 {
        let mut max_seq = 0;
        for (subject, rows) in all {
            self.put_profile(&subject);
            for row in &rows {
                max_seq = max_seq.max(row.seq);
                self.apply(row);
            }
        }
        max_seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gebao_core::decision::{ConsentAction, SubjectStatus};
    use gebao_core::ids::PurposeId;
    use gebao_store::NewConsent;

    fn subject(id: &str) -> Subject {
        Subject {
            id: id.into(),
            status: SubjectStatus::Active,
            birth_date: None,
            age: None,
            age_known_on: None,
            guardian: None,
            phone: None,
            email: None,
            created_ms: 0,
            updated_ms: 0,
        }
    }

    fn row(seq: i64, action: ConsentAction) -> ConsentRow {
        ConsentRow {
            seq,
            record: NewConsent {
                subject: "u1".into(),
                scope: ConsentScope::Purpose { purpose: PurposeId("recommend".into()) },
                action,
                policy_version: 1,
                channel: "app".into(),
                evidence: serde_json::Value::Null,
                by_guardian: false,
                actor: "api-key:k".into(),
                at_ms: seq,
            },
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn older_record_never_replaces_newer() {
        let m = Subjects::new();
        assert!(!m.apply(&row(1, ConsentAction::Grant)));
        m.put_profile(&subject("u1"));
        assert!(m.apply(&row(5, ConsentAction::Withdraw)));
        assert!(m.apply(&row(3, ConsentAction::Grant)));
        let granted = m.with("u1", |s| s.consents.values().all(|e| e.granted));
        assert_eq!(granted, Some(false));
        assert_eq!(m.len(), 1);
    }
}
