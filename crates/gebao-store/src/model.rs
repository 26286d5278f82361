//! The records the store keeps. Times are Unix milliseconds (UTC); ids are the operator's
//! own strings; hashes are SHA-256.

use crate::crypto::SubjectKey;
use gebao_core::decision::{ConsentAction, ConsentScope, SubjectStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// What an audit entry records: a closed set, so a mistyped action does not compile.
/// Stored and shown as `area.verb`, e.g. `consent.grant`, `request.identity-verified`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    KeyCreate,
    KeyRevoke,
    SubjectRegister,
    SubjectRestrict,
    SubjectUnrestrict,
    /// An account cancelled (its record erased at once).
    SubjectCancel,
    /// A subject's record erased after a cancellation request (PIPL 47).
    SubjectErase,
    /// Fields of a subject erased after a deletion request (PIPL 47).
    SubjectFieldsErased,
    /// The guardian of a subject was erased: the link is gone.
    SubjectGuardianErased,
    ConsentGrant,
    ConsentWithdraw,
    /// A batch of consent records imported (`gebao import consents`).
    ConsentImport,
    /// A privacy-centre sign-in link minted for a subject.
    PortalLink,
    /// A privacy-centre sign-in code sent to a subject's registered contact point.
    PortalCode,
    /// A subject signed in to the privacy centre with a one-time code.
    PortalSignIn,
    PolicyPublish,
    /// A step of a rights request.
    Request(crate::request::RequestStep),
    OutboxDelivered,
    OutboxFailed,
    OutboxAcknowledged,
    RetentionSweep,
    RetentionSweepFailed,
    /// Console staff (`staff.rs`): an account added, its credentials reset, disabled; a
    /// sign-in, a sign-out, a failed sign-in, a lock-out; an action refused for the role; a contact point
    /// shown unmasked (with the reason typed in).
    StaffAdd,
    StaffReset,
    StaffDisable,
    StaffLogin,
    StaffLogout,
    StaffLoginFailed,
    StaffLocked,
    StaffRefused,
    StaffUnmask,
    /// A personal-information incident (PIPL 57): opened, updated, a report to the
    /// regulator recorded, closed.
    IncidentOpen,
    IncidentUpdate,
    IncidentReport,
    IncidentClose,
    /// The reporting clock's alert to the operator: the report is due soon, or late.
    IncidentAlert,
    /// Notices to the individuals affected (and guardians of the minors among them) queued.
    IncidentNotify,
    /// A dated duty (a cross-border mechanism's validity, the compliance audit) falls due
    /// soon or has passed: the operator was told.
    DutyAlert,
    /// The end of the service (TRM-01): announced, cancelled, reached (collection stops),
    /// its personal information disposed of (with the report), a disposal that failed.
    TerminationAnnounce,
    TerminationCancel,
    TerminationEnd,
    TerminationDispose,
    TerminationDisposeFailed,
    /// The operator reported individuals whose personal information went abroad outside
    /// gebao's decisions; the operator was warned that a cross-border threshold is near or
    /// crossed (XB24).
    AbroadReport,
    AbroadAlert,
    /// An impact assessment was recorded (a new version; PIPL 56).
    PiaRecord,
    /// A note an administrator records (`Store::append_audit`): a configuration change, a
    /// drill, a review.
    Note,
}

