//! Subjects: registration (a new registration gets a fresh pseudonym), profile updates,
//! status, field erasure after a deletion request, and the erasure of a cancelled account
//! (PIPL 47): the row goes, a tombstone keyed by the keyed hash of the id stays, the
//! subject's requests and delivered messages are pseudonymised or dropped, and SQLite's
//! files are scrubbed. Every change is audited with a digest of the row after it
//! ([`state_digest`]), so an edit made in the database is found by `verify`.

use super::audit::{self, Entry};
use super::db::{Dialect, Insert, Param, Row, Tx, params, placeholders, values};
use super::json::{from_json, to_json};
use crate::chain::{CanonicalObject, digest_object};
use crate::crypto::{ContactKind, Keys, SubjectKey};
use crate::model::*;
use crate::{Result, StoreError};
use chrono::NaiveDate;
use gebao_core::decision::SubjectStatus;
use rand::RngCore;
use serde_json::json;
use std::collections::BTreeMap;

pub(crate) const SUBJECT_COLS: &str = "key, id, pseudonym, status, birth_date, age, age_known_on, guardian, \
     phone_enc, phone_index, email_enc, email_index, erased, created_ms, updated_ms";

/// Keys (or ids) a `WHERE … IN (…)` statement names.
const KEYS_PER_STATEMENT: usize = 500;

/// The audit state recorded when a subject's record is erased: no row is expected any more.
pub(crate) const ERASED_STATE: &str = "erased";

/// A subject row as stored.
#[cfg_attr(test, derive(Clone))]
pub(crate) struct SubjectRow {
    key: Vec<u8>,
    id: String,
    pseudonym: String,
    status: String,
    birth_date: Option<NaiveDate>,
    age: Option<i16>,
    age_known_on: Option<NaiveDate>,
    guardian: Option<String>,
    phone_enc: Option<Vec<u8>>,
    phone_index: Option<Vec<u8>>,
    email_enc: Option<Vec<u8>>,
    email_index: Option<Vec<u8>>,
    erased: String,
    created_ms: i64,
    updated_ms: i64,
}

impl SubjectRow {
    pub(crate) fn read(r: &Row) -> Result<Self> {
        Ok(SubjectRow {
            key: r.get("key")?,
            id: r.get("id")?,
            pseudonym: r.get("pseudonym")?,
            status: r.get("status")?,
            birth_date: r.get("birth_date")?,
            age: r.get("age")?,
            age_known_on: r.get("age_known_on")?,
            guardian: r.get("guardian")?,
            phone_enc: r.get("phone_enc")?,
            phone_index: r.get("phone_index")?,
            email_enc: r.get("email_enc")?,
            email_index: r.get("email_index")?,
            erased: r.get("erased")?,
            created_ms: r.get("created_ms")?,
            updated_ms: r.get("updated_ms")?,
        })
    }

    pub(crate) fn target(&self) -> String {
        format!("subject:{}", self.pseudonym)
    }

    /// The digest of everything stored, as the audit entry of the last change records it.
    pub(crate) fn state_digest(&self) -> Result<String> {
        let erased: serde_json::Value = from_json(&self.erased, "erased fields")?;
        let hex = |b: &Option<Vec<u8>>| b.as_ref().map(hex::encode);
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string());
        // The canonical form of the object with these keys, in their sorted order.
        Ok(digest_object(
            CanonicalObject::new()
                .field("age", &self.age)
                .field("age_known_on", &day(self.age_known_on))
                .field("birth_date", &day(self.birth_date))
                .field("created_ms", &self.created_ms)
                .field("email_enc", &hex(&self.email_enc))
                .field("email_index", &hex(&self.email_index))
                .value("erased", &erased)
                .field("guardian", &self.guardian)
                .field("id", &self.id)
                .field("key", &hex::encode(&self.key))
                .field("phone_enc", &hex(&self.phone_enc))
                .field("phone_index", &hex(&self.phone_index))
                .field("pseudonym", &self.pseudonym)
                .field("status", &self.status)
                .field("updated_ms", &self.updated_ms),
        ))
    }

    pub(crate) fn decode(self, keys: &Keys) -> Result<Subject> {
        let open = |kind: ContactKind, enc: Option<Vec<u8>>| -> Result<Option<String>> {
            enc.map(|c| {
                let plain = keys.decrypt(&c, &aad(&self.id, kind))?;
                String::from_utf8(plain)
                    .map_err(|_| StoreError::Corrupt(format!("contact point of `{}` is not UTF-8", self.id)))
            })
            .transpose()
        };
        let phone = open(ContactKind::Phone, self.phone_enc.clone())?;
        let email = open(ContactKind::Email, self.email_enc.clone())?;
        let age = self
            .age
            .map(|a| u8::try_from(a).map_err(|_| StoreError::Corrupt(format!("age {a} of `{}` out of range", self.id))))
            .transpose()?;
        let key = SubjectKey::from_slice(&self.key)
            .ok_or_else(|| StoreError::Corrupt(format!("the key of subject `{}` is not 16 bytes", self.id)))?;
        Ok(Subject {
            status: parse_status(&self.status)?,
            key,
            birth_date: self.birth_date,
            age,
            age_known_on: self.age_known_on,
            guardian: self.guardian,
            phone,
            email,
            erased: from_json(&self.erased, "erased fields")?,
            created_ms: self.created_ms,
            updated_ms: self.updated_ms,
            pseudonym: self.pseudonym,
            id: self.id,
        })
    }
}

