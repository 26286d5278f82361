//! A request as the API shows it: state (with its zh-CN/English label), due time and how
//! many working days are left, verification, refusal with the user's remedy, fee, result,
//! every event, and every outbox delivery with its acknowledgement. No PI of the request's
//! details is shown beyond what the operator itself sent; no payload, no code.

use crate::routes::schema::{RequestKindName, RequestStateName};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use gebao_core::calendar::{Due, ESTIMATED_NOTE};
use gebao_store::{OutboxItem, RequestEventRow, RightsRequest};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

/// A rights request.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestView {
    pub id: String,
    /// The subject (a pseudonym once the account was cancelled and erased).
    pub subject: String,
    /// `access`, `copy`, `portability`, `correction`, `deletion`, `restriction`,
    /// `withdrawal`, `cancellation`, `explanation` or `complaint`.
    #[schema(value_type = RequestKindName)]
    pub kind: String,
    /// `received`, `verifying-identity`, `in-progress`, `awaiting-approval`, `completed`,
    /// `refused` or `withdrawn`.
    #[schema(value_type = RequestStateName)]
    pub state: String,
    pub state_label: String,
    pub state_label_en: String,
    #[schema(value_type = Object)]
    pub requester: Value,
    pub channel: String,
    pub received_ms: i64,
    #[schema(value_type = Object)]
    pub due: Value,
    #[schema(value_type = Object)]
    pub verification: Value,
    /// The ground and the user's remedy, once refused.
    #[schema(value_type = Option<Object>)]
    pub refusal: Option<Value>,
    /// The fee charged for a request repeated beyond `rights.repeat`, if any.
    #[schema(value_type = Option<Object>)]
    pub fee: Option<Value>,
    /// What the request asks, by kind; `null` once the subject's account was cancelled and
    /// its records erased (PIPL 47).
    #[schema(value_type = Option<Object>)]
    pub details: Value,
    #[schema(value_type = Object)]
    pub result: Value,
    pub progress: Vec<String>,
    pub closed_ms: Option<i64>,
    pub updated_ms: i64,
    /// Every transition and step, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<Value>,
    /// Messages sent for the request (codes, notices, deletion requests to recipients) and
    /// their acknowledgements.
    #[schema(value_type = Vec<Object>)]
    pub deliveries: Vec<Value>,
}

fn due_view(state: &AppState, r: &RightsRequest, now: DateTime<Utc>) -> Value {
    let due_at = DateTime::from_timestamp_millis(r.due_ms).unwrap_or(now);
    let due = Due { due_at, due_date: r.due_date, estimated: r.due_estimated };
    let open = !r.state.is_terminal();
    json!({
        "at_ms": r.due_ms,
        "at": due_at.to_rfc3339(),
        "date": r.due_date,
        "estimated": r.due_estimated,
        "note": r.due_estimated.then_some(ESTIMATED_NOTE.zh),
        "note_en": r.due_estimated.then_some(ESTIMATED_NOTE.en),
        "deadline": r.result.get("deadline"),
        "deadline_zh": r.result.get("deadline_zh"),
        "basis": r.result.get("deadline_basis"),
        "working_days_left": open.then(|| state.calendar.working_days_left(now, &due)),
        "overdue": open && now.timestamp_millis() > r.due_ms,
    })
}

/// A delivery, without its payload, and without what the target answered (only its status
/// and gebao's own short reason): gebao never relays an answer from a destination.
pub fn delivery(i: &OutboxItem) -> Value {
    let target = match i.channel {
        gebao_store::Channel::Webhook => gebao_egress::redact_url(&i.target),
        gebao_store::Channel::Manual => i.target.clone(),
    };
    json!({
        "id": i.id,
        "kind": i.kind,
        "channel": i.channel,
        "target": target,
        "last_status": i.last_status,
        "recipient": i.recipient,
        "state": i.state,
        "attempts": i.attempts,
        "max_attempts": i.max_attempts,
        "next_attempt_ms": i.next_attempt_ms,
        "last_error": i.last_error,
        "delivered_ms": i.delivered_ms,
        "acknowledged": i.ack_ms.is_some(),
        "ack_ms": i.ack_ms,
        "ack": i.ack,
    })
}

/// The view of a request with its events and deliveries.
pub fn view(state: &AppState, r: RightsRequest, events: &[RequestEventRow], outbox: &[OutboxItem]) -> RequestView {
    let now = Utc::now();
    let label = r.state.label();
    let mut result = r.result.clone();
    if let Some(o) = result.as_object_mut() {
        for k in ["deadline", "deadline_zh", "deadline_basis"] {
            o.remove(k);
        }
    }
    let v = &r.verification;
    RequestView {
        due: due_view(state, &r, now),
        id: r.id,
        subject: r.subject,
        kind: r.kind.as_str().to_owned(),
        state: r.state.as_str().to_owned(),
        state_label: label.zh.to_owned(),
        state_label_en: label.en.to_owned(),
        requester: serde_json::to_value(&r.requester).unwrap_or_default(),
        channel: r.channel,
        received_ms: r.received_ms,
        verification: json!({
            "method": v.method,
            "attempts": v.attempts,
            "code_pending": v.otp_hash.is_some(),
            "code_expires_ms": v.otp_expires_ms,
            "verified_ms": v.verified_ms,
            "verified_as": v.verified_as,
        }),
        refusal: r.refusal.map(|x| serde_json::to_value(x).unwrap_or_default()),
        fee: r.fee,
        details: r.details,
        result,
        progress: r.progress.into_iter().collect(),
        closed_ms: r.closed_ms,
        updated_ms: r.updated_ms,
        events: events.iter().map(|e| serde_json::to_value(e).unwrap_or_default()).collect(),
        deliveries: outbox.iter().map(delivery).collect(),
    }
}

/// Loads events and deliveries and builds the view.
pub async fn full(state: &AppState, r: RightsRequest) -> Result<RequestView, super::RequestError> {
    let events = state.store.request_events(&r.id).await?;
    let outbox = state.store.outbox_of_request(&r.id).await?;
    Ok(view(state, r, &events, &outbox))
}