impl AuditAction {
    const PLAIN: [(AuditAction, &'static str); 46] = [
        (AuditAction::KeyCreate, "key.create"),
        (AuditAction::KeyRevoke, "key.revoke"),
        (AuditAction::SubjectRegister, "subject.register"),
        (AuditAction::SubjectRestrict, "subject.restrict"),
        (AuditAction::SubjectUnrestrict, "subject.unrestrict"),
        (AuditAction::SubjectCancel, "subject.cancel"),
        (AuditAction::SubjectErase, "subject.erase"),
        (AuditAction::SubjectFieldsErased, "subject.fields-erased"),
        (AuditAction::SubjectGuardianErased, "subject.guardian-erased"),
        (AuditAction::ConsentGrant, "consent.grant"),
        (AuditAction::ConsentWithdraw, "consent.withdraw"),
        (AuditAction::ConsentImport, "consent.import"),
        (AuditAction::PortalLink, "portal.link"),
        (AuditAction::PortalCode, "portal.code"),
        (AuditAction::PortalSignIn, "portal.sign-in"),
        (AuditAction::PolicyPublish, "policy.publish"),
        (AuditAction::OutboxDelivered, "outbox.delivered"),
        (AuditAction::OutboxFailed, "outbox.failed"),
        (AuditAction::OutboxAcknowledged, "outbox.acknowledged"),
        (AuditAction::RetentionSweep, "retention.sweep"),
        (AuditAction::RetentionSweepFailed, "retention.sweep-failed"),
        (AuditAction::Note, "audit.note"),
        (AuditAction::StaffAdd, "staff.add"),
        (AuditAction::StaffReset, "staff.reset"),
        (AuditAction::StaffDisable, "staff.disable"),
        (AuditAction::StaffLogin, "staff.login"),
        (AuditAction::StaffLogout, "staff.logout"),
        (AuditAction::StaffLoginFailed, "staff.login-failed"),
        (AuditAction::StaffLocked, "staff.locked"),
        (AuditAction::StaffRefused, "staff.refused"),
        (AuditAction::StaffUnmask, "staff.unmask"),
        (AuditAction::IncidentOpen, "incident.open"),
        (AuditAction::IncidentUpdate, "incident.update"),
        (AuditAction::IncidentReport, "incident.report"),
        (AuditAction::IncidentClose, "incident.close"),
        (AuditAction::IncidentAlert, "incident.alert"),
        (AuditAction::IncidentNotify, "incident.notify"),
        (AuditAction::DutyAlert, "duty.alert"),
        (AuditAction::TerminationAnnounce, "termination.announce"),
        (AuditAction::TerminationCancel, "termination.cancel"),
        (AuditAction::TerminationEnd, "termination.end"),
        (AuditAction::TerminationDispose, "termination.dispose"),
        (AuditAction::TerminationDisposeFailed, "termination.dispose-failed"),
        (AuditAction::AbroadReport, "abroad.report"),
        (AuditAction::AbroadAlert, "abroad.alert"),
        (AuditAction::PiaRecord, "pia.record"),
    ];

    #[cfg(test)]
    pub(crate) const PLAIN_FOR_TESTS: &'static [(AuditAction, &'static str)] = &AuditAction::PLAIN;

    /// The stored name, e.g. `consent.grant`.
    pub fn as_str(self) -> std::borrow::Cow<'static, str> {
        match self {
            AuditAction::Request(step) => std::borrow::Cow::Owned(format!("request.{}", step.as_str())),
            other => std::borrow::Cow::Borrowed(
                AuditAction::PLAIN.iter().find(|(a, _)| *a == other).map_or("audit.note", |(_, n)| n),
            ),
        }
    }
}

impl std::str::FromStr for AuditAction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if let Some(step) = s.strip_prefix("request.") {
            return step.parse().map(AuditAction::Request);
        }
        AuditAction::PLAIN
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(a, _)| *a)
            .ok_or_else(|| format!("unknown audit action `{s}`"))
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl Serialize for AuditAction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_str())
    }
}

impl<'de> Deserialize<'de> for AuditAction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// An audit entry to append (PIPL 51, 55; every write and administrative action).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAudit {
    pub actor: String,
    /// What was done.
    pub action: AuditAction,
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
    /// Digest of the target row's state after the change (API keys, subjects, policy
    /// versions), which `verify` compares with the row.
    pub state: Option<String>,
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
    /// Mint privacy-centre sign-in links for the operator's logged-in users.
    #[serde(rename = "portal:write")]
    PortalWrite,
    /// Read personal-information incidents.
    #[serde(rename = "incidents:read")]
    IncidentsRead,
    /// Open, update, report and close incidents, and notify the individuals affected.
    #[serde(rename = "incidents:write")]
    IncidentsWrite,
    /// Read the end of the service and its report.
    #[serde(rename = "termination:read")]
    TerminationRead,
    /// Announce or cancel the end of the service.
    #[serde(rename = "termination:write")]
    TerminationWrite,
    /// Read what went abroad this year and the thresholds.
    #[serde(rename = "abroad:read")]
    AbroadRead,
    /// Report individuals whose personal information went abroad outside decisions.
    #[serde(rename = "abroad:write")]
    AbroadWrite,
    /// Read the impact assessments recorded and the drafts still to assess.
    #[serde(rename = "pia:read")]
    PiaRead,
    /// Record impact assessments.
    #[serde(rename = "pia:write")]
    PiaWrite,
    /// Read the records of personal information provided to recipients.
    #[serde(rename = "provisions:read")]
    ProvisionsRead,
    /// Manage keys; implies nothing else.
    #[serde(rename = "keys:admin")]
    KeysAdmin,
}

