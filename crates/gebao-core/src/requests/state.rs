//! The states of a rights request and the only transitions the law and gebao allow between
//! them (`pipl-rules.md` part E). Every transition is audited by the store; this module only
//! says which are legal.
//!
//! ```text
//! received ──start-verification──▶ verifying-identity ──identity-verified──▶ in-progress
//!    └───────────identity-verified (asserted by the operator)──────────────────▶ │
//! verifying-identity ──identity-failed──▶ refused (identity-unverified)          │
//! in-progress ──request-approval──▶ awaiting-approval ──approve──▶ in-progress   │
//! in-progress ──complete──▶ completed        in-progress ──fail / resume──▶ in-progress
//! any open state ──refuse(reason)──▶ refused      any open state ──withdraw-by-user──▶ withdrawn
//! ```

use super::{RefusalReason, RequestKind, UnknownCode};
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a request stands. Completed, refused and withdrawn are terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RequestState {
    /// Filed; its deadline runs from the day of receipt (part E).
    Received,
    /// A one-time code or similar check of the requester's identity is under way (35273 8.7).
    VerifyingIdentity,
    /// Identity verified; the operator is acting on it. A failure of a connector leaves the
    /// request here, never reported as done.
    InProgress,
    /// A person at the operator must approve (e.g. an erasure after its dry run).
    AwaitingApproval,
    Completed,
    /// Refused or limited, with a [`RefusalReason`] and the user's remedy (PIPL 50).
    Refused,
    /// Withdrawn by the user.
    Withdrawn,
}

impl RequestState {
    pub const ALL: [RequestState; 7] = [
        RequestState::Received,
        RequestState::VerifyingIdentity,
        RequestState::InProgress,
        RequestState::AwaitingApproval,
        RequestState::Completed,
        RequestState::Refused,
        RequestState::Withdrawn,
    ];

    /// The code used in storage and the API, e.g. `verifying-identity`.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Received => "received",
            RequestState::VerifyingIdentity => "verifying-identity",
            RequestState::InProgress => "in-progress",
            RequestState::AwaitingApproval => "awaiting-approval",
            RequestState::Completed => "completed",
            RequestState::Refused => "refused",
            RequestState::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> Text {
        match self {
            RequestState::Received => Text::new("已受理", "received"),
            RequestState::VerifyingIdentity => Text::new("身份核验中", "verifying identity"),
            RequestState::InProgress => Text::new("处理中", "in progress"),
            RequestState::AwaitingApproval => Text::new("待审批", "awaiting approval"),
            RequestState::Completed => Text::new("已完成", "completed"),
            RequestState::Refused => Text::new("已拒绝", "refused"),
            RequestState::Withdrawn => Text::new("已由用户撤回", "withdrawn by the user"),
        }
    }

    /// Whether the request is finished: nothing leaves a terminal state, and its deadline no
    /// longer runs.
    pub fn is_terminal(self) -> bool {
        matches!(self, RequestState::Completed | RequestState::Refused | RequestState::Withdrawn)
    }

    /// The state after `event`, if the transition is legal whatever the request's kind. The
    /// server uses [`RequestState::transition_for`], which also checks the refusal ground
    /// against the kind.
    pub fn transition(self, event: RequestEvent) -> Result<RequestState, TransitionError> {
        use RequestEvent as E;
        use RequestState as S;
        if self.is_terminal() {
            return Err(TransitionError::Terminal { state: self, event });
        }
        let next = match (self, event) {
            (S::Received, E::StartVerification) => S::VerifyingIdentity,
            // The operator's authenticated backend vouches for the user (operator-asserted).
            (S::Received | S::VerifyingIdentity, E::IdentityVerified) => S::InProgress,
            // 35273 8.7: the check failed for good (attempts exhausted).
            (S::VerifyingIdentity, E::IdentityFailed) => S::Refused,
            (S::InProgress, E::RequestApproval) => S::AwaitingApproval,
            (S::AwaitingApproval, E::Approve) => S::InProgress,
            (S::InProgress, E::Complete) => S::Completed,
            // Recorded for the audit trail; the request stays in progress until it completes.
            (S::InProgress, E::Fail | E::Resume) => S::InProgress,
            // Identity is a ground only while it has not been verified.
            (S::InProgress | S::AwaitingApproval, E::Refuse(RefusalReason::IdentityUnverified)) => {
                return Err(TransitionError::AlreadyVerified);
            }
            (_, E::Refuse(_)) => S::Refused,
            (_, E::WithdrawByUser) => S::Withdrawn,
            _ => return Err(TransitionError::Illegal { from: self, event }),
        };
        Ok(next)
    }

