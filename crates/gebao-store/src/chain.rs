//! The hash chains of the consent ledger and the audit log (PIPL 51, 55: records that can be
//! proven later), format version 2.
//!
//! Each record stores `prev_hash` (the hash of the record before it, 64 zeros for the
//! first) and `hash = hex(HMAC-SHA256(chain key, prev_hash ‖ canonical JSON of the record's
//! fields, seq included))`. The chain key is derived from the master key, which lives outside
//! the database: someone who can write the database can edit a record but cannot compute
//! the hash that would make the edit verify, and [`Verifier`] finds the first record that
//! does not. The head of each chain (last seq and hash) is stored with a MAC under the same
//! key, so a chain cut short at its end is found too; an external anchor (see
//! `crate::anchor`) covers a head rolled back to an older genuine value.
//!
//! What a record hashes is chosen so that erasure never breaks a chain: a consent names its
//! subject by the registration's pseudonym (never the user id) and hashes the *digest* of
//! its evidence, so the evidence can be erased with the subject while the proof remains.
//! The hashed fields are listed explicitly, not taken from the serde form of the model, so
//! that adding a field to a model type never silently changes the hash of stored records.

use crate::crypto::Keys;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// `prev_hash` of the first record of a chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The two chains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chain {
    Consents,
    Audit,
}

impl Chain {
    pub fn as_str(self) -> &'static str {
        match self {
            Chain::Consents => "consents",
            Chain::Audit => "audit",
        }
    }
}

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
    /// API keys, subjects and policy versions against the state their last audit entry
    /// recorded.
    pub state: StateStatus,
    /// The external anchor, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<AnchorStatus>,
}

impl VerifyReport {
    /// Whether both chains, the state rows and the anchor verified.
    pub fn is_intact(&self) -> bool {
        self.consents.is_intact()
            && self.audit.is_intact()
            && self.state.is_intact()
            && self.anchor.as_ref().is_none_or(AnchorStatus::is_intact)
    }
}

/// Rows whose state is covered by the audit chain (API keys, subjects, policy versions):
/// each must match the state digest of the last audit entry that changed it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateStatus {
    /// Rows checked.
    pub rows: u64,
    /// Rows that do not match (at most the first 100).
    pub problems: Vec<StateProblem>,
}

impl StateStatus {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }

    pub(crate) fn problem(&mut self, target: String, reason: &str) {
        if self.problems.len() < 100 {
            self.problems.push(StateProblem { target, reason: reason.to_owned() });
        }
    }
}

/// A row that does not match its audit record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateProblem {
    /// `key:<id>`, `subject:<pseudonym>` or `policy:<n>`.
    pub target: String,
    pub reason: String,
}

/// The external anchor against the chains.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnchorStatus {
    /// Checkpoints read.
    pub checkpoints: u64,
    /// The first problem found.
    pub problem: Option<String>,
}

impl AnchorStatus {
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// JSON with object keys sorted and no insignificant whitespace, whatever the features of
/// `serde_json` in the build (`preserve_order` would otherwise change the key order).
pub fn canonical_json(v: &Value) -> String {
    let mut out = Vec::with_capacity(256);
    write_canonical(v, &mut out);
    // serde_json writes UTF-8, and so does everything else here.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes straight into the buffer: no string a key or a scalar (a bulk import hashes
/// millions of values).
fn write_canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_scalar(k, out);
                out.push(b':');
                if let Some(x) = map.get(k) {
                    write_canonical(x, out);
                }
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(x, out);
            }
            out.push(b']');
        }
        // Scalars: serde_json's own rendering is already canonical (shortest round-trip
        // floats, escaped strings).
        other => write_scalar(other, out),
    }
}

/// A canonical JSON object written field by field, for records whose fields are known: the
/// same bytes as [`canonical_json`] of the object, without building it as a `Value` first
/// (a bulk import hashes several records a row). Fields must come in sorted key order.
pub(crate) struct CanonicalObject {
    out: Vec<u8>,
    last: &'static str,
}

