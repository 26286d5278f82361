//! `gebao audit verify`: both chains walked page by page inside one read snapshot (appends
//! made meanwhile are simply not seen), each head checked against its MAC, the rows the
//! audit chain covers (API keys, subjects, policy versions, staff accounts) checked against the state their
//! last audit entry recorded, and the chains against the external anchor when one is given.

use super::audit::{AUDIT_COLS, audit_row};
use super::consents::{CONSENT_COLS, StoredConsent};
use super::db::{Param, Row, Tx, params, placeholders};
use super::heads;
use super::keys::{API_KEY_COLS, KeyRow};
use super::policies::{self, POLICY_COLS};
use super::staff::{STAFF_COLS, StaffRow};
use super::subjects::{ERASED_STATE, SUBJECT_COLS, SubjectRow};
use crate::Result;
use crate::anchor::Checkpoint;
use crate::chain::{AnchorStatus, AuditFields, Chain, StateStatus, Verifier, VerifyReport};
use crate::crypto::Keys;
use std::collections::{BTreeMap, BTreeSet};

/// Rows read per page.
const PAGE: i64 = 2000;

pub(crate) async fn verify(tx: &mut Tx, keys: &Keys, anchor: Option<&[Checkpoint]>) -> Result<VerifyReport> {
    // The anchored hashes, by chain and seq, to compare during the walks.
    let mut anchored: BTreeMap<(&str, i64), &str> = BTreeMap::new();
    for c in anchor.unwrap_or_default() {
        anchored.insert((c.chain.as_str(), c.seq), c.hash.as_str());
    }
    let mut seen: BTreeMap<(String, i64), String> = BTreeMap::new();
    let mut remember = |chain: &str, seq: i64, hash: &str| {
        if anchored.contains_key(&(chain, seq)) {
            seen.insert((chain.to_owned(), seq), hash.to_owned());
        }
    };

    let head = heads::stored(tx, keys, Chain::Consents).await?;
    let mut v = Verifier::new();
    let mut after: i64 = 0;
    loop {
        let sql = format!("SELECT {CONSENT_COLS} FROM consents WHERE seq > $1 ORDER BY seq LIMIT $2");
        let rows = tx.all(&sql, params![after, PAGE]).await?;
        let Some(last) = rows.last() else { break };
        after = last.get("seq")?;
        for r in &rows {
            let c = StoredConsent::read(r)?;
            remember("consents", c.seq, &c.hash);
            v.push(c.seq, &c.prev_hash, &c.hash, c.recompute(keys));
        }
    }
    let consents = v.finish(head.as_ref().map(|(s, h, ok)| (*s, h.as_str(), *ok)));

    let head = heads::stored(tx, keys, Chain::Audit).await?;
    let mut v = Verifier::new();
    let mut after: i64 = 0;
    loop {
        let sql = format!("SELECT {AUDIT_COLS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
        let rows = tx.all(&sql, params![after, PAGE]).await?;
        let Some(last) = rows.last() else { break };
        after = last.get("seq")?;
        for r in &rows {
            let (seq, prev, hash): (i64, String, String) = (r.get("seq")?, r.get("prev_hash")?, r.get("hash")?);
            remember("audit", seq, &hash);
            let recomputed = audit_row(r)
                .map(|a| {
                    AuditFields {
                        seq,
                        actor: &a.entry.actor,
                        action: &a.entry.action.as_str(),
                        target: &a.entry.target,
                        reason: a.entry.reason.as_deref(),
                        detail: &a.entry.detail,
                        state: a.state.as_deref(),
                        at_ms: a.entry.at_ms,
                    }
                    .hash(keys, &prev)
                })
                .map_err(|e| e.to_string());
            v.push(seq, &prev, &hash, recomputed);
        }
    }
    let audit_status = v.finish(head.as_ref().map(|(s, h, ok)| (*s, h.as_str(), *ok)));

    let state = covered_rows(tx).await?;

    let anchor = anchor.map(|checkpoints| {
        let mut status = AnchorStatus { checkpoints: checkpoints.len() as u64, problem: None };
        for c in checkpoints {
            if c.seq == 0 && c.hash == crate::chain::GENESIS {
                continue; // an empty chain anchors nothing
            }
            match seen.get(&(c.chain.clone(), c.seq)) {
                Some(h) if *h == c.hash => {}
                Some(_) => {
                    status.problem = Some(format!("{} record {} differs from the anchored checkpoint", c.chain, c.seq));
                }
                None => {
                    status.problem = Some(format!(
                        "{} record {} was anchored but is missing: the chain was cut short",
                        c.chain, c.seq
                    ));
                }
            }
            if status.problem.is_some() {
                break;
            }
        }
        status
    });

    Ok(VerifyReport { consents, audit: audit_status, state, anchor })
}

/// A covered table: how to page through it and how to name and digest a row.
struct Covered {
    table: &'static str,
    cols: &'static str,
    /// The column pages are ordered and continued by (unique; compared as stored).
    order: &'static str,
    /// `target` prefix and the column it is made of.
    prefix: &'static str,
    named_by: &'static str,
    read: fn(&Row) -> Result<(String, String)>,
}

const COVERED: [Covered; 5] = [
    Covered {
        table: "api_keys",
        cols: API_KEY_COLS,
        order: "hash",
        prefix: "key:",
        named_by: "id",
        read: |r| {
            let k = KeyRow::read(r)?;
            Ok((k.target(), k.state_digest()?))
        },
    },
    Covered {
        table: "subjects",
        cols: SUBJECT_COLS,
        order: "key",
        prefix: "subject:",
        named_by: "pseudonym",
        read: |r| {
            let s = SubjectRow::read(r)?;
            Ok((s.target(), s.state_digest()?))
        },
    },
    Covered {
        table: "policy_versions",
        cols: POLICY_COLS,
        order: "version",
        prefix: "policy:",
        named_by: "CAST(version AS TEXT)",
        read: |r| Ok((format!("policy:{}", r.get::<i64>("version")?), policies::state_digest(r)?)),
    },
    Covered {
        table: "staff",
        cols: STAFF_COLS,
        order: "name",
        prefix: "staff:",
        named_by: "name",
        read: |r| {
            let s = StaffRow::read(r)?;
            Ok((s.target(), s.state_digest()))
        },
    },
    Covered {
        table: "pia_records",
        cols: super::pia::PIA_COLS,
        order: "record",
        prefix: "pia:",
        named_by: "record",
        read: |r| Ok((format!("pia:{}", r.get::<String>("record")?), super::pia::state_digest(r)?)),
    },
];

/// Checks every covered row against the last state its audit entries recorded, and every
/// target whose last recorded state is a row against the table (a row deleted outside
/// gebao). Both passes page with keys, so memory stays bounded however many subjects.
async fn covered_rows(tx: &mut Tx) -> Result<StateStatus> {
    let mut status = StateStatus::default();
    for c in &COVERED {
        let mut after: Option<Row> = None;
        loop {
            let (sql, ps) = match &after {
                None => (format!("SELECT {} FROM {} ORDER BY {} LIMIT $1", c.cols, c.table, c.order), params![PAGE]),
                Some(last) => (
                    format!("SELECT {} FROM {} WHERE {o} > $2 ORDER BY {o} LIMIT $1", c.cols, c.table, o = c.order),
                    vec![Param::from(PAGE), order_value(last, c.order)?],
                ),
            };
            let mut rows = tx.all(&sql, ps).await?;
            if rows.is_empty() {
                break;
            }
            let page: Vec<(String, String)> = rows.iter().map(c.read).collect::<Result<_>>()?;
            let recorded = last_states(tx, page.iter().map(|(t, _)| t.as_str()).collect()).await?;
            for (target, digest) in page {
                status.rows += 1;
                match recorded.get(&target) {
                    None => status.problem(target, "no audit entry records this row: it was inserted outside gebao"),
                    Some(s) if *s != digest => {
                        status.problem(target, "the row differs from the state its last audit entry recorded")
                    }
                    Some(_) => {}
                }
            }
            after = rows.pop();
        }
    }
    // Targets whose last recorded state is a row: the row must still be there. The entries
    // are paged in the log's own order, each kept if no later entry records its target: one
    // pass over the log. (Paged by target, PostgreSQL sorted by the bytewise collation,
    // which no index has, and read the whole log again for each page: 38 s for 200,000
    // subjects, and quadratic.)
    let mut after: i64 = 0;
    loop {
        let sql = "SELECT a.seq, a.target, a.state FROM audit_log a WHERE a.state IS NOT NULL AND a.seq > $1 \
                   AND NOT EXISTS (SELECT 1 FROM audit_log b WHERE b.target = a.target AND b.state IS NOT NULL \
                   AND b.seq > a.seq) ORDER BY a.seq LIMIT $2";
        let rows = tx.all(sql, params![after, PAGE]).await?;
        let Some(last) = rows.last() else { break };
        after = last.get("seq")?;
        let mut expected: Vec<String> = Vec::new();
        for r in &rows {
            let (target, state): (String, String) = (r.get("target")?, r.get("state")?);
            if state != ERASED_STATE {
                expected.push(target);
            }
        }
        for c in &COVERED {
            let names: Vec<&str> = expected.iter().filter_map(|t| t.strip_prefix(c.prefix)).collect();
            if names.is_empty() {
                continue;
            }
            let sql = format!(
                "SELECT {n} AS name FROM {} WHERE {n} IN ({})",
                c.table,
                placeholders(1, names.len()),
                n = c.named_by
            );
            let found: BTreeSet<String> = tx
                .all(&sql, names.iter().map(|n| Param::from(*n)).collect())
                .await?
                .iter()
                .map(|r| r.get("name"))
                .collect::<Result<_>>()?;
            for n in names.iter().filter(|n| !found.contains(**n)) {
                status.problem(
                    format!("{}{n}", c.prefix),
                    "the row its last audit entry recorded is missing: it was deleted outside gebao",
                );
            }
        }
    }
    Ok(status)
}

/// The value of a page's last row in its order column, to continue after it.
fn order_value(r: &Row, col: &str) -> Result<Param> {
    Ok(match col {
        "version" => Param::from(r.get::<i64>(col)?),
        "name" | "record" => Param::from(r.get::<String>(col)?),
        _ => Param::from(r.get::<Vec<u8>>(col)?),
    })
}

/// The last recorded state of each target.
async fn last_states(tx: &mut Tx, targets: Vec<&str>) -> Result<BTreeMap<String, String>> {
    if targets.is_empty() {
        return Ok(BTreeMap::new());
    }
    let sql = format!(
        "SELECT a.target, a.state FROM audit_log a WHERE a.target IN ({}) AND a.state IS NOT NULL \
         AND a.seq = (SELECT MAX(b.seq) FROM audit_log b WHERE b.target = a.target AND b.state IS NOT NULL)",
        placeholders(1, targets.len())
    );
    let ps: Vec<Param> = targets.into_iter().map(Param::from).collect();
    let mut out = BTreeMap::new();
    for r in tx.all(&sql, ps).await? {
        out.insert(r.get("target")?, r.get("state")?);
    }
    Ok(out)
}
