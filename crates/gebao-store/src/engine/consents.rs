//! The consent ledger: appended in batches (one transaction, one fsync), HMAC-chained, the
//! subject named by its registration's pseudonym and the evidence by its digest.

use super::audit::{self, Entry};
use super::db::{Dialect, Insert, Param, Row, Tx, params};
use super::heads;
use super::json::{from_json, stored_json};
use super::subjects;
use crate::chain::{Chain, ConsentFields, digest};
use crate::crypto::{Keys, SubjectKey};
use crate::model::*;
use crate::{Result, StoreError};
use gebao_core::decision::{ConsentAction, ConsentRecord, ConsentScope};
use serde_json::{Value, json};

pub(crate) const CONSENT_COLS: &str = "seq, subject, scope, action, policy_version, channel, evidence, \
     evidence_digest, by_guardian, actor, at_ms, prev_hash, hash";

/// [`CONSENT_COLS`] of `consents c` with the live registration's key and id (`s`).
pub(crate) const CONSENT_JOIN: &str = "c.seq, c.subject, c.scope, c.action, c.policy_version, c.channel, \
     c.evidence, c.evidence_digest, c.by_guardian, c.actor, c.at_ms, c.prev_hash, c.hash, s.key AS skey, s.id AS sid \
     FROM consents c LEFT JOIN subjects s ON s.pseudonym = c.subject";

pub(crate) fn action_str(a: ConsentAction) -> &'static str {
    match a {
        ConsentAction::Grant => "grant",
        ConsentAction::Withdraw => "withdraw",
    }
}

fn parse_action(s: &str) -> Result<ConsentAction> {
    match s {
        "grant" => Ok(ConsentAction::Grant),
        "withdraw" => Ok(ConsentAction::Withdraw),
        other => Err(StoreError::Corrupt(format!("unknown consent action `{other}`"))),
    }
}

