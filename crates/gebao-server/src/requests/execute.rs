//! Carrying a request out against the operator's databases (`/execute`), or showing first
//! what would change (`/execute?dry_run=true`: the exact statements and row counts, and
//! for an erasure the recipients that will be told):
//! - access and copy (PIPL 45): the copy is built (`GET …/bundle` downloads it);
//! - portability (PIPL 45; NDSMR 25): the copy's JSON goes to the named destination;
//! - correction (PIPL 46): each corrected field in every declared, correctable column;
//! - deletion (PIPL 47): every dataset erased by its per-column strategy, legal holds kept,
//!   then deletion propagated to the recipients that received the erased fields;
//! - cancellation (PIPL 47; NDSMR 24): once no blocker remains, the same erasure, and
//!   gebao's own record of the subject cleared and pseudonymised;
//! - complaint: the operator's reply closes it.
//!
//! Each dataset's changes commit in one transaction; the datasets done are recorded on the
//! request, so a failure leaves it in progress and a retry resumes after them.

use super::details::Details;
use super::effects::{self, set_result};
use super::flow;
use super::propagate;
use super::text;
use crate::error::ApiError;
use crate::state::{AppState, audit};
use gebao_connectors::{Action, Error as ConnError, Outcome};
use gebao_core::ids::DatasetId;
use gebao_core::requests::{RequestEvent, RequestKind, RequestState};
use gebao_store::{OutboxKind, RightsRequest};
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
fn actions(req: &RightsRequest) -> Vec<(String, Action)> {
    match req.kind {
        RequestKind::Deletion | RequestKind::Cancellation => vec![(String::new(), Action::Erase)],
        RequestKind::Correction => Details::of(req)
            .corrections
            .into_iter()
            .enumerate()
            .map(|(i, c)| (format!("c{i}:"), Action::Correct { field: c.field, value: c.value }))
            .collect(),
        _ => Vec::new(),
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
) -> Result<Executed, ApiError> {
    let req = flow::load(state, id).await?;
    if matches!(req.kind, RequestKind::Restriction | RequestKind::Withdrawal | RequestKind::Explanation) {
        return Err(ApiError::Conflict { field: "kind".into(), text: text::execute_not_for_kind(req.kind) });
    }
    if dry_run {
        if req.state.is_terminal() || req.verification.verified_ms.is_none() {
            return Err(flow::wrong_state(&req, "dry run"));
        }
        return plan(state, &req).await.map(Executed::Plan);
    }
    if req.state != RequestState::InProgress {
        return Err(flow::wrong_state(&req, "execute"));
    }
    let done = match req.kind {
        RequestKind::Complaint => {
            let (zh, en) = reply.ok_or_else(|| ApiError::invalid("reply", text::reply_required()))?;
            let mut req = req;
            set_result(&mut req, "reply", json!({ "zh-CN": zh, "en": en }));
            flow::transition(state, actor, req, RequestEvent::Complete, None, json!({}), Vec::new()).await?
        }
        RequestKind::Access | RequestKind::Copy | RequestKind::Portability => copy(state, actor, req).await?,
        RequestKind::Cancellation => {
            match effects::blockers_of(&req) {
                Some(b) if b.is_empty() => {}
                Some(b) => {
                    let ids: Vec<String> = b.into_iter().map(|b| b.id).collect();
                    effects::ask_blockers_again(state, actor, req).await?;
                    return Err(ApiError::Conflict { field: "blockers".into(), text: text::blockers_pending(&ids) });
                }
                None => {
                    effects::ask_blockers_again(state, actor, req).await?;
                    return Err(ApiError::Conflict { field: "blockers".into(), text: text::blockers_unknown() });
                }
            }
            change(state, actor, req).await?
        }
        _ => change(state, actor, req).await?,
    };
    Ok(Executed::Done(Box::new(done)))
}

async fn plan(state: &AppState, req: &RightsRequest) -> Result<Value, ApiError> {
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
            let mut plans = Vec::new();
            let mut rows = 0;
            for (_, action) in actions(req) {
                let p = exec.plan(&req.subject, &action).await.map_err(|e| super::datasets::failed(&e))?;
                rows += p.rows();
                plans.push(p);
            }
            let mut out = json!({ "rows": rows, "plans": plans });
            if matches!(req.kind, RequestKind::Deletion | RequestKind::Cancellation) {
                let fields = propagate::erased_fields(&state.policies.current().manifest, &Details::of(req));
                out["recipients"] = json!(propagate::recipients_for(&state.policies.current().manifest, &fields));
            }
            if req.kind == RequestKind::Cancellation {
                out["gebao"] = json!({ "subject": "contact points, birth date, age and guardian cleared; status cancelled; requests pseudonymised" });
            }
            Ok(out)
        }
    }
}

