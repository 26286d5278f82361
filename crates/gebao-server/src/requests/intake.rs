//! Filing a request (PIPL 44–50; `pipl-rules.md` part E): its due time from the manifest's
//! deadline on the mainland-China working-day calendar (RGT-02, RGT-03), and what a
//! request repeated beyond `rights.repeat` costs or why it is refused (RGT-06).

use super::change::{Change, new_id};
use super::details::Details;
use super::error::RequestError;
use super::text;
use crate::state::{AppState, audit};
use chrono::{DateTime, Utc};
use gebao_core::requests::{self as law, RepeatDecision, RequestEvent, RequestKind, RequestState};
use gebao_core::text::Lang;
use gebao_store::{AuditAction, RequestStep};
use gebao_store::{NewRequestEvent, Requester, RequesterRole, RightsRequest, SubjectRecord, Verification};
use serde_json::json;
use std::collections::BTreeSet;

/// A request to file, validated by the route.
#[derive(Debug, Clone)]
pub struct Intake {
    pub kind: RequestKind,
    pub subject: String,
    pub requester: Requester,
    pub channel: String,
    pub details: Details,
    pub received_at: DateTime<Utc>,
}

/// RGT-07 (PIPL 49): what close relatives may ask of a deceased person's information.
pub fn relative_may(kind: RequestKind) -> bool {
    matches!(kind, RequestKind::Access | RequestKind::Copy | RequestKind::Correction | RequestKind::Deletion)
}

/// Files the request: computes its due time, applies RGT-06 to repeats, stores it (and
/// refuses it at once when the manifest says repeats beyond the limit are refused). A
/// former user whose account was erased can still complain (PIPL 65), and nothing else.
pub async fn file(state: &AppState, actor: &str, intake: Intake) -> Result<RightsRequest, RequestError> {
    match state.store.subject_record(&intake.subject).await? {
        Some(SubjectRecord::Live(_)) => {}
        Some(SubjectRecord::Erased(_)) if intake.kind == RequestKind::Complaint => {}
        Some(SubjectRecord::Erased(_)) => return Err(RequestError::SubjectErased(intake.subject)),
        None => return Err(RequestError::SubjectNotFound(intake.subject)),
    }
    let current = state.policies.current();
    let m = &current.manifest;
    let deadline = law::deadline_for(m, intake.kind);
    let due = state
        .calendar
        .due(intake.received_at, deadline, m.rights.calendar_deadline_moves_to_working_day)
        .map_err(|e| RequestError::blocked("kind", text::deadline(&e)))?;
    let received_ms = intake.received_at.timestamp_millis();

    let (repeat, previous) = match law::repeat_period(m) {
        Some(per) => {
            // RGT-06: the requests whose `per` period still runs at receipt.
            let since =
                per.cutoff_before(intake.received_at, &state.calendar).map_or(i64::MIN, |c| c.at.timestamp_millis());
            let n = state.store.count_requests(&intake.subject, intake.kind, since).await?;
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            (law::repeat_decision(m, intake.kind, n), n)
        }
        None => (RepeatDecision::Free, 0),
    };
    let fee = match (repeat, &m.rights.repeat) {
        (RepeatDecision::Charge { fee_basis }, Some(limit)) => {
            let note = text::fee_text(limit.free, &limit.per.display(Lang::ZhCn), &limit.per.display(Lang::En));
            Some(json!({
                "basis": fee_basis,
                "previous_in_period": previous,
                "free": limit.free,
                "per": limit.per.display(Lang::En),
                "text": note.zh,
                "text_en": note.en,
            }))
        }
        _ => None,
    };

    let now = crate::now_ms();
    let req = RightsRequest {
        id: new_id("req"),
        subject: intake.subject.clone(),
        kind: intake.kind,
        state: RequestState::Received,
        requester: intake.requester,
        channel: intake.channel,
        received_ms,
        due_ms: due.due_at.timestamp_millis(),
        due_date: due.due_date,
        due_estimated: due.estimated,
        verification: Verification::default(),
        refusal: None,
        fee: fee.clone(),
        details: intake.details.to_value(),
        progress: BTreeSet::new(),
        result: json!({
            "deadline": deadline.display(Lang::En),
            "deadline_zh": deadline.display(Lang::ZhCn),
            "deadline_basis": law::deadline_basis(m, intake.kind),
            // RGT-05: after a cancellation the PI is erased within this time.
            "erase_within": (intake.kind == RequestKind::Cancellation)
                .then(|| law::cancellation_erase_within(m).display(Lang::En)),
        }),
        created_ms: now,
        updated_ms: now,
        closed_ms: None,
        version: 0,
    };
    let event = NewRequestEvent {
        at_ms: now,
        actor: actor.to_owned(),
        event: RequestStep::Received,
        from: None,
        to: RequestState::Received,
        reason: None,
        detail: json!({ "due_date": due.due_date, "estimated": due.estimated, "fee": fee.is_some() }),
    };
    // The audit entry names the request, never the user.
    let entry = audit(
        actor.to_owned(),
        AuditAction::Request(RequestStep::Received),
        format!("request:{}", req.id),
        None,
        json!({
            "kind": req.kind,
            "requester_role": req.requester.role,
            "due_ms": req.due_ms,
            "repeat": repeat,
        }),
    );
    let req = state.store.create_request(req, event, entry, Vec::new()).await?;
    if let Some(ground) = repeat.refusal_reason() {
        let detail = json!({ "previous_in_period": previous });
        let mut change = Change::new(state, actor, req);
        change.transition(RequestEvent::Refuse(ground), None, detail)?;
        return change.commit().await;
    }
    Ok(req)
}

/// The requester a body names, or the subject themself.
pub fn requester_or_subject(subject: &str, r: Option<Requester>) -> Requester {
    r.unwrap_or_else(|| Requester { id: subject.to_owned(), role: RequesterRole::Subject, interest: None })
}

/// A destination the egress allowlist refuses, as the request error naming the field.
pub fn destination_refused(e: &gebao_egress::EgressError) -> RequestError {
    RequestError::invalid(
        "details.destination",
        crate::messages::Text { zh: format!("{}（{}）", e.zh(), e.code()), en: format!("{} ({})", e.en(), e.code()) },
    )
}
