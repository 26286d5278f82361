//! Columns ↔ model types, shared by both engines. Rows are read as plain tuples (which
//! `sqlx` decodes the same way on SQLite and PostgreSQL), so the conversion, the encryption
//! of contact points and the hashing of chain records are written once.

use crate::chain;
use crate::crypto::{ContactKind, Keys};
use crate::model::*;
use crate::{Result, StoreError};
use chrono::NaiveDate;
use gebao_core::decision::{ConsentAction, ConsentScope, SubjectStatus};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub(crate) const API_KEY_COLS: &str = "id, name, scopes, created_ms, revoked_ms";
pub(crate) type ApiKeyTuple = (String, String, String, i64, Option<i64>);

pub(crate) const SUBJECT_COLS: &str =
    "id, status, birth_date, age, age_known_on, guardian, phone_enc, email_enc, created_ms, updated_ms";
pub(crate) type SubjectTuple = (
    String,
    String,
    Option<NaiveDate>,
    Option<i16>,
    Option<NaiveDate>,
    Option<String>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    i64,
    i64,
);

pub(crate) const CONSENT_COLS: &str =
    "seq, subject, scope, action, policy_version, channel, evidence, by_guardian, actor, at_ms, prev_hash, hash";
pub(crate) type ConsentTuple = (i64, String, String, String, i64, String, String, bool, String, i64, String, String);

pub(crate) const AUDIT_COLS: &str = "seq, actor, action, target, reason, detail, at_ms, prev_hash, hash";
pub(crate) type AuditTuple = (i64, String, String, String, Option<String>, String, i64, String, String);

pub(crate) const POLICY_COLS: &str = "version, manifest, effective, rendered, diff, major, reconsent, published_ms";
pub(crate) type PolicyTuple = (i64, String, NaiveDate, String, String, bool, String, i64);
pub(crate) const POLICY_META_COLS: &str = "version, effective, major, reconsent, published_ms";
pub(crate) type PolicyMetaTuple = (i64, NaiveDate, bool, String, i64);

/// How many rows one page of a chain walk reads.
pub(crate) const VERIFY_PAGE: i64 = 2000;

pub(crate) fn to_json<T: Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("cannot encode JSON: {e}")))
}

pub(crate) fn from_json<T: DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("stored {what} is not valid: {e}")))
}

/// Text of a JSON value as stored, and the value as read back from that text: the chain
/// hashes the read-back value, so that verifying (which can only read the text) recomputes
/// exactly the same hash even where float parsing is not bit-exact.
fn stored_json(v: &Value) -> Result<(String, Value)> {
    let text = to_json(v)?;
    let back = from_json(&text, "JSON")?;
    Ok((text, back))
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
        "cancelled" => Ok(SubjectStatus::Cancelled),
        other => Err(StoreError::Corrupt(format!("unknown subject status `{other}`"))),
    }
}

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

pub(crate) fn api_key(t: ApiKeyTuple) -> Result<ApiKey> {
    let (id, name, scopes, created_ms, revoked_ms) = t;
    Ok(ApiKey { id, name, scopes: from_json(&scopes, "key scopes")?, created_ms, revoked_ms })
}

/// The day (UTC) of a Unix-millisecond time.
pub(crate) fn day_of(ms: i64) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.date_naive())
}

/// Associated data binding a ciphertext to its subject and column.
fn aad(subject: &str, kind: ContactKind) -> Vec<u8> {
    let col = match kind {
        ContactKind::Phone => "phone",
        ContactKind::Email => "email",
    };
    format!("gebao/subject/{subject}/{col}").into_bytes()
}

/// A contact point as stored: ciphertext and blind index (both absent when not given).
type Sealed = (Option<Vec<u8>>, Option<Vec<u8>>);

/// A subject as written: contact points encrypted and indexed.
pub(crate) struct SubjectWrite {
    pub id: String,
    pub birth_date: Option<NaiveDate>,
    pub age: Option<i16>,
    pub age_known_on: Option<NaiveDate>,
    pub guardian: Option<String>,
    pub phone_enc: Option<Vec<u8>>,
    pub phone_index: Option<Vec<u8>>,
    pub email_enc: Option<Vec<u8>>,
    pub email_index: Option<Vec<u8>>,
    pub at_ms: i64,
}

