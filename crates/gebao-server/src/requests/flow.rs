//! How a request moves: every change goes through [`transition`] (a `RequestEvent`, legal
//! only as `gebao_core::requests` says) or [`step`] (work within a state), which write the
//! request, its event, the outbox items it owes and its audit entry in one transaction
//! (PIPL 51, 55). A change made meanwhile by someone else is a 409, never a lost update.

use super::text;
use crate::error::ApiError;
use crate::messages::Text;
use crate::state::{AppState, audit};
use gebao_core::requests::{RefusalReason, RequestEvent};
use gebao_store::{Channel, NewOutbox, NewRequestEvent, OutboxKind, Refusal, RightsRequest, StoreError};
use serde_json::{Value, json};

/// The request, or 404 naming `id`.
pub async fn load(state: &AppState, id: &str) -> Result<RightsRequest, ApiError> {
    state.store.request(id).await?.ok_or_else(|| ApiError::not_found("id", text::request_not_found(id)))
}

/// A 409 for a request in the wrong state for an action.
pub fn wrong_state(req: &RightsRequest, action: &str) -> ApiError {
    ApiError::Conflict { field: "state".into(), text: text::not_in_state(req.state, action) }
}

/// The refusal record of a ground: its explanation and the user's remedy (PIPL 50, 65).
pub fn refusal(reason: RefusalReason, note: Option<String>) -> Refusal {
    let (e, r) = (reason.explanation(), reason.remedy());
    Refusal {
        reason,
        explanation: e.zh.into(),
        explanation_en: e.en.into(),
        remedy: r.zh.into(),
        remedy_en: r.en.into(),
        note,
    }
}

/// Applies `event` to `req` and stores it; 409 when the transition is not legal (the
/// request is left as it was).
pub async fn transition(
    state: &AppState,
    actor: &str,
    mut req: RightsRequest,
    event: RequestEvent,
    reason: Option<String>,
    detail: Value,
    mut outbox: Vec<NewOutbox>,
) -> Result<RightsRequest, ApiError> {
    let from = req.state;
    let to = from
        .transition_for(req.kind, event)
        .map_err(|e| ApiError::Conflict { field: "state".into(), text: text::transition(&e) })?;
    req.state = to;
    if let Some(ground) = event.refusal_reason() {
        let r = refusal(ground, reason.clone());
        outbox.extend(user_notice(state, &req, refused_text(&req, &r)));
        req.refusal = Some(r);
    } else if to == gebao_core::requests::RequestState::Completed {
        outbox.extend(user_notice(state, &req, text::completed_message(req.kind)));
    }
    save(state, actor, req, event.as_str(), Some(from), reason, detail, outbox).await
}

fn refused_text(req: &RightsRequest, r: &Refusal) -> Text {
    text::refused_message(req.kind, (&r.explanation, &r.explanation_en), (&r.remedy, &r.remedy_en))
}

/// Records work done within the current state (a code sent, blockers reported, a dataset
/// erased): an event named `name`, without a transition.
pub async fn step(
    state: &AppState,
    actor: &str,
    req: RightsRequest,
    name: &str,
    reason: Option<String>,
    detail: Value,
    outbox: Vec<NewOutbox>,
) -> Result<RightsRequest, ApiError> {
    let from = req.state;
    save(state, actor, req, name, Some(from), reason, detail, outbox).await
}

#[allow(clippy::too_many_arguments)]
async fn save(
    state: &AppState,
    actor: &str,
    mut req: RightsRequest,
    name: &str,
    from: Option<gebao_core::requests::RequestState>,
    reason: Option<String>,
    detail: Value,
    outbox: Vec<NewOutbox>,
) -> Result<RightsRequest, ApiError> {
    let now = crate::now_ms();
    req.updated_ms = now;
    if req.state.is_terminal() && req.closed_ms.is_none() {
        req.closed_ms = Some(now);
    }
    let event = NewRequestEvent {
        at_ms: now,
        actor: actor.to_owned(),
        event: name.to_owned(),
        from,
        to: req.state,
        reason: reason.clone(),
        detail: detail.clone(),
    };
    let entry = audit(
        actor.to_owned(),
        &format!("request.{name}"),
        format!("request:{}", req.id),
        reason,
        json!({ "kind": req.kind, "subject": req.subject, "from": from, "to": req.state, "detail": detail }),
    );
    state.store.update_request(req, event, entry, outbox).await.map_err(conflict)
}

/// A store conflict on a request is someone else's concurrent change.
pub fn conflict(e: StoreError) -> ApiError {
    match e {
        StoreError::Conflict(_) => ApiError::Conflict { field: "id".into(), text: text::changed_meanwhile() },
        other => other.into(),
    }
}

/// A fresh id with a prefix (`req_…`, `obx_…`).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{:024x}", rand::random::<u128>() >> 32)
}

/// An outbox item for a webhook.
pub fn webhook(
    kind: OutboxKind,
    target: &str,
    payload: Value,
    req: Option<&RightsRequest>,
    state: &AppState,
) -> NewOutbox {
    NewOutbox {
        id: new_id("obx"),
        kind,
        channel: Channel::Webhook,
        target: target.to_owned(),
        payload,
        request_id: req.map(|r| r.id.clone()),
        recipient: None,
        dedupe: None,
        sensitive: false,
        max_attempts: state.requests.outbox_max_attempts,
        created_ms: crate::now_ms(),
    }
}

/// A message to the requester through the notifier, when one is configured. The notifier
/// routes it by the operator's user id (gebao adds the contact point it holds, if any).
pub fn user_notice(state: &AppState, req: &RightsRequest, message: Text) -> Option<NewOutbox> {
    let url = state.requests.notifier_url.as_deref()?;
    let payload = json!({
        "kind": "request-notice",
        "request": req.id,
        "request_kind": req.kind,
        "state": req.state,
        "user": req.requester.id,
        "message": { "zh-CN": message.zh, "en": message.en },
    });
    Some(webhook(OutboxKind::UserNotice, url, payload, Some(req), state))
}
