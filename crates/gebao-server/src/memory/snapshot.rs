//! The subjects in memory, written to a file so that a restart reads the file and the
//! ledger's tail instead of the whole ledger (DESIGN "Scale": ready ≤ 1 s at 10 M subjects).
//!
//! The file is never trusted as it is: each shard's bytes carry a MAC (keyed BLAKE3, under a
//! key derived from the master key: checking 1.6 GB of a 10 M-subject snapshot is most of a
//! restart's work, and BLAKE3 does it several times faster than HMAC-SHA256), and a trailer
//! MACs the header and every shard's tag, so one damaged or edited byte is found; and the
//! header names the ledger record and the audit entry that were last when it was written,
//! by sequence number and hash, which must still be in the database as recorded — a
//! snapshot of another database, or of one restored from an older backup, is refused. A
//! refused or missing snapshot is rebuilt from the database.
//!
//! Layout (little-endian but the slots, in the machine's order, which `MAGIC` names):
//! `MAGIC`, the header (`Header::encode`), the shards one after the other
//! ([`encode_shard`]), then the table (per shard: offset, length, tag), then the trailer:
//! the table's offset (8 bytes) and the MAC of header ‖ table (32 bytes).
//!
//! A restart at ten million subjects is bound by the memory it fills (1.7 GB of fresh pages)
//! more than by the file: each shard's slots are read straight into the arena's chunks, with
//! no copy and no decoding but the scopes' renumbering, and the MAC is taken as they arrive.

use super::shard::{Entry, Erased, Placed, Shard, Slot, View};
use super::{SHARDS, Subjects};
use gebao_core::decision::{ConsentScope, ScopeId};
use gebao_store::crypto::Keys;
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32};
use zerocopy::IntoBytes;

/// The slots are in the machine's byte order: a snapshot of the other order is of another
/// format.
const MAGIC: &[u8; 8] = if cfg!(target_endian = "little") { b"GEBAOMS5" } else { b"GEBAOMB5" };
const LABEL: &str = "memory-snapshot";

/// Where the snapshot stood: what it must be checked against, and where the sync task goes
/// on from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The ledger was applied up to this record (inclusive)...
    pub ledger_seq: i64,
    /// ...whose hash was this ("" for none).
    pub ledger_hash: String,
    /// The change feed was applied up to this entry.
    pub change_seq: i64,
    /// The audit log's last entry when written, and its hash: ties the file to one database.
    pub audit_seq: i64,
    pub audit_hash: String,
    pub written_ms: i64,
    pub subjects: u64,
}

/// Why a snapshot was not used.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("no snapshot")]
    Missing,
    #[error("cannot read the snapshot: {0}")]
    Io(#[from] std::io::Error),
    #[error("the snapshot is damaged: {0}")]
    Damaged(String),
    #[error("the snapshot is not of this database's ledger as it is now: {0}")]
    Stale(String),
    #[error(
        "the database has moved {0} records and changes past the snapshot: reading it whole is \
         faster than replaying them"
    )]
    Behind(i64),
    #[error("the read was abandoned")]
    Abandoned,
}

fn damaged(what: &str) -> Refused {
    Refused::Damaged(what.to_owned())
}

/// Writes the snapshot of `subjects` at `header`'s positions to `path` (through a temporary
/// file, synced and renamed: a crash leaves the previous snapshot whole).
pub fn write(path: &Path, keys: &Keys, subjects: &Subjects, header: &Header) -> std::io::Result<u64> {
    let tmp = temp_path(path);
    let mut out = std::io::BufWriter::with_capacity(1 << 20, create_private(&tmp)?);
    let mut head = Vec::new();
    header.encode(&mut head);
    out.write_all(MAGIC)?;
    out.write_all(&(head.len() as u32).to_le_bytes())?;
    out.write_all(&head)?;
    let mut offset = (MAGIC.len() + 4 + head.len()) as u64;
    let mut table = Vec::with_capacity(SHARDS * 48);
    let mut buf = Vec::new();
    let key = mac_key(keys);
    for shard in &subjects.shards {
        buf.clear();
        encode_shard(&super::read(shard), &mut buf);
        let tag = *blake3::keyed_hash(&key, &buf).as_bytes();
        out.write_all(&buf)?;
        table.extend_from_slice(&offset.to_le_bytes());
        table.extend_from_slice(&(buf.len() as u64).to_le_bytes());
        table.extend_from_slice(&tag);
        offset += buf.len() as u64;
    }
    out.write_all(&table)?;
    out.write_all(&offset.to_le_bytes())?;
    out.write_all(trailer_mac(keys, &head, &table).as_bytes())?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename is durable once the directory is.
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(offset + table.len() as u64 + 40)
}

