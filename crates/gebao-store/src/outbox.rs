//! The durable outbox: messages gebao owes to someone outside — a one-time code to the
//! notifier, a question to the operator's backend, a deletion notice to a recipient (PIPL
//! 47: those who received the data are told to delete it), a deadline notice. An item is
//! written in the same transaction as the change that owes it, so nothing is promised and
//! then lost; a delivery loop claims items, delivers them and records the outcome.
//!
//! Claiming is a lease: [`crate::Store::claim_outbox`] marks up to `limit` due items with a
//! random claim token and a lease end, choosing them with `FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, so that several instances never hold the same item; SQLite has one writer.
//! Only the holder of the claim may record the outcome, and an item whose holder died is
//! claimed again once its lease has run out. Failed attempts are retried with exponential
//! backoff ([`backoff_ms`]) until `max_attempts`, then the item is `failed`.
//!
//! Payloads are encrypted at rest (they can hold a contact point or a one-time code), and a
//! `sensitive` payload is erased as soon as it is delivered or given up.

use serde::{Deserialize, Serialize};

/// What an outbox item is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutboxKind {
    /// A one-time code for identity verification, to the notifier.
    Otp,
    /// A message to the user about their request (blockers, progress, outcome).
    UserNotice,
    /// A question to the operator's backend: what blocks this account's cancellation?
    OperatorBlockers,
    /// A deletion notice to a recipient that received the subject's data (PIPL 47).
    RecipientDeletion,
    /// The subject's data, sent to the destination a portability request names (PIPL 45).
    Portability,
    /// A deadline is near or has passed — a request's answer, an incident's report to the
    /// regulator: a notice to the operator.
    DeadlineNotice,
    /// A notice to an individual affected by an incident, or their guardian (PIPL 57).
    IncidentNotice,
    /// The lease of one scheduled retention sweep: the instance whose item this is sweeps
    /// that interval; the item is never delivered anywhere.
    RetentionSweep,
    /// The notice that the service ends (TRM-01), to the notifier (which tells every user)
    /// or, by e-mail, to one user.
    TerminationNotice,
    /// The lease of one attempt at the end's disposal (like [`OutboxKind::RetentionSweep`]).
    TerminationDisposal,
}

impl OutboxKind {
    pub const ALL: [OutboxKind; 10] = [
        OutboxKind::Otp,
        OutboxKind::UserNotice,
        OutboxKind::OperatorBlockers,
        OutboxKind::RecipientDeletion,
        OutboxKind::Portability,
        OutboxKind::DeadlineNotice,
        OutboxKind::IncidentNotice,
        OutboxKind::RetentionSweep,
        OutboxKind::TerminationNotice,
        OutboxKind::TerminationDisposal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxKind::Otp => "otp",
            OutboxKind::UserNotice => "user-notice",
            OutboxKind::OperatorBlockers => "operator-blockers",
            OutboxKind::RecipientDeletion => "recipient-deletion",
            OutboxKind::Portability => "portability",
            OutboxKind::DeadlineNotice => "deadline-notice",
            OutboxKind::IncidentNotice => "incident-notice",
            OutboxKind::RetentionSweep => "retention-sweep",
            OutboxKind::TerminationNotice => "termination-notice",
            OutboxKind::TerminationDisposal => "termination-disposal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        OutboxKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How an item reaches its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// An HTTP POST of the payload as JSON; a 2xx answer is delivery.
    Webhook,
    /// A person must act (an email to write, a form to send): recorded as pending manual
    /// action with the address, done when acknowledged.
    Manual,
    /// An e-mail through the server's SMTP relay (`[smtp]`); the payload holds the address,
    /// subject and text, erased once delivered.
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Webhook => "webhook",
            Channel::Manual => "manual",
            Channel::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "webhook" => Some(Channel::Webhook),
            "manual" => Some(Channel::Manual),
            "email" => Some(Channel::Email),
            _ => None,
        }
    }
}

