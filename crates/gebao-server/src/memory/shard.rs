//! One shard of the subjects in memory, laid out for size: fixed-width entries in chunks,
//! an open-addressing index of entry numbers, and every subject's consents as a run of
//! fixed-width slots in an arena (DESIGN "Scale": ≤ 200 bytes per subject with five
//! consents). No per-subject allocation, no string: a subject is its 48-byte [`Entry`]
//! plus 24 bytes per scope it has a record of, and about 7 bytes of index.
//!
//! Entries are never removed (an erased subject stays as `cancelled`), so an entry's number
//! is stable. A subject whose run is full moves its run to the end of the arena; the old
//! run is garbage until the shard compacts its arena, which it does when garbage is a third
//! of it. Chunks are allocated with their capacity and filled by pushes, so the memory of a
//! chunk is resident only as far as it is used.

use gebao_core::decision::{ConsentEntry, ScopeId, SubjectStatus, SubjectView};
use std::collections::HashMap;
use std::sync::atomic::AtomicU32;

/// Entries per chunk.
pub(super) const ENTRY_CHUNK: usize = 4096;
/// Slots per arena chunk: a run never crosses chunks, so this bounds the scopes per subject.
pub(super) const SLOT_CHUNK: usize = 1 << 16;
/// `Entry::day` when no date is known.
const NO_DAY: i32 = i32::MIN;
/// `Entry::age` when `day` is a date of birth (or nothing is known).
const NO_AGE: u8 = u8::MAX;
/// `Entry::flags`: the subject has erased fields (in `Shard::erased`).
const HAS_ERASED: u8 = 1 << 2;
const STATUS_BITS: u8 = 0b11;

/// A subject, in 48 bytes.
#[derive(Debug, Default)]
pub(super) struct Entry {
    pub key: [u8; 16],
    /// A hash of the registration's pseudonym (0: none, erased): records of another
    /// registration of the same id never reach this one.
    pub registration: u64,
    /// First slot of the consents' run.
    pub run: u32,
    /// Bumped by every profile write and erasure (see `Subjects::put_profile_if`).
    pub generation: u32,
    /// Date of birth (`age == NO_AGE`) or the date `age` was known on, in days from CE.
    pub day: i32,
    /// The years this subject was last counted abroad (non-sensitive low 16 bits, sensitive
    /// high 16): an atomic, so that a decision marks it under the shard's read lock.
    pub abroad: AtomicU32,
    pub len: u16,
    pub cap: u16,
    /// Status (two bits) and `HAS_ERASED`.
    pub flags: u8,
    pub age: u8,
}

/// The latest record of one scope, in 24 bytes (no padding: a snapshot holds slots as
/// these bytes).
#[derive(
    Debug,
    Default,
    Clone,
    Copy,
    PartialEq,
    Eq,
    zerocopy::FromBytes,
    zerocopy::IntoBytes,
    zerocopy::Immutable,
    zerocopy::KnownLayout,
)]
#[repr(C)]
pub(super) struct Slot {
    /// Ledger sequence number of the record: an older record never replaces a newer one.
    pub seq: i64,
    pub at_ms: i64,
    pub scope: u32,
    /// Policy version (low 30 bits), by a guardian (bit 30), granted (bit 31).
    pub version: u32,
}

const GRANTED: u32 = 1 << 31;
const BY_GUARDIAN: u32 = 1 << 30;
const VERSION: u32 = BY_GUARDIAN - 1;

impl Slot {
    pub fn new(seq: i64, scope: ScopeId, e: ConsentEntry) -> Slot {
        let mut version = e.policy_version.min(VERSION);
        if e.granted {
            version |= GRANTED;
        }
        if e.by_guardian {
            version |= BY_GUARDIAN;
        }
        Slot { seq, at_ms: e.at_ms, scope: scope.0, version }
    }

