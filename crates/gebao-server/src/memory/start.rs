//! Filling the subjects in memory at start-up: from the snapshot when it is whole and of
//! this database (read from the moment the process starts, checked once the store is
//! open), else from the database, a page of subjects at a time.

use super::Subjects;
use super::snapshot::{self, Header, Refused};
use crate::sync::Cursors as Positions;
use gebao_store::crypto::{Keys, SubjectKey};
use gebao_store::{Store, StoreError};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Subjects read per page when rebuilding.
const PAGE: i64 = 2000;

/// How the state was filled, for the log and the benchmark.
#[derive(Debug)]
pub enum Source {
    Snapshot,
    /// Rebuilt from the database, with why the snapshot was not used.
    Database(Refused),
}

/// A snapshot being read while the store opens and migrates: its header, checked against
/// the database by [`fill`] before its subjects are used, and the reader filling them. At
/// ten million subjects the read is most of a restart; begun first, it hides the rest.
pub struct Reading {
    header: Header,
    reader: Option<tokio::task::JoinHandle<Result<Subjects, Refused>>>,
    stop: Arc<AtomicBool>,
}

impl Reading {
    /// Opens the snapshot at `path` (its header and table checked against their MAC) and
    /// starts reading its shards on blocking threads.
    pub fn begin(keys: &Keys, path: Option<&Path>) -> Result<Reading, Refused> {
        let path = path.ok_or(Refused::Missing)?;
        let (header, shards) = snapshot::open(path, keys)?;
        let stop = Arc::new(AtomicBool::new(false));
        let (path, keys, halt) = (path.to_owned(), keys.clone(), stop.clone());
        let reader = tokio::task::spawn_blocking(move || {
            let subjects = Subjects::new();
            snapshot::fill(&path, &keys, &shards, &subjects, &halt).map(|()| subjects)
        });
        Ok(Reading { header, reader: Some(reader), stop })
    }

    async fn finish(mut self) -> Result<Subjects, Refused> {
        let Some(reader) = self.reader.take() else { return Err(Refused::Missing) };
        reader.await.unwrap_or_else(|_| Err(Refused::Damaged("the reader failed".into())))
    }

    /// Stops the reader and waits for it, so that its memory is freed before a rebuild
    /// fills the state again.
    async fn abandon(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(reader) = self.reader.take() {
            let _ = reader.await;
        }
    }
}

