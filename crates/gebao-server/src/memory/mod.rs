//! Every subject's decision state, in memory: decisions read it and never the database
//! (pipl-rules part D: "a database read per decision is a defect").
//!
//! The state is compact (`shard.rs`: 48 bytes per subject and 24 per consent scope, no
//! per-subject allocation) so that ten million subjects fit in a few gigabytes, and it is
//! written to a snapshot (`snapshot.rs`) so that a restart does not read the whole ledger.
//!
//! Subjects are keyed by their [`SubjectKey`], the keyed hash of the operator's user id, so
//! that a change announced by another instance (which names the subject by that key only)
//! finds its entry, and an erased subject's entry can stay as `cancelled` without its id.
//! The map is split into shards, each behind its own `RwLock`, so that decisions on many
//! cores take read locks on different shards and writers block one shard for a moment.
//!
//! Ledger records can reach this map twice and out of order — once from the writer of this
//! instance right after its commit, once from the sync task reading the shared ledger — so
//! each scope remembers the sequence number of the record it holds and an older record never
//! replaces a newer one. An entry also remembers which registration of the subject it holds
//! (its pseudonym): records of an erased registration never reach a new one.

mod shard;
pub mod snapshot;
pub mod start;

use gebao_core::decision::{ScopeId, SubjectStatus};
use gebao_store::crypto::SubjectKey;
use gebao_store::{ConsentRow, Subject, SubjectState, Tombstone};
use shard::{Shard, Slot};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

const SHARDS: usize = 256;

/// Subject key → decision state.
pub struct Subjects {
    shards: Vec<RwLock<Shard>>,
    len: AtomicUsize,
}

impl Default for Subjects {
    fn default() -> Self {
        Self::new()
    }
}

fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    // A panic while holding the lock cannot leave a half-updated entry (every update is a
    // few plain assignments), so a poisoned lock is still consistent.
    l.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A registration's pseudonym as the 64-bit number an entry keeps (never 0, which means
/// "erased"). FNV-1a: stable across releases, as the snapshot needs.
fn registration(pseudonym: &str) -> u64 {
    let h = pseudonym.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    h.max(1)
}

fn slot(row: &ConsentRow) -> Slot {
    slot_of(row.seq, &row.to_engine())
}

fn slot_of(seq: i64, r: &gebao_core::decision::ConsentRecord) -> Slot {
    Slot::new(seq, ScopeId::of(&r.scope), gebao_core::decision::ConsentEntry::of(r))
}

/// What decisions read of a subject held in memory.
pub use shard::View;

impl Subjects {
    pub fn new() -> Self {
        Subjects { shards: (0..SHARDS).map(|_| RwLock::new(Shard::default())).collect(), len: AtomicUsize::new(0) }
    }

    fn shard(&self, key: &SubjectKey) -> &RwLock<Shard> {
        // The key is a keyed hash: its bytes are already uniform.
        &self.shards[usize::from(key.0[0]) % SHARDS]
    }

    /// Number of subjects held (registered or erased).
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the state holds: entries, consents, indexes.
    pub fn heap_bytes(&self) -> usize {
        self.shards.iter().map(|s| read(s).heap_bytes()).sum()
    }

    pub fn contains(&self, key: &SubjectKey) -> bool {
        read(self.shard(key)).find(&key.0).is_some()
    }