    pub fn entry(self) -> ConsentEntry {
        ConsentEntry {
            granted: self.version & GRANTED != 0,
            policy_version: self.version & VERSION,
            at_ms: self.at_ms,
            by_guardian: self.version & BY_GUARDIAN != 0,
        }
    }
}

pub(super) fn status_of(flags: u8) -> SubjectStatus {
    match flags & STATUS_BITS {
        0 => SubjectStatus::Active,
        1 => SubjectStatus::Restricted,
        _ => SubjectStatus::Cancelled,
    }
}

fn status_bits(s: SubjectStatus) -> u8 {
    match s {
        SubjectStatus::Active => 0,
        SubjectStatus::Restricted => 1,
        SubjectStatus::Cancelled => 2,
    }
}

/// Ages and dates, packed into `Entry::day` and `Entry::age`.
pub(super) fn pack_age(
    birth: Option<chrono::NaiveDate>,
    age: Option<u8>,
    known_on: Option<chrono::NaiveDate>,
) -> (i32, u8) {
    use chrono::Datelike;
    match (birth, age, known_on) {
        (Some(b), _, _) => (b.num_days_from_ce(), NO_AGE),
        (None, Some(a), Some(on)) => (on.num_days_from_ce(), a.min(NO_AGE - 1)),
        _ => (NO_DAY, NO_AGE),
    }
}

fn date(day: i32) -> Option<chrono::NaiveDate> {
    (day != NO_DAY).then(|| chrono::NaiveDate::from_num_days_from_ce_opt(day)).flatten()
}

/// A subject's erased fields, with when.
pub(super) type Erased = Box<[(Box<str>, i64)]>;

/// A shard: see the module doc.
#[derive(Default)]
pub(super) struct Shard {
    /// Entry number + 1 per slot (0: empty); a power of two long, at most ¾ full.
    index: Vec<u32>,
    entries: Vec<Vec<Entry>>,
    count: u32,
    slots: Vec<Vec<Slot>>,
    /// Slots in runs that moved.
    garbage: usize,
    /// Erased fields of the few subjects that have them: entry number → (field, when).
    erased: HashMap<u32, Erased>,
}

/// What the engine reads of one subject of a shard.
pub struct View<'a> {
    pub(super) entry: &'a Entry,
    pub(super) run: &'a [Slot],
    pub(super) erased: &'a [(Box<str>, i64)],
}

impl SubjectView for View<'_> {
    fn status(&self) -> SubjectStatus {
        status_of(self.entry.flags)
    }

    fn age_on(&self, today: chrono::NaiveDate) -> Option<u32> {
        let day = date(self.entry.day);
        let age = (self.entry.age != NO_AGE).then_some(self.entry.age);
        match age {
            None => gebao_core::decision::age_on(day, None, None, today),
            Some(a) => gebao_core::decision::age_on(None, Some(a), day, today),
        }
    }

    fn has_erasures(&self) -> bool {
        !self.erased.is_empty()
    }

    fn erased_at(&self, field: &str) -> Option<i64> {
        self.erased.iter().find(|(f, _)| &**f == field).map(|(_, at)| *at)
    }

    fn consent(&self, scope: ScopeId) -> Option<ConsentEntry> {
        self.run.iter().find(|s| s.scope == scope.0).map(|s| s.entry())
    }
}

impl View<'_> {
    /// The scopes with a record and their latest record.
    pub fn consents(&self) -> impl Iterator<Item = (ScopeId, ConsentEntry)> + '_ {
        self.run.iter().map(|s| (ScopeId(s.scope), s.entry()))
    }
}

fn home(key: &[u8; 16], mask: usize) -> usize {
    // Keys are keyed hashes, uniform already; byte 0 chose the shard.
    let h = u64::from_le_bytes([key[8], key[9], key[10], key[11], key[12], key[13], key[14], key[15]]);
    (h as usize) & mask
}

impl Shard {
    pub fn len(&self) -> u32 {
        self.count
    }

    fn entry_at(&self, n: u32) -> &Entry {
        &self.entries[n as usize / ENTRY_CHUNK][n as usize % ENTRY_CHUNK]
    }