impl Drop for Reading {
    /// A start-up that fails while the snapshot is read stops the reader too.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The subjects from the snapshot being read, once it is found to be of this database as
/// it is now, or else from the database.
pub async fn fill(
    store: &dyn Store,
    reading: Result<Reading, Refused>,
) -> Result<(Subjects, Positions, Source), StoreError> {
    let refused = match reading {
        Ok(reading) => match usable(store, &reading.header).await? {
            Ok(()) => {
                let at = Positions { ledger: reading.header.ledger_seq, changes: reading.header.change_seq };
                match reading.finish().await {
                    Ok(subjects) => return Ok((subjects, at, Source::Snapshot)),
                    Err(why) => why,
                }
            }
            Err(why) => {
                reading.abandon().await;
                why
            }
        },
        Err(why) => why,
    };
    let (subjects, at) = from_database(store).await?;
    Ok((subjects, at, Source::Database(refused)))
}

/// The subjects as the database holds them now, and the positions they were read at (an
/// instance that fell behind the change feed rebuilds its state this way while it runs).
pub async fn from_database(store: &dyn Store) -> Result<(Subjects, Positions), StoreError> {
    let subjects = Subjects::new();
    let at = rebuild(store, &subjects).await?;
    Ok((subjects, at))
}

/// Whether a snapshot with this header may be used: it names records of this database, is
/// not ahead of it, and is not so far behind that a rebuild is faster.
async fn usable(store: &dyn Store, header: &Header) -> Result<Result<(), Refused>, StoreError> {
    if let Err(why) = check_links(store, header).await? {
        return Ok(Err(why));
    }
    let (ledger_now, changes_now) = store.positions().await?;
    if header.ledger_seq > ledger_now || header.change_seq > changes_now {
        return Ok(Err(Refused::Stale("it is ahead of the database".into())));
    }
    if store.first_change().await? > header.change_seq + 1 {
        return Ok(Err(Refused::Stale("the change feed after it was pruned".into())));
    }
    if let Some(tail) = replay_is_slower(header, ledger_now, changes_now) {
        return Ok(Err(Refused::Behind(tail)));
    }
    Ok(Ok(()))
}

/// Records and changes to replay after the snapshot, when they are so many that reading
/// the database whole is faster. Replaying costs about twice as much per item as a rebuild
/// (a restart after importing a million users: 81 s replayed, 40 s rebuilt), so a tail
/// larger than half of what a rebuild reads is not replayed.
fn replay_is_slower(header: &Header, ledger_now: i64, changes_now: i64) -> Option<i64> {
    let tail = (ledger_now - header.ledger_seq) + (changes_now - header.change_seq);
    let rebuild = ledger_now.saturating_add(i64::try_from(header.subjects).unwrap_or(i64::MAX));
    (tail > MIN_TAIL && tail.saturating_mul(2) > rebuild).then_some(tail)
}

/// Below this, the tail is replayed whatever its share (a small database starts in well
/// under a second either way).
const MIN_TAIL: i64 = 10_000;

/// The ledger record and the audit entry the snapshot names must be in the database with
/// the hashes it recorded.
async fn check_links(store: &dyn Store, h: &Header) -> Result<Result<(), Refused>, StoreError> {
    let (ledger, audit) = store.chain_links(h.ledger_seq, h.audit_seq).await?;
    let expect = |seq: i64, hash: &str| if seq == 0 { None } else { Some(hash.to_owned()) };
    if ledger != expect(h.ledger_seq, &h.ledger_hash) {
        return Ok(Err(Refused::Stale(format!("ledger record {} differs or is gone", h.ledger_seq))));
    }
    if audit != expect(h.audit_seq, &h.audit_hash) {
        return Ok(Err(Refused::Stale(format!("audit entry {} differs or is gone", h.audit_seq))));
    }
    Ok(Ok(()))
}

/// Reads every subject with its ledger, a page at a time, and the tombstones. The positions
/// are read first: whatever is written while the pages are read is after them, and the
/// sync task applies it again (applying is idempotent: newer records win, a subject changed
/// in the feed is re-read).
async fn rebuild(store: &dyn Store, subjects: &Subjects) -> Result<Positions, StoreError> {
    let (ledger, changes) = store.positions().await?;
    // Tombstones before the subjects: an id registered again after its erasure is live.
    let mut after = SubjectKey([0; 16]);
    loop {
        let page = store.tombstones_after(&after, PAGE).await?;
        for t in &page {
            subjects.erase(t);
        }
        match page.last() {
            Some(t) if page.len() as i64 == PAGE => after = t.key,
            _ => break,
        }
    }
    let mut after = String::new();
    loop {
        let page = store.load_page(&after, PAGE, ledger).await?;
        for (s, rows) in &page {
            subjects.load_subject(s, rows);
        }
        match page.last() {
            Some((s, _)) if page.len() as i64 == PAGE => after = s.pseudonym.clone(),
            _ => break,
        }
    }
    Ok(Positions { ledger, changes })
}

/// The header of a snapshot of the state as it stands at `at`.
pub async fn header(store: &dyn Store, subjects: &Subjects, at: Positions) -> Result<Header, StoreError> {
    let heads = store.chain_heads().await?;
    let audit = heads.iter().find(|c| c.chain == "audit");
    let audit_seq = audit.map_or(0, |c| c.seq);
    let (ledger_hash, audit_hash) = store.chain_links(at.ledger, audit_seq).await?;
    Ok(Header {
        ledger_seq: at.ledger,
        ledger_hash: ledger_hash.unwrap_or_default(),
        change_seq: at.changes,
        audit_seq,
        audit_hash: audit_hash.unwrap_or_default(),
        written_ms: crate::now_ms(),
        subjects: subjects.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ledger_seq: i64, change_seq: i64, subjects: u64) -> Header {
        Header {
            ledger_seq,
            ledger_hash: String::new(),
            change_seq,
            audit_seq: 0,
            audit_hash: String::new(),
            written_ms: 0,
            subjects,
        }
    }

    #[test]
    fn a_tail_larger_than_half_a_rebuild_is_not_replayed() {
        // Written empty, then a million users with five consents each imported.
        assert_eq!(replay_is_slower(&at(0, 0, 0), 5_000_000, 1_000_000), Some(6_000_000));
        // A day of writes on top of a large state: replayed.
        assert_eq!(replay_is_slower(&at(5_000_000, 1_000_000, 1_000_000), 5_200_000, 1_050_000), None);
        // A small database: replayed whatever the share.
        assert_eq!(replay_is_slower(&at(0, 0, 0), 5_000, 1_000), None);
    }
}