/// The file, readable and writable by gebao's user only: it holds users' consents and ages
/// (by keyed hash, never by id).
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".tmp");
    path.with_file_name(name)
}

/// The snapshot's MAC key, derived from the master key (and only used here).
fn mac_key(keys: &Keys) -> [u8; 32] {
    keys.keyed_hash(LABEL, b"blake3 mac key")
}

fn trailer_mac(keys: &Keys, head: &[u8], table: &[u8]) -> blake3::Hash {
    let mut mac = blake3::Hasher::new_keyed(&mac_key(keys));
    mac.update(&(head.len() as u64).to_le_bytes());
    mac.update(head);
    mac.update(table);
    mac.finalize()
}

/// Reads and checks a snapshot's header and table; the shards are read by [`fill`].
pub fn open(path: &Path, keys: &Keys) -> Result<(Header, Vec<Part>), Refused> {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Refused::Missing),
        Err(e) => return Err(e.into()),
    };
    let size = f.metadata()?.len();
    let mut magic = [0u8; 12];
    f.read_exact(&mut magic).map_err(|_| damaged("too short"))?;
    if &magic[..8] != MAGIC {
        return Err(damaged("not a snapshot of this format"));
    }
    let head_len = u64::from(u32::from_le_bytes([magic[8], magic[9], magic[10], magic[11]]));
    let table_len = (SHARDS * 48) as u64;
    if size < 12 + head_len + table_len + 40 || head_len > 1 << 20 {
        return Err(damaged("too short"));
    }
    let mut head = vec![0u8; head_len as usize];
    f.read_exact(&mut head)?;
    f.seek(SeekFrom::Start(size - 40 - table_len))?;
    let mut tail = vec![0u8; table_len as usize + 40];
    f.read_exact(&mut tail)?;
    let (table, trailer) = tail.split_at(table_len as usize);
    // Compared in constant time (`blake3::Hash`'s equality).
    if trailer_mac(keys, &head, table) != <[u8; 32]>::try_from(&trailer[8..]).unwrap_or_default() {
        return Err(damaged("its header or table does not match their MAC"));
    }
    let header = Header::decode(&head).ok_or_else(|| damaged("unreadable header"))?;
    let table_at = Reader(&trailer[..8]).u64().ok_or_else(|| damaged("unreadable trailer"))?;
    let mut shards = Vec::with_capacity(SHARDS);
    let mut r = Reader(table);
    while !r.0.is_empty() {
        let (at, len) = (r.u64(), r.u64());
        let tag = r.take(32).and_then(|t| <[u8; 32]>::try_from(t).ok());
        let (Some(at), Some(len), Some(tag)) = (at, len, tag) else { return Err(damaged("unreadable table")) };
        if at.checked_add(len).is_none_or(|end| end > table_at) {
            return Err(damaged("a shard lies outside the file"));
        }
        shards.push(Part { at, len, tag });
    }
    Ok((header, shards))
}

/// Where a shard lies in the file, and its MAC.
#[derive(Debug, Clone, Copy)]
pub struct Part {
    at: u64,
    len: u64,
    tag: [u8; 32],
}

/// Reads every shard of an [`open`]ed snapshot into `subjects` (empty), checking each
/// shard's MAC first; on two threads or more, shards are read in parallel. Setting `stop`
/// ends the read between two shards (refused as abandoned).
pub fn fill(path: &Path, keys: &Keys, shards: &[Part], subjects: &Subjects, stop: &AtomicBool) -> Result<(), Refused> {
    let key = mac_key(keys);
    let key = &key;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let per = shards.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let jobs: Vec<_> = shards
            .chunks(per)
            .enumerate()
            .map(|(j, part)| {
                scope.spawn(move || -> Result<(), Refused> {
                    let mut f = std::fs::File::open(path)?;
                    let mut buf = Vec::new();
                    for (i, p) in part.iter().enumerate() {
                        if stop.load(std::sync::atomic::Ordering::Relaxed) {
                            return Err(Refused::Abandoned);
                        }
                        let n = j * per + i;
                        *super::write(&subjects.shards[n]) = read_shard(&mut f, key, p, &mut buf, n)?;
                    }
                    Ok(())
                })
            })
            .collect();
        jobs.into_iter().try_for_each(|j| j.join().unwrap_or_else(|_| Err(damaged("a reader failed"))))
    })?;
    let len = subjects.shards.iter().map(|s| super::read(s).len() as usize).sum();
    subjects.len.store(len, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}

