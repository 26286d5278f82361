//! What a verified request does at once, by kind:
//! - restriction (PIPL 44): the subject's status becomes `restricted`, so every decision
//!   but storage and legal obligations is denied from this moment (reversible with
//!   `POST /v1/subjects/{id}/unrestrict`);
//! - withdrawal (PIPL 15): a withdrawal per named scope is appended to the ledger through
//!   the group-commit writer, so decisions deny at once;
//! - explanation (PIPL 24(3), 48): the manifest's description of each automated decision
//!   and how to opt out, and, when asked, the personalisation opt-out recorded (PIPL 24(2));
//! - correction and deletion wait for a person's approval after the dry run;
//! - cancellation (PIPL 47; NDSMR 24) first asks the operator what blocks it (seed 002: an
//!   unexpired paid plan) and tells the user the answer;
//! - access, copy, portability and complaints are worked on (`/execute`).

use super::details::Details;
use super::flow::{self, webhook};
use super::text;
use crate::error::ApiError;
use crate::state::{AppState, audit};
use gebao_core::decision::{ConsentAction, ConsentScope, SubjectStatus};
use gebao_core::requests::{RequestEvent, RequestKind, RequestState};
use gebao_store::{NewConsent, OutboxKind, OutboxState, RequesterRole, RightsRequest};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Sets `result[key] = value`.
pub fn set_result(req: &mut RightsRequest, key: &str, value: Value) {
    if !req.result.is_object() {
        req.result = json!({});
    }
    if let Some(o) = req.result.as_object_mut() {
        o.insert(key.to_owned(), value);
    }
}

/// Runs the kind's immediate effect on a request that has just been verified.
pub async fn after_verified(state: &AppState, actor: &str, req: RightsRequest) -> Result<RightsRequest, ApiError> {
    match req.kind {
        RequestKind::Correction | RequestKind::Deletion => {
            flow::transition(state, actor, req, RequestEvent::RequestApproval, None, json!({}), Vec::new()).await
        }
        RequestKind::Restriction => restrict(state, actor, req).await,
        RequestKind::Withdrawal => {
            let scopes = Details::of(&req).scopes;
            withdraw(state, actor, req, scopes, "withdrawn").await
        }
        RequestKind::Explanation => explain(state, actor, req).await,
        RequestKind::Cancellation => ask_blockers(state, actor, req).await,
        RequestKind::Access | RequestKind::Copy | RequestKind::Portability | RequestKind::Complaint => Ok(req),
    }
}

async fn restrict(state: &AppState, actor: &str, mut req: RightsRequest) -> Result<RightsRequest, ApiError> {
    let entry = audit(
        actor.to_owned(),
        "subject.restrict",
        format!("subject:{}", req.subject),
        Some(format!("request:{}", req.id)),
        json!({ "to": SubjectStatus::Restricted, "request": req.id }),
    );
    if let Some(s) = state.store.set_subject_status(&req.subject, SubjectStatus::Restricted, entry).await? {
        state.subjects.put_profile(&s);
    }
    set_result(&mut req, "status", json!(SubjectStatus::Restricted));
    flow::transition(state, actor, req, RequestEvent::Complete, None, json!({ "status": "restricted" }), Vec::new())
        .await
}

/// Appends a withdrawal per scope (through the writer: durable before the answer, and in
/// memory at once), records them in `result[key]` and completes the request.
async fn withdraw(
    state: &AppState,
    actor: &str,
    mut req: RightsRequest,
    scopes: Vec<ConsentScope>,
    key: &str,
) -> Result<RightsRequest, ApiError> {
    let version = state.policies.current().version;
    let mut done = Vec::new();
    for scope in scopes {
        let row = state
            .writer
            .append(NewConsent {
                subject: req.subject.clone(),
                scope: scope.clone(),
                action: ConsentAction::Withdraw,
                policy_version: version,
                channel: req.channel.clone(),
                evidence: json!({ "request": req.id }),
                by_guardian: req.requester.role == RequesterRole::Guardian,
                actor: actor.to_owned(),
                at_ms: crate::now_ms(),
            })
            .await?;
        done.push(json!({ "scope": scope.to_string(), "seq": row.seq }));
    }
    let detail = json!({ key: done.len() });
    set_result(&mut req, key, Value::Array(done));
    flow::transition(state, actor, req, RequestEvent::Complete, None, detail, Vec::new()).await
}