impl Scope {
    pub const ALL: [Scope; 20] = [
        Scope::DecisionsRead,
        Scope::ConsentsRead,
        Scope::ConsentsWrite,
        Scope::SubjectsRead,
        Scope::SubjectsWrite,
        Scope::PolicyWrite,
        Scope::AuditRead,
        Scope::RequestsRead,
        Scope::RequestsWrite,
        Scope::PortalWrite,
        Scope::IncidentsRead,
        Scope::IncidentsWrite,
        Scope::TerminationRead,
        Scope::TerminationWrite,
        Scope::AbroadRead,
        Scope::AbroadWrite,
        Scope::ProvisionsRead,
        Scope::PiaRead,
        Scope::PiaWrite,
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
            Scope::PortalWrite => "portal:write",
            Scope::IncidentsRead => "incidents:read",
            Scope::IncidentsWrite => "incidents:write",
            Scope::TerminationRead => "termination:read",
            Scope::TerminationWrite => "termination:write",
            Scope::AbroadRead => "abroad:read",
            Scope::AbroadWrite => "abroad:write",
            Scope::ProvisionsRead => "provisions:read",
            Scope::PiaRead => "pia:read",
            Scope::PiaWrite => "pia:write",
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
/// encrypted, with a blind index each. `Debug` leaves out the contact points.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct NewSubject {
    pub id: String,
    pub birth_date: Option<chrono::NaiveDate>,
    pub age: Option<u8>,
    pub guardian: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub at_ms: i64,
}

impl std::fmt::Debug for NewSubject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSubject")
            .field("id", &self.id)
            .field("phone", &self.phone.as_ref().map(|_| "<redacted>"))
            .field("email", &self.email.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// A stored subject, contact points decrypted. `Debug` leaves out the contact points.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub id: String,
    /// The keyed pseudonym of `id` (memory, change feed, tombstones).
    pub key: SubjectKey,
    /// What stands for this registration of the subject in the ledger and the audit log.
    pub pseudonym: String,
    pub status: SubjectStatus,
    pub birth_date: Option<chrono::NaiveDate>,
    pub age: Option<u8>,
    /// The day `age` was stated.
    pub age_known_on: Option<chrono::NaiveDate>,
    pub guardian: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Fields erased by a deletion request (PIPL 47), with when: data of these fields
    /// collected before that time may no longer be used (`field-erased`).
    pub erased: BTreeMap<String, i64>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// What the decision state holds of a subject, read at start-up: no contact points, no
/// guardian (decisions are about the registration, its status, age and erased fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectState {
    pub id: String,
    pub key: SubjectKey,
    pub pseudonym: String,
    pub status: SubjectStatus,
    pub birth_date: Option<chrono::NaiveDate>,
    pub age: Option<u8>,
    pub age_known_on: Option<chrono::NaiveDate>,
    pub erased: BTreeMap<String, i64>,
}

/// A subject read at start-up with its ledger records (seq and what the engine needs of
/// each), oldest first.
pub type LoadedSubject = (SubjectState, Vec<(i64, gebao_core::decision::ConsentRecord)>);

impl From<&Subject> for SubjectState {
    fn from(s: &Subject) -> Self {
        SubjectState {
            id: s.id.clone(),
            key: s.key,
            pseudonym: s.pseudonym.clone(),
            status: s.status,
            birth_date: s.birth_date,
            age: s.age,
            age_known_on: s.age_known_on,
            erased: s.erased.clone(),
        }
    }
}

impl std::fmt::Debug for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subject")
            .field("id", &self.id)
            .field("key", &self.key)
            .field("status", &self.status)
            .field("phone", &self.phone.as_ref().map(|_| "<redacted>"))
            .field("email", &self.email.as_ref().map(|_| "<redacted>"))
            .field("erased", &self.erased)
            .finish_non_exhaustive()
    }
}

/// A subject whose account was cancelled and whose record was erased: only its keyed
/// pseudonym and the time remain (decisions answer `subject-cancelled`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    pub key: SubjectKey,
    pub erased_ms: i64,
}

/// What the store knows of a user id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectRecord {
    Live(Subject),
    Erased(Tombstone),
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
    /// The chain holds its digest, so it is erased with the subject while the proof stays;
    /// `Null` once erased.
    pub evidence: serde_json::Value,
    /// Given by the subject's guardian (PIPL 31).
    pub by_guardian: bool,
    pub actor: String,
    pub at_ms: i64,
}

/// How many subjects stand granted or withdrawn in one scope, by the policy version of
/// their latest record in it (`Store::consent_figures`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentFigure {
    pub scope: ConsentScope,
    pub policy_version: i64,
    pub granted: i64,
    pub withdrawn: i64,
}

/// A stored consent record with its place in the chain. `record.subject` is the user id
/// while the subject is registered, and the registration's pseudonym once it was erased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRow {
    pub seq: i64,
    #[serde(flatten)]
    pub record: NewConsent,
    /// The subject's key, while the registration the record belongs to is live.
    pub subject_key: Option<SubjectKey>,
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

/// What changed, as the change feed reports it to instances sharing the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "key", rename_all = "kebab-case")]
pub enum ChangeKind {
    /// A subject was registered, updated, restricted, erased…: read it again by key.
    Subject(SubjectKey),
    /// An API key was created or revoked.
    ApiKey(String),
    /// A policy version was published.
    Policy(i64),
    /// The service's end was announced, cancelled, reached or its data disposed of.
    Termination(String),
}

/// An entry of the change feed: numbered without gaps in commit order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub seq: i64,
    pub change: ChangeKind,
    pub at_ms: i64,
}