impl SubjectWrite {
    /// Encodes a profile. `existing` is the stored `(age, age_known_on)`: an age sent again
    /// unchanged keeps the day it was first stated, so a periodic re-sync of the same
    /// profile does not make the subject younger; a new age is dated today.
    pub(crate) fn new(keys: &Keys, s: &NewSubject, existing: Option<(Option<i16>, Option<NaiveDate>)>) -> Result<Self> {
        let age = s.age.map(i16::from);
        let age_known_on = match (age, existing) {
            (None, _) => None,
            (Some(a), Some((Some(old), Some(on)))) if a == old => Some(on),
            (Some(_), _) => day_of(s.at_ms),
        };
        let contact = |kind: ContactKind, v: &Option<String>| -> Result<Sealed> {
            match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok((None, None)),
                Some(v) => {
                    Ok((Some(keys.encrypt(v.as_bytes(), &aad(&s.id, kind))?), Some(keys.blind_index(kind, v).to_vec())))
                }
            }
        };
        let (phone_enc, phone_index) = contact(ContactKind::Phone, &s.phone)?;
        let (email_enc, email_index) = contact(ContactKind::Email, &s.email)?;
        Ok(SubjectWrite {
            id: s.id.clone(),
            birth_date: s.birth_date,
            age,
            age_known_on,
            guardian: s.guardian.clone(),
            phone_enc,
            phone_index,
            email_enc,
            email_index,
            at_ms: s.at_ms,
        })
    }
}

pub(crate) fn subject(keys: &Keys, t: SubjectTuple) -> Result<Subject> {
    let (id, status, birth_date, age, age_known_on, guardian, phone_enc, email_enc, created_ms, updated_ms) = t;
    let open = |kind: ContactKind, enc: Option<Vec<u8>>| -> Result<Option<String>> {
        enc.map(|c| {
            let plain = keys.decrypt(&c, &aad(&id, kind))?;
            String::from_utf8(plain).map_err(|_| StoreError::Corrupt(format!("contact point of `{id}` is not UTF-8")))
        })
        .transpose()
    };
    let phone = open(ContactKind::Phone, phone_enc)?;
    let email = open(ContactKind::Email, email_enc)?;
    let age = age
        .map(|a| u8::try_from(a).map_err(|_| StoreError::Corrupt(format!("age {a} of `{id}` out of range"))))
        .transpose()?;
    Ok(Subject {
        status: parse_status(&status)?,
        birth_date,
        age,
        age_known_on,
        guardian,
        phone,
        email,
        created_ms,
        updated_ms,
        id,
    })
}

/// A consent record as written: columns plus its link in the chain.
pub(crate) struct ConsentWrite {
    pub row: ConsentRow,
    pub scope: String,
    pub evidence: String,
}

impl ConsentWrite {
    /// Places `c` at `seq` after `prev_hash` and computes its hash.
    pub(crate) fn new(seq: i64, prev_hash: &str, mut c: NewConsent) -> Result<Self> {
        let scope = to_json(&c.scope)?;
        let (evidence, back) = stored_json(&c.evidence)?;
        c.evidence = back;
        let hash = chain::consent_hash(seq, prev_hash, &c);
        Ok(ConsentWrite { row: ConsentRow { seq, record: c, prev_hash: prev_hash.to_string(), hash }, scope, evidence })
    }

    pub(crate) fn action(&self) -> &'static str {
        action_str(self.row.record.action)
    }

    /// The audit entry that accompanies the record (who gave or withdrew what, when).
    pub(crate) fn audit(&self) -> NewAudit {
        let c = &self.row.record;
        NewAudit {
            actor: c.actor.clone(),
            action: format!("consent.{}", action_str(c.action)),
            target: format!("subject:{}", c.subject),
            reason: None,
            detail: serde_json::json!({
                "seq": self.row.seq,
                "scope": c.scope.to_string(),
                "policy_version": c.policy_version,
                "channel": c.channel,
                "by_guardian": c.by_guardian,
            }),
            at_ms: c.at_ms,
        }
    }
}

