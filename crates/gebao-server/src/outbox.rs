//! The outbox delivery loop: every `outbox_interval` an instance claims the due items
//! (`Store::claim_outbox`: a lease, `FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances
//! sharing a database never deliver the same item at once), POSTs each webhook item as JSON
//! and records the outcome. A non-2xx answer or a network error is retried with exponential
//! backoff until `outbox_max_attempts`; then the item is `failed` and shows so on its
//! request. Answers feed back into requests: the operator's list of cancellation blockers
//! (PIPL 47; seed 002), and a recipient's `{"acknowledged": true}` recorded as its
//! acknowledgement of a deletion request.

use crate::error::ApiError;
use crate::requests::effects::{self, Blocker};
use crate::state::{AppState, audit};
use gebao_store::outbox::backoff_ms;
use gebao_store::{OutboxItem, OutboxKind, Outcome, StoreError};
use serde::Deserialize;
use serde_json::{Value, json};
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

async fn deliver(state: &AppState, item: OutboxItem) {
    let Some(claim) = item.claim.clone() else { return };
    let kind = item.kind.as_str();
    let sent = state
        .http
        .post(&item.target)
        .timeout(state.requests.webhook_timeout)
        .header("x-gebao-outbox-id", &item.id)
        .header("x-gebao-kind", kind)
        .header("idempotency-key", &item.id)
        .json(&item.payload)
        .send()
        .await;
    let error = match sent {
        Ok(res) if res.status().is_success() => {
            let body: Option<Value> = res.json().await.ok();
            delivered(state, &item, &claim, body).await;
            return;
        }
        Ok(res) => format!("HTTP {}", res.status().as_u16()),
        // Without the URL: it may carry a token.
        Err(e) => e.without_url().to_string(),
    };
    state.metrics.outbox_attempt(kind, "failed");
    let last = item.attempts >= item.max_attempts;
    let base = ms(state.requests.outbox_backoff);
    let retry_at_ms =
        (!last).then(|| crate::now_ms() + backoff_ms(item.attempts, base, ms(state.requests.outbox_backoff_cap)));
    let entry = last.then(|| {
        audit(
            ACTOR.into(),
            "outbox.failed",
            format!("outbox:{}", item.id),
            Some(error.clone()),
            json!({ "kind": item.kind, "request": item.request_id, "recipient": item.recipient, "attempts": item.attempts }),
        )
    });
    let outcome = Outcome::Failed { error, retry_at_ms };
    if let Err(e) = state.store.record_outbox(&item.id, &claim, crate::now_ms(), outcome, entry).await {
        tracing::warn!(error = %e, id = %item.id, "cannot record a failed delivery");
    }
}

async fn delivered(state: &AppState, item: &OutboxItem, claim: &str, body: Option<Value>) {
    state.metrics.outbox_attempt(item.kind.as_str(), "delivered");
    let ack = body.as_ref().filter(|b| b.get("acknowledged").and_then(Value::as_bool) == Some(true)).cloned();
    let entry = audit(
        ACTOR.into(),
        "outbox.delivered",
        format!("outbox:{}", item.id),
        None,
        json!({
            "kind": item.kind,
            "request": item.request_id,
            "recipient": item.recipient,
            "attempts": item.attempts,
            "acknowledged": ack.is_some(),
        }),
    );
    let outcome = Outcome::Delivered { response: body.clone(), ack };
    if let Err(e) = state.store.record_outbox(&item.id, claim, crate::now_ms(), outcome, Some(entry)).await {
        // The lease ran out and another instance holds it now: it will deliver again (the
        // receiver sees the same idempotency key).
        tracing::warn!(error = %e, id = %item.id, "cannot record a delivery");
        return;
    }
    if item.kind == OutboxKind::OperatorBlockers
        && let Some(request) = &item.request_id
        && let Some(answer) = body.and_then(|b| serde_json::from_value::<BlockersAnswer>(b).ok())
    {
        // A staff action on the same request at the same moment wins the optimistic lock;
        // the answer is then recorded on the fresh version.
        for attempt in 1..=3 {
            match effects::report_blockers(state, ACTOR, request, answer.blockers.clone()).await {
                Ok(_) => break,
                Err(ApiError::Conflict { field, .. }) if field == "id" && attempt < 3 => continue,
                Err(e) => {
                    tracing::warn!(error = %e, request = %request, "cannot record the operator's blockers");
                    break;
                }
            }
        }
    }
}