    fn entry_mut(&mut self, n: u32) -> &mut Entry {
        &mut self.entries[n as usize / ENTRY_CHUNK][n as usize % ENTRY_CHUNK]
    }

    fn run(&self, e: &Entry) -> &[Slot] {
        let (c, o) = (e.run as usize / SLOT_CHUNK, e.run as usize % SLOT_CHUNK);
        if e.len == 0 { &[] } else { &self.slots[c][o..o + usize::from(e.len)] }
    }

    fn run_mut(&mut self, run: u32, len: u16) -> &mut [Slot] {
        let (c, o) = (run as usize / SLOT_CHUNK, run as usize % SLOT_CHUNK);
        if len == 0 { &mut [] } else { &mut self.slots[c][o..o + usize::from(len)] }
    }

    /// The entry number of `key`.
    pub fn find(&self, key: &[u8; 16]) -> Option<u32> {
        if self.index.is_empty() {
            return None;
        }
        self.probe(key).ok()
    }

    /// Linear probing from `key`'s home slot: its entry number, or the empty slot where it
    /// would go. The index must not be empty (it is never full).
    fn probe(&self, key: &[u8; 16]) -> Result<u32, usize> {
        let mask = self.index.len() - 1;
        let mut i = home(key, mask);
        loop {
            match self.index[i] {
                0 => return Err(i),
                n if self.entry_at(n - 1).key == *key => return Ok(n - 1),
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// The view of entry `n`.
    pub fn view(&self, n: u32) -> View<'_> {
        let entry = self.entry_at(n);
        let erased = if entry.flags & HAS_ERASED != 0 { self.erased.get(&n).map_or(&[][..], |e| &e[..]) } else { &[] };
        View { entry, run: self.run(entry), erased }
    }

    pub fn entry(&self, n: u32) -> &Entry {
        self.entry_at(n)
    }

    /// The entry number of `key`, made empty when new (`true`). One probe of the index.
    pub fn find_or_insert(&mut self, key: &[u8; 16]) -> (u32, bool) {
        if (self.count as usize + 1) * 4 > self.index.len() * 3 {
            self.reserve(self.count + 1);
        }
        let i = match self.probe(key) {
            Ok(n) => return (n, false),
            Err(empty) => empty,
        };
        let n = self.push_entry(key);
        self.index[i] = n + 1;
        (n, true)
    }

    /// Appends an empty entry, not yet in the index; returns its number.
    pub fn push_entry(&mut self, key: &[u8; 16]) -> u32 {
        self.push(Entry { key: *key, day: NO_DAY, age: NO_AGE, ..Entry::default() })
    }

    fn push(&mut self, entry: Entry) -> u32 {
        let n = self.count;
        match self.entries.last_mut() {
            Some(chunk) if chunk.len() < ENTRY_CHUNK => chunk.push(entry),
            _ => {
                let mut chunk = Vec::with_capacity(ENTRY_CHUNK);
                chunk.push(entry);
                self.entries.push(chunk);
            }
        }
        self.count += 1;
        n
    }

    /// A shard put back from a snapshot, first its entries in number order, each with the
    /// length of its run (`run` and `cap` are placed here, as `alloc` would place them:
    /// runs one after the other, never across an arena chunk); then [`Placed::finish`]
    /// with the arena's chunks, read straight from the file. Built whole, chunk by chunk,
    /// with no probe and no per-subject call: a restart at ten million subjects is mostly
    /// this. `None` for more entries than a shard numbers.
    pub fn place(entries: impl ExactSizeIterator<Item = Entry>) -> Option<Placed> {
        let mut shard = Shard::default();
        u32::try_from(entries.len()).ok()?;
        let mut used: Vec<usize> = Vec::new();
        for mut e in entries {
            let len = usize::from(e.len);
            (e.run, e.cap) = (0, e.len);
            if len > 0 {
                match used.last() {
                    Some(&u) if u + len <= SLOT_CHUNK => {}
                    last => {
                        shard.garbage += last.map_or(0, |u| SLOT_CHUNK - u);
                        used.push(0);
                    }
                }
                let c = used.len() - 1;
                e.run = u32::try_from(c * SLOT_CHUNK + used[c]).ok()?;
                used[c] += len;
            }
            e.flags &= !HAS_ERASED;
            shard.push(e);
        }
        Some(Placed { shard, used })
    }
    /// The index, for a snapshot: with the entries in number order it is the whole shard,
    /// so a restart puts both back without probing for every key.
    pub fn index(&self) -> &[u32] {
        &self.index
    }

    /// Puts back a snapshot's index of the entries pushed. Refused (`false`) unless it has
    /// the shape the shard keeps: empty for no entry, else a power of two long (16 at
    /// least), at most ¾ full, one slot per entry, naming entries that exist. (The
    /// snapshot's MAC vouches for the rest: a wrong slot could only make a subject look
    /// absent, never another's.)
    pub fn set_index(&mut self, index: Vec<u32>) -> bool {
        let count = self.count as usize;
        if index.is_empty() && count == 0 {
            return true; // A shard that never held anyone.
        }
        let shaped = index.len().is_power_of_two() && index.len() >= 16 && count * 4 <= index.len() * 3;
        if !shaped || index.iter().filter(|&&n| n != 0).count() != count || index.iter().any(|&n| n as usize > count) {
            return false;
        }
        self.index = index;
        true
    }

    /// Makes the index large enough for `count` entries (at most ¾ full).
    fn reserve(&mut self, count: u32) {
        let size = (count as usize * 4 / 3 + 1).next_power_of_two().max(16);
        if size <= self.index.len() {
            return;
        }
        self.index = vec![0; size];
        for n in 0..self.count {
            // Keys are distinct: the probe ends on an empty slot.
            if let Err(i) = self.probe(&self.entry_at(n).key) {
                self.index[i] = n + 1;
            }
        }
    }

    /// Sets a subject's profile; `registration` differing from the one held starts it
    /// empty (a new registration of an erased id).
    pub fn set_profile(
        &mut self,
        n: u32,
        registration: u64,
        status: SubjectStatus,
        (day, age): (i32, u8),
        erased: Erased,
    ) {
        let e = self.entry_mut(n);
        e.generation = e.generation.wrapping_add(1);
        if e.registration != registration {
            e.registration = registration;
            e.len = 0;
            *e.abroad.get_mut() = 0;
        }
        e.day = day;
        e.age = age;
        let has_erased = if erased.is_empty() { 0 } else { HAS_ERASED };
        e.flags = status_bits(status) | has_erased;
        if erased.is_empty() {
            self.erased.remove(&n);
        } else {
            self.erased.insert(n, erased);
        }
    }

    /// An erased registration: cancelled, nothing else kept.
    pub fn set_erased(&mut self, n: u32) {
        let e = self.entry_mut(n);
        e.generation = e.generation.wrapping_add(1);
        e.registration = 0;
        e.len = 0;
        e.day = NO_DAY;
        e.age = NO_AGE;
        *e.abroad.get_mut() = 0;
        e.flags = status_bits(SubjectStatus::Cancelled);
        self.erased.remove(&n);
    }

    /// Applies a record to entry `n` unless the record held for its scope is newer.
    pub fn apply(&mut self, n: u32, slot: Slot) {
        let e = self.entry_at(n);
        let (run, len, cap) = (e.run, e.len, e.cap);
        if let Some(held) = self.run_mut(run, len).iter_mut().find(|s| s.scope == slot.scope) {
            if held.seq < slot.seq {
                *held = slot;
            }
            return;
        }
        if usize::from(len) >= SLOT_CHUNK - 1 {
            tracing::error!("a subject has records of more scopes than a shard holds; record dropped");
            return;
        }
        if len == cap {
            let new_cap = (cap + 1).next_power_of_two().min((SLOT_CHUNK - 1) as u16);
            let moved = self.alloc(usize::from(new_cap));
            self.copy_run(run, moved, len);
            self.garbage += usize::from(cap);
            let e = self.entry_mut(n);
            e.run = moved;
            e.cap = new_cap;
        }
        let e = self.entry_mut(n);
        let (run, len) = (e.run, e.len + 1);
        e.len = len;
        self.run_mut(run, len)[usize::from(len) - 1] = slot;
        self.maybe_compact();
    }

    /// Puts a subject's records, read at start-up, in a run of their exact size.
    pub fn set_run(&mut self, n: u32, slots: &[Slot]) {
        let len = slots.len().min(SLOT_CHUNK - 1);
        let e = self.entry_at(n);
        self.garbage += usize::from(e.cap);
        let run = self.alloc(len);
        self.run_mut(run, len as u16).copy_from_slice(&slots[..len]);
        let e = self.entry_mut(n);
        (e.run, e.len, e.cap) = (run, len as u16, len as u16);
    }

    /// A run of `cap` slots at the arena's end; returns its first slot.
    fn alloc(&mut self, cap: usize) -> u32 {
        if cap == 0 {
            return 0;
        }
        match self.slots.last() {
            Some(c) if c.len() + cap <= SLOT_CHUNK => {}
            last => {
                self.garbage += last.map_or(0, |c| SLOT_CHUNK - c.len());
                // Allocated at full size, resident only as far as it is filled.
                self.slots.push(Vec::with_capacity(SLOT_CHUNK));
            }
        }
        let c = self.slots.len() - 1;
        let start = self.slots[c].len();
        self.slots[c].resize(start + cap, Slot::default());
        (c * SLOT_CHUNK + start) as u32
    }

    fn copy_run(&mut self, from: u32, to: u32, len: u16) {
        for i in 0..u32::from(len) {
            let (fc, fo) = ((from + i) as usize / SLOT_CHUNK, (from + i) as usize % SLOT_CHUNK);
            let (tc, to_) = ((to + i) as usize / SLOT_CHUNK, (to + i) as usize % SLOT_CHUNK);
            self.slots[tc][to_] = self.slots[fc][fo];
        }
    }

    /// Rewrites the arena without garbage when garbage is a third of it, each run at its
    /// exact size.
    fn maybe_compact(&mut self) {
        let used: usize = self.slots.iter().map(Vec::len).sum();
        if self.garbage < 4096 || self.garbage * 3 < used {
            return;
        }
        let old = std::mem::take(&mut self.slots);
        self.garbage = 0;
        for n in 0..self.count {
            let e = self.entry_at(n);
            let (run, len) = (e.run, e.len);
            let to = self.alloc(usize::from(len));
            for i in 0..u32::from(len) {
                let at = (run + i) as usize;
                let (tc, to_) = ((to + i) as usize / SLOT_CHUNK, (to + i) as usize % SLOT_CHUNK);
                self.slots[tc][to_] = old[at / SLOT_CHUNK][at % SLOT_CHUNK];
            }
            let e = self.entry_mut(n);
            (e.run, e.cap) = (to, len);
        }
    }

    /// Bytes this shard holds (capacities, not lengths: what the allocator gave it).
    pub fn heap_bytes(&self) -> usize {
        let entries: usize = self.entries.iter().map(|c| c.len() * std::mem::size_of::<Entry>()).sum();
        let slots: usize = self.slots.iter().map(|c| c.len() * std::mem::size_of::<Slot>()).sum();
        let erased: usize = self.erased.values().map(|e| e.iter().map(|(f, _)| f.len() + 32).sum::<usize>()).sum();
        entries + slots + self.index.len() * 4 + erased
    }

    /// Every entry with its run and erased fields, in entry order (for the snapshot).
    pub fn each(&self) -> impl Iterator<Item = View<'_>> {
        (0..self.count).map(|n| self.view(n))
    }
}

/// A shard whose entries are placed and whose arena is still to be read: see
/// [`Shard::place`].
pub struct Placed {
    shard: Shard,
    /// Slots each arena chunk holds.
    used: Vec<usize>,
}

impl Placed {
    /// The slots each arena chunk is to hold, in order: together, the runs' slots one after
    /// the other in entry order.
    pub fn chunk_lens(&self) -> &[usize] {
        &self.used
    }

