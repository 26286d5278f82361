//! Carrying a request out against the operator's databases (`/execute`), or showing first
//! what would change (`/execute?dry_run=true`: the exact statements and row counts, and for
//! an erasure the recipients that will be told):
//! - access and copy (PIPL 45): the copy is built (`GET …/bundle` downloads it);
//! - portability (PIPL 45; NDSMR 25): the copy's JSON goes to the named (allowlisted)
//!   destination;
//! - correction (PIPL 46): each corrected field in every declared, correctable column;
//! - deletion (PIPL 47): every dataset erased by its per-column strategy, legal holds kept,
//!   then deletion propagated to the recipients of the fields really erased, and gebao's
//!   own record of those fields marked erased (decisions deny `field-erased`);
//! - cancellation (PIPL 47; NDSMR 24): once no blocker remains, the same erasure, and in
//!   the same commit as the request's completion gebao's own record of the subject erased;
//! - complaint: the operator's reply closes it.
//!
//! Each dataset's changes commit in one transaction; the datasets done are recorded on the
//! request, so a failure leaves it in progress and a retry resumes after them. Correction
//! and deletion run only after a person's approval.

use super::change::{self, Change, set_result};
use super::details::Details;
use super::effects;
use super::error::RequestError;
use super::propagate;
use super::text;
use crate::state::{AppState, audit};
use gebao_connectors::{Action, Error as ConnError, Outcome};
use gebao_core::ids::{DatasetId, FieldId};
use gebao_core::requests::{RequestEvent, RequestKind, RequestState};
use gebao_store::AuditAction;
use gebao_store::{OutboxKind, RightsRequest, SubjectEffect};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// What `/execute` answered.
pub enum Executed {
    /// The dry run: nothing changed.
    Plan(Value),
    /// The request after the work.
    Done(Box<RightsRequest>),
}

/// The connector actions a request runs, with the progress-key prefix of each.
fn actions(details: &Details) -> Vec<(String, Action)> {
    match details {
        Details::Deletion { .. } | Details::Cancellation { .. } => vec![(String::new(), Action::Erase)],
        Details::Correction { corrections } => corrections
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("c{i}:"), Action::Correct { field: c.field.clone(), value: c.value.clone() }))
            .collect(),
        _ => Vec::new(),
    }
}

/// The fields a deletion or cancellation covers.
fn covered(state: &AppState, details: &Details) -> BTreeSet<FieldId> {
    let current = state.policies.current();
    match details {
        Details::Deletion { fields, .. } => propagate::covered_fields(&current.manifest, fields),
        _ => propagate::covered_fields(&current.manifest, &[]),
    }
}

fn done_of(req: &RightsRequest, prefix: &str) -> BTreeSet<DatasetId> {
    req.progress.iter().filter_map(|p| p.strip_prefix(prefix)).map(DatasetId::from).collect()
}

/// `POST /v1/requests/{id}/execute`.
pub async fn execute(
    state: &AppState,
    actor: &str,
    id: &str,
    dry_run: bool,
    reply: Option<(String, Option<String>)>,
) -> Result<Executed, RequestError> {
    let req = change::load(state, id).await?;
    if matches!(req.kind, RequestKind::Restriction | RequestKind::Withdrawal | RequestKind::Explanation) {
        return Err(RequestError::blocked("kind", text::execute_not_for_kind(req.kind)));
    }
    if dry_run {
        if req.state.is_terminal() || req.verification.verified_ms.is_none() {
            return Err(change::wrong_state(&req, "dry run"));
        }
        return plan(state, &req).await.map(Executed::Plan);
    }
    if req.state != RequestState::InProgress {
        return Err(change::wrong_state(&req, "execute"));
    }
    // The approval is a legal step of its own: never acted on without it, whatever the
    // stored state says.
    if matches!(req.kind, RequestKind::Correction | RequestKind::Deletion) && req.result.get("approved_ms").is_none() {
        return Err(change::wrong_state(&req, "execute before approval"));
    }
    let done = match req.kind {
        RequestKind::Complaint => {
            let (zh, en) = reply.ok_or_else(|| RequestError::invalid("reply", text::reply_required()))?;
            let mut change = Change::new(state, actor, req);
            change.set_result("reply", json!({ "zh-CN": zh, "en": en }));
            change.transition(RequestEvent::Complete, None, json!({}))?;
            change.commit().await?
        }
        RequestKind::Access | RequestKind::Copy | RequestKind::Portability => copy(state, actor, req).await?,
        RequestKind::Cancellation => {
            match effects::blockers_of(&req) {
                Some(b) if b.is_empty() => {}
                Some(b) => {
                    let ids: Vec<String> = b.into_iter().map(|b| b.id).collect();
                    effects::ask_blockers_again(state, actor, req).await?;
                    return Err(RequestError::blocked("blockers", text::blockers_pending(&ids)));
                }
                None => {
                    effects::ask_blockers_again(state, actor, req).await?;
                    return Err(RequestError::blocked("blockers", text::blockers_unknown()));
                }
            }
            change_data(state, actor, req).await?
        }
        _ => change_data(state, actor, req).await?,
    };
    Ok(Executed::Done(Box::new(done)))
}

