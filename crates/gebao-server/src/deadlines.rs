//! The deadline monitor ("deadlines are real": RGT-02, RGT-03; `pipl-rules.md` part E):
//! every `deadline_interval` it counts the open requests that are overdue and those due
//! within 2 working days (metrics `gebao_requests_overdue`, `gebao_requests_due_soon`) and,
//! when the operator's webhook is configured, enqueues one notice per request and
//! threshold. The notice's dedupe key makes the enqueue safe when several instances run
//! the monitor: whichever notices first enqueues, the others change nothing. Each pass also
//! runs the incidents' reporting clock (`crate::incidents::clock`), looks at the dated
//! duties (`crate::duties`) and carries out an announced end of the service
//! (`crate::termination`), and compares what went abroad this year with the thresholds
//! (`crate::abroad`).

use crate::requests::text;
use crate::state::{AppState, audit};
use chrono::{DateTime, Utc};
use gebao_core::calendar::Due;
use gebao_store::{AuditAction, RequestStep};
use gebao_store::{RequestFilter, RightsRequest, StoreError};
use serde_json::json;
use std::collections::HashSet;
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

/// "Due soon": at most this many working days left.
pub const DUE_SOON_WORKING_DAYS: i64 = 2;
const PAGE: i64 = 1000;

/// Where a request stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Overdue,
    DueSoon,
    OnTime,
}

/// The standing of an open request at `now`.
pub fn standing(state: &AppState, r: &RightsRequest, now: DateTime<Utc>) -> Standing {
    if now.timestamp_millis() > r.due_ms {
        return Standing::Overdue;
    }
    let due = Due {
        due_at: DateTime::from_timestamp_millis(r.due_ms).unwrap_or(now),
        due_date: r.due_date,
        estimated: r.due_estimated,
    };
    if state.calendar.working_days_left(now, &due) <= DUE_SOON_WORKING_DAYS {
        Standing::DueSoon
    } else {
        Standing::OnTime
    }
}

/// The monitor; ends when `stop` turns true.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(state.requests.deadline_interval);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // Keys this instance already enqueued (or found enqueued): not tried again.
    let mut sent = HashSet::new();
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|s| *s) => break,
        }
        if let Err(e) = pass(&state, &mut sent).await {
            tracing::warn!(error = %e, "deadline monitor pass failed; retrying");
        }
        if let Err(e) = crate::incidents::clock::pass(&state, Utc::now()).await {
            tracing::warn!(error = %e, "incident clock pass failed; retrying");
        }
        if let Err(e) = crate::duties::pass(&state, crate::versions::today()).await {
            tracing::warn!(error = %e, "dated duties pass failed; retrying");
        }
        if let Err(e) = crate::abroad::pass(&state, Utc::now()).await {
            tracing::warn!(error = %e, "cross-border thresholds pass failed; retrying");
        }
        if let Err(e) = crate::termination::pass(&state, Utc::now()).await {
            tracing::warn!(error = %e, "the end of the service: pass failed; retrying");
        }
    }
    tracing::debug!("deadline monitor stopped");
}

/// One pass: counts, sets the metrics, enqueues the notices; returns (overdue, due soon).
#[tracing::instrument(skip_all)]
pub async fn pass(state: &AppState, sent: &mut HashSet<String>) -> Result<(usize, usize), StoreError> {
    let now = Utc::now();
    let (mut overdue, mut soon) = (0, 0);
    let mut after = None;
    loop {
        let filter = RequestFilter { open: true, limit: PAGE, after: after.clone(), ..Default::default() };
        let page = state.store.list_requests(&filter).await?;
        for r in &page {
            let s = standing(state, r, now);
            let key = match s {
                Standing::Overdue => "overdue",
                Standing::DueSoon => "due-soon",
                Standing::OnTime => continue,
            };
            if s == Standing::Overdue {
                overdue += 1;
            } else {
                soon += 1;
            }
            let dedupe = format!("deadline:{}:{key}", r.id);
            if sent.contains(&dedupe) {
                continue;
            }
            if notify(state, r, s, &dedupe).await? {
                sent.insert(dedupe);
            }
        }
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => after = Some((last.due_ms, last.id.clone())),
            _ => break,
        }
    }
    state.metrics.requests_deadlines(overdue, soon);
    Ok((overdue, soon))
}

/// Enqueues the notice (once, whichever instance is first); `true` when it is enqueued now
/// or was already.
async fn notify(state: &AppState, r: &RightsRequest, s: Standing, dedupe: &str) -> Result<bool, StoreError> {
    let Some(url) = state.requests.operator_webhook.clone() else { return Ok(true) };
    let overdue = s == Standing::Overdue;
    let message = text::deadline_message(r.kind, &r.id, overdue, &r.due_date.to_string());
    let payload = json!({
        "kind": "deadline",
        "request": r.id,
        "request_kind": r.kind,
        "state": r.state,
        "due_ms": r.due_ms,
        "due_date": r.due_date,
        "overdue": overdue,
        "message": { "zh-CN": message.zh, "en": message.en },
    });
    let mut item =
        crate::requests::change::webhook(state, gebao_store::OutboxKind::DeadlineNotice, &url, payload, Some(r));
    item.dedupe = Some(dedupe.to_owned());
    let entry = audit(
        "system:deadlines".into(),
        AuditAction::Request(if overdue { RequestStep::Overdue } else { RequestStep::DueSoon }),
        format!("request:{}", r.id),
        None,
        json!({ "due_ms": r.due_ms, "due_date": r.due_date }),
    );
    state.store.enqueue_outbox(vec![item], vec![entry]).await?;
    Ok(true)
}