pub(crate) fn status_str(s: SubjectStatus) -> &'static str {
    match s {
        SubjectStatus::Active => "active",
        SubjectStatus::Restricted => "restricted",
        SubjectStatus::Cancelled => "cancelled",
    }
}

fn parse_status(s: &str) -> Result<SubjectStatus> {
    match s {
        "active" => Ok(SubjectStatus::Active),
        "restricted" => Ok(SubjectStatus::Restricted),
        other => Err(StoreError::Corrupt(format!("unknown subject status `{other}`"))),
    }
}

/// Associated data binding a ciphertext to its subject and column.
fn aad(subject: &str, kind: ContactKind) -> Vec<u8> {
    let col = match kind {
        ContactKind::Phone => "phone",
        ContactKind::Email => "email",
    };
    format!("gebao/subject/{subject}/{col}").into_bytes()
}

/// The day (UTC) of a Unix-millisecond time.
fn day_of(ms: i64) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.date_naive())
}

/// A contact point as stored: ciphertext and blind index (both absent when not given).
type Sealed = (Option<Vec<u8>>, Option<Vec<u8>>);

fn seal(keys: &Keys, id: &str, kind: ContactKind, v: &Option<String>) -> Result<Sealed> {
    match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok((None, None)),
        Some(v) => Ok((Some(keys.encrypt(v.as_bytes(), &aad(id, kind))?), Some(keys.blind_index(kind, v).to_vec()))),
    }
}

async fn row_by_key(tx: &mut Tx, key: &SubjectKey, lock: bool) -> Result<Option<SubjectRow>> {
    let lock = if lock { tx.dialect().for_update() } else { "" };
    let sql = format!("SELECT {SUBJECT_COLS} FROM subjects WHERE key = $1{lock}");
    tx.opt(&sql, params![key.0.as_slice()]).await?.map(|r| SubjectRow::read(&r)).transpose()
}

async fn row_of(tx: &mut Tx, keys: &Keys, id: &str, lock: bool) -> Result<Option<SubjectRow>> {
    Ok(row_by_key(tx, &keys.subject_key(id), lock).await?.filter(|r| r.id == id))
}

/// Registers a subject or replaces its profile (status, pseudonym and creation time are
/// kept). An id whose record was erased starts a new registration: a new pseudonym, no
/// consents, and its tombstone removed.
pub(crate) async fn put(tx: &mut Tx, keys: &Keys, s: NewSubject, audit: NewAudit) -> Result<Subject> {
    let id = s.id.clone();
    put_many(tx, keys, vec![(s, audit)])
        .await?
        .pop()
        .ok_or_else(|| StoreError::Corrupt(format!("subject `{id}` was not written")))?
        .decode(keys)
}

/// A subject to put: its key, the profile, its audit entry and the row before it.
type Put = (SubjectKey, NewSubject, NewAudit, Option<SubjectRow>);

/// Puts numbered by their place in the batch.
type Puts = Vec<(usize, Put)>;

