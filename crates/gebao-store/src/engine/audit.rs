//! The audit log and the change feed. Every audited write appends its entries here inside
//! its own transaction, under the audit head lock; the change feed entries that tell other
//! instances what to re-read are numbered under the same lock, so both are gap-free in
//! commit order whichever instance wrote them.

use super::db::{Insert, Param, Row, Tx, params};
use super::heads;
use super::json::{from_json, stored_json};
use crate::chain::{AuditFields, Chain};
use crate::crypto::{Keys, SubjectKey};
use crate::model::{AuditRow, Change, ChangeKind, NewAudit};
use crate::{Result, StoreError};

pub(crate) const AUDIT_COLS: &str = "seq, actor, action, target, reason, detail, state, at_ms, prev_hash, hash";

/// An entry to append, with the digest of the row it changed (`None` for entries that
/// change no covered row).
pub(crate) struct Entry {
    pub audit: NewAudit,
    pub state: Option<String>,
}

impl Entry {
    pub(crate) fn plain(audit: NewAudit) -> Self {
        Entry { audit, state: None }
    }

    pub(crate) fn with_state(audit: NewAudit, state: String) -> Self {
        Entry { audit, state: Some(state) }
    }
}

/// Appends `entries` at the end of the audit chain and `changes` to the change feed, inside
/// the caller's transaction.
pub(crate) async fn append(
    tx: &mut Tx,
    keys: &Keys,
    entries: Vec<Entry>,
    changes: Vec<ChangeKind>,
) -> Result<Vec<AuditRow>> {
    if entries.is_empty() && changes.is_empty() {
        return Ok(Vec::new());
    }
    let (mut seq, mut prev) = heads::lock_one(tx, Chain::Audit).await?;
    let last = seq + i64::try_from(entries.len()).map_err(|_| StoreError::Corrupt("too many audit entries".into()))?;
    tx.make_room(Chain::Audit, last).await?;
    let mut rows = Vec::with_capacity(entries.len());
    // Each chunk chained and encoded while the one before is written.
    let chain_chunk = |chunk: Vec<Entry>| -> Result<Vec<Param>> {
        let mut ps: Vec<Param> = Vec::with_capacity(chunk.len() * 10);
        for Entry { mut audit, state } in chunk {
            seq += 1;
            let (detail, back) = stored_json(&audit.detail)?;
            audit.detail = back;
            let action = audit.action.as_str();
            let hash = AuditFields {
                seq,
                actor: &audit.actor,
                action: &action,
                target: &audit.target,
                reason: audit.reason.as_deref(),
                detail: &audit.detail,
                state: state.as_deref(),
                at_ms: audit.at_ms,
            }
            .hash(keys, &prev);
            ps.extend(params![
                seq,
                &audit.actor,
                action.into_owned(),
                &audit.target,
                audit.reason.as_deref(),
                detail,
                state.as_deref(),
                audit.at_ms,
                &prev,
                &hash
            ]);
            rows.push(AuditRow {
                seq,
                entry: audit,
                state,
                prev_hash: std::mem::replace(&mut prev, hash.clone()),
                hash,
            });
        }
        Ok(ps)
    };
    tx.insert_built(Insert::Append { what: "audit entry", table: "audit_log", cols: AUDIT_COLS }, entries, chain_chunk)
        .await?;
    debug_assert_eq!(seq, last);
    if !rows.is_empty() {
        heads::set(tx, keys, Chain::Audit, seq, &prev)?;
    }
    if !changes.is_empty() {
        record_changes(tx, changes, rows.last().map_or_else(crate::now_ms, |r| r.entry.at_ms)).await?;
    }
    Ok(rows)
}

/// Changes deleted per transaction when the feed is pruned.
const PRUNED_PER_TX: i64 = 5_000;