pub(crate) fn consent(t: ConsentTuple) -> Result<ConsentRow> {
    let (seq, subject, scope, action, policy_version, channel, evidence, by_guardian, actor, at_ms, prev_hash, hash) =
        t;
    let scope: ConsentScope = from_json(&scope, "consent scope")?;
    let record = NewConsent {
        subject,
        scope,
        action: parse_action(&action)?,
        policy_version,
        channel,
        evidence: from_json(&evidence, "consent evidence")?,
        by_guardian,
        actor,
        at_ms,
    };
    Ok(ConsentRow { seq, record, prev_hash, hash })
}

/// An audit entry as written.
pub(crate) struct AuditWrite {
    pub row: AuditRow,
    pub detail: String,
}

impl AuditWrite {
    pub(crate) fn new(seq: i64, prev_hash: &str, mut a: NewAudit) -> Result<Self> {
        let (detail, back) = stored_json(&a.detail)?;
        a.detail = back;
        let hash = chain::audit_hash(seq, prev_hash, &a);
        Ok(AuditWrite { row: AuditRow { seq, entry: a, prev_hash: prev_hash.to_string(), hash }, detail })
    }
}

pub(crate) fn audit(t: AuditTuple) -> Result<AuditRow> {
    let (seq, actor, action, target, reason, detail, at_ms, prev_hash, hash) = t;
    let entry = NewAudit { actor, action, target, reason, detail: from_json(&detail, "audit detail")?, at_ms };
    Ok(AuditRow { seq, entry, prev_hash, hash })
}

/// Feeds stored consent rows to a chain verifier; a row that cannot be decoded is broken.
pub(crate) fn verify_consents(v: &mut chain::Verifier, rows: Vec<ConsentTuple>) {
    for t in rows {
        let (seq, prev, hash) = (t.0, t.10.clone(), t.11.clone());
        let recomputed = consent(t).map(|r| chain::consent_hash(seq, &prev, &r.record)).map_err(|e| e.to_string());
        v.push(seq, &prev, &hash, recomputed);
    }
}

/// Feeds stored audit rows to a chain verifier.
pub(crate) fn verify_audit(v: &mut chain::Verifier, rows: Vec<AuditTuple>) {
    for t in rows {
        let (seq, prev, hash) = (t.0, t.7.clone(), t.8.clone());
        let recomputed = audit(t).map(|r| chain::audit_hash(seq, &prev, &r.entry)).map_err(|e| e.to_string());
        v.push(seq, &prev, &hash, recomputed);
    }
}

pub(crate) fn policy(t: PolicyTuple) -> Result<PolicyVersion> {
    let (version, manifest, effective, rendered, diff, major, reconsent, published_ms) = t;
    Ok(PolicyVersion {
        version,
        body: NewPolicyVersion {
            manifest,
            effective,
            rendered: from_json(&rendered, "rendered policy")?,
            diff: from_json(&diff, "policy diff")?,
            major,
            reconsent: from_json(&reconsent, "re-consent purposes")?,
            published_ms,
        },
    })
}

pub(crate) fn policy_meta(t: PolicyMetaTuple) -> Result<PolicyVersionMeta> {
    let (version, effective, major, reconsent, published_ms) = t;
    Ok(PolicyVersionMeta {
        version,
        effective,
        major,
        reconsent: from_json(&reconsent, "re-consent purposes")?,
        published_ms,
    })
}

/// Groups every subject with its ledger (rows in seq order) for `load_all`.
pub(crate) fn group(subjects: Vec<Subject>, consents: Vec<ConsentRow>) -> Vec<(Subject, Vec<ConsentRow>)> {
    let mut by: std::collections::HashMap<String, Vec<ConsentRow>> = std::collections::HashMap::new();
    for c in consents {
        by.entry(c.record.subject.clone()).or_default().push(c);
    }
    subjects
        .into_iter()
        .map(|s| {
            let rows = by.remove(&s.id).unwrap_or_default();
            (s, rows)
        })
        .collect()
}

/// Maps a database error, turning constraint violations into the errors callers answer
/// with a 4xx.
pub(crate) fn db_err(e: sqlx::Error, what: &str) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        if d.is_unique_violation() {
            return StoreError::Conflict(format!("{what} already exists"));
        }
        if d.is_foreign_key_violation() {
            return StoreError::NotFound(format!("{what} refers to something that does not exist"));
        }
    }
    StoreError::Database(e)
}