/// Registers or updates subjects in one transaction — each row, its audit entry with the
/// row's digest and its change-feed entry — with a few statements a chunk, not several a
/// subject (one subject through the API, thousands in a bulk import). Of several entries for
/// one id, the last wins. Returns the rows as written, one an id.
pub(crate) async fn put_many(tx: &mut Tx, keys: &Keys, batch: Vec<(NewSubject, NewAudit)>) -> Result<Vec<SubjectRow>> {
    // The last line for an id is the one that counts, as if they were put one by one.
    let mut order: Vec<SubjectKey> = Vec::with_capacity(batch.len());
    let mut latest: std::collections::HashMap<SubjectKey, (NewSubject, NewAudit)> =
        std::collections::HashMap::with_capacity(batch.len());
    for (s, a) in batch {
        let key = keys.subject_key(&s.id);
        if latest.insert(key, (s, a)).is_none() {
            order.push(key);
        }
    }
    let n = order.len();
    let lock = tx.dialect().for_update();
    if n > KEYS_PER_STATEMENT && tx.dialect() == Dialect::Postgres {
        // The lookups below are by primary key. With statistics from before a bulk import
        // PostgreSQL's planner prices 500 index probes above a scan of the table and chose
        // the scan about 180 times in a 200,000-subject import (auto_explain).
        tx.exec("SET LOCAL enable_seqscan = off", Vec::new()).await?;
    }
    let mut existing: std::collections::HashMap<SubjectKey, SubjectRow> = std::collections::HashMap::new();
    for chunk in order.chunks(KEYS_PER_STATEMENT) {
        let sql = format!("SELECT {SUBJECT_COLS} FROM subjects WHERE key IN ({}){lock}", placeholders(1, chunk.len()));
        let ps: Vec<Param> = chunk.iter().map(|k| Param::from(k.0.as_slice())).collect();
        for r in tx.all(&sql, ps).await? {
            let row = SubjectRow::read(&r)?;
            existing.insert(key_of(&row)?, row);
        }
    }
    // Each row as it will stand after the put (what a registration writes, or what an
    // update keeps of the row before it), written a chunk at a time while the next chunk is
    // sealed and digested for its audit entry. New registrations are plain inserts (on
    // SQLite an upsert keeps a statement journal, 7% of an import's time; on PostgreSQL an
    // id registered meanwhile by another instance fails the transaction as a conflict
    // instead of keeping a row other than the one audited); updates are upserts.
    let (fresh, updates): (Puts, Puts) = order
        .iter()
        .filter_map(|key| latest.remove(key).map(|(s, a)| (*key, s, a, existing.remove(key))))
        .enumerate()
        .partition(|(_, put)| put.3.is_none());
    let new: Vec<SubjectKey> = fresh.iter().map(|(_, put)| put.0).collect();
    let mut written_rows: Vec<Option<(SubjectRow, Entry)>> = Vec::new();
    written_rows.resize_with(n, || None);
    let mut build = |chunk: Puts| -> Result<Vec<Param>> {
        let mut ps: Vec<Param> = Vec::with_capacity(chunk.len() * 13);
        for (at, (key, s, mut audit, old)) in chunk {
            let r = written(keys, &key, &s, old)?;
            ps.extend(params![
                r.key.as_slice(),
                &r.id,
                &r.pseudonym,
                r.birth_date,
                r.age,
                r.age_known_on,
                r.guardian.as_deref(),
                r.phone_enc.as_deref(),
                r.phone_index.as_deref(),
                r.email_enc.as_deref(),
                r.email_index.as_deref(),
                r.created_ms,
                r.updated_ms
            ]);
            audit.target = r.target();
            let entry = Entry::with_state(audit, r.state_digest()?);
            written_rows[at] = Some((r, entry));
        }
        Ok(ps)
    };
    tx.insert_built(Insert::Append { what: "subject", table: "subjects", cols: WRITTEN_COLS }, fresh, &mut build)
        .await?;
    tx.insert_built(Insert::Statement { what: "subject", sql: upsert_sql, cols: 13 }, updates, &mut build).await?;
    let (rows, entries): (Vec<SubjectRow>, Vec<Entry>) = written_rows.into_iter().flatten().unzip();
    for chunk in new.chunks(KEYS_PER_STATEMENT) {
        let sql = format!("DELETE FROM tombstones WHERE key IN ({})", placeholders(1, chunk.len()));
        tx.exec(&sql, chunk.iter().map(|k| Param::from(k.0.as_slice())).collect()).await?;
    }
    audit::append(tx, keys, entries, order.into_iter().map(ChangeKind::Subject).collect()).await?;
    Ok(rows)
}