/// Access, copy, portability: builds the copy (and sends it, for portability).
async fn copy(state: &AppState, actor: &str, mut req: RightsRequest) -> Result<RightsRequest, ApiError> {
    let exec = state.datasets.executor(state)?;
    let bundle = exec.export(&req.subject).await.map_err(|e| super::datasets::failed(&e))?;
    let rows: usize = bundle.csv.values().map(|c| c.lines().count().saturating_sub(1)).sum();
    set_result(&mut req, "bundle", json!({ "tables": bundle.csv.keys().collect::<Vec<_>>(), "rows": rows }));
    let mut outbox = Vec::new();
    if req.kind == RequestKind::Portability
        && let Some(dest) = Details::of(&req).destination
    {
        let payload = json!({ "kind": "portability", "request": req.id, "user": req.subject, "data": bundle.json });
        let mut item = flow::webhook(OutboxKind::Portability, &dest, payload, Some(&req), state);
        item.sensitive = true;
        set_result(&mut req, "transfer", json!({ "destination": dest, "outbox": item.id }));
        outbox.push(item);
    }
    flow::transition(state, actor, req, RequestEvent::Complete, None, json!({ "rows": rows }), outbox).await
}

/// Correction, deletion, cancellation: runs the actions dataset by dataset, recording
/// progress, then propagates and completes.
async fn change(state: &AppState, actor: &str, mut req: RightsRequest) -> Result<RightsRequest, ApiError> {
    let exec = state.datasets.executor(state)?;
    let mut outcomes: Vec<Outcome> = Vec::new();
    for (prefix, action) in actions(&req) {
        match exec.execute(&req.subject, &action, &done_of(&req, &prefix)).await {
            Ok(o) => {
                for d in &o.completed {
                    req.progress.insert(format!("{prefix}{}", d.dataset));
                }
                outcomes.push(o);
            }
            Err(e) => {
                // Keep what committed, so the retry resumes after it; the request stays
                // in progress (never reported as done).
                for d in e.completed() {
                    req.progress.insert(format!("{prefix}{}", d.dataset));
                }
                let detail = json!({ "error": short(&e), "progress": req.progress });
                flow::transition(state, actor, req, RequestEvent::Fail, None, detail, Vec::new()).await?;
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
    set_result(&mut req, "rows", json!(rows));
    set_result(&mut req, "held", Value::Array(held));
    let mut outbox = Vec::new();
    if matches!(req.kind, RequestKind::Deletion | RequestKind::Cancellation) {
        let (items, summary) = propagate::deletion_notices(state, &req);
        set_result(&mut req, "propagation", summary);
        outbox = items;
    }
    let detail = json!({ "rows": rows, "datasets": req.progress });
    let req = flow::transition(state, actor, req, RequestEvent::Complete, None, detail, outbox).await?;
    if req.kind == RequestKind::Cancellation {
        erase_own_records(state, actor, &req).await?;
        return flow::load(state, &req.id).await;
    }
    Ok(req)
}

/// PIPL 47 after cancellation: gebao's own record of the subject, pseudonymised.
async fn erase_own_records(state: &AppState, actor: &str, req: &RightsRequest) -> Result<(), ApiError> {
    let pseudonym =
        format!("anon:{}", &hex::encode(state.crypto.keyed_hash("pseudonym", req.subject.as_bytes()))[..24]);
    let entry = audit(
        actor.to_owned(),
        "subject.erase",
        format!("subject:{}", req.subject),
        Some(format!("request:{}", req.id)),
        json!({ "request": req.id, "pseudonym": pseudonym }),
    );
    if let Some(s) = state.store.erase_subject(&req.subject, &pseudonym, entry).await? {
        state.subjects.put_profile(&s);
    }
    Ok(())
}

fn short(e: &ConnError) -> String {
    e.to_string().chars().take(500).collect()
}
