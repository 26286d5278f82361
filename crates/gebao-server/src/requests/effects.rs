//! What a verified request does at once, by kind — added to the same [`Change`] as the
//! verification, so both commit together:
//! - restriction (PIPL 44): the subject's status becomes `restricted`, so every decision
//!   but storage and legal obligations is denied from this moment (reversible with
//!   `POST /v1/subjects/{id}/unrestrict`);
//! - withdrawal (PIPL 15): a withdrawal per named scope is appended to the ledger, so
//!   decisions deny at once;
//! - explanation (PIPL 24(3), 48): the manifest's description of each automated decision
//!   and how to opt out, and, when asked, the personalisation opt-out recorded (PIPL 24(2));
//! - correction and deletion wait for a person's approval after the dry run;
//! - cancellation (PIPL 47; NDSMR 24) first asks the operator what blocks it (seed 002: an
//!   unexpired paid plan) and tells the user the answer;
//! - access, copy, portability and complaints are worked on (`/execute`).

use super::change::{self, Change, Step, webhook};
use super::details::Details;
use super::error::RequestError;
use super::text;
use crate::state::{AppState, audit};
use gebao_core::decision::{ConsentAction, ConsentScope, SubjectStatus};
use gebao_core::requests::{RequestEvent, RequestKind, RequestState};
use gebao_store::AuditAction;
use gebao_store::{NewConsent, OutboxKind, OutboxState, RequesterRole, RightsRequest, SubjectEffect};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Adds the kind's immediate effect to a request that has just been verified.
pub fn after_verified(state: &AppState, change: &mut Change<'_>) -> Result<(), RequestError> {
    match change.req.kind {
        RequestKind::Correction | RequestKind::Deletion => {
            change.transition(RequestEvent::RequestApproval, None, json!({}))?;
        }
        RequestKind::Restriction => {
            let entry = audit(
                change.actor().to_owned(),
                AuditAction::SubjectRestrict,
                String::new(),
                Some(format!("request:{}", change.req.id)),
                json!({ "to": SubjectStatus::Restricted, "request": change.req.id }),
            );
            let id = change.req.subject.clone();
            change.affect_subject(SubjectEffect::SetStatus { id, status: SubjectStatus::Restricted, audit: entry });
            change.set_result("status", json!(SubjectStatus::Restricted));
            change.transition(RequestEvent::Complete, None, json!({ "status": "restricted" }))?;
        }
        RequestKind::Withdrawal => {
            let Details::Withdrawal { scopes } = Details::of(&change.req)? else {
                return Err(Details::mismatch(&change.req));
            };
            withdraw(state, change, scopes, "withdrawn")?;
        }
        RequestKind::Explanation => explain(state, change)?,
        RequestKind::Cancellation => ask_blockers(state, change),
        RequestKind::Access | RequestKind::Copy | RequestKind::Portability | RequestKind::Complaint => {}
    }
    Ok(())
}

/// Appends a withdrawal per scope (in the request's own commit: durable with it, and in
/// memory at once), records them in `result[key]` and completes the request.
fn withdraw(
    state: &AppState,
    change: &mut Change<'_>,
    scopes: Vec<ConsentScope>,
    key: &str,
) -> Result<(), RequestError> {
    let version = state.policies.current().version;
    let mut done = Vec::new();
    for scope in scopes {
        let req = &change.req;
        let c = NewConsent {
            subject: req.subject.clone(),
            scope: scope.clone(),
            action: ConsentAction::Withdraw,
            policy_version: version,
            channel: req.channel.clone(),
            evidence: json!({ "request": req.id }),
            by_guardian: req.requester.role == RequesterRole::Guardian,
            actor: change.actor().to_owned(),
            at_ms: crate::now_ms(),
        };
        change.append_consent(c);
        done.push(json!({ "scope": scope.to_string() }));
    }
    let detail = json!({ key: done.len() });
    change.set_result(key, Value::Array(done));
    change.transition(RequestEvent::Complete, None, detail)?;
    Ok(())
}