async fn plan(state: &AppState, req: &RightsRequest) -> Result<Value, RequestError> {
    let exec = state.datasets.executor(state)?;
    match req.kind {
        RequestKind::Access | RequestKind::Copy | RequestKind::Portability => {
            let data = exec.find(&req.subject).await.map_err(|e| super::datasets::failed(&e))?;
            let tables: Vec<Value> = data
                .datasets
                .iter()
                .flat_map(|d| {
                    d.tables
                        .iter()
                        .map(move |t| json!({ "dataset": d.dataset, "table": t.table, "rows": t.rows.len() }))
                })
                .collect();
            Ok(json!({ "rows": data.row_count(), "tables": tables }))
        }
        RequestKind::Complaint => Ok(json!({ "rows": 0 })),
        _ => {
            let details = Details::of(req)?;
            let mut plans = Vec::new();
            let mut rows = 0;
            for (_, action) in actions(&details) {
                let p = exec.plan(&req.subject, &action).await.map_err(|e| super::datasets::failed(&e))?;
                rows += p.rows();
                plans.push(p);
            }
            let mut out = json!({ "rows": rows, "plans": plans });
            if matches!(req.kind, RequestKind::Deletion | RequestKind::Cancellation) {
                let current = state.policies.current();
                let mut kept = kept_so_far(req);
                kept.extend(plans.iter().flat_map(gebao_connectors::Plan::kept_fields));
                out["recipients"] = json!(propagate::targets(&current.manifest, &covered(state, &details), &kept));
            }
            if req.kind == RequestKind::Cancellation {
                out["gebao"] = json!({
                    "subject": "erased: contact points, birth date, age, guardian link and consent evidence removed; the ledger and audit log keep a keyed pseudonym; requests pseudonymised"
                });
            }
            Ok(out)
        }
    }
}

/// Access, copy, portability: builds the copy (and sends it, for portability).
async fn copy(state: &AppState, actor: &str, req: RightsRequest) -> Result<RightsRequest, RequestError> {
    let details = Details::of(&req)?;
    let exec = state.datasets.executor(state)?;
    let bundle = exec.export(&req.subject).await.map_err(|e| super::datasets::failed(&e))?;
    let rows: usize = bundle.csv.values().map(|c| c.lines().count().saturating_sub(1)).sum();
    let summary = json!({ "tables": bundle.csv.keys().collect::<Vec<_>>(), "rows": rows });
    let mut change = Change::new(state, actor, req);
    change.set_result("bundle", summary);
    if let Details::Portability { destination } = details {
        // Checked against the allowlist at intake; checked again here (the configuration
        // may have changed) and by the egress layer when delivering.
        state.egress.check(&destination).map_err(|e| super::intake::destination_refused(&e))?;
        let payload =
            json!({ "kind": "portability", "request": change.req.id, "user": change.req.subject, "data": bundle.json });
        let mut item = change::webhook(state, OutboxKind::Portability, &destination, payload, Some(&change.req));
        item.sensitive = true;
        let shown = gebao_egress::redact_url(&destination);
        change.set_result("transfer", json!({ "destination": shown, "outbox": item.id }));
        change.send(item);
    }
    change.transition(RequestEvent::Complete, None, json!({ "rows": rows }))?;
    change.commit().await
}