    /// [`RequestState::transition`] for a request of `kind`: a refusal must also be a ground
    /// allowed for the kind (`not-technically-feasible` only for portability, NDSMR 25).
    pub fn transition_for(self, kind: RequestKind, event: RequestEvent) -> Result<RequestState, TransitionError> {
        match event {
            RequestEvent::Refuse(reason) if !reason.allowed_for(kind) => {
                Err(TransitionError::ReasonNotAllowed { kind, reason })
            }
            _ => self.transition(event),
        }
    }
}

impl std::fmt::Display for RequestState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RequestState {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RequestState::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

/// Something that happens to a request. Serialised as `{"event": "refuse", "reason":
/// "legal-retention"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "event", content = "reason", rename_all = "kebab-case")]
pub enum RequestEvent {
    /// A one-time code was sent, or another check begun.
    StartVerification,
    /// The requester is the subject (or, PIPL 49, a close relative of a deceased one).
    IdentityVerified,
    /// Verification failed for good: refused as `identity-unverified`.
    IdentityFailed,
    /// The work needs a person's approval.
    RequestApproval,
    Approve,
    Complete,
    Refuse(RefusalReason),
    WithdrawByUser,
    /// A step failed (e.g. a database went away); the request stays in progress.
    Fail,
    /// Work resumes after a failure.
    Resume,
}

impl RequestEvent {
    /// The code used in the audit trail, e.g. `identity-verified`.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestEvent::StartVerification => "start-verification",
            RequestEvent::IdentityVerified => "identity-verified",
            RequestEvent::IdentityFailed => "identity-failed",
            RequestEvent::RequestApproval => "request-approval",
            RequestEvent::Approve => "approve",
            RequestEvent::Complete => "complete",
            RequestEvent::Refuse(_) => "refuse",
            RequestEvent::WithdrawByUser => "withdraw-by-user",
            RequestEvent::Fail => "fail",
            RequestEvent::Resume => "resume",
        }
    }

    pub fn label(self) -> Text {
        match self {
            RequestEvent::StartVerification => Text::new("开始身份核验", "start identity verification"),
            RequestEvent::IdentityVerified => Text::new("身份核验通过", "identity verified"),
            RequestEvent::IdentityFailed => Text::new("身份核验未通过", "identity verification failed"),
            RequestEvent::RequestApproval => Text::new("提交审批", "request approval"),
            RequestEvent::Approve => Text::new("批准", "approve"),
            RequestEvent::Complete => Text::new("办结", "complete"),
            RequestEvent::Refuse(_) => Text::new("拒绝", "refuse"),
            RequestEvent::WithdrawByUser => Text::new("用户撤回", "withdrawal by the user"),
            RequestEvent::Fail => Text::new("处理失败", "failure"),
            RequestEvent::Resume => Text::new("恢复处理", "resume"),
        }
    }

    /// The refusal ground this event records, if it ends the request as refused.
    pub fn refusal_reason(self) -> Option<RefusalReason> {
        match self {
            RequestEvent::Refuse(reason) => Some(reason),
            RequestEvent::IdentityFailed => Some(RefusalReason::IdentityUnverified),
            _ => None,
        }
    }
}

/// Why a transition is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// Nothing leaves a terminal state.
    #[error("请求已结束（{}），不能再“{}” / the request is finished ({}): it cannot take `{}`", .state.label().zh, .event.label().zh, .state.label().en, .event.as_str())]
    Terminal { state: RequestState, event: RequestEvent },
    /// The event makes no sense in this state (e.g. complete before identity is verified).
    #[error("请求处于“{}”状态时不能“{}” / a request that is {} cannot take `{}`", .from.label().zh, .event.label().zh, .from.label().en, .event.as_str())]
    Illegal { from: RequestState, event: RequestEvent },
    /// `identity-unverified` after identity was verified.
    #[error(
        "身份已核验通过，不能以 identity-unverified 为由拒绝，请选择其他理由 / identity has been verified: refusing as `identity-unverified` is not possible, choose another ground"
    )]
    AlreadyVerified,
    /// A ground that does not apply to the kind.
    #[error("拒绝理由 `{reason}` 不适用于“{}”请求，仅适用于转移请求 / refusal ground `{reason}` does not apply to {} requests, only to portability", .kind.label().zh, .kind.as_str())]
    ReasonNotAllowed { kind: RequestKind, reason: RefusalReason },
}