/// The row a put leaves under `key`: a new registration gets
/// a fresh pseudonym, is active and has nothing erased; an update replaces the profile and
/// keeps the status, pseudonym, erased fields and creation time of the row before it.
fn written(keys: &Keys, key: &SubjectKey, s: &NewSubject, old: Option<SubjectRow>) -> Result<SubjectRow> {
    let age = s.age.map(i16::from);
    let age_known_on = match (age, &old) {
        (None, _) => None,
        (Some(a), Some(o)) if o.age == Some(a) && o.age_known_on.is_some() => o.age_known_on,
        (Some(_), _) => day_of(s.at_ms),
    };
    let (phone_enc, phone_index) = seal(keys, &s.id, ContactKind::Phone, &s.phone)?;
    let (email_enc, email_index) = seal(keys, &s.id, ContactKind::Email, &s.email)?;
    let (pseudonym, status, erased, created_ms) = match old {
        Some(o) => (o.pseudonym, o.status, o.erased, o.created_ms),
        None => {
            let mut nonce = [0u8; 16];
            rand::rngs::OsRng.fill_bytes(&mut nonce);
            (
                keys.subject_pseudonym(&s.id, crate::crypto::next_order(), &nonce),
                status_str(SubjectStatus::Active).to_owned(),
                "{}".to_owned(),
                s.at_ms,
            )
        }
    };
    Ok(SubjectRow {
        key: key.0.to_vec(),
        id: s.id.clone(),
        pseudonym,
        status,
        birth_date: s.birth_date,
        age,
        age_known_on,
        guardian: s.guardian.clone(),
        phone_enc,
        phone_index,
        email_enc,
        email_index,
        erased,
        created_ms,
        updated_ms: s.at_ms,
    })
}

/// The columns a put writes.
const WRITTEN_COLS: &str = "key, id, pseudonym, birth_date, age, age_known_on, guardian, phone_enc, phone_index, \
     email_enc, email_index, created_ms, updated_ms";

/// Replaces the profile of `n` subjects registered already.
fn upsert_sql(n: usize) -> String {
    format!(
        "INSERT INTO subjects ({WRITTEN_COLS}) VALUES {} \
         ON CONFLICT (key) DO UPDATE SET birth_date = excluded.birth_date, age = excluded.age, \
         age_known_on = excluded.age_known_on, guardian = excluded.guardian, phone_enc = excluded.phone_enc, \
         phone_index = excluded.phone_index, email_enc = excluded.email_enc, email_index = excluded.email_index, \
         updated_ms = excluded.updated_ms",
        values(n, 13)
    )
}

/// Registered subjects after the id `after`, in id order, at most `limit`.
pub(crate) async fn page(tx: &mut Tx, keys: &Keys, after: &str, limit: i64) -> Result<Vec<Subject>> {
    let sql = format!("SELECT {SUBJECT_COLS} FROM subjects WHERE id > $1 ORDER BY id LIMIT $2");
    let rows = tx.all(&sql, params![after, limit]).await?;
    rows.iter().map(|r| SubjectRow::read(r)?.decode(keys)).collect()
}

/// A page of subjects as the decision state holds them, with their ledger records up to
/// `$1`, after the id `$2`, at most `$3`: one row, a JSON array of the page in id order.
/// A starting instance reads every subject this way; one row a subject (and one a record
/// before that) cost a wake-up of the reading task and an allocation a value each, most of
/// the time a start from the database took (docs/benchmarks.md).
pub(crate) fn state_page_sql(dialect: Dialect) -> String {
    let records = super::consents::records_subquery(dialect, "$1");
    // By pseudonym: the ledger names subjects by it, and pseudonyms count up as subjects are
    // written, so the subjects' rows and the ledger's index on them are both read in the
    // order they lie in, whatever the operator's ids look like.
    let page = "(SELECT * FROM subjects WHERE pseudonym > $2 ORDER BY pseudonym LIMIT $3) s";
    match dialect {
        Dialect::Sqlite => format!(
            "SELECT json_group_array(json_array(s.id, hex(s.key), s.pseudonym, s.status, s.birth_date, s.age, \
             s.age_known_on, json(s.erased), json({records})) ORDER BY s.pseudonym) AS page FROM {page}"
        ),
        Dialect::Postgres => format!(
            "SELECT COALESCE(json_agg(json_build_array(s.id, encode(s.key, 'hex'), s.pseudonym, s.status, \
             s.birth_date, s.age, s.age_known_on, s.erased::json, {records}) ORDER BY s.pseudonym), '[]'::json)::text \
             AS page FROM {page}"
        ),
    }
}

