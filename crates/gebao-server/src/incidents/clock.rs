//! The reporting clock's alerts (INCID art. 4): on each pass of the deadline monitor, every
//! open incident graded 较大 or above and not yet reported is looked at; a quarter of the
//! window before the end, and again once it has passed, the operator's webhook gets an
//! alert. Its dedupe key makes it one alert per threshold, whichever instance sends it.

use super::text;
use crate::state::{AppState, audit};
use chrono::{DateTime, Utc};
use gebao_core::incidents::{Reporter, Standing};
use gebao_store::{AuditAction, OutboxKind, StoreError};
use serde_json::json;

/// The open incidents whose report is due soon or late at `now`, with where each stands;
/// the alerts for them are enqueued (once each).
pub async fn pass(state: &AppState, now: DateTime<Utc>) -> Result<Vec<(String, Standing)>, StoreError> {
    let mut out = Vec::new();
    for inc in state.store.incidents(true, 10_000).await? {
        let (clock, standing) = super::clock_of(state, &inc, now);
        let Some(clock) = clock else { continue };
        let key = match standing {
            Standing::DueSoon => "due-soon",
            Standing::Overdue => "overdue",
            _ => continue,
        };
        out.push((inc.id.clone(), standing));
        let Some(url) = state.requests.operator_webhook.clone() else {
            tracing::warn!(incident = %inc.id, standing = key, "an incident's report is due; no operator webhook to tell");
            continue;
        };
        let current = state.policies.current();
        let m = &current.manifest;
        let to = match m.protection.incident.as_ref() {
            Some(plan) => plan.regulator.clone(),
            None => Reporter::of(m).reported_to().zh.to_owned(),
        };
        let due = crate::centre::portal::beijing_time(clock.due.timestamp_millis());
        let overdue = standing == Standing::Overdue;
        let message = text::clock_alert(&inc.id, &inc.title, overdue, &due, &to);
        let payload = json!({
            "kind": "incident-report-due",
            "incident": inc.id,
            "grade": inc.grade,
            "found_ms": inc.found_ms,
            "due_ms": clock.due.timestamp_millis(),
            "overdue": overdue,
            "report_to": to,
            "message": { "zh-CN": message.zh, "en": message.en },
        });
        let mut item = crate::requests::change::webhook(state, OutboxKind::DeadlineNotice, &url, payload, None);
        item.dedupe = Some(format!("incident-clock:{}:{key}", inc.id));
        let entry = audit(
            "system:deadlines".into(),
            AuditAction::IncidentAlert,
            format!("incident:{}", inc.id),
            None,
            json!({ "standing": key, "due_ms": clock.due.timestamp_millis() }),
        );
        state.store.enqueue_outbox(vec![item], vec![entry]).await?;
    }
    Ok(out)
}