/// Correction, deletion, cancellation: runs the actions dataset by dataset, recording
/// progress, then — in one commit — completes the request, propagates the deletion and
/// updates gebao's own record of the subject.
async fn change_data(state: &AppState, actor: &str, mut req: RightsRequest) -> Result<RightsRequest, RequestError> {
    let details = Details::of(&req)?;
    let exec = state.datasets.executor(state)?;
    let mut outcomes: Vec<Outcome> = Vec::new();
    for (prefix, action) in actions(&details) {
        match exec.execute(&req.subject, &action, &done_of(&req, &prefix)).await {
            Ok(o) => {
                for d in &o.completed {
                    req.progress.insert(format!("{prefix}{}", d.dataset));
                }
                outcomes.push(o);
            }
            Err(e) => {
                // Keep what committed, so the retry resumes after it — and what those
                // datasets kept under a legal hold, so the retry still knows — while the
                // request stays in progress (never reported as done).
                for d in e.completed() {
                    req.progress.insert(format!("{prefix}{}", d.dataset));
                }
                let mut kept = kept_so_far(&req);
                kept.extend(e.completed().iter().flat_map(|d| d.kept_fields.iter().cloned()));
                kept.extend(outcomes.iter().flat_map(Outcome::kept_fields));
                set_result(&mut req, "kept_fields", json!(kept));
                let detail = json!({ "error": short(&e), "progress": req.progress });
                let mut change = Change::new(state, actor, req);
                change.transition(RequestEvent::Fail, None, detail)?;
                change.commit().await?;
                return Err(super::datasets::failed(&e));
            }
        }
    }
    let rows: u64 = outcomes.iter().flat_map(|o| &o.completed).map(|d| d.rows).sum();
    let held: Vec<Value> = outcomes
        .iter()
        .flat_map(|o| &o.completed)
        .flat_map(|d| d.held.iter().map(move |h| json!({ "dataset": d.dataset, "table": h.table, "until": h.until, "reason": h.reason.label().zh, "reason_en": h.reason.label().en })))
        .collect();
    let mut change = Change::new(state, actor, req);
    change.set_result("rows", json!(rows));
    change.set_result("held", Value::Array(held));
    if matches!(details, Details::Deletion { .. } | Details::Cancellation { .. }) {
        // Kept: every field a value of which stays anywhere (rows under a legal hold, `keep`
        // columns), in this run or in the runs before it.
        let mut kept = kept_so_far(&change.req);
        kept.extend(outcomes.iter().flat_map(Outcome::kept_fields));
        let covered = covered(state, &details);
        let (items, summary) = propagate::deletion_notices(state, &change.req, &covered, &kept);
        change.set_result("propagation", summary);
        for item in items {
            change.send(item);
        }
        let erased: Vec<String> = covered.difference(&kept).map(|f| f.to_string()).collect();
        let id = change.req.subject.clone();
        let effect = match details {
            Details::Cancellation { .. } => SubjectEffect::Erase {
                id,
                audit: audit(
                    actor.to_owned(),
                    AuditAction::SubjectErase,
                    String::new(),
                    Some(format!("request:{}", change.req.id)),
                    json!({ "request": change.req.id }),
                ),
            },
            _ => {
                let full = matches!(&details, Details::Deletion { fields, .. } if fields.is_empty());
                SubjectEffect::EraseFields {
                    id,
                    fields: erased.clone(),
                    clear_profile: full,
                    audit: audit(
                        actor.to_owned(),
                        AuditAction::SubjectFieldsErased,
                        String::new(),
                        Some(format!("request:{}", change.req.id)),
                        json!({ "request": change.req.id, "fields": erased }),
                    ),
                }
            }
        };
        change.set_result("erased_fields", json!(erased));
        change.affect_subject(effect);
    }
    let detail = json!({ "rows": rows, "datasets": change.req.progress });
    change.transition(RequestEvent::Complete, None, detail)?;
    change.commit().await
}

/// The fields earlier, interrupted runs of this request kept.
fn kept_so_far(req: &RightsRequest) -> BTreeSet<FieldId> {
    req.result.get("kept_fields").and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default()
}

fn short(e: &ConnError) -> String {
    e.to_string().chars().take(500).collect()
}