/// Where an item is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutboxState {
    /// Waiting for (another) delivery attempt.
    Pending,
    /// Waiting for a person to act (manual channel).
    Manual,
    /// Delivered (and, when `ack_ms` is set, acknowledged).
    Delivered,
    /// Given up after `max_attempts`.
    Failed,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Manual => "manual",
            OutboxState::Delivered => "delivered",
            OutboxState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(OutboxState::Pending),
            "manual" => Some(OutboxState::Manual),
            "delivered" => Some(OutboxState::Delivered),
            "failed" => Some(OutboxState::Failed),
            _ => None,
        }
    }
}

/// An item to enqueue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewOutbox {
    pub id: String,
    pub kind: OutboxKind,
    pub channel: Channel,
    /// A URL (webhook) or an address (manual).
    pub target: String,
    /// What is sent, as JSON; encrypted at rest.
    pub payload: serde_json::Value,
    /// The rights request the item belongs to, if any.
    pub request_id: Option<String>,
    /// The recipient (manifest id) a deletion notice is for.
    pub recipient: Option<String>,
    /// At most one item per key is ever enqueued (a deadline notice per request and
    /// threshold, whichever instance notices first).
    pub dedupe: Option<String>,
    /// Erase the payload once delivered or given up (a one-time code, a user id).
    pub sensitive: bool,
    pub max_attempts: u32,
    pub created_ms: i64,
}

/// A stored item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub id: String,
    pub kind: OutboxKind,
    pub channel: Channel,
    pub target: String,
    /// `Null` once a sensitive payload was erased.
    pub payload: serde_json::Value,
    pub request_id: Option<String>,
    pub recipient: Option<String>,
    pub state: OutboxState,
    /// Attempts made so far (a claim counts as an attempt).
    pub attempts: u32,
    pub max_attempts: u32,
    pub next_attempt_ms: i64,
    pub last_error: Option<String>,
    pub created_ms: i64,
    pub delivered_ms: Option<i64>,
    /// The HTTP status of the last attempt (what the target answered is never kept).
    pub last_status: Option<u16>,
    /// When and how the target confirmed it acted (a recipient confirming the deletion):
    /// gebao's own record of who confirmed and their reference, never the target's answer.
    pub ack_ms: Option<i64>,
    pub ack: Option<serde_json::Value>,
    /// The claim token of the current holder, while claimed.
    pub claim: Option<String>,
}

/// The outcome of a delivery attempt, recorded by the claim holder. Only a status and a
/// short reason are kept: a target's answer is never stored or shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Delivered (a 2xx); `ack` when the answer already confirms the action, as gebao's own
    /// record of it.
    Delivered { status: Option<u16>, ack: Option<serde_json::Value> },
    /// Not delivered; retried at `retry_at_ms`, or given up when `None`.
    Failed { status: Option<u16>, error: String, retry_at_ms: Option<i64> },
}

/// Exponential backoff: the wait before attempt `attempts + 1` is `base_ms · 2^(attempts-1)`,
/// at most `cap_ms`.
pub fn backoff_ms(attempts: u32, base_ms: i64, cap_ms: i64) -> i64 {
    let exp = attempts.saturating_sub(1).min(30);
    base_ms.saturating_mul(1_i64 << exp).min(cap_ms).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let waits: Vec<i64> = (1..=8).map(|a| backoff_ms(a, 1000, 60_000)).collect();
        assert_eq!(waits, [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
        assert_eq!(backoff_ms(100, 1000, 60_000), 60_000);
    }

    #[test]
    fn names_round_trip() {
        for k in OutboxKind::ALL {
            assert_eq!(OutboxKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).ok(), Some(serde_json::Value::String(k.as_str().into())));
        }
        for s in [OutboxState::Pending, OutboxState::Manual, OutboxState::Delivered, OutboxState::Failed] {
            assert_eq!(OutboxState::parse(s.as_str()), Some(s));
        }
    }
}