async fn explain(state: &AppState, actor: &str, mut req: RightsRequest) -> Result<RightsRequest, ApiError> {
    let details = Details::of(&req);
    let explanations: Vec<Value> = {
        let current = state.policies.current();
        current
            .manifest
            .purposes
            .iter()
            .filter(|p| details.purpose.as_deref().is_none_or(|want| p.id.as_str() == want))
            .filter_map(|p| {
                let a = p.automated.as_ref()?;
                Some(json!({
                    "purpose": p.id,
                    "name": p.name,
                    "name_en": p.name_en,
                    "description": a.description,
                    "description_en": a.description_en,
                    "significant_impact": a.significant_impact,
                    "explanation": a.explanation,
                    "opt_out": a.opt_out,
                    "opt_out_en": a.opt_out_en,
                    "opt_out_immediate": a.opt_out_immediate,
                    "non_personalised_option": a.non_personalised_option,
                }))
            })
            .collect()
    };
    set_result(&mut req, "explanations", Value::Array(explanations));
    if details.opt_out {
        return withdraw(state, actor, req, vec![ConsentScope::Personalisation], "opted_out").await;
    }
    flow::transition(state, actor, req, RequestEvent::Complete, None, json!({}), Vec::new()).await
}

/// What blocks a cancellation, as the operator reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Blocker {
    /// The manifest's blocker id, e.g. `paid-plan`.
    pub id: String,
    /// What to tell the user (zh-CN); the manifest's description when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_en: Option<String>,
}

/// Asks the operator's backend what blocks the cancellation (an outbox webhook). Without a
/// webhook, a manifest that declares no blockers has none; otherwise staff report them.
pub async fn ask_blockers(state: &AppState, actor: &str, mut req: RightsRequest) -> Result<RightsRequest, ApiError> {
    let declared: Vec<Value> = {
        let current = state.policies.current();
        let rights = current.manifest.rights.cancellation.as_ref();
        rights
            .map(|r| r.blockers.iter().map(|b| json!({ "id": b.id, "description": b.description })).collect())
            .unwrap_or_default()
    };
    let Some(url) = state.requests.operator_webhook.clone() else {
        if declared.is_empty() {
            set_result(&mut req, "blockers", json!([]));
            set_result(&mut req, "blockers_checked_ms", json!(crate::now_ms()));
        }
        return flow::step(state, actor, req, "blockers-unasked", None, json!({ "declared": declared }), Vec::new())
            .await;
    };
    let payload = json!({
        "kind": "cancellation-blockers",
        "request": req.id,
        "user": req.subject,
        "declared": declared,
        "answer": "reply with {\"blockers\": [{\"id\": \"…\"}]}, an empty list when nothing blocks",
    });
    let item = webhook(OutboxKind::OperatorBlockers, &url, payload, Some(&req), state);
    let detail = json!({ "outbox": item.id });
    flow::step(state, actor, req, "blockers-asked", None, detail, vec![item]).await
}

/// Asks again, unless a question is still on its way.
pub async fn ask_blockers_again(state: &AppState, actor: &str, req: RightsRequest) -> Result<(), ApiError> {
    let pending = state
        .store
        .outbox_of_request(&req.id)
        .await?
        .iter()
        .any(|i| i.kind == OutboxKind::OperatorBlockers && i.state == OutboxState::Pending);
    if !pending && state.requests.operator_webhook.is_some() {
        ask_blockers(state, actor, req).await?;
    }
    Ok(())
}

/// Records the operator's answer on the request and, when something blocks it, tells the
/// user what (the request stays in progress).
pub async fn report_blockers(
    state: &AppState,
    actor: &str,
    id: &str,
    blockers: Vec<Blocker>,
) -> Result<RightsRequest, ApiError> {
    let mut req = flow::load(state, id).await?;
    if req.kind != RequestKind::Cancellation || req.state != RequestState::InProgress {
        return Err(flow::wrong_state(&req, "report blockers"));
    }
    let described: Vec<Blocker> = {
        let current = state.policies.current();
        let declared = current.manifest.rights.cancellation.as_ref().map(|r| r.blockers.clone()).unwrap_or_default();
        blockers
            .into_iter()
            .map(|b| {
                let d = declared.iter().find(|d| d.id == b.id);
                Blocker {
                    description: b.description.or_else(|| d.map(|d| d.description.clone())),
                    description_en: b.description_en.or_else(|| d.and_then(|d| d.description_en.clone())),
                    id: b.id,
                }
            })
            .collect()
    };
    set_result(&mut req, "blockers", serde_json::to_value(&described).unwrap_or_default());
    set_result(&mut req, "blockers_checked_ms", json!(crate::now_ms()));
    let mut outbox = Vec::new();
    if !described.is_empty() {
        let lines: Vec<(String, String)> = described
            .iter()
            .map(|b| {
                let zh = b.description.clone().unwrap_or_else(|| b.id.clone());
                (zh.clone(), b.description_en.clone().unwrap_or(zh))
            })
            .collect();
        outbox.extend(flow::user_notice(state, &req, text::blockers_message(req.kind, &lines)));
    }
    let ids: Vec<&str> = described.iter().map(|b| b.id.as_str()).collect();
    flow::step(state, actor, req, "blockers-reported", None, json!({ "blockers": ids }), outbox).await
}

/// The blockers last reported: `None` when the operator has not answered yet.
pub fn blockers_of(req: &RightsRequest) -> Option<Vec<Blocker>> {
    req.result.get("blockers_checked_ms")?;
    serde_json::from_value(req.result.get("blockers")?.clone()).ok()
}