    /// Runs `f` on a subject's state under the shard's read lock; `None` for an unknown
    /// subject.
    pub fn with<R>(&self, key: &SubjectKey, f: impl FnOnce(&View<'_>) -> R) -> Option<R> {
        let shard = read(self.shard(key));
        shard.find(&key.0).map(|n| f(&shard.view(n)))
    }

    fn find_or_insert(&self, shard: &mut Shard, key: &SubjectKey) -> u32 {
        let (n, new) = shard.find_or_insert(&key.0);
        if new {
            self.len.fetch_add(1, Ordering::Relaxed);
        }
        n
    }

    /// Inserts a subject or refreshes its profile, status and erased fields, keeping its
    /// consents — unless this is a new registration of an erased id, which starts empty.
    pub fn put_profile(&self, s: &Subject) {
        let mut shard = write(self.shard(&s.key));
        let n = self.find_or_insert(&mut shard, &s.key);
        Self::put(&mut shard, n, s);
    }

    /// Puts `fresh` in place of what is held, a shard at a time: an instance that fell
    /// behind the change feed rebuilt its state from the database. A decision meanwhile
    /// reads a shard either whole before or whole after.
    pub fn replace_with(&self, fresh: Subjects) {
        self.len.store(fresh.len(), Ordering::Relaxed);
        for (held, new) in self.shards.iter().zip(fresh.shards) {
            *write(held) = new.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// The generation of a subject's entry (0 when not held): read it before reading the
    /// subject from the database, and hand it to [`Subjects::put_profile_if`].
    pub fn generation(&self, key: &SubjectKey) -> u32 {
        let shard = read(self.shard(key));
        shard.find(&key.0).map_or(0, |n| shard.entry(n).generation)
    }

    /// [`Subjects::put_profile`], unless the entry was written or erased since `seen` was
    /// read: then what was read from the database may be older than what this instance
    /// wrote meanwhile (a restriction, an erasure), and is dropped — the change feed brings
    /// the newer state. Returns whether it was applied.
    pub fn put_profile_if(&self, s: &Subject, seen: u32) -> bool {
        let mut shard = write(self.shard(&s.key));
        let n = self.find_or_insert(&mut shard, &s.key);
        if shard.entry(n).generation != seen {
            return false;
        }
        Self::put(&mut shard, n, s);
        true
    }

    fn put(shard: &mut Shard, n: u32, s: &Subject) {
        let age = shard::pack_age(s.birth_date, s.age, s.age_known_on);
        Self::put_parts(shard, n, &s.pseudonym, s.status, age, &s.erased);
    }

    fn put_parts(
        shard: &mut Shard,
        n: u32,
        pseudonym: &str,
        status: SubjectStatus,
        age: (i32, u8),
        erased: &std::collections::BTreeMap<String, i64>,
    ) {
        let erased = erased.iter().map(|(f, at)| (f.as_str().into(), *at)).collect();
        shard.set_profile(n, registration(pseudonym), status, age, erased);
    }

    /// A cancelled account whose record was erased: decisions deny `subject-cancelled`, and
    /// nothing of it is kept but that.
    pub fn erase(&self, t: &Tombstone) {
        let mut shard = write(self.shard(&t.key));
        let n = self.find_or_insert(&mut shard, &t.key);
        shard.set_erased(n);
    }

    /// Applies a ledger record. Returns `false` when the record's registration is not held
    /// (the caller loads it and tries again), `true` otherwise — also when the record is
    /// older than the one held for its scope, or of an erased registration, and so changes
    /// nothing.
    pub fn apply(&self, row: &ConsentRow) -> bool {
        let Some(key) = row.subject_key else { return true };
        let slot = slot(row);
        let mut shard = write(self.shard(&key));
        let Some(n) = shard.find(&key.0) else { return false };
        let entry = shard.entry(n);
        if entry.registration == 0 {
            // The registration was erased meanwhile: its records no longer count.
            return shard::status_of(entry.flags) == SubjectStatus::Cancelled;
        }
        shard.apply(n, slot);
        true
    }

    /// Marks the subject as counted abroad in `year` for the kind; `true` when it was not yet
    /// (the caller counts it). A subject not held is never counted.
    pub fn mark_abroad(&self, key: &SubjectKey, year: u16, sensitive: bool) -> bool {
        let shard = read(self.shard(key));
        let Some(n) = shard.find(&key.0) else { return false };
        let shift = if sensitive { 16 } else { 0 };
        let mark = u32::from(year) << shift;
        let old = shard.entry(n).abroad.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
            ((bits >> shift) & 0xFFFF != u32::from(year)).then_some((bits & !(0xFFFF << shift)) | mark)
        });
        old.is_ok()
    }

    /// A subject read at start-up with its records, in ledger order: its consents are put
    /// in one run of their exact size.
    pub fn load_subject(&self, s: &SubjectState, rows: &[(i64, gebao_core::decision::ConsentRecord)]) {
        let mut slots: Vec<Slot> = Vec::with_capacity(rows.len());
        for (seq, record) in rows {
            let new = slot_of(*seq, record);
            match slots.iter_mut().find(|held| held.scope == new.scope) {
                Some(held) if held.seq < new.seq => *held = new,
                Some(_) => {}
                None => slots.push(new),
            }
        }
        let mut shard = write(self.shard(&s.key));
        let n = self.find_or_insert(&mut shard, &s.key);
        let age = shard::pack_age(s.birth_date, s.age, s.age_known_on);
        Self::put_parts(&mut shard, n, &s.pseudonym, s.status, age, &s.erased);
        shard.set_run(n, &slots);
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use gebao_core::decision::{ConsentScope, SubjectView};

    #[test]
    fn a_subject_is_counted_abroad_once_a_year_and_kind() {
        let m = Subjects::new();
        assert!(!m.mark_abroad(&key(1), 2026, false), "not held: not counted");
        m.put_profile(&subject("p1"));
        assert!(m.mark_abroad(&key(1), 2026, false));
        assert!(!m.mark_abroad(&key(1), 2026, false));
        assert!(m.mark_abroad(&key(1), 2026, true), "sensitive is counted apart");
        assert!(!m.mark_abroad(&key(1), 2026, true));
        assert!(m.mark_abroad(&key(1), 2027, false), "a new year counts again");
        assert!(!m.mark_abroad(&key(1), 2026, true), "the sensitive mark is untouched by the other");
        assert!(!m.mark_abroad(&key(1), 2027, false));
    }
    use gebao_core::decision::ConsentAction;
    use gebao_core::ids::PurposeId;
    use gebao_store::NewConsent;

    fn key(b: u8) -> SubjectKey {
        SubjectKey([b; 16])
    }

    fn subject(pseudonym: &str) -> Subject {
        registered(key(1), pseudonym)
    }

    /// A registered subject of no age, with no contact point or erasure.
    pub(super) fn registered(key: SubjectKey, pseudonym: &str) -> Subject {
        Subject {
            id: "u1".into(),
            key,
            pseudonym: pseudonym.into(),
            status: SubjectStatus::Active,
            birth_date: None,
            age: None,
            age_known_on: None,
            guardian: None,
            phone: None,
            email: None,
            erased: Default::default(),
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
            subject_key: Some(key(1)),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    fn granted(m: &Subjects) -> Option<bool> {
        m.with(&key(1), |s| s.consents().all(|(_, e)| e.granted) && s.consents().next().is_some())
    }

    #[test]
    fn older_record_never_replaces_newer() {
        let m = Subjects::new();
        assert!(!m.apply(&row(1, ConsentAction::Grant)));
        m.put_profile(&subject("p_a"));
        assert!(m.apply(&row(5, ConsentAction::Withdraw)));
        assert!(m.apply(&row(3, ConsentAction::Grant)));
        assert_eq!(granted(&m), Some(false));
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn erasure_and_a_new_registration_start_empty() {
        let m = Subjects::new();
        m.put_profile(&subject("p_a"));
        m.apply(&row(1, ConsentAction::Grant));
        assert_eq!(granted(&m), Some(true));
        m.erase(&Tombstone { key: key(1), erased_ms: 2 });
        assert_eq!(m.with(&key(1), |s| (s.status(), s.consents().count())), Some((SubjectStatus::Cancelled, 0)));
        // A late record of the erased registration changes nothing.
        assert!(m.apply(&row(2, ConsentAction::Grant)));
        assert_eq!(m.with(&key(1), |s| s.consents().count()), Some(0));
        m.put_profile(&subject("p_b"));
        assert_eq!(m.with(&key(1), |s| (s.status(), s.consents().count())), Some((SubjectStatus::Active, 0)));
        assert_eq!(m.len(), 1);
    }

    /// A reader of the database that saw the subject before this instance restricted or
    /// erased it does not put the older state back (the change feed brings the newer one).
    #[test]
    fn a_stale_read_never_undoes_a_newer_write() {
        let m = Subjects::new();
        m.put_profile(&subject("p_a"));
        let seen = m.generation(&key(1));
        let stale = subject("p_a");
        let mut restricted = subject("p_a");
        restricted.status = SubjectStatus::Restricted;
        m.put_profile(&restricted);
        assert!(!m.put_profile_if(&stale, seen));
        assert_eq!(m.with(&key(1), |s| s.status()), Some(SubjectStatus::Restricted));

        let seen = m.generation(&key(1));
        m.erase(&Tombstone { key: key(1), erased_ms: 5 });
        assert!(!m.put_profile_if(&stale, seen), "an erased subject is not revived by a read from before");
        assert_eq!(m.with(&key(1), |s| s.status()), Some(SubjectStatus::Cancelled));

        // Read after the last write: applied.
        let seen = m.generation(&key(1));
        assert!(m.put_profile_if(&subject("p_b"), seen));
        assert_eq!(m.with(&key(1), |s| s.status()), Some(SubjectStatus::Active));
    }
}