impl Header {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.ledger_seq.to_le_bytes());
        put_str(out, &self.ledger_hash);
        out.extend_from_slice(&self.change_seq.to_le_bytes());
        out.extend_from_slice(&self.audit_seq.to_le_bytes());
        put_str(out, &self.audit_hash);
        out.extend_from_slice(&self.written_ms.to_le_bytes());
        out.extend_from_slice(&self.subjects.to_le_bytes());
    }

    fn decode(b: &[u8]) -> Option<Header> {
        let mut r = Reader(b);
        let h = Header {
            ledger_seq: r.i64()?,
            ledger_hash: r.string()?,
            change_seq: r.i64()?,
            audit_seq: r.i64()?,
            audit_hash: r.string()?,
            written_ms: r.i64()?,
            subjects: r.u64()?,
        };
        r.0.is_empty().then_some(h)
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// A shard: the length of its head (8 bytes), its head, then its slots.
///
/// The head: its scopes (numbers are the process's, so each shard names the scopes it
/// uses), its entries in number order as fixed-width records, the number of slots, the
/// erased fields of the few that have them, then its index (so that reading it back probes
/// for no key). The slots: the runs one after the other in entry order, each slot as it
/// is in memory, its scope the number in the shard's list: a restart reads them straight
/// into the arena's chunks and renumbers the scopes in place ([`read_shard`]).
fn encode_shard(shard: &Shard, out: &mut Vec<u8>) {
    let mut scopes: Vec<u32> = Vec::new();
    for v in shard.each() {
        for s in v.run {
            if !scopes.contains(&s.scope) {
                scopes.push(s.scope);
            }
        }
    }
    let start = out.len();
    out.extend_from_slice(&0u64.to_le_bytes());
    out.extend_from_slice(&(scopes.len() as u32).to_le_bytes());
    for id in &scopes {
        let text = ScopeId(*id).scope().and_then(|s| serde_json::to_string(&s).ok()).unwrap_or_default();
        put_str(out, &text);
    }
    out.extend_from_slice(&shard.len().to_le_bytes());
    let mut slots = 0u64;
    for v in shard.each() {
        let e = v.entry;
        out.extend_from_slice(&e.key);
        out.extend_from_slice(&e.registration.to_le_bytes());
        out.extend_from_slice(&e.generation.to_le_bytes());
        out.extend_from_slice(&e.day.to_le_bytes());
        out.extend_from_slice(&e.abroad.load(std::sync::atomic::Ordering::Relaxed).to_le_bytes());
        out.push(e.flags);
        out.push(e.age);
        out.extend_from_slice(&(v.run.len() as u16).to_le_bytes());
        slots += v.run.len() as u64;
    }
    out.extend_from_slice(&slots.to_le_bytes());
    let erased: Vec<(u32, View<'_>)> =
        (0..shard.len()).map(|n| (n, shard.view(n))).filter(|(_, v)| !v.erased.is_empty()).collect();
    out.extend_from_slice(&(erased.len() as u32).to_le_bytes());
    for (n, v) in erased {
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&(v.erased.len() as u16).to_le_bytes());
        for (field, at) in v.erased {
            put_str(out, field);
            out.extend_from_slice(&at.to_le_bytes());
        }
    }
    let index = shard.index();
    out.extend_from_slice(&(index.len() as u32).to_le_bytes());
    for n in index {
        out.extend_from_slice(&n.to_le_bytes());
    }
    let head = (out.len() - start - 8) as u64;
    out[start..start + 8].copy_from_slice(&head.to_le_bytes());
    for v in shard.each() {
        for s in v.run {
            let local = scopes.iter().position(|id| *id == s.scope).unwrap_or_default() as u32;
            out.extend_from_slice(Slot { scope: local, ..*s }.as_bytes());
        }
    }
}

/// An entry's record: key 16, registration 8, generation 4, day 4, abroad 4, flags 1, age 1,
/// run length 2.
const ENTRY_BYTES: usize = 40;
const SLOT_BYTES: usize = std::mem::size_of::<Slot>();

/// Reads shard number `n` at `p` into a shard, checking its MAC before it is used; `buf`
/// holds the head (the slots go straight into the arena).
fn read_shard(f: &mut std::fs::File, key: &[u8; 32], p: &Part, buf: &mut Vec<u8>, n: usize) -> Result<Shard, Refused> {
    f.seek(SeekFrom::Start(p.at))?;
    let mut mac = blake3::Hasher::new_keyed(key);
    let mut len = [0u8; 8];
    f.read_exact(&mut len).map_err(|_| damaged("it is shorter than its table says"))?;
    mac.update(&len);
    let head = u64::from_le_bytes(len);
    let slots_len = p
        .len
        .checked_sub(8)
        .and_then(|l| l.checked_sub(head))
        .ok_or_else(|| damaged("a shard's head is longer than the shard"))?;
    if slots_len % SLOT_BYTES as u64 != 0 {
        return Err(damaged("a shard's slots are not whole"));
    }
    buf.clear();
    if (&mut *f).take(head).read_to_end(buf)? as u64 != head {
        return Err(damaged("it is shorter than its table says"));
    }
    mac.update(buf);
    let unreadable = || damaged("a shard is unreadable");
    let head = Head::decode(buf).ok_or_else(unreadable)?;
    if head.slots != slots_len / SLOT_BYTES as u64 {
        return Err(unreadable());
    }
    let placed = Shard::place(head.entries()).ok_or_else(unreadable)?;
    if placed.chunk_lens().iter().sum::<usize>() as u64 != head.slots {
        return Err(unreadable());
    }
    let mut chunks = Vec::with_capacity(placed.chunk_lens().len());
    for &used in placed.chunk_lens() {
        let mut chunk = Placed::chunk(used);
        f.read_exact(chunk.as_mut_bytes()).map_err(|_| damaged("it is shorter than its table says"))?;
        mac.update(chunk.as_bytes());
        chunks.push(chunk);
    }
    // Compared in constant time (`blake3::Hash`'s equality).
    if mac.finalize() != p.tag {
        return Err(Refused::Damaged(format!("shard {n} does not match its MAC")));
    }
    for slot in chunks.iter_mut().flatten() {
        slot.scope = *head.scopes.get(slot.scope as usize).ok_or_else(unreadable)?;
    }
    placed.finish(chunks, head.erased, head.index).ok_or_else(unreadable)
}

/// A shard's head, read back.
struct Head<'a> {
    scopes: Vec<u32>,
    entries: &'a [u8],
    slots: u64,
    erased: HashMap<u32, Erased>,
    index: Vec<u32>,
}

