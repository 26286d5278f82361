//! A request as the API shows it: state (with its zh-CN/English label), due time and how
//! many working days are left, verification, refusal with the user's remedy, fee, result,
//! every event, and every outbox delivery with its acknowledgement. No PI of the request's
//! details is shown beyond what the operator itself sent; no payload, no code.

use crate::routes::schema::{RequestKindName, RequestStateName};
use crate::state::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use gebao_core::calendar::{Due, ESTIMATED_NOTE};
use gebao_core::requests::{DeadlineBasis, RequestKind, RequestState};
use gebao_store::{
    Channel, OutboxItem, OutboxKind, OutboxState, Refusal, RequestEventRow, Requester, RightsRequest, VerifyMethod,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// A rights request. Also what `gebao requests` reads (one type on both sides of the wire).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RequestView {
    pub id: String,
    /// The subject (a pseudonym once the account was cancelled and erased).
    pub subject: String,
    /// `access`, `copy`, `portability`, `correction`, `deletion`, `restriction`,
    /// `withdrawal`, `cancellation`, `explanation` or `complaint`.
    #[schema(value_type = RequestKindName)]
    pub kind: RequestKind,
    /// `received`, `verifying-identity`, `in-progress`, `awaiting-approval`, `completed`,
    /// `refused` or `withdrawn`.
    #[schema(value_type = RequestStateName)]
    pub state: RequestState,
    pub state_label: String,
    pub state_label_en: String,
    /// Who filed it: `id`, `role` (`self`, `guardian`, `close-relative`) and, for a close
    /// relative, `interest`.
    #[schema(value_type = Object)]
    pub requester: Requester,
    pub channel: String,
    pub received_ms: i64,
    pub due: DueView,
    pub verification: VerificationView,
    /// The ground and the user's remedy, once refused.
    #[schema(value_type = Option<Object>)]
    pub refusal: Option<Refusal>,
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
    pub events: Vec<RequestEventRow>,
    /// Messages sent for the request (codes, notices, deletion requests to recipients) and
    /// their acknowledgements.
    pub deliveries: Vec<DeliveryView>,
}

/// When a request is due, and how much time is left.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DueView {
    /// The last instant to answer in, in milliseconds since the epoch.
    pub at_ms: i64,
    /// The same instant, RFC 3339.
    pub at: String,
    /// The due day, in Asia/Shanghai.
    pub date: NaiveDate,
    /// The computation relied on a year whose holiday notice is not yet known.
    pub estimated: bool,
    /// Why the date is estimated (zh-CN), when it is.
    pub note: Option<String>,
    pub note_en: Option<String>,
    /// The deadline that applied, e.g. `15 working days` (English) and `15个工作日`.
    pub deadline: Option<String>,
    pub deadline_zh: Option<String>,
    /// Where the deadline comes from: `right`, `manifest-default`, `app19` or `std35273`.
    #[schema(value_type = Option<String>)]
    pub basis: Option<DeadlineBasis>,
    /// Working days left while the request is open (negative once overdue).
    pub working_days_left: Option<i64>,
    /// Open and past its due time.
    pub overdue: bool,
}

/// How identity was, or is being, verified; never the code.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VerificationView {
    /// `operator-asserted` or `otp`, once chosen.
    #[schema(value_type = Option<String>)]
    pub method: Option<VerifyMethod>,
    /// Codes entered so far (wrong or right).
    pub attempts: u32,
    /// A one-time code was sent and not yet used.
    pub code_pending: bool,
    pub code_expires_ms: Option<i64>,
    pub verified_ms: Option<i64>,
    /// The user id the verification proved.
    pub verified_as: Option<String>,
}

