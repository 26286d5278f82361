//! The operator's dated duties (`gebao_core::duties`: a cross-border certification or
//! security assessment running out, the compliance audit falling due): on each pass of the
//! deadline monitor, the operator's webhook is told 90 days before and once the date has
//! passed — once per duty, date and threshold, whichever instance sends it.

use crate::state::{AppState, audit};
use chrono::NaiveDate;
use gebao_core::duties::{DatedDuty, Standing, dated};
use gebao_store::{AuditAction, OutboxKind, StoreError};
use serde_json::json;

/// The duties due soon or past on `today` (Beijing), each alerted once.
pub async fn pass(state: &AppState, today: NaiveDate) -> Result<Vec<(DatedDuty, Standing)>, StoreError> {
    let current = state.policies.current();
    let mut out = Vec::new();
    for duty in dated(&current.manifest, &state.calendar) {
        let standing = duty.standing(today);
        let key = match standing {
            Standing::Soon => "due-soon",
            Standing::Overdue => "overdue",
            Standing::Later => continue,
        };
        out.push((duty.clone(), standing));
        let Some(url) = state.requests.operator_webhook.clone() else {
            tracing::debug!(duty = %duty.key, due = %duty.due, standing = key, "a duty falls due; no operator webhook to tell");
            continue;
        };
        let payload = json!({
            "kind": "duty-due",
            "duty": duty.key,
            "due_date": duty.due,
            "overdue": standing == Standing::Overdue,
            "message": { "zh-CN": duty.what.zh, "en": duty.what.en },
        });
        let mut item = crate::requests::change::webhook(state, OutboxKind::DeadlineNotice, &url, payload, None);
        item.dedupe = Some(format!("duty:{}:{}:{key}", duty.key, duty.due));
        let entry = audit(
            "system:deadlines".into(),
            AuditAction::DutyAlert,
            format!("duty:{}", duty.key),
            None,
            json!({ "due_date": duty.due, "standing": key }),
        );
        state.store.enqueue_outbox(vec![item], vec![entry]).await?;
    }
    Ok(out)
}