/// The subjects of a [`state_page_sql`] row, each with its records in ledger order.
pub(crate) fn states_of(page: &str) -> Result<Vec<LoadedSubject>> {
    type Fields = (
        String,
        String,
        String,
        String,
        Option<NaiveDate>,
        Option<i64>,
        Option<NaiveDate>,
        BTreeMap<String, i64>,
        Vec<super::consents::RecordFields>,
    );
    let rows: Vec<Fields> = serde_json::from_str(page)
        .map_err(|e| StoreError::Corrupt(format!("a page of subjects does not read: {e}")))?;
    rows.into_iter()
        .map(|(id, key, pseudonym, status, birth_date, age, age_known_on, erased, records)| {
            let key = hex::decode(&key)
                .ok()
                .and_then(|k| SubjectKey::from_slice(&k))
                .ok_or_else(|| StoreError::Corrupt(format!("the key of subject `{id}` is not 16 bytes")))?;
            let age = age
                .map(|a| u8::try_from(a).map_err(|_| StoreError::Corrupt(format!("age {a} of `{id}` out of range"))))
                .transpose()?;
            let state = SubjectState {
                status: parse_status(&status)?,
                key,
                pseudonym,
                birth_date,
                age,
                age_known_on,
                erased,
                id,
            };
            Ok((state, super::consents::records_of(records)?))
        })
        .collect()
}

fn key_of(row: &SubjectRow) -> Result<SubjectKey> {
    SubjectKey::from_slice(&row.key).ok_or_else(|| StoreError::Corrupt("a subject key is not 16 bytes".into()))
}

pub(crate) async fn get(tx: &mut Tx, keys: &Keys, id: &str) -> Result<Option<Subject>> {
    row_of(tx, keys, id, false).await?.map(|r| r.decode(keys)).transpose()
}

pub(crate) async fn get_by_key(tx: &mut Tx, keys: &Keys, key: &SubjectKey) -> Result<Option<SubjectRecord>> {
    if let Some(r) = row_by_key(tx, key, false).await? {
        return Ok(Some(SubjectRecord::Live(r.decode(keys)?)));
    }
    tombstone(tx, key).await.map(|t| t.map(SubjectRecord::Erased))
}

/// What the store knows of each of `wanted`: registered or erased; keys it knows nothing
/// of are left out. A few queries for many keys (an instance catching up with the change
/// feed after a bulk import reads a page of subjects at once, not one at a time).
pub(crate) async fn records_by_keys(
    tx: &mut Tx,
    keys: &Keys,
    wanted: &[SubjectKey],
) -> Result<Vec<(SubjectKey, SubjectRecord)>> {
    let mut out = Vec::with_capacity(wanted.len());
    for chunk in wanted.chunks(KEYS_PER_STATEMENT) {
        let sql = format!("SELECT {SUBJECT_COLS} FROM subjects WHERE key IN ({})", placeholders(1, chunk.len()));
        let ps = chunk.iter().map(|k| Param::from(k.0.as_slice())).collect();
        let mut live = std::collections::HashSet::new();
        for r in tx.all(&sql, ps).await? {
            let row = SubjectRow::read(&r)?;
            let key = key_of(&row)?;
            live.insert(key);
            out.push((key, SubjectRecord::Live(row.decode(keys)?)));
        }
        let erased: Vec<&SubjectKey> = chunk.iter().filter(|k| !live.contains(*k)).collect();
        if erased.is_empty() {
            continue;
        }
        let sql = format!("SELECT key, erased_ms FROM tombstones WHERE key IN ({})", placeholders(1, erased.len()));
        let ps = erased.iter().map(|k| Param::from(k.0.as_slice())).collect();
        for r in tx.all(&sql, ps).await? {
            let t = tombstone_of(&r)?;
            out.push((t.key, SubjectRecord::Erased(t)));
        }
    }
    Ok(out)
}

