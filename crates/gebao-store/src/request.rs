//! Users' rights requests as stored (PIPL 44–50; `pipl-rules.md` part E): the request with
//! its deadline, identity verification, refusal, per-dataset progress and result, and the
//! event of every transition. The legal model (states, transitions, refusal grounds,
//! deadlines) is `gebao_core::requests`; this is its record.
//!
//! Updates are optimistic: a request carries a `version`, and
//! [`crate::Store::update_request`] writes only if the stored version is still the one read,
//! so two instances (or two staff members) acting on one request at once cannot both win.

use chrono::NaiveDate;
use gebao_core::requests::{RefusalReason, RequestKind, RequestState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Who filed a request, relative to its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequesterRole {
    /// The subject themself.
    #[default]
    Subject,
    /// The guardian of a child under 14 (PIPL 31).
    Guardian,
    /// A close relative of a deceased subject, for their own legitimate interest (PIPL 49).
    CloseRelative,
}

/// Who filed a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    /// The requester's own user id at the operator.
    pub id: String,
    pub role: RequesterRole,
    /// PIPL 49 / RGT-07: the relative's own legitimate interest, recorded on the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interest: Option<String>,
}

/// How identity was, or is being, verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerifyMethod {
    /// The operator's authenticated backend vouches for the user through its API key.
    OperatorAsserted,
    /// A one-time code sent through the notifier.
    Otp,
}

impl VerifyMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyMethod::OperatorAsserted => "operator-asserted",
            VerifyMethod::Otp => "otp",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "operator-asserted" => Some(VerifyMethod::OperatorAsserted),
            "otp" => Some(VerifyMethod::Otp),
            _ => None,
        }
    }
}

/// Identity verification of a request (35273 8.7).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Verification {
    pub method: Option<VerifyMethod>,
    /// Codes entered so far (wrong or right).
    pub attempts: u32,
    /// Keyed hash of the current one-time code; the code itself is never stored.
    #[serde(skip)]
    pub otp_hash: Option<String>,
    pub otp_expires_ms: Option<i64>,
    pub verified_ms: Option<i64>,
    /// The user id the verification proved.
    pub verified_as: Option<String>,
}

/// A refusal: the ground, and what the user is told and can do (PIPL 50).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub reason: RefusalReason,
    /// Why, in the user's words (zh-CN, then English).
    pub explanation: String,
    pub explanation_en: String,
    /// The remedy (complaint, lawsuit), zh-CN then English.
    pub remedy: String,
    pub remedy_en: String,
    /// What the operator's staff added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A rights request, as created and as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RightsRequest {
    pub id: String,
    /// The subject whose data it concerns (a pseudonym once the subject was erased).
    pub subject: String,
    pub kind: RequestKind,
    pub state: RequestState,
    pub requester: Requester,
    /// Where it was filed: `app`, `web`, `support`, …
    pub channel: String,
    pub received_ms: i64,
    /// The last instant to answer in (end of the due day, Asia/Shanghai).
    pub due_ms: i64,
    pub due_date: NaiveDate,
    /// The due date reaches into a year whose holiday notice is not known yet.
    pub due_estimated: bool,
    pub verification: Verification,
    pub refusal: Option<Refusal>,
    /// A charge for a request repeated beyond the manifest's limit (RGT-06), as JSON.
    pub fee: Option<serde_json::Value>,
    /// What the request asks, as JSON: correction values, a portability destination, the
    /// consents to withdraw. Encrypted at rest (it can hold PI).
    pub details: serde_json::Value,
    /// Datasets whose part of the work is done (execution resumes after the others).
    pub progress: BTreeSet<String>,
    /// What was done, as JSON (row counts, blockers, explanation, bundle summary).
    pub result: serde_json::Value,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// When it reached a terminal state.
    pub closed_ms: Option<i64>,
    /// Optimistic lock: the number of updates so far.
    pub version: i64,
}

/// What happened to a request: a legal transition (the code of a
/// `gebao_core::requests::RequestEvent`), or a step within a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStep {
    /// Filed.
    Received,
    /// A transition, by the code of its `RequestEvent` (a refusal's ground is recorded on
    /// the request).
    StartVerification,
    IdentityVerified,
    IdentityFailed,
    RequestApproval,
    Approve,
    Complete,
    Refuse,
    WithdrawByUser,
    Fail,
    Resume,
    /// Steps within a state.
    OtpResent,
    OtpWrong,
    OtpExpired,
    BlockersAsked,
    BlockersUnasked,
    BlockersReported,
    /// The deadline monitor's notices.
    DueSoon,
    Overdue,
}

impl RequestStep {
    const ALL: [(RequestStep, &'static str); 19] = [
        (RequestStep::Received, "received"),
        (RequestStep::StartVerification, "start-verification"),
        (RequestStep::IdentityVerified, "identity-verified"),
        (RequestStep::IdentityFailed, "identity-failed"),
        (RequestStep::RequestApproval, "request-approval"),
        (RequestStep::Approve, "approve"),
        (RequestStep::Complete, "complete"),
        (RequestStep::Refuse, "refuse"),
        (RequestStep::WithdrawByUser, "withdraw-by-user"),
        (RequestStep::Fail, "fail"),
        (RequestStep::Resume, "resume"),
        (RequestStep::OtpResent, "otp-resent"),
        (RequestStep::OtpWrong, "otp-wrong"),
        (RequestStep::OtpExpired, "otp-expired"),
        (RequestStep::BlockersAsked, "blockers-asked"),
        (RequestStep::BlockersUnasked, "blockers-unasked"),
        (RequestStep::BlockersReported, "blockers-reported"),
        (RequestStep::DueSoon, "due-soon"),
        (RequestStep::Overdue, "overdue"),
    ];

    pub fn as_str(self) -> &'static str {
        RequestStep::ALL.iter().find(|(s, _)| *s == self).map_or("received", |(_, n)| n)
    }
}

