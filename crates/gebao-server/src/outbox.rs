//! The outbox delivery loop: every `outbox_interval` an instance claims the due items
//! (`Store::claim_outbox`: a lease, `FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances
//! sharing a database never deliver the same item at once) and delivers each through
//! `gebao-egress` — only to an allowlisted destination, signed with that destination's
//! secret. A failure that may pass (5xx, network, 408/429) is retried with exponential
//! backoff and full jitter until `outbox_max_attempts`; a refused destination or a 4xx is
//! final; then the item is `failed` and shows so on its request.
//!
//! What a target answers is never stored or shown: only its status and gebao's own short
//! reason. Two answers are understood and turned into gebao's own records: the operator's
//! list of cancellation blockers (PIPL 47; seed 002), and a recipient's
//! `{"acknowledged": true}` (recorded as "acknowledged in the delivery's answer").

use crate::requests::RequestError;
use crate::requests::effects::{self, Blocker};
use crate::state::{AppState, audit};
use gebao_egress::{Backoff, DeliveryClass, Outgoing};
use gebao_store::AuditAction;
use gebao_store::{OutboxItem, OutboxKind, Outcome, StoreError};
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

/// Who the audit log names for deliveries.
pub const ACTOR: &str = "system:outbox";
/// Items claimed per round trip to the database.
const BATCH: i64 = 16;

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The loop; ends when `stop` turns true.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(state.requests.outbox_interval);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|s| *s) => break,
        }
        if let Err(e) = pass(&state).await {
            tracing::warn!(error = %e, "outbox delivery pass failed; retrying");
        }
    }
    tracing::debug!("outbox loop stopped");
}

/// Delivers everything due now; returns how many attempts were made.
#[tracing::instrument(skip_all)]
pub async fn pass(state: &AppState) -> Result<usize, StoreError> {
    let mut n = 0;
    loop {
        let now = crate::now_ms();
        let items = state.store.claim_outbox(now, ms(state.requests.outbox_lease), BATCH).await?;
        if items.is_empty() {
            return Ok(n);
        }
        for item in items {
            n += 1;
            deliver(state, item).await;
        }
    }
}

/// What the operator answers to a blockers question.
#[derive(Debug, Deserialize)]
struct BlockersAnswer {
    blockers: Vec<Blocker>,
}

/// An e-mail item's delivery through the SMTP relay: delivered, or failed with a reason and
/// whether the outbox should try again.
async fn deliver_email(state: &AppState, item: &OutboxItem, claim: &str) {
    let p = &item.payload;
    let (to, subject, text) = (p["to"].as_str(), p["subject"].as_str(), p["text"].as_str());
    let result = match (&state.mailer, to, subject, text) {
        (Some(m), Some(to), Some(subject), Some(text)) => m.send(to, subject, text).await,
        (None, ..) => Err(crate::mail::MailError { retryable: false, reason: "no [smtp] relay is configured".into() }),
        _ => Err(crate::mail::MailError { retryable: false, reason: "the e-mail item is incomplete".into() }),
    };
    match result {
        Ok(()) => delivered(state, item, claim, None).await,
        Err(e) => {
            let class = if e.retryable { "transient" } else { "final" };
            state.metrics.outbox_attempt(item.kind.as_str(), class);
            let detail = json!({ "kind": item.kind, "channel": "email", "attempts": item.attempts });
            failed(state, item, claim, e.retryable, None, e.reason, detail).await;
        }
    }
}

/// A failed attempt: tried again after a backoff, unless it cannot succeed (`retryable`
/// false) or the attempts are spent — then the item is `failed` and the audit log says why,
/// with `detail`.
async fn failed(
    state: &AppState,
    item: &OutboxItem,
    claim: &str,
    retryable: bool,
    status: Option<u16>,
    reason: String,
    detail: serde_json::Value,
) {
    let last = item.attempts >= item.max_attempts || !retryable;
    let backoff = Backoff::new(state.requests.outbox_backoff, state.requests.outbox_backoff_cap);
    let wait = backoff.delay(item.attempts, &mut rand::thread_rng());
    let retry_at_ms = (!last).then(|| crate::now_ms().saturating_add(ms(wait)));
    let entry = last.then(|| {
        audit(ACTOR.into(), AuditAction::OutboxFailed, format!("outbox:{}", item.id), Some(reason.clone()), detail)
    });
    let outcome = Outcome::Failed { status, error: reason, retry_at_ms };
    if let Err(e) = state.store.record_outbox(&item.id, claim, crate::now_ms(), outcome, entry).await {
        tracing::warn!(error = %e, id = %item.id, "cannot record a failed delivery");
    }
}

async fn deliver(state: &AppState, item: OutboxItem) {
    let Some(claim) = item.claim.clone() else { return };
    if item.channel == gebao_store::Channel::Email {
        deliver_email(state, &item, &claim).await;
        return;
    }
    let kind = item.kind.as_str();
    let outgoing = Outgoing { url: &item.target, kind, delivery_id: &item.id, body: &item.payload };
    let attempt = state.egress.deliver(&outgoing).await;
    let d = &attempt.delivery;
    if d.class == DeliveryClass::Delivered {
        delivered(state, &item, &claim, attempt.answer).await;
        return;
    }
    state.metrics.outbox_attempt(kind, d.class.as_str());
    if let Some(refusal) = &attempt.refusal {
        tracing::warn!(id = %item.id, code = refusal.code(), "outbox destination refused: {}", refusal.en());
    }
    let detail = json!({
        "kind": item.kind,
        "request": item.request_id,
        "recipient": item.recipient,
        "attempts": item.attempts,
        "class": d.class.as_str(),
        "code": d.code,
        "status": d.status,
    });
    failed(state, &item, &claim, d.retryable(), d.status, d.reason.clone(), detail).await;
}

async fn delivered(state: &AppState, item: &OutboxItem, claim: &str, answer: Option<gebao_egress::Answer>) {
    state.metrics.outbox_attempt(item.kind.as_str(), "delivered");
    let acknowledged = item.kind == OutboxKind::RecipientDeletion && answer.as_ref().is_some_and(|a| a.acknowledged());
    let ack = acknowledged.then(|| json!({ "by": "recipient", "via": "delivery-answer" }));
    let entry = audit(
        ACTOR.into(),
        AuditAction::OutboxDelivered,
        format!("outbox:{}", item.id),
        None,
        json!({
            "kind": item.kind,
            "request": item.request_id,
            "recipient": item.recipient,
            "attempts": item.attempts,
            "acknowledged": acknowledged,
        }),
    );
    let outcome = Outcome::Delivered { status: Some(200), ack };
    if let Err(e) = state.store.record_outbox(&item.id, claim, crate::now_ms(), outcome, Some(entry)).await {
        // The lease ran out and another instance holds it now: it will deliver again (the
        // receiver sees the same idempotency key).
        tracing::warn!(error = %e, id = %item.id, "cannot record a delivery");
        return;
    }
    if item.kind == OutboxKind::OperatorBlockers
        && let Some(request) = &item.request_id
        && let Some(answer) = answer.and_then(|a| a.parse::<BlockersAnswer>())
    {
        // A staff action on the same request at the same moment wins the optimistic lock;
        // the answer is then recorded on the fresh version.
        for attempt in 1..=3 {
            match effects::report_blockers(state, ACTOR, request, answer.blockers.clone()).await {
                Ok(_) => break,
                Err(RequestError::ChangedMeanwhile) if attempt < 3 => continue,
                Err(e) => {
                    tracing::warn!(error = %e, request = %request, "cannot record the operator's blockers");
                    break;
                }
            }
        }
    }
}