impl CanonicalObject {
    pub(crate) fn new() -> Self {
        let mut out = Vec::with_capacity(512);
        out.push(b'{');
        CanonicalObject { out, last: "" }
    }

    fn key(&mut self, key: &'static str) {
        debug_assert!(self.out.len() == 1 || self.last < key, "`{key}` comes before `{}`", self.last);
        if self.out.len() > 1 {
            self.out.push(b',');
        }
        write_scalar(key, &mut self.out);
        self.out.push(b':');
        self.last = key;
    }

    /// A scalar (a string, a number, a boolean, `None` as null).
    pub(crate) fn field<T: serde::Serialize + ?Sized>(mut self, key: &'static str, v: &T) -> Self {
        self.key(key);
        write_scalar(v, &mut self.out);
        self
    }

    /// A JSON value, canonical in turn.
    pub(crate) fn value(mut self, key: &'static str, v: &Value) -> Self {
        self.key(key);
        write_canonical(v, &mut self.out);
        self
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.out.push(b'}');
        self.out
    }
}

/// serde_json's compact rendering (writing into memory cannot fail).
fn write_scalar<T: serde::Serialize + ?Sized>(v: &T, out: &mut Vec<u8>) {
    let _ = serde_json::to_writer(&mut *out, v);
}

/// SHA-256 of the canonical JSON of `v`, hex: what a chain record holds of a value that may
/// be erased later (consent evidence), and the digest of a row's state (`state` of an audit
/// entry).
pub fn digest(v: &Value) -> String {
    hex::encode(Sha256::digest(canonical_json(v).as_bytes()))
}

/// [`digest`] of an object written as a [`CanonicalObject`].
pub(crate) fn digest_object(o: CanonicalObject) -> String {
    hex::encode(Sha256::digest(o.finish()))
}

/// The hashed fields of a consent record, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentFields<'a> {
    pub seq: i64,
    /// The pseudonym of the subject's registration.
    pub subject: &'a str,
    /// The scope as stored (JSON text parsed back).
    pub scope: &'a Value,
    pub action: &'a str,
    pub policy_version: i64,
    pub channel: &'a str,
    pub evidence_digest: &'a str,
    pub by_guardian: bool,
    pub actor: &'a str,
    pub at_ms: i64,
}

impl ConsentFields<'_> {
    /// The link of the record: the keyed hash of `prev_hash` and the canonical JSON of
    /// the fields, with `v` (the format version) added.
    pub fn hash(&self, keys: &Keys, prev_hash: &str) -> String {
        let o = CanonicalObject::new()
            .field("action", self.action)
            .field("actor", self.actor)
            .field("at_ms", &self.at_ms)
            .field("by_guardian", &self.by_guardian)
            .field("channel", self.channel)
            .field("evidence", self.evidence_digest)
            .field("policy_version", &self.policy_version)
            .value("scope", self.scope)
            .field("seq", &self.seq)
            .field("subject", self.subject)
            .field("v", &2);
        keys.chain_mac_bytes(prev_hash, &o.finish())
    }
}

/// The hashed fields of an audit entry, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditFields<'a> {
    pub seq: i64,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub reason: Option<&'a str>,
    pub detail: &'a Value,
    /// Digest of the target row's state after the change, when the entry changed one.
    pub state: Option<&'a str>,
    pub at_ms: i64,
}