/// The first change to keep when those before `before_ms` are pruned: the oldest recorded
/// at or after it, and never past the newest; `None` when the feed is empty.
pub(crate) async fn kept_changes_from(tx: &mut Tx, before_ms: i64) -> Result<Option<i64>> {
    let sql = "SELECT (SELECT MIN(seq) FROM changes WHERE at_ms >= $1) AS young, \
               (SELECT MAX(seq) FROM changes) AS newest";
    let Some(row) = tx.opt(sql, params![before_ms]).await? else { return Ok(None) };
    let (young, newest): (Option<i64>, Option<i64>) = (row.get("young")?, row.get("newest")?);
    Ok(newest.map(|newest| young.map_or(newest, |y| y.min(newest))))
}

/// Deletes up to [`PRUNED_PER_TX`] of the oldest changes below `keep_from`; how many.
pub(crate) async fn prune_changes(tx: &mut Tx, keep_from: i64) -> Result<u64> {
    let sql = "DELETE FROM changes WHERE seq < $1 AND seq < \
               (SELECT COALESCE(MIN(seq), 0) FROM changes) + $2";
    tx.exec(sql, params![keep_from, PRUNED_PER_TX]).await
}

/// Appends to the change feed. Callers hold the audit head lock (through [`append`]), which
/// serialises the numbering across instances.
async fn record_changes(tx: &mut Tx, changes: Vec<ChangeKind>, at_ms: i64) -> Result<()> {
    let row = tx.opt("SELECT COALESCE(MAX(seq), 0) AS seq FROM changes", Vec::new()).await?;
    let mut seq: i64 = row.map(|r| r.get("seq")).transpose()?.unwrap_or(0);
    let number = |chunk: Vec<ChangeKind>| -> Result<Vec<Param>> {
        let mut ps: Vec<Param> = Vec::with_capacity(chunk.len() * 4);
        for c in &chunk {
            seq += 1;
            let (kind, key) = change_columns(c);
            ps.extend(params![seq, kind, key, at_ms]);
        }
        Ok(ps)
    };
    tx.insert_built(
        Insert::Append { what: "change", table: "changes", cols: "seq, kind, key, at_ms" },
        changes,
        number,
    )
    .await?;
    tx.wake_others();
    Ok(())
}

fn change_columns(c: &ChangeKind) -> (&'static str, String) {
    match c {
        ChangeKind::Subject(k) => ("subject", k.to_hex()),
        ChangeKind::ApiKey(id) => ("api-key", id.clone()),
        ChangeKind::Policy(v) => ("policy", v.to_string()),
        ChangeKind::Termination(id) => ("termination", id.clone()),
    }
}

pub(crate) fn change(r: &Row) -> Result<Change> {
    let (kind, key): (String, String) = (r.get("kind")?, r.get("key")?);
    let bad = || StoreError::Corrupt(format!("change feed entry `{kind}:{key}`"));
    let change = match kind.as_str() {
        "subject" => ChangeKind::Subject(SubjectKey::from_hex(&key).ok_or_else(bad)?),
        "api-key" => ChangeKind::ApiKey(key.clone()),
        "policy" => ChangeKind::Policy(key.parse().map_err(|_| bad())?),
        "termination" => ChangeKind::Termination(key.clone()),
        _ => return Err(bad()),
    };
    Ok(Change { seq: r.get("seq")?, change, at_ms: r.get("at_ms")? })
}

pub(crate) fn audit_row(r: &Row) -> Result<AuditRow> {
    let detail: String = r.get("detail")?;
    let action: String = r.get("action")?;
    Ok(AuditRow {
        seq: r.get("seq")?,
        entry: NewAudit {
            actor: r.get("actor")?,
            action: action.parse().map_err(StoreError::Corrupt)?,
            target: r.get("target")?,
            reason: r.get("reason")?,
            detail: from_json(&detail, "audit detail")?,
            at_ms: r.get("at_ms")?,
        },
        state: r.get("state")?,
        prev_hash: r.get("prev_hash")?,
        hash: r.get("hash")?,
    })
}

/// The state digest the last audit entry recorded for `target`, if any.
pub(crate) async fn last_state(tx: &mut Tx, target: &str) -> Result<Option<String>> {
    let row = tx
        .opt(
            "SELECT state FROM audit_log WHERE target = $1 AND state IS NOT NULL ORDER BY seq DESC LIMIT 1",
            params![target],
        )
        .await?;
    row.map(|r| r.get("state")).transpose()
}
