//! The hash chain shared by the consent ledger and the audit log (PIPL 51, 55: records
//! that can be proven later).
//!
//! Each record stores `prev_hash` (the hash of the record before it, 64 zeros for the
//! first) and `hash = hex(SHA-256(prev_hash ‖ canonical JSON of the record's fields,
//! seq included))`. Editing a stored field, deleting a record or re-ordering records breaks
//! the chain at that record, and [`Verifier`] finds the first such record.
//!
//! The hashed fields are listed explicitly (format version 1), not taken from the serde
//! form of the model, so that adding a field to a model type never silently changes the
//! hash of records already stored.

use crate::model::{NewAudit, NewConsent};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// `prev_hash` of the first record of a chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The result of checking one chain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainStatus {
    /// How many records the chain holds.
    pub records: u64,
    /// Seq of the first broken (or missing) record; `None` when the chain is intact.
    pub first_broken: Option<i64>,
    /// Why that record is broken.
    pub reason: Option<String>,
}

impl ChainStatus {
    /// Whether the whole chain verified.
    pub fn is_intact(&self) -> bool {
        self.first_broken.is_none()
    }
}

/// The result of `gebao audit verify`: both chains.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// The consent ledger.
    pub consents: ChainStatus,
    /// The audit log.
    pub audit: ChainStatus,
}

impl VerifyReport {
    /// Whether both chains verified.
    pub fn is_intact(&self) -> bool {
        self.consents.is_intact() && self.audit.is_intact()
    }
}

/// JSON with object keys sorted and no insignificant whitespace, whatever the features of
/// `serde_json` in the build (`preserve_order` would otherwise change the key order).
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(x) = map.get(k) {
                    write_canonical(x, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        // Scalars: serde_json's own rendering is already canonical (shortest round-trip
        // floats, escaped strings).
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

/// `hex(SHA-256(prev_hash ‖ canonical JSON of fields))`.
pub fn link(prev_hash: &str, fields: &Value) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(canonical_json(fields).as_bytes());
    hex::encode(h.finalize())
}

/// The hashed fields of a consent record.
pub fn consent_fields(seq: i64, c: &NewConsent) -> Value {
    json!({
        "seq": seq,
        "subject": c.subject,
        "scope": c.scope,
        "action": c.action,
        "policy_version": c.policy_version,
        "channel": c.channel,
        "evidence": c.evidence,
        "by_guardian": c.by_guardian,
        "actor": c.actor,
        "at_ms": c.at_ms,
    })
}

/// The hashed fields of an audit entry.
pub fn audit_fields(seq: i64, a: &NewAudit) -> Value {
    json!({
        "seq": seq,
        "actor": a.actor,
        "action": a.action,
        "target": a.target,
        "reason": a.reason,
        "detail": a.detail,
        "at_ms": a.at_ms,
    })
}

/// Hash of a consent record at `seq` after `prev_hash`.
pub fn consent_hash(seq: i64, prev_hash: &str, c: &NewConsent) -> String {
    link(prev_hash, &consent_fields(seq, c))
}

/// Hash of an audit entry at `seq` after `prev_hash`.
pub fn audit_hash(seq: i64, prev_hash: &str, a: &NewAudit) -> String {
    link(prev_hash, &audit_fields(seq, a))
}

/// Walks a chain in seq order and remembers the first broken record. Engines feed it page
/// by page, so a chain of millions of records is verified in bounded memory.
#[derive(Debug)]
pub struct Verifier {
    status: ChainStatus,
    next_seq: i64,
    prev_hash: String,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier { status: ChainStatus::default(), next_seq: 1, prev_hash: GENESIS.to_string() }
    }
}

impl Verifier {
    /// A verifier expecting seq 1 after the genesis hash.
    pub fn new() -> Self {
        Self::default()
    }

    fn broken(&mut self, seq: i64, reason: String) {
        if self.status.first_broken.is_none() {
            self.status.first_broken = Some(seq);
            self.status.reason = Some(reason);
        }
    }

    /// Feeds the next stored record: its seq, stored `prev_hash` and `hash`, and what its
    /// hash should be given its stored content (`Err` when the content cannot even be
    /// read back, e.g. an edited JSON column).
    pub fn push(&mut self, seq: i64, prev_hash: &str, hash: &str, recomputed: Result<String, String>) {
        self.status.records += 1;
        if self.status.first_broken.is_some() {
            return;
        }
        if seq != self.next_seq {
            let reason = if seq > self.next_seq {
                format!("record {} is missing (the next stored record is {seq})", self.next_seq)
            } else {
                format!("record {seq} appears out of order or twice (expected {})", self.next_seq)
            };
            self.broken(self.next_seq.min(seq), reason);
            return;
        }
        if prev_hash != self.prev_hash {
            self.broken(seq, format!("prev_hash of record {seq} does not match the hash of the record before it"));
            return;
        }
        match recomputed {
            Err(e) => self.broken(seq, format!("record {seq} cannot be read back: {e}")),
            Ok(h) if h != hash => self.broken(seq, format!("the content of record {seq} no longer matches its hash")),
            Ok(_) => {}
        }
        self.next_seq = seq + 1;
        self.prev_hash = hash.to_string();
    }