impl AuditFields<'_> {
    /// The link of the record: the keyed hash of `prev_hash` and the canonical JSON of
    /// the fields, with `v` (the format version) added.
    pub fn hash(&self, keys: &Keys, prev_hash: &str) -> String {
        let o = CanonicalObject::new()
            .field("action", self.action)
            .field("actor", self.actor)
            .field("at_ms", &self.at_ms)
            .value("detail", self.detail)
            .field("reason", &self.reason)
            .field("seq", &self.seq)
            .field("state", &self.state)
            .field("target", self.target)
            .field("v", &2);
        keys.chain_mac_bytes(prev_hash, &o.finish())
    }
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
    /// (seq and hash) and whether its MAC verified: records deleted from the end of the
    /// chain are found through it.
    pub fn finish(mut self, head: Option<(i64, &str, bool)>) -> ChainStatus {
        if let Some((head_seq, head_hash, mac_ok)) = head {
            let last = self.next_seq - 1;
            if self.status.first_broken.is_none() {
                if !mac_ok {
                    self.broken(
                        head_seq.max(1),
                        format!("the recorded chain head (record {head_seq}) was not written by gebao"),
                    );
                } else if head_seq > last {
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
    use serde_json::json;

    /// A stored audit entry: (seq, actor, action, target, at_ms).
    #[derive(Clone)]
    struct Entry {
        actor: String,
        action: String,
        target: String,
        reason: Option<String>,
        at_ms: i64,
    }

    fn keys() -> Keys {
        Keys::from_master(&[3; 32])
    }

    fn detail() -> Value {
        json!({"b": 1, "a": [1.5, "x", null]})
    }

    fn hash_of(seq: i64, prev: &str, e: &Entry, k: &Keys) -> String {
        let d = detail();
        AuditFields {
            seq,
            actor: &e.actor,
            action: &e.action,
            target: &e.target,
            reason: e.reason.as_deref(),
            detail: &d,
            state: None,
            at_ms: e.at_ms,
        }
        .hash(k, prev)
    }

    fn entry(n: i64) -> Entry {
        Entry {
            actor: "cli:root".into(),
            action: "key.create".into(),
            target: format!("key:{n}"),
            reason: None,
            at_ms: 1_700_000_000_000 + n,
        }
    }

    fn chain(n: i64) -> Vec<(i64, String, String, Entry)> {
        let k = keys();
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let a = entry(seq);
                let h = hash_of(seq, &prev, &a, &k);
                let row = (seq, prev.clone(), h.clone(), a);
                prev = h;
                row
            })
            .collect()
    }

    fn verify(rows: &[(i64, String, String, Entry)], head: Option<(i64, &str, bool)>) -> ChainStatus {
        let k = keys();
        let mut v = Verifier::new();
        for (seq, prev, hash, a) in rows {
            v.push(*seq, prev, hash, Ok(hash_of(*seq, prev, a, &k)));
        }
        v.finish(head)
    }

    #[test]
    fn canonical_json_sorts_keys_recursively() {
        let v: Value = serde_json::from_str(r#"{"b":{"z":1,"a":"é\n"},"a":[{"y":2,"x":1}]}"#).unwrap();
        assert_eq!(canonical_json(&v), r#"{"a":[{"x":1,"y":2}],"b":{"a":"é\n","z":1}}"#);
    }

    #[test]
    fn hash_is_stable_and_keyed() {
        // Pinned: stored hashes must verify forever, so the format may never drift.
        let h = hash_of(1, GENESIS, &entry(1), &keys());
        let fields = r#"{"action":"key.create","actor":"cli:root","at_ms":1700000000001,"detail":{"a":[1.5,"x",null],"b":1},"reason":null,"seq":1,"state":null,"target":"key:1","v":2}"#;
        assert_eq!(h, keys().chain_mac(GENESIS, fields));
        // Without the key, the plain SHA-256 a forger could compute is not the hash.
        let mut d = Sha256::new();
        d.update(GENESIS.as_bytes());
        d.update(fields.as_bytes());
        assert_ne!(h, hex::encode(d.finalize()));
        assert_ne!(h, hash_of(1, GENESIS, &entry(1), &Keys::from_master(&[4; 32])));
    }

    #[test]
    fn intact_chain_verifies() {
        let rows = chain(5);
        let head = rows[4].2.clone();
        let s = verify(&rows, Some((5, &head, true)));
        assert_eq!(s, ChainStatus { records: 5, first_broken: None, reason: None });
        assert!(verify(&[], Some((0, GENESIS, true))).is_intact());
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
        rows[2].2 = hash_of(3, &rows[2].1.clone(), &rows[2].3.clone(), &keys());
        assert_eq!(verify(&rows, None).first_broken, Some(4));
    }

    #[test]
    fn forged_head_is_found() {
        let rows = chain(5);
        let head = rows[3].2.clone();
        // The last record deleted and the head moved back without its MAC.
        let s = verify(&rows[..4], Some((4, &head, false)));
        assert!(!s.is_intact());
    }

    #[test]
    fn gaps_and_truncation_are_found() {
        let mut rows = chain(5);
        rows.remove(1);
        assert_eq!(verify(&rows, None).first_broken, Some(2));
        let rows = chain(5);
        let head = rows[4].2.clone();
        assert_eq!(verify(&rows[..3], Some((5, &head, true))).first_broken, Some(4));
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
            proptest::prop_assert!(verify(&rows, Some((n, &head, true))).is_intact());
        }
    }

    /// Ledgers already written are verified with today's code: the canonical form must not
    /// change by a byte (escapes, non-ASCII text, numbers, nesting, key order).
    #[test]
    fn canonical_json_is_stable() {
        let v = json!({
            "z": [1, -0.5, 1e20, 12345678901234567890u64, null, true],
            "a": { "b\"q": "line\nbreak\u{1}\\", "é": "个保 \u{2028}", "": {} },
            "m": [{ "y": 1, "x": [] }],
            "n": -7
        });
        assert_eq!(
            canonical_json(&v),
            "{\"a\":{\"\":{},\"b\\\"q\":\"line\\nbreak\\u0001\\\\\",\"é\":\"个保 \u{2028}\"},\
             \"m\":[{\"x\":[],\"y\":1}],\"n\":-7,\"z\":[1,-0.5,1e+20,12345678901234567890,null,true]}"
        );
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

    /// The link of a record as the chains define it: the keyed hash of `prev_hash` and the
    /// canonical JSON of its fields. `hash` writes the same bytes without building these.
    fn link(keys: &Keys, prev_hash: &str, fields: &Value) -> String {
        keys.chain_mac(prev_hash, &canonical_json(fields))
    }

    fn consent_json(c: &ConsentFields) -> Value {
        json!({
            "v": 2,
            "seq": c.seq,
            "subject": c.subject,
            "scope": c.scope,
            "action": c.action,
            "policy_version": c.policy_version,
            "channel": c.channel,
            "evidence": c.evidence_digest,
            "by_guardian": c.by_guardian,
            "actor": c.actor,
            "at_ms": c.at_ms,
        })
    }

    fn audit_json(a: &AuditFields) -> Value {
        json!({
            "v": 2,
            "seq": a.seq,
            "actor": a.actor,
            "action": a.action,
            "target": a.target,
            "reason": a.reason,
            "detail": a.detail,
            "state": a.state,
            "at_ms": a.at_ms,
        })
    }

    /// The records' hashes are written field by field; they must stay the link of the
    /// canonical JSON of their fields (what `verify` and every stored chain rely on).
    #[test]
    fn hashes_written_directly_are_the_links_of_the_fields() {
        let k = keys();
        let odd = json!({"z": [1, -0.5, 1e20, null, true], "a": {"b\"q": "line\nbreak\u{1}", "é": "个保 \u{2028}"}});
        for (detail, reason, state) in [
            (detail(), None, None),
            (odd.clone(), Some("bulk \"import\"\n"), Some("ab12")),
            (json!({}), Some(""), None),
        ] {
            let a = AuditFields {
                seq: 9_007_199_254_740_993,
                actor: "api:键",
                action: "subject.register",
                target: "subject:p\u{7f}",
                reason,
                detail: &detail,
                state,
                at_ms: -1,
            };
            assert_eq!(a.hash(&k, GENESIS), link(&k, GENESIS, &audit_json(&a)));
            let c = ConsentFields {
                seq: 1,
                subject: "p\"1",
                scope: &detail,
                action: "withdraw",
                policy_version: 3,
                channel: "app/个保",
                evidence_digest: "e",
                by_guardian: reason.is_some(),
                actor: "api:k",
                at_ms: 1_700_000_000_000,
            };
            assert_eq!(c.hash(&k, "prev"), link(&k, "prev", &consent_json(&c)));
        }
    }
}