pub(crate) async fn tombstone(tx: &mut Tx, key: &SubjectKey) -> Result<Option<Tombstone>> {
    let row = tx.opt("SELECT key, erased_ms FROM tombstones WHERE key = $1", params![key.0.as_slice()]).await?;
    row.map(|r| tombstone_of(&r)).transpose()
}

pub(crate) fn tombstone_of(r: &Row) -> Result<Tombstone> {
    let key: Vec<u8> = r.get("key")?;
    let key =
        SubjectKey::from_slice(&key).ok_or_else(|| StoreError::Corrupt("a tombstone key is not 16 bytes".into()))?;
    Ok(Tombstone { key, erased_ms: r.get("erased_ms")? })
}

/// Sets a registered subject's status (active or restricted: a cancelled account is
/// erased instead, see [`erase`]).
pub(crate) async fn set_status(
    tx: &mut Tx,
    keys: &Keys,
    id: &str,
    status: SubjectStatus,
    mut audit: NewAudit,
) -> Result<Option<Subject>> {
    if status == SubjectStatus::Cancelled {
        return Err(StoreError::Conflict("a cancelled account is erased, not given a status".into()));
    }
    let key = keys.subject_key(id);
    let done = tx
        .exec(
            "UPDATE subjects SET status = $1, updated_ms = $2 WHERE key = $3 AND id = $4",
            params![status_str(status), audit.at_ms, key.0.as_slice(), id],
        )
        .await?;
    if done == 0 {
        return Ok(None);
    }
    finish_change(tx, keys, &key, &mut audit).await.map(Some)
}

/// Audits a change to a subject row with its new state, announces it, and returns it.
async fn finish_change(tx: &mut Tx, keys: &Keys, key: &SubjectKey, audit: &mut NewAudit) -> Result<Subject> {
    let row = row_by_key(tx, key, false)
        .await?
        .ok_or_else(|| StoreError::Corrupt("a subject vanished while being written".into()))?;
    audit.target = row.target();
    let state = row.state_digest()?;
    audit::append(tx, keys, vec![Entry::with_state(audit.clone(), state)], vec![ChangeKind::Subject(*key)]).await?;
    row.decode(keys)
}

/// PIPL 47 after a deletion request: records which fields were erased and when (decisions
/// then deny `field-erased` for data collected before), and with `clear_profile` (the whole
/// of the subject's information was erased) clears what gebao itself holds: contact points,
/// birth date and age. Closed requests of the subject lose their details.
pub(crate) async fn erase_fields(
    tx: &mut Tx,
    keys: &Keys,
    id: &str,
    fields: &[String],
    clear_profile: bool,
    mut audit: NewAudit,
) -> Result<Option<Subject>> {
    let key = keys.subject_key(id);
    let Some(row) = row_of(tx, keys, id, true).await? else { return Ok(None) };
    let mut erased: BTreeMap<String, i64> = from_json(&row.erased, "erased fields")?;
    for f in fields {
        erased.insert(f.clone(), audit.at_ms);
    }
    let mut sql = String::from("UPDATE subjects SET erased = $1, updated_ms = $2");
    if clear_profile {
        sql.push_str(
            ", birth_date = NULL, age = NULL, age_known_on = NULL, phone_enc = NULL, phone_index = NULL, \
             email_enc = NULL, email_index = NULL",
        );
    }
    sql.push_str(" WHERE key = $3");
    tx.exec(&sql, params![to_json(&erased)?, audit.at_ms, key.0.as_slice()]).await?;
    tx.exec("UPDATE requests SET details_enc = NULL WHERE subject = $1 AND closed_ms IS NOT NULL", params![id]).await?;
    finish_change(tx, keys, &key, &mut audit).await.map(Some)
}

/// What an erasure removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    pub tombstone: Tombstone,
    /// The pseudonym that stands for the subject in the ledger, the audit log and its
    /// requests from now on.
    pub pseudonym: String,
}