impl<'a> Head<'a> {
    fn decode(b: &'a [u8]) -> Option<Head<'a>> {
        let mut r = Reader(b);
        let scopes = (0..r.u32()?)
            .map(|_| serde_json::from_str::<ConsentScope>(&r.string()?).ok().map(|s| ScopeId::of(&s).0))
            .collect::<Option<Vec<u32>>>()?;
        let count = r.u32()? as usize;
        let entries = r.take(count.checked_mul(ENTRY_BYTES)?)?;
        let slots = r.u64()?;
        let erased = (0..r.u32()?)
            .map(|_| {
                let n = r.u32()?;
                let fields =
                    (0..r.u16()?).map(|_| Some((r.string()?.into_boxed_str(), r.i64()?))).collect::<Option<_>>()?;
                Some((n, fields))
            })
            .collect::<Option<HashMap<u32, Erased>>>()?;
        let index_len = r.u32()? as usize;
        let index = r.take(index_len.checked_mul(4)?)?.chunks_exact(4).map(|b| u32_at(b, 0)).collect();
        r.0.is_empty().then_some(Head { scopes, entries, slots, erased, index })
    }

    fn entries(&self) -> impl ExactSizeIterator<Item = Entry> + 'a {
        self.entries.chunks_exact(ENTRY_BYTES).map(|b| Entry {
            key: b[..16].try_into().unwrap_or_default(),
            registration: u64_at(b, 16),
            generation: u32_at(b, 24),
            day: u32_at(b, 28) as i32,
            abroad: AtomicU32::new(u32_at(b, 32)),
            flags: b[36],
            age: b[37],
            len: u16::from_le_bytes([b[38], b[39]]),
            run: 0,
            cap: 0,
        })
    }
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut a = [0; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes)
    }
    fn i64(&mut self) -> Option<i64> {
        self.take(8).and_then(|b| b.try_into().ok()).map(i64::from_le_bytes)
    }
    fn string(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::tests::registered;
    use gebao_core::decision::{ConsentAction, ConsentRecord, SubjectView};
    use gebao_core::ids::PurposeId;
    use gebao_store::crypto::SubjectKey;

    /// Scopes named in one byte per slot, and in four when a shard uses more than 256; erased
    /// fields, statuses and ages come back as they were.
    #[test]
    fn a_shard_with_more_scopes_than_a_byte_names_reads_back() {
        let scope = |i: usize| ConsentScope::Purpose { purpose: PurposeId(format!("snapshot-test-{i}")) };
        let subjects = Subjects::new();
        for (b, n) in [(1u8, 3usize), (2, 300)] {
            let rows: Vec<(i64, ConsentRecord)> = (0..n)
                .map(|i| {
                    let record = ConsentRecord {
                        scope: scope(i),
                        action: if i % 2 == 0 { ConsentAction::Grant } else { ConsentAction::Withdraw },
                        policy_version: 1,
                        at_ms: i as i64,
                        by_guardian: false,
                    };
                    (i as i64 + 1, record)
                })
                .collect();
            subjects.load_subject(&(&registered(SubjectKey([b; 16]), &format!("p{b}"))).into(), &rows);
        }
        // One with erased fields, an age and no consent; one restricted with a date of birth.
        let mut erased = registered(SubjectKey([3; 16]), "p3");
        erased.erased = [("phone".to_owned(), 17i64), ("email".to_owned(), 19)].into();
        erased.age = Some(15);
        erased.age_known_on = chrono::NaiveDate::from_ymd_opt(2026, 1, 1);
        subjects.load_subject(&(&erased).into(), &[]);
        let mut restricted = registered(SubjectKey([4; 16]), "p4");
        restricted.status = gebao_core::decision::SubjectStatus::Restricted;
        restricted.birth_date = chrono::NaiveDate::from_ymd_opt(2010, 6, 1);
        subjects.load_subject(&(&restricted).into(), &[]);
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("state.memory");
        let keys = Keys::from_master(&[3; 32]);
        let header = Header {
            ledger_seq: 300,
            ledger_hash: "h".into(),
            change_seq: 2,
            audit_seq: 5,
            audit_hash: "a".into(),
            written_ms: 1,
            subjects: 4,
        };
        write(&path, &keys, &subjects, &header).unwrap_or_else(|e| panic!("{e}"));
        let (read, parts) = open(&path, &keys).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read, header);
        // A read told to stop stops before its first shard.
        let abandoned = Subjects::new();
        let stopped = fill(&path, &keys, &parts, &abandoned, &AtomicBool::new(true));
        assert!(matches!(stopped, Err(Refused::Abandoned)), "{stopped:?}");
        let back = Subjects::new();
        fill(&path, &keys, &parts, &back, &AtomicBool::new(false)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.len(), 4);
        let on = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default();
        let profile = |b: u8| {
            back.with(&SubjectKey([b; 16]), |v| {
                (v.status(), v.age_on(on), v.erased_at("phone"), v.erased_at("email"), v.consents().count())
            })
        };
        use gebao_core::decision::SubjectStatus::{Active, Restricted};
        assert_eq!(profile(3), Some((Active, Some(16), Some(17), Some(19), 0)));
        assert_eq!(profile(4), Some((Restricted, Some(16), None, None, 0)));
        assert_eq!(profile(1).map(|p| (p.2, p.4)), Some((None, 3)));
        for (b, n) in [(1u8, 3usize), (2, 300)] {
            let got = back.with(&SubjectKey([b; 16]), |v| {
                (0..n).map(|i| v.consent(ScopeId::of(&scope(i))).map(|e| (e.granted, e.at_ms))).collect::<Vec<_>>()
            });
            let want: Vec<_> = (0..n).map(|i| Some((i % 2 == 0, i as i64))).collect();
            assert_eq!(got, Some(want), "subject {b}");
        }
    }
}