/// A delivery, without its payload, and without what the target answered (only its status
/// and gebao's own short reason): gebao never relays an answer from a destination.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeliveryView {
    pub id: String,
    /// What it is for, e.g. `deletion-request`, `notice`, `code`.
    #[schema(value_type = String)]
    pub kind: OutboxKind,
    /// `webhook` or `manual`.
    #[schema(value_type = String)]
    pub channel: Channel,
    /// A webhook's URL without credentials, query or fragment; a manual delivery's address.
    pub target: String,
    /// The HTTP status of the last attempt.
    pub last_status: Option<u16>,
    /// The recipient a deletion request was sent to.
    pub recipient: Option<String>,
    /// `pending`, `claimed`, `delivered`, `failed` or `cancelled`.
    #[schema(value_type = String)]
    pub state: OutboxState,
    pub attempts: u32,
    pub max_attempts: u32,
    pub next_attempt_ms: i64,
    /// gebao's own short reason for the last failure.
    pub last_error: Option<String>,
    pub delivered_ms: Option<i64>,
    pub acknowledged: bool,
    pub ack_ms: Option<i64>,
    /// Who confirmed and their reference.
    #[schema(value_type = Option<Object>)]
    pub ack: Option<Value>,
}

fn due_view(state: &AppState, r: &RightsRequest, now: DateTime<Utc>) -> DueView {
    let due_at = DateTime::from_timestamp_millis(r.due_ms).unwrap_or(now);
    let due = Due { due_at, due_date: r.due_date, estimated: r.due_estimated };
    let open = !r.state.is_terminal();
    let text = |k: &str| r.result.get(k).and_then(Value::as_str).map(str::to_owned);
    DueView {
        at_ms: r.due_ms,
        at: due_at.to_rfc3339(),
        date: r.due_date,
        estimated: r.due_estimated,
        note: r.due_estimated.then(|| ESTIMATED_NOTE.zh.to_owned()),
        note_en: r.due_estimated.then(|| ESTIMATED_NOTE.en.to_owned()),
        deadline: text("deadline"),
        deadline_zh: text("deadline_zh"),
        basis: r.result.get("deadline_basis").and_then(|b| serde_json::from_value(b.clone()).ok()),
        working_days_left: open.then(|| state.calendar.working_days_left(now, &due)),
        overdue: open && now.timestamp_millis() > r.due_ms,
    }
}

/// A delivery as the API shows it.
pub fn delivery(i: &OutboxItem) -> DeliveryView {
    let target = match i.channel {
        Channel::Webhook => gebao_egress::redact_url(&i.target),
        Channel::Manual | Channel::Email => i.target.clone(),
    };
    DeliveryView {
        id: i.id.clone(),
        kind: i.kind,
        channel: i.channel,
        target,
        last_status: i.last_status,
        recipient: i.recipient.clone(),
        state: i.state,
        attempts: i.attempts,
        max_attempts: i.max_attempts,
        next_attempt_ms: i.next_attempt_ms,
        last_error: i.last_error.clone(),
        delivered_ms: i.delivered_ms,
        acknowledged: i.ack_ms.is_some(),
        ack_ms: i.ack_ms,
        ack: i.ack.clone(),
    }
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
        kind: r.kind,
        state: r.state,
        state_label: label.zh.to_owned(),
        state_label_en: label.en.to_owned(),
        requester: r.requester,
        channel: r.channel,
        received_ms: r.received_ms,
        verification: VerificationView {
            method: v.method,
            attempts: v.attempts,
            code_pending: v.otp_hash.is_some(),
            code_expires_ms: v.otp_expires_ms,
            verified_ms: v.verified_ms,
            verified_as: v.verified_as.clone(),
        },
        refusal: r.refusal,
        fee: r.fee,
        details: r.details,
        result,
        progress: r.progress.into_iter().collect(),
        closed_ms: r.closed_ms,
        updated_ms: r.updated_ms,
        events: events.to_vec(),
        deliveries: outbox.iter().map(delivery).collect(),
    }
}

/// Loads events and deliveries and builds the view.
pub async fn full(state: &AppState, r: RightsRequest) -> Result<RequestView, super::RequestError> {
    let events = state.store.request_events(&r.id).await?;
    let outbox = state.store.outbox_of_request(&r.id).await?;
    Ok(view(state, r, &events, &outbox))
}