/// PIPL 47 after an account cancellation: erases gebao's own record of the subject. The
/// subject row goes and a tombstone stays; consent evidence is dropped (the chain keeps its
/// digest); the subject's requests — and requests it filed for others — name it by its
/// pseudonym, and lose their details; delivered messages of those requests lose their
/// payloads; children it was guardian of lose the link. The audit entry names only the
/// pseudonym: nothing maps it back to the id.
pub(crate) async fn erase(tx: &mut Tx, keys: &Keys, id: &str, mut audit: NewAudit) -> Result<Option<Erased>> {
    let key = keys.subject_key(id);
    let Some(row) = row_of(tx, keys, id, true).await? else { return Ok(None) };
    let p = row.pseudonym.clone();
    tx.exec("DELETE FROM subjects WHERE key = $1", params![key.0.as_slice()]).await?;
    tx.exec("DELETE FROM portal_links WHERE subject_key = $1", params![key.0.as_slice()]).await?;
    tx.exec("DELETE FROM portal_codes WHERE subject_key = $1", params![key.0.as_slice()]).await?;
    tx.exec(
        "INSERT INTO tombstones (key, erased_ms) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET erased_ms = excluded.erased_ms",
        params![key.0.as_slice(), audit.at_ms],
    )
    .await?;
    tx.exec("UPDATE consents SET evidence = NULL WHERE subject = $1", params![&p]).await?;
    pseudonymise_requests(tx, id, &p).await?;
    let mut entries = Vec::new();
    let mut changes = vec![ChangeKind::Subject(key)];
    for child in children(tx, id).await? {
        tx.exec(
            "UPDATE subjects SET guardian = NULL, updated_ms = $1 WHERE key = $2",
            params![audit.at_ms, child.key.as_slice()],
        )
        .await?;
        let after = row_by_key(tx, &child.subject_key()?, false)
            .await?
            .ok_or_else(|| StoreError::Corrupt("a subject vanished while being written".into()))?;
        let entry = NewAudit {
            actor: audit.actor.clone(),
            action: AuditAction::SubjectGuardianErased,
            target: after.target(),
            reason: Some(format!("guardian {}", p)),
            detail: json!({}),
            at_ms: audit.at_ms,
        };
        entries.push(Entry::with_state(entry, after.state_digest()?));
        changes.push(ChangeKind::Subject(child.subject_key()?));
    }
    audit.target = row.target();
    entries.insert(0, Entry::with_state(audit.clone(), ERASED_STATE.into()));
    audit::append(tx, keys, entries, changes).await?;
    Ok(Some(Erased { tombstone: Tombstone { key, erased_ms: audit.at_ms }, pseudonym: p }))
}

struct Child {
    key: Vec<u8>,
}

impl Child {
    fn subject_key(&self) -> Result<SubjectKey> {
        SubjectKey::from_slice(&self.key).ok_or_else(|| StoreError::Corrupt("a subject key is not 16 bytes".into()))
    }
}

async fn children(tx: &mut Tx, guardian: &str) -> Result<Vec<Child>> {
    let rows = tx.all("SELECT key FROM subjects WHERE guardian = $1", params![guardian]).await?;
    rows.iter().map(|r| Ok(Child { key: r.get("key")? })).collect()
}

/// The requests about `id` or filed by `id` name it by `pseudonym` from now on and lose
/// their details; payloads of their delivered or abandoned messages are dropped (messages
/// still owed, e.g. deletion notices to recipients, keep theirs until delivered).
async fn pseudonymise_requests(tx: &mut Tx, id: &str, pseudonym: &str) -> Result<()> {
    let rows = tx
        .all("SELECT id, requester, verified_as FROM requests WHERE subject = $1 OR requester_id = $1", params![id])
        .await?;
    let quoted = (to_json(id)?, to_json(pseudonym)?);
    for r in rows {
        let rid: String = r.get("id")?;
        let mut requester: crate::request::Requester = from_json(&r.get::<String>("requester")?, "requester")?;
        if requester.id == id {
            requester.id = pseudonym.to_owned();
        }
        let verified: Option<String> = r.get("verified_as")?;
        let verified = verified.map(|v| if v == id { pseudonym.to_owned() } else { v });
        tx.exec(
            "UPDATE requests SET subject = CASE WHEN subject = $1 THEN $2 ELSE subject END, \
             requester_id = CASE WHEN requester_id = $1 THEN $2 ELSE requester_id END, requester = $3, \
             verified_as = $4, details_enc = NULL, version = version + 1 WHERE id = $5",
            params![id, pseudonym, to_json(&requester)?, verified, &rid],
        )
        .await?;
        // Events should never name a user; if one did, it names the pseudonym now.
        tx.exec(
            "UPDATE request_events SET detail = REPLACE(detail, $1, $2) WHERE request_id = $3",
            params![&quoted.0, &quoted.1, &rid],
        )
        .await?;
        tx.exec(
            "UPDATE outbox SET payload_enc = NULL WHERE request_id = $1 AND state IN ('delivered', 'failed')",
            params![&rid],
        )
        .await?;
    }
    Ok(())
}