    /// An arena chunk of `len` default slots to read into, with the capacity every chunk
    /// has (only what is filled is resident).
    pub fn chunk(len: usize) -> Vec<Slot> {
        let mut chunk = Vec::with_capacity(SLOT_CHUNK);
        chunk.resize(len.min(SLOT_CHUNK), Slot::default());
        chunk
    }

    /// The shard with its arena and the rest of the snapshot's shard. `None` unless the
    /// chunks are the lengths of [`Placed::chunk_lens`], the erased fields name entries that
    /// exist and the index has the shape [`Shard::set_index`] requires.
    pub fn finish(self, slots: Vec<Vec<Slot>>, erased: HashMap<u32, Erased>, index: Vec<u32>) -> Option<Shard> {
        let Placed { mut shard, used } = self;
        if slots.len() != used.len() || slots.iter().zip(&used).any(|(c, &u)| c.len() != u) {
            return None;
        }
        if erased.keys().any(|&n| n >= shard.count) {
            return None;
        }
        shard.slots = slots;
        for (&n, fields) in &erased {
            if !fields.is_empty() {
                shard.entry_mut(n).flags |= HAS_ERASED;
            }
        }
        shard.erased = erased.into_iter().filter(|(_, f)| !f.is_empty()).collect();
        shard.set_index(index).then_some(shard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u32) -> [u8; 16] {
        let mut k = [0u8; 16];
        k[8..12].copy_from_slice(&n.to_le_bytes());
        k[0] = 7;
        k
    }

    fn slot(seq: i64, scope: u32) -> Slot {
        Slot { seq, at_ms: seq, scope, version: 1 | GRANTED }
    }

    #[test]
    fn entries_and_runs_stay_found_through_growth_and_compaction() {
        let mut s = Shard::default();
        for n in 0..20_000u32 {
            let (i, new) = s.find_or_insert(&key(n));
            assert!(new);
            assert_eq!(i, n);
        }
        // Scopes added one by one: runs move and the arena compacts.
        for scope in 0..6u32 {
            for n in 0..20_000u32 {
                s.apply(n, slot(i64::from(scope * 100_000 + n), scope));
            }
        }
        for n in (0..20_000u32).step_by(997) {
            assert_eq!(s.find(&key(n)), Some(n));
            let v = s.view(n);
            let scopes: Vec<u32> = v.consents().map(|(id, _)| id.0).collect();
            assert_eq!(scopes, vec![0, 1, 2, 3, 4, 5]);
            assert_eq!(v.consent(ScopeId(3)).map(|e| e.at_ms), Some(i64::from(300_000 + n)));
        }
        assert!(s.garbage * 3 < s.slots.iter().map(Vec::len).sum::<usize>() + 4096 * 3);
        assert_eq!(s.find(&key(20_001)), None);
        // An older record never replaces a newer one.
        s.apply(5, slot(1, 3));
        assert_eq!(s.view(5).consent(ScopeId(3)).map(|e| e.at_ms), Some(300_005));
    }

    #[test]
    fn a_shard_put_back_from_its_entries_and_index_finds_every_key() {
        let mut s = Shard::default();
        for n in 0..5_000u32 {
            s.find_or_insert(&key(n));
        }
        let mut back = Shard::default();
        for n in 0..5_000u32 {
            assert_eq!(back.push_entry(&s.entry(n).key), n);
        }
        assert!(back.set_index(s.index().to_vec()));
        for n in (0..5_000u32).step_by(7) {
            assert_eq!(back.find(&key(n)), Some(n));
        }
        assert_eq!(back.find(&key(5_001)), None);
        assert_eq!(back.find_or_insert(&key(5_001)), (5_000, true), "and it grows on from there");

        // An index of another shape is refused, never trusted into a panic.
        let mut other = Shard::default();
        other.push_entry(&key(1));
        other.push_entry(&key(2));
        for index in [vec![0; 15], vec![1, 2, 0, 0], vec![3; 16], vec![1; 16], {
            let mut v = vec![0; 16];
            v[3] = 1;
            v
        }] {
            assert!(!other.set_index(index.clone()), "{index:?}");
        }
        let mut v = vec![0; 16];
        (v[3], v[9]) = (2, 1);
        assert!(other.set_index(v));
    }

    /// Runs put back from a snapshot never cross an arena chunk, as `alloc` places them; a
    /// snapshot whose slots are not exactly its runs, or whose erased fields name no entry,
    /// is refused.
    #[test]
    fn a_shard_put_back_from_a_snapshot_places_runs_as_alloc_would() {
        let lens = [3u16, 0, u16::MAX, 2, u16::MAX - 4, 5];
        let saved = || {
            lens.iter().enumerate().map(|(n, &len)| Entry {
                key: key(n as u32),
                len,
                flags: HAS_ERASED,
                ..Entry::default()
            })
        };
        let total: usize = lens.iter().map(|&l| usize::from(l)).sum();
        let slots = (0..total).map(|i| slot(i as i64, i as u32));
        let mut built = Shard::default();
        for n in 0..lens.len() as u32 {
            built.find_or_insert(&key(n));
        }
        let index = built.index().to_vec();
        let erased: HashMap<u32, Erased> = [(1, vec![("phone".into(), 9)].into_boxed_slice())].into();
        let finish = |slots: Vec<Slot>, erased: HashMap<u32, Erased>, index: Vec<u32>| {
            let placed = Shard::place(saved())?;
            let mut slots = slots.into_iter();
            let chunks = placed.chunk_lens().iter().map(|&u| slots.by_ref().take(u).collect()).collect();
            placed.finish(chunks, erased, index)
        };
        let Some(s) = finish(slots.clone().collect(), erased.clone(), index.clone()) else { panic!("refused") };
        let mut first = 0i64;
        for (n, &len) in lens.iter().enumerate() {
            let v = s.view(n as u32);
            let seqs: Vec<i64> = v.run.iter().map(|x| x.seq).collect();
            assert_eq!(seqs, (first..first + i64::from(len)).collect::<Vec<_>>(), "entry {n}");
            first += i64::from(len);
            let e = s.entry(n as u32);
            if len > 0 {
                assert_eq!(e.run as usize / SLOT_CHUNK, (e.run as usize + usize::from(len) - 1) / SLOT_CHUNK);
            }
            assert_eq!(v.has_erasures(), n == 1, "entry {n}: the flag follows the erased fields");
            assert_eq!(s.find(&key(n as u32)), Some(n as u32));
        }
        assert_eq!(s.slots.len(), 4, "[3, 0], [65535], [2, 65531], [5]");

        let short = slots.clone().take(total - 1).collect();
        assert!(finish(short, erased.clone(), index.clone()).is_none());
        let stray: HashMap<u32, Erased> = [(9, vec![("phone".into(), 9)].into_boxed_slice())].into();
        assert!(finish(slots.clone().collect(), stray, index.clone()).is_none());
        assert!(finish(slots.collect(), erased, vec![0; 16]).is_none());
    }

    #[test]
    fn a_slot_keeps_its_consent() {
        for (granted, by_guardian, v) in [(true, false, 1), (false, true, 7), (true, true, VERSION)] {
            let e = ConsentEntry { granted, policy_version: v, at_ms: -5, by_guardian };
            assert_eq!(Slot::new(9, ScopeId(2), e).entry(), e);
        }
        assert_eq!(std::mem::size_of::<Entry>(), 48);
        assert_eq!(std::mem::size_of::<Slot>(), 24);
    }
}