impl From<gebao_core::requests::RequestEvent> for RequestStep {
    fn from(e: gebao_core::requests::RequestEvent) -> Self {
        use gebao_core::requests::RequestEvent as E;
        match e {
            E::StartVerification => RequestStep::StartVerification,
            E::IdentityVerified => RequestStep::IdentityVerified,
            E::IdentityFailed => RequestStep::IdentityFailed,
            E::RequestApproval => RequestStep::RequestApproval,
            E::Approve => RequestStep::Approve,
            E::Complete => RequestStep::Complete,
            E::Refuse(_) => RequestStep::Refuse,
            E::WithdrawByUser => RequestStep::WithdrawByUser,
            E::Fail => RequestStep::Fail,
            E::Resume => RequestStep::Resume,
        }
    }
}

impl std::str::FromStr for RequestStep {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        RequestStep::ALL
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(x, _)| *x)
            .ok_or_else(|| format!("unknown request step `{s}`"))
    }
}

impl Serialize for RequestStep {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RequestStep {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// A transition (or a step within a state) to record with a write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewRequestEvent {
    pub at_ms: i64,
    pub actor: String,
    /// What happened.
    pub event: RequestStep,
    pub from: Option<RequestState>,
    pub to: RequestState,
    pub reason: Option<String>,
    /// Details as JSON; never PI (no correction values, no codes).
    pub detail: serde_json::Value,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestEventRow {
    pub seq: i64,
    pub request_id: String,
    #[serde(flatten)]
    pub event: NewRequestEvent,
}

/// Which requests to list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequestFilter {
    /// Only these states (any when empty).
    pub states: Vec<RequestState>,
    pub subject: Option<String>,
    pub kind: Option<RequestKind>,
    /// Only requests not yet in a terminal state.
    pub open: bool,
    /// Only requests due at or before this instant.
    pub due_before_ms: Option<i64>,
    /// Only requests received at or after this instant.
    pub received_since_ms: Option<i64>,
    /// Page size (at most 1000).
    pub limit: i64,
    /// Requests ordered by due time, then id: start after this `(due_ms, id)`.
    pub after: Option<(i64, String)>,
}

/// Everything one change of a request writes, in one transaction: the request (stored if it
/// still has the version read), its events, audit entries, the messages it owes, and its
/// effect on gebao's own records — consent records (a withdrawal) and a change to the
/// subject (restriction, erased fields, erasure).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestChange {
    pub request: RightsRequest,
    pub events: Vec<NewRequestEvent>,
    pub audit: Vec<crate::model::NewAudit>,
    pub outbox: Vec<crate::outbox::NewOutbox>,
    pub consents: Vec<crate::model::NewConsent>,
    pub subject: Option<SubjectEffect>,
}

impl RequestChange {
    /// A change with one event and one audit entry, and nothing else yet.
    pub fn new(request: RightsRequest, event: NewRequestEvent, audit: crate::model::NewAudit) -> Self {
        RequestChange {
            request,
            events: vec![event],
            audit: vec![audit],
            outbox: Vec::new(),
            consents: Vec::new(),
            subject: None,
        }
    }
}

/// What a request change does to the subject's record in gebao.
#[derive(Debug, Clone, PartialEq)]
pub enum SubjectEffect {
    /// Restriction (PIPL 44) or its end.
    SetStatus { id: String, status: gebao_core::decision::SubjectStatus, audit: crate::model::NewAudit },
    /// A deletion was carried out (PIPL 47): these fields are erased; with `clear_profile`
    /// gebao's own copy of the subject's contact points and birth date goes too.
    EraseFields { id: String, fields: Vec<String>, clear_profile: bool, audit: crate::model::NewAudit },
    /// A cancellation was carried out (PIPL 47): gebao's record of the subject is erased.
    Erase { id: String, audit: crate::model::NewAudit },
}

/// What a request change committed.
#[derive(Debug, Clone, PartialEq)]
pub struct Committed {
    pub request: RightsRequest,
    /// The consent records appended (to apply to memory).
    pub consents: Vec<crate::model::ConsentRow>,
    pub subject: Option<SubjectOutcome>,
}

/// The subject after a request change.
#[derive(Debug, Clone, PartialEq)]
pub enum SubjectOutcome {
    Changed(crate::model::Subject),
    Erased { tombstone: crate::model::Tombstone, pseudonym: String },
}

/// A request with its events and messages, as listings show it.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRecord {
    pub request: RightsRequest,
    pub events: Vec<RequestEventRow>,
    pub outbox: Vec<crate::outbox::OutboxItem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_and_action_names_round_trip() {
        for (step, name) in RequestStep::ALL {
            assert_eq!(step.as_str(), name);
            assert_eq!(name.parse::<RequestStep>(), Ok(step));
            let action = crate::model::AuditAction::Request(step);
            assert_eq!(action.as_str(), format!("request.{name}"));
            assert_eq!(action.as_str().parse::<crate::model::AuditAction>(), Ok(action));
        }
        for (action, name) in crate::model::AuditAction::PLAIN_FOR_TESTS {
            assert_eq!(action.as_str(), *name);
            assert_eq!(name.parse::<crate::model::AuditAction>(), Ok(*action));
        }
        assert!("request.nope".parse::<crate::model::AuditAction>().is_err());
    }
}
