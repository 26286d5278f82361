//! The records the store keeps. Times are Unix milliseconds (UTC); ids are the operator's
//! own strings; hashes are SHA-256.

use gebao_core::decision::{ConsentAction, ConsentScope, SubjectStatus};
use serde::{Deserialize, Serialize};

/// Which database engine backs a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Who did something, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// `api-key:<id>`, `cli:<user>`, `system`, `subject:<id>`.
    pub id: String,
}

/// An audit entry to append (PIPL 51, 55; every write and administrative action).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAudit {
    pub actor: String,
    /// What was done, e.g. `consent.grant`, `key.create`, `policy.publish`.
    pub action: String,
    /// What it was done to, e.g. `subject:u123`.
    pub target: String,
    /// Why, when a person gave a reason.
    pub reason: Option<String>,
    /// Details as JSON (never contact points in clear).
    pub detail: serde_json::Value,
    pub at_ms: i64,
}

/// A stored audit entry with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub seq: i64,
    #[serde(flatten)]
    pub entry: NewAudit,
    pub prev_hash: String,
    pub hash: String,
}

/// Scopes of an API key (least privilege: each endpoint checks one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Scope {
    #[serde(rename = "decisions:read")]
    DecisionsRead,
    #[serde(rename = "consents:read")]
    ConsentsRead,
    #[serde(rename = "consents:write")]
    ConsentsWrite,
    #[serde(rename = "subjects:read")]
    SubjectsRead,
    #[serde(rename = "subjects:write")]
    SubjectsWrite,
    #[serde(rename = "policy:write")]
    PolicyWrite,
    #[serde(rename = "audit:read")]
    AuditRead,
    #[serde(rename = "requests:read")]
    RequestsRead,
    #[serde(rename = "requests:write")]
    RequestsWrite,
    /// Manage keys; implies nothing else.
    #[serde(rename = "keys:admin")]
    KeysAdmin,
}

impl Scope {
    pub const ALL: [Scope; 10] = [
        Scope::DecisionsRead,
        Scope::ConsentsRead,
        Scope::ConsentsWrite,
        Scope::SubjectsRead,
        Scope::SubjectsWrite,
        Scope::PolicyWrite,
        Scope::AuditRead,
        Scope::RequestsRead,
        Scope::RequestsWrite,
        Scope::KeysAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::DecisionsRead => "decisions:read",
            Scope::ConsentsRead => "consents:read",
            Scope::ConsentsWrite => "consents:write",
            Scope::SubjectsRead => "subjects:read",
            Scope::SubjectsWrite => "subjects:write",
            Scope::PolicyWrite => "policy:write",
            Scope::AuditRead => "audit:read",
            Scope::RequestsRead => "requests:read",
            Scope::RequestsWrite => "requests:write",
            Scope::KeysAdmin => "keys:admin",
        }
    }
}

impl std::str::FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s.trim()).ok_or_else(|| {
            let all: Vec<_> = Scope::ALL.iter().map(|x| x.as_str()).collect();
            format!("unknown scope `{s}`: use one of {}", all.join(", "))
        })
    }
}

/// A key to create; `hash` is SHA-256 of the secret, which is shown once and never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    pub id: String,
    pub name: String,
    pub hash: [u8; 32],
    pub scopes: Vec<Scope>,
    pub created_ms: i64,
}

/// A stored API key (no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub created_ms: i64,
    pub revoked_ms: Option<i64>,
}

/// A subject to register or update. Contact points arrive in clear and are stored
/// encrypted, with a blind index each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewSubject {
    pub id: String,
    pub birth_date: Option<chrono::NaiveDate>,
    pub age: Option<u8>,
    pub guardian: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub at_ms: i64,
}

/// A stored subject, contact points decrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub id: String,
    pub status: SubjectStatus,
    pub birth_date: Option<chrono::NaiveDate>,
    pub age: Option<u8>,
    /// The day `age` was stated.
    pub age_known_on: Option<chrono::NaiveDate>,
    pub guardian: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// A consent record to append.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewConsent {
    pub subject: String,
    pub scope: ConsentScope,
    pub action: ConsentAction,
    pub policy_version: i64,
    /// Where it was given: `app`, `web`, `api`, `support`, …
    pub channel: String,
    /// Proof: the text shown, a UI version, a screenshot hash — whatever the operator keeps.
    pub evidence: serde_json::Value,
    /// Given by the subject's guardian (PIPL 31).
    pub by_guardian: bool,
    pub actor: String,
    pub at_ms: i64,
}

/// A stored consent record with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRow {
    pub seq: i64,
    #[serde(flatten)]
    pub record: NewConsent,
    pub prev_hash: String,
    pub hash: String,
}

impl ConsentRow {
    /// The record as the decision engine applies it.
    pub fn to_engine(&self) -> gebao_core::decision::ConsentRecord {
        gebao_core::decision::ConsentRecord {
            scope: self.record.scope.clone(),
            action: self.record.action,
            policy_version: u32::try_from(self.record.policy_version).unwrap_or(0),
            at_ms: self.record.at_ms,
            by_guardian: self.record.by_guardian,
        }
    }
}

/// A policy version to publish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPolicyVersion {
    /// The manifest's TOML text.
    pub manifest: String,
    pub effective: chrono::NaiveDate,
    /// Rendered texts keyed by `<lang>.<format>`, e.g. `zh-CN.html`, `en.md`.
    pub rendered: std::collections::BTreeMap<String, String>,
    /// The diff to the previous version as JSON (`gebao_core::diff::Diff`).
    pub diff: serde_json::Value,
    pub major: bool,
    /// Purpose ids that need re-consent from this version on.
    pub reconsent: Vec<String>,
    pub published_ms: i64,
}

/// A stored policy version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    pub version: i64,
    #[serde(flatten)]
    pub body: NewPolicyVersion,
}

/// A policy version without its texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersionMeta {
    pub version: i64,
    pub effective: chrono::NaiveDate,
    pub major: bool,
    pub reconsent: Vec<String>,
    pub published_ms: i64,
}