/// Looks subjects up by ids inside a write: id → (key, pseudonym); `NotFound` naming the
/// first unknown id.
pub(crate) async fn resolve(tx: &mut Tx, ids: &[&str]) -> Result<BTreeMap<String, (SubjectKey, String)>> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(KEYS_PER_STATEMENT) {
        let sql = format!("SELECT id, key, pseudonym FROM subjects WHERE id IN ({})", placeholders(1, chunk.len()));
        let ps: Vec<Param> = chunk.iter().map(|id| Param::from(*id)).collect();
        for r in tx.all(&sql, ps).await? {
            let key: Vec<u8> = r.get("key")?;
            let key = SubjectKey::from_slice(&key)
                .ok_or_else(|| StoreError::Corrupt("a subject key is not 16 bytes".into()))?;
            out.insert(r.get("id")?, (key, r.get("pseudonym")?));
        }
    }
    if let Some(missing) = ids.iter().find(|id| !out.contains_key(**id)) {
        return Err(StoreError::NotFound(format!("subject `{missing}`")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::digest;

    /// The digest every audit entry of a subject records, as it was defined: the canonical
    /// JSON of this object. Rows audited before must still verify.
    fn digest_as_defined(r: &SubjectRow) -> String {
        let hex = |b: &Option<Vec<u8>>| b.as_ref().map(hex::encode);
        digest(&json!({
            "key": hex::encode(&r.key),
            "id": r.id,
            "pseudonym": r.pseudonym,
            "status": r.status,
            "birth_date": r.birth_date.map(|d| d.to_string()),
            "age": r.age,
            "age_known_on": r.age_known_on.map(|d| d.to_string()),
            "guardian": r.guardian,
            "phone_enc": hex(&r.phone_enc),
            "phone_index": hex(&r.phone_index),
            "email_enc": hex(&r.email_enc),
            "email_index": hex(&r.email_index),
            "erased": serde_json::from_str::<serde_json::Value>(&r.erased).unwrap(),
            "created_ms": r.created_ms,
            "updated_ms": r.updated_ms,
        }))
    }

    #[test]
    fn state_digest_is_the_digest_of_the_row_as_defined() {
        let bare = SubjectRow {
            key: vec![0, 255, 7],
            id: "u\"1\u{2028}个".into(),
            pseudonym: "p1".into(),
            status: "active".into(),
            birth_date: None,
            age: None,
            age_known_on: None,
            guardian: None,
            phone_enc: None,
            phone_index: None,
            email_enc: None,
            email_index: None,
            erased: "{}".into(),
            created_ms: 1,
            updated_ms: 2,
        };
        let full = SubjectRow {
            status: "restricted".into(),
            birth_date: NaiveDate::from_ymd_opt(2012, 2, 29),
            age: Some(13),
            age_known_on: NaiveDate::from_ymd_opt(2025, 1, 1),
            guardian: Some("g-1".into()),
            phone_enc: Some(vec![1, 2, 3]),
            phone_index: Some(vec![4]),
            email_enc: Some(vec![5]),
            email_index: Some(vec![6, 7]),
            erased: r#"{"phone":1700000000000,"email":{"at":1,"by":"r-1"}}"#.into(),
            ..bare.clone()
        };
        for r in [&bare, &full] {
            assert_eq!(r.state_digest().unwrap(), digest_as_defined(r));
        }
    }
}