fn explain(state: &AppState, change: &mut Change<'_>) -> Result<(), RequestError> {
    let Details::Explanation { purpose, opt_out } = Details::of(&change.req)? else {
        return Err(Details::mismatch(&change.req));
    };
    let explanations: Vec<Value> = {
        let current = state.policies.current();
        current
            .manifest
            .purposes
            .iter()
            .filter(|p| purpose.as_deref().is_none_or(|want| p.id.as_str() == want))
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
    change.set_result("explanations", Value::Array(explanations));
    if opt_out {
        return withdraw(state, change, vec![ConsentScope::Personalisation], "opted_out");
    }
    change.transition(RequestEvent::Complete, None, json!({}))?;
    Ok(())
}

/// What blocks a cancellation, as the operator reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
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
pub fn ask_blockers(state: &AppState, change: &mut Change<'_>) {
    let declared: Vec<Value> = {
        let current = state.policies.current();
        let rights = current.manifest.rights.cancellation.as_ref();
        rights
            .map(|r| r.blockers.iter().map(|b| json!({ "id": b.id, "description": b.description })).collect())
            .unwrap_or_default()
    };
    let Some(url) = state.requests.operator_webhook.clone() else {
        if declared.is_empty() {
            change.set_result("blockers", json!([]));
            change.set_result("blockers_checked_ms", json!(crate::now_ms()));
        }
        change.step(Step::BlockersUnasked, None, json!({ "declared": declared }));
        return;
    };
    let payload = json!({
        "kind": "cancellation-blockers",
        "request": change.req.id,
        "user": change.req.subject,
        "declared": declared,
        "answer": "reply with {\"blockers\": [{\"id\": \"…\"}]}, an empty list when nothing blocks",
    });
    let mut item = webhook(state, OutboxKind::OperatorBlockers, &url, payload, Some(&change.req));
    // It names the user: erased once delivered.
    item.sensitive = true;
    let detail = json!({ "outbox": item.id });
    change.send(item);
    change.step(Step::BlockersAsked, None, detail);
}

/// Asks again, unless a question is still on its way.
pub async fn ask_blockers_again(state: &AppState, actor: &str, req: RightsRequest) -> Result<(), RequestError> {
    let pending = state
        .store
        .outbox_of_request(&req.id)
        .await?
        .iter()
        .any(|i| i.kind == OutboxKind::OperatorBlockers && i.state == OutboxState::Pending);
    if !pending && state.requests.operator_webhook.is_some() {
        let mut change = Change::new(state, actor, req);
        ask_blockers(state, &mut change);
        change.commit().await?;
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
) -> Result<RightsRequest, RequestError> {
    let req = change::load(state, id).await?;
    if req.kind != RequestKind::Cancellation || req.state != RequestState::InProgress {
        return Err(change::wrong_state(&req, "report blockers"));
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
    let ids: Vec<String> = described.iter().map(|b| b.id.clone()).collect();
    let mut change = Change::new(state, actor, req);
    change.set_result("blockers", serde_json::to_value(&described).unwrap_or_default());
    change.set_result("blockers_checked_ms", json!(crate::now_ms()));
    if !described.is_empty() {
        let lines: Vec<(String, String)> = described
            .iter()
            .map(|b| {
                let zh = b.description.clone().unwrap_or_else(|| b.id.clone());
                (zh.clone(), b.description_en.clone().unwrap_or(zh))
            })
            .collect();
        change.notify_user(text::blockers_message(RequestKind::Cancellation, &lines));
    }
    change.step(Step::BlockersReported, None, json!({ "blockers": ids }));
    change.commit().await
}

/// The blockers last reported: `None` when the operator has not answered yet.
pub fn blockers_of(req: &RightsRequest) -> Option<Vec<Blocker>> {
    req.result.get("blockers_checked_ms")?;
    serde_json::from_value(req.result.get("blockers")?.clone()).ok()
}
