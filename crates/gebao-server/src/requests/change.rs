//! How a request moves. A [`Change`] gathers everything one action does — legal
//! transitions (`gebao_core::requests` says which are legal), steps within a state, the
//! messages owed, consent records and the effect on the subject's record — and
//! [`Change::commit`] writes it all in ONE store transaction (PIPL 51, 55). A verification
//! that also moves a deletion to "awaiting approval" is one commit, so no crash can leave a
//! request in progress without its approval; a cancellation's completion and the erasure of
//! the subject are one commit too. A change made meanwhile by someone else is
//! [`RequestError::ChangedMeanwhile`], never a lost update.

use super::error::RequestError;
use super::text;
use crate::messages::Text;
use crate::state::{AppState, audit};
use gebao_core::requests::{RefusalReason, RequestEvent, RequestState};
use gebao_store::{
    AuditAction, Channel, Committed, NewConsent, NewOutbox, NewRequestEvent, OutboxKind, Refusal, RequestChange,
    RightsRequest, SubjectEffect, SubjectOutcome,
};
use serde_json::{Value, json};

/// A step within a state: work recorded without a transition (the store's vocabulary of
/// request events, so a mistyped step does not compile).
pub use gebao_store::RequestStep as Step;

/// The request, or `NotFound`.
pub async fn load(state: &AppState, id: &str) -> Result<RightsRequest, RequestError> {
    state.store.request(id).await?.ok_or_else(|| RequestError::NotFound(id.to_owned()))
}

/// A staff decision (approve, refuse with a ground, withdraw for the user) with the staff's
/// note: one legal transition, committed with its audit entry. The API and the console
/// both act through it.
pub async fn act(
    state: &AppState,
    actor: &str,
    id: &str,
    event: RequestEvent,
    note: Option<String>,
    detail: Value,
) -> Result<RightsRequest, RequestError> {
    let mut change = Change::new(state, actor, load(state, id).await?);
    change.transition(event, note, detail)?;
    change.commit().await
}

/// A request in the wrong state for an action.
pub fn wrong_state(req: &RightsRequest, action: &'static str) -> RequestError {
    RequestError::WrongState { state: req.state, action }
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

/// Everything one action does to a request, committed at once.
pub struct Change<'s> {
    state: &'s AppState,
    actor: String,
    pub req: RightsRequest,
    events: Vec<NewRequestEvent>,
    audit: Vec<gebao_store::NewAudit>,
    outbox: Vec<NewOutbox>,
    consents: Vec<NewConsent>,
    subject: Option<SubjectEffect>,
}

impl<'s> Change<'s> {
    pub fn new(state: &'s AppState, actor: &str, req: RightsRequest) -> Self {
        Change {
            state,
            actor: actor.to_owned(),
            req,
            events: Vec::new(),
            audit: Vec::new(),
            outbox: Vec::new(),
            consents: Vec::new(),
            subject: None,
        }
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Applies a legal transition; the request is left as it was when it is not legal.
    pub fn transition(
        &mut self,
        event: RequestEvent,
        reason: Option<String>,
        detail: Value,
    ) -> Result<&mut Self, RequestError> {
        let from = self.req.state;
        let to = from.transition_for(self.req.kind, event).map_err(RequestError::Transition)?;
        self.req.state = to;
        if let Some(ground) = event.refusal_reason() {
            let r = refusal(ground, reason.clone());
            let message =
                text::refused_message(self.req.kind, (&r.explanation, &r.explanation_en), (&r.remedy, &r.remedy_en));
            self.notify_user(message);
            self.req.refusal = Some(r);
        } else if to == RequestState::Completed {
            self.notify_user(text::completed_message(self.req.kind));
        }
        if event == RequestEvent::Approve {
            self.set_result("approved_ms", json!(crate::now_ms()));
        }
        self.record(event.into(), Some(from), reason, detail);
        Ok(self)
    }

    /// Records work done within the current state.
    pub fn step(&mut self, step: Step, reason: Option<String>, detail: Value) -> &mut Self {
        let from = self.req.state;
        self.record(step, Some(from), reason, detail);
        self
    }

    fn record(&mut self, step: Step, from: Option<RequestState>, reason: Option<String>, detail: Value) {
        let now = crate::now_ms();
        self.events.push(NewRequestEvent {
            at_ms: now,
            actor: self.actor.clone(),
            event: step,
            from,
            to: self.req.state,
            reason: reason.clone(),
            detail: detail.clone(),
        });
        // The audit entry names the request only: never the user.
        self.audit.push(audit(
            self.actor.clone(),
            AuditAction::Request(step),
            format!("request:{}", self.req.id),
            reason,
            json!({ "kind": self.req.kind, "from": from, "to": self.req.state, "detail": detail }),
        ));
    }

    /// Sets `result[key] = value`.
    pub fn set_result(&mut self, key: &str, value: Value) -> &mut Self {
        set_result(&mut self.req, key, value);
        self
    }

    pub fn send(&mut self, item: NewOutbox) -> &mut Self {
        self.outbox.push(item);
        self
    }

    pub fn append_consent(&mut self, c: NewConsent) -> &mut Self {
        self.consents.push(c);
        self
    }

    pub fn affect_subject(&mut self, effect: SubjectEffect) -> &mut Self {
        self.subject = Some(effect);
        self
    }

    /// A message to the requester through the notifier, when one is configured.
    pub fn notify_user(&mut self, message: Text) -> &mut Self {
        if let Some(item) = user_notice(self.state, &self.req, message) {
            self.outbox.push(item);
        }
        self
    }

    /// Writes everything in one transaction, then brings memory up to date.
    pub async fn commit(self) -> Result<RightsRequest, RequestError> {
        let Change { state, mut req, events, audit, outbox, consents, subject, .. } = self;
        if events.is_empty() {
            return Ok(req);
        }
        let now = crate::now_ms();
        req.updated_ms = now;
        if req.state.is_terminal() && req.closed_ms.is_none() {
            req.closed_ms = Some(now);
        }
        let change = RequestChange { request: req, events, audit, outbox, consents, subject };
        let Committed { request, consents, subject } = state.store.commit_request(change).await?;
        for row in &consents {
            crate::writer::apply(state, row).await;
        }
        match subject {
            Some(SubjectOutcome::Changed(s)) => state.subjects.put_profile(&s),
            Some(SubjectOutcome::Erased { tombstone, .. }) => state.subjects.erase(&tombstone),
            None => {}
        }
        Ok(request)
    }
}

/// Sets `result[key] = value`.
pub fn set_result(req: &mut RightsRequest, key: &str, value: Value) {
    if !req.result.is_object() {
        req.result = json!({});
    }
    if let Some(o) = req.result.as_object_mut() {
        o.insert(key.to_owned(), value);
    }
}

/// A fresh id with a prefix (`req_…`, `obx_…`).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{:024x}", rand::random::<u128>() >> 32)
}

/// An outbox item for a webhook.
pub fn webhook(
    state: &AppState,
    kind: OutboxKind,
    target: &str,
    payload: Value,
    req: Option<&RightsRequest>,
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
/// routes it by the operator's user id. It names the user: erased once delivered.
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
    let mut item = webhook(state, OutboxKind::UserNotice, url, payload, Some(req));
    item.sensitive = true;
    Some(item)
}