/// A consent row as stored, before decoding.
pub(crate) struct StoredConsent {
    pub seq: i64,
    pub subject: String,
    pub scope: String,
    pub action: String,
    pub policy_version: i64,
    pub channel: String,
    pub evidence: Option<String>,
    pub evidence_digest: String,
    pub by_guardian: bool,
    pub actor: String,
    pub at_ms: i64,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredConsent {
    pub(crate) fn read(r: &Row) -> Result<Self> {
        Ok(StoredConsent {
            seq: r.get("seq")?,
            subject: r.get("subject")?,
            scope: r.get("scope")?,
            action: r.get("action")?,
            policy_version: r.get("policy_version")?,
            channel: r.get("channel")?,
            evidence: r.get("evidence")?,
            evidence_digest: r.get("evidence_digest")?,
            by_guardian: r.get("by_guardian")?,
            actor: r.get("actor")?,
            at_ms: r.get("at_ms")?,
            prev_hash: r.get("prev_hash")?,
            hash: r.get("hash")?,
        })
    }

    /// What the hash of this row should be, from what is stored; `Err` when the row cannot
    /// be read back or its evidence no longer matches the digest the chain holds.
    pub(crate) fn recompute(&self, keys: &Keys) -> std::result::Result<String, String> {
        let scope: Value = serde_json::from_str(&self.scope).map_err(|e| format!("scope: {e}"))?;
        if let Some(e) = &self.evidence {
            let v: Value = serde_json::from_str(e).map_err(|e| format!("evidence: {e}"))?;
            if digest(&v) != self.evidence_digest {
                return Err("the evidence no longer matches the digest in the chain".into());
            }
        }
        Ok(ConsentFields {
            seq: self.seq,
            subject: &self.subject,
            scope: &scope,
            action: &self.action,
            policy_version: self.policy_version,
            channel: &self.channel,
            evidence_digest: &self.evidence_digest,
            by_guardian: self.by_guardian,
            actor: &self.actor,
            at_ms: self.at_ms,
        }
        .hash(keys, &self.prev_hash))
    }

    /// The record, with the subject named by `subject` (the id, or the pseudonym of an
    /// erased registration) and its key while live.
    pub(crate) fn decode(self, subject: Option<(SubjectKey, String)>) -> Result<ConsentRow> {
        let scope: ConsentScope = from_json(&self.scope, "consent scope")?;
        let evidence = match &self.evidence {
            Some(e) => from_json(e, "consent evidence")?,
            None => Value::Null,
        };
        let (subject_key, name) = match subject {
            Some((k, id)) => (Some(k), id),
            None => (None, self.subject),
        };
        Ok(ConsentRow {
            seq: self.seq,
            record: NewConsent {
                subject: name,
                scope,
                action: parse_action(&self.action)?,
                policy_version: self.policy_version,
                channel: self.channel,
                evidence,
                by_guardian: self.by_guardian,
                actor: self.actor,
                at_ms: self.at_ms,
            },
            subject_key,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

/// A row of [`CONSENT_JOIN`].
pub(crate) fn joined(r: &Row) -> Result<ConsentRow> {
    let key: Option<Vec<u8>> = r.get("skey")?;
    let id: Option<String> = r.get("sid")?;
    let live = match (key, id) {
        (Some(k), Some(id)) => Some((
            SubjectKey::from_slice(&k).ok_or_else(|| StoreError::Corrupt("a subject key is not 16 bytes".into()))?,
            id,
        )),
        _ => None,
    };
    StoredConsent::read(r)?.decode(live)
}

/// Each subject's records up to a ledger seq, as one JSON array: the subquery to select
/// beside the columns of `subjects s` (see `subjects::state_page_sql`); [`records_of`]
/// reads it. The array's order is not the ledger's.
pub(crate) fn records_subquery(dialect: Dialect, seq_param: &str) -> String {
    let fields = "c.seq, c.scope, c.action, c.policy_version, c.by_guardian, c.at_ms";
    let cond = format!("c.subject = s.pseudonym AND c.seq <= {seq_param}");
    match dialect {
        Dialect::Sqlite => format!("(SELECT json_group_array(json_array({fields})) FROM consents c WHERE {cond})"),
        Dialect::Postgres => {
            format!("(SELECT COALESCE(json_agg(json_build_array({fields})), '[]'::json) FROM consents c WHERE {cond})")
        }
    }
}

/// A record of a [`records_subquery`] array: seq, scope (JSON text), action, policy
/// version, by guardian (an integer on SQLite, a boolean on PostgreSQL), at.
pub(crate) type RecordFields = (i64, String, String, i64, Flag, i64);

/// A boolean as either engine's JSON gives it.
#[derive(serde::Deserialize)]
#[serde(untagged)]
pub(crate) enum Flag {
    Bool(bool),
    Int(i64),
}

/// The records of a [`records_subquery`] array, in ledger order.
pub(crate) fn records_of(rows: Vec<RecordFields>) -> Result<Vec<(i64, ConsentRecord)>> {
    let mut out = rows
        .into_iter()
        .map(|(seq, scope, action, policy_version, by_guardian, at_ms)| {
            let record = ConsentRecord {
                scope: from_json(&scope, "consent scope")?,
                action: parse_action(&action)?,
                policy_version: u32::try_from(policy_version).unwrap_or(0),
                at_ms,
                by_guardian: match by_guardian {
                    Flag::Bool(b) => b,
                    Flag::Int(i) => i != 0,
                },
            };
            Ok((seq, record))
        })
        .collect::<Result<Vec<_>>>()?;
    out.sort_unstable_by_key(|(seq, _)| *seq);
    Ok(out)
}

/// Appends a batch in one transaction: every record, its audit entry and the new chain head
/// commit together, or nothing does (`NotFound` naming an unregistered subject).
pub(crate) async fn append(tx: &mut Tx, keys: &Keys, batch: Vec<NewConsent>) -> Result<Vec<ConsentRow>> {
    append_audited(tx, keys, batch, Audited::PerRecord).await
}

/// Appends imported records like [`append`], with one audit entry for the batch.
pub(crate) async fn import(
    tx: &mut Tx,
    keys: &Keys,
    batch: Vec<NewConsent>,
    audit: NewAudit,
) -> Result<Vec<ConsentRow>> {
    append_audited(tx, keys, batch, Audited::Batch(audit)).await
}

/// How the records of a write enter the audit log.
enum Audited {
    /// One entry per record (the API).
    PerRecord,
    /// One entry for the batch, its detail completed with the seqs and the count (an
    /// import: the ledger holds each record with its actor and time).
    Batch(NewAudit),
}

async fn append_audited(tx: &mut Tx, keys: &Keys, batch: Vec<NewConsent>, audited: Audited) -> Result<Vec<ConsentRow>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<&str> = batch.iter().map(|c| c.subject.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    // Resolved before the heads are locked: a transaction waiting for them has its
    // subjects already.
    let resolved = subjects::resolve(tx, &ids).await?;
    let (seq, prev) = lock_heads(tx).await?;
    let mut named = Vec::with_capacity(batch.len());
    for c in batch {
        let (key, pseudonym) = resolved
            .get(&c.subject)
            .cloned()
            .ok_or_else(|| StoreError::NotFound(format!("subject `{}`", c.subject)))?;
        named.push((c, Some(key), pseudonym));
    }
    write(tx, keys, named, seq, prev, audited).await
}

/// Appends a banner visitor's choices (`subject` is the visitor's random id) in one
/// transaction, like [`append`]: the ledger names the visitor by its `v_` pseudonym, which
/// no registration has, and the rows come back under that pseudonym.
pub(crate) async fn append_visitors(tx: &mut Tx, keys: &Keys, batch: Vec<NewConsent>) -> Result<Vec<ConsentRow>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let (seq, prev) = lock_heads(tx).await?;
    let named = batch
        .into_iter()
        .map(|mut c| {
            let pseudonym = keys.visitor_pseudonym(&c.subject);
            c.subject.clone_from(&pseudonym);
            (c, None, pseudonym)
        })
        .collect();
    write(tx, keys, named, seq, prev, Audited::PerRecord).await
}

/// Locks both chain heads a consent write appends to, in one statement, and returns the
/// consent ledger's.
async fn lock_heads(tx: &mut Tx) -> Result<(i64, String)> {
    let mut both = heads::lock(tx, &[Chain::Consents, Chain::Audit]).await?;
    Ok(both.remove(0))
}

/// Chains, inserts and audits records whose subjects are already named.
async fn write(
    tx: &mut Tx,
    keys: &Keys,
    named: Vec<(NewConsent, Option<SubjectKey>, String)>,
    mut seq: i64,
    mut prev: String,
    audited: Audited,
) -> Result<Vec<ConsentRow>> {
    struct Write {
        row: ConsentRow,
        pseudonym: String,
    }
    let last = seq + i64::try_from(named.len()).map_err(|_| StoreError::Corrupt("batch too large".into()))?;
    tx.make_room(Chain::Consents, last).await?;
    let mut writes = Vec::with_capacity(named.len());
    // Each chunk chained and encoded while the one before is written.
    let chain_chunk = |chunk: Vec<(NewConsent, Option<SubjectKey>, String)>| -> Result<Vec<Param>> {
        let mut ps: Vec<Param> = Vec::with_capacity(chunk.len() * 13);
        for (mut c, key, pseudonym) in chunk {
            seq += 1;
            let (scope, scope_back) =
                stored_json(&serde_json::to_value(&c.scope).map_err(|e| StoreError::Corrupt(e.to_string()))?)?;
            let (evidence, back) = stored_json(&c.evidence)?;
            c.evidence = back;
            let evidence_digest = digest(&c.evidence);
            let hash = ConsentFields {
                seq,
                subject: &pseudonym,
                scope: &scope_back,
                action: action_str(c.action),
                policy_version: c.policy_version,
                channel: &c.channel,
                evidence_digest: &evidence_digest,
                by_guardian: c.by_guardian,
                actor: &c.actor,
                at_ms: c.at_ms,
            }
            .hash(keys, &prev);
            ps.extend(params![
                seq,
                &pseudonym,
                scope,
                action_str(c.action),
                c.policy_version,
                &c.channel,
                evidence,
                &evidence_digest,
                c.by_guardian,
                &c.actor,
                c.at_ms,
                &prev,
                &hash
            ]);
            let row = ConsentRow {
                seq,
                record: c,
                subject_key: key,
                prev_hash: std::mem::replace(&mut prev, hash.clone()),
                hash,
            };
            writes.push(Write { row, pseudonym });
        }
        Ok(ps)
    };
    let insert = Insert::Append { what: "consent record", table: "consents", cols: CONSENT_COLS };
    tx.insert_built(insert, named, chain_chunk).await?;
    debug_assert_eq!(seq, last);
    heads::set(tx, keys, Chain::Consents, seq, &prev)?;
    let entries = match audited {
        Audited::Batch(mut a) => {
            let (first, last) = (writes.first().map_or(0, |w| w.row.seq), seq);
            let mut detail = json!({ "first_seq": first, "last_seq": last, "records": writes.len() });
            if let (Some(d), Some(extra)) = (detail.as_object_mut(), a.detail.as_object()) {
                d.extend(extra.clone());
            }
            a.detail = detail;
            vec![Entry::plain(a)]
        }
        Audited::PerRecord => writes
            .iter()
            .map(|w| {
                let c = &w.row.record;
                Entry::plain(NewAudit {
                    actor: c.actor.clone(),
                    action: match c.action {
                        ConsentAction::Grant => AuditAction::ConsentGrant,
                        ConsentAction::Withdraw => AuditAction::ConsentWithdraw,
                    },
                    target: match w.row.subject_key {
                        Some(_) => format!("subject:{}", w.pseudonym),
                        None => format!("visitor:{}", w.pseudonym),
                    },
                    reason: None,
                    detail: json!({
                        "seq": w.row.seq,
                        "scope": c.scope.to_string(),
                        "policy_version": c.policy_version,
                        "channel": c.channel,
                        "by_guardian": c.by_guardian,
                    }),
                    at_ms: c.at_ms,
                })
            })
            .collect(),
    };
    audit::append(tx, keys, entries, Vec::new()).await?;
    tx.wake_others();
    Ok(writes.into_iter().map(|w| w.row).collect())
}

/// One live subject's ledger, oldest first.
pub(crate) async fn of_subject(tx: &mut Tx, keys: &Keys, id: &str) -> Result<Vec<ConsentRow>> {
    let Some(s) = subjects::get(tx, keys, id).await? else { return Ok(Vec::new()) };
    let sql = format!("SELECT {CONSENT_COLS} FROM consents WHERE subject = $1 ORDER BY seq");
    let rows = tx.all(&sql, params![&s.pseudonym]).await?;
    rows.iter().map(|r| StoredConsent::read(r)?.decode(Some((s.key, s.id.clone())))).collect()
}

/// How many subjects (and website visitors) stand granted or withdrawn in each scope, by
/// the policy version of their latest record in it: the ledger's current state, counted in
/// the database (one pass, no row leaves it).
/// Grants and withdrawals recorded in a period, counted in the database.
pub(crate) async fn actions(tx: &mut Tx, since_ms: i64, until_ms: i64) -> Result<(i64, i64)> {
    let sql = "SELECT COALESCE(SUM(CASE WHEN action = 'grant' THEN 1 ELSE 0 END), 0) AS grants, \
               COALESCE(SUM(CASE WHEN action = 'withdraw' THEN 1 ELSE 0 END), 0) AS withdrawals \
               FROM consents WHERE at_ms >= $1 AND at_ms < $2";
    match tx.opt(sql, params![since_ms, until_ms]).await? {
        Some(r) => Ok((r.get("grants")?, r.get("withdrawals")?)),
        None => Ok((0, 0)),
    }
}

pub(crate) async fn figures(tx: &mut Tx) -> Result<Vec<ConsentFigure>> {
    let sql = "SELECT c.scope AS scope, c.policy_version AS policy_version, \
               SUM(CASE WHEN c.action = 'grant' THEN 1 ELSE 0 END) AS granted, \
               SUM(CASE WHEN c.action = 'withdraw' THEN 1 ELSE 0 END) AS withdrawn \
               FROM consents c \
               JOIN (SELECT subject, scope, MAX(seq) AS seq FROM consents GROUP BY subject, scope) latest \
               ON latest.seq = c.seq \
               GROUP BY c.scope, c.policy_version ORDER BY c.scope, c.policy_version";
    let rows = tx.all(sql, Vec::new()).await?;
    rows.iter()
        .map(|r| {
            let scope: String = r.get("scope")?;
            Ok(ConsentFigure {
                scope: from_json(&scope, "consent scope")?,
                policy_version: r.get("policy_version")?,
                granted: r.get("granted")?,
                withdrawn: r.get("withdrawn")?,
            })
        })
        .collect()
}