    /// Ends the walk. `head` is the chain head the store recorded at its last append
    /// (seq and hash): records deleted from the end of the chain are found through it.
    pub fn finish(mut self, head: Option<(i64, &str)>) -> ChainStatus {
        if let Some((head_seq, head_hash)) = head {
            let last = self.next_seq - 1;
            if self.status.first_broken.is_none() {
                if head_seq > last {
                    self.broken(last + 1, format!("records {} to {head_seq} are missing from the end", last + 1));
                } else if head_seq < last {
                    self.broken(head_seq + 1, format!("records after {head_seq} were not appended by gebao"));
                } else if head_seq > 0 && head_hash != self.prev_hash {
                    self.broken(last, format!("record {last} does not match the recorded chain head"));
                }
            }
        }
        self.status
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn audit(n: i64) -> NewAudit {
        NewAudit {
            actor: "cli:root".into(),
            action: "key.create".into(),
            target: format!("key:{n}"),
            reason: None,
            detail: json!({"b": 1, "a": [1.5, "x", null]}),
            at_ms: 1_700_000_000_000 + n,
        }
    }

    fn chain(n: i64) -> Vec<(i64, String, String, NewAudit)> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let a = audit(seq);
                let h = audit_hash(seq, &prev, &a);
                let row = (seq, prev.clone(), h.clone(), a);
                prev = h;
                row
            })
            .collect()
    }

    fn verify(rows: &[(i64, String, String, NewAudit)], head: Option<(i64, &str)>) -> ChainStatus {
        let mut v = Verifier::new();
        for (seq, prev, hash, a) in rows {
            v.push(*seq, prev, hash, Ok(audit_hash(*seq, prev, a)));
        }
        v.finish(head)
    }

    #[test]
    fn canonical_json_sorts_keys_recursively() {
        let v: Value = serde_json::from_str(r#"{"b":{"z":1,"a":"é\n"},"a":[{"y":2,"x":1}]}"#).unwrap();
        assert_eq!(canonical_json(&v), r#"{"a":[{"x":1,"y":2}],"b":{"a":"é\n","z":1}}"#);
    }

    #[test]
    fn hash_is_stable() {
        // Pinned: stored hashes must verify forever, so the format may never drift.
        let h = audit_hash(1, GENESIS, &audit(1));
        assert_eq!(h.len(), 64);
        let fields = r#"{"action":"key.create","actor":"cli:root","at_ms":1700000000001,"detail":{"a":[1.5,"x",null],"b":1},"reason":null,"seq":1,"target":"key:1"}"#;
        let mut d = Sha256::new();
        d.update(GENESIS.as_bytes());
        d.update(fields.as_bytes());
        assert_eq!(h, hex::encode(d.finalize()));
    }

    #[test]
    fn intact_chain_verifies() {
        let rows = chain(5);
        let head = rows[4].2.clone();
        let s = verify(&rows, Some((5, &head)));
        assert_eq!(s, ChainStatus { records: 5, first_broken: None, reason: None });
        assert!(verify(&[], Some((0, GENESIS))).is_intact());
    }

    #[test]
    fn edited_content_breaks_at_that_record() {
        let mut rows = chain(5);
        rows[2].3.target = "key:other".into();
        let s = verify(&rows, None);
        assert_eq!(s.first_broken, Some(3));
        assert_eq!(s.records, 5);
    }

    #[test]
    fn rehashed_record_breaks_the_next_link() {
        let mut rows = chain(5);
        rows[2].3.target = "key:other".into();
        rows[2].2 = audit_hash(3, &rows[2].1, &rows[2].3);
        assert_eq!(verify(&rows, None).first_broken, Some(4));
    }

    #[test]
    fn gaps_and_truncation_are_found() {
        let mut rows = chain(5);
        rows.remove(1);
        assert_eq!(verify(&rows, None).first_broken, Some(2));
        let rows = chain(5);
        let head = rows[4].2.clone();
        assert_eq!(verify(&rows[..3], Some((5, &head))).first_broken, Some(4));
    }

    proptest::proptest! {
        /// Whichever record is edited, and whichever of its fields, the walk stops at it.
        #[test]
        fn any_single_edit_is_found_at_its_seq(n in 1i64..40, pick in 0usize..1000, field in 0u8..5, text in "[a-z0-9]{1,8}") {
            let mut rows = chain(n);
            let k = pick % rows.len();
            let a = &mut rows[k].3;
            match field {
                0 => a.actor.push_str(&text),
                1 => a.action.push_str(&text),
                2 => a.target.push_str(&text),
                3 => a.reason = Some(text),
                _ => a.at_ms += 1,
            }
            let s = verify(&rows, None);
            proptest::prop_assert_eq!(s.first_broken, Some(k as i64 + 1));
            proptest::prop_assert_eq!(s.records, n as u64);
        }

        /// An untouched chain of any length verifies, head included.
        #[test]
        fn untouched_chains_verify(n in 0i64..40) {
            let rows = chain(n);
            let head = rows.last().map_or(GENESIS.to_string(), |r| r.2.clone());
            proptest::prop_assert!(verify(&rows, Some((n, &head))).is_intact());
        }
    }

    #[test]
    fn unreadable_record_is_broken() {
        let rows = chain(2);
        let mut v = Verifier::new();
        v.push(1, &rows[0].1, &rows[0].2, Err("bad json".into()));
        v.push(2, &rows[1].1, &rows[1].2, Ok(rows[1].2.clone()));
        let s = v.finish(None);
        assert_eq!((s.first_broken, s.records), (Some(1), 2));
    }
}
