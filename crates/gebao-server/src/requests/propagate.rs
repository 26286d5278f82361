//! Deletion propagation (PIPL 47; 35273 8.3; SHR-07): after an erasure, each recipient that
//! received a field that was really erased is told to delete it, through its `deletion`
//! channel: a webhook or API gets a signed outbox delivery (retried with backoff until
//! delivered or given up) carrying a per-delivery token the recipient acknowledges with; an
//! email address or a manual channel is recorded as pending manual action, done when
//! someone acknowledges it. A recipient whose fields all stay under a legal hold is not
//! told (and the request says why); one without a channel is listed as unreachable.
//!
//! Which fields were erased: the fields the request covers (those it names, or all of the
//! manifest's for a full deletion or a cancellation) minus those the operator keeps — any
//! value left under a legal hold or in a `keep` column (the connectors' `kept_fields`). A
//! field held in no dataset (shared with an SDK but not stored by the operator) counts as
//! erased: its recipients are told.

use super::change::new_id;
use crate::state::AppState;
use gebao_core::Manifest;
use gebao_core::ids::FieldId;
use gebao_core::manifest::DeletionVia;
use gebao_store::{Channel, NewOutbox, OutboxKind, RightsRequest};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The fields a deletion covers: `named`, or every field of the manifest when none is named.
pub fn covered_fields(m: &Manifest, named: &[FieldId]) -> BTreeSet<FieldId> {
    if named.is_empty() { m.fields.iter().map(|f| f.id.clone()).collect() } else { named.iter().cloned().collect() }
}

/// A recipient and what becomes of it, as the dry run and the request show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub recipient: String,
    pub name: String,
    /// `webhook`, `api`, `email`, `manual`, or `none` (no channel declared).
    pub via: &'static str,
    pub address: Option<String>,
    /// The erased fields it received: it is told to delete them.
    pub fields: Vec<FieldId>,
    /// The fields it received that the operator keeps under a legal hold: it is not told.
    pub held: Vec<FieldId>,
}

fn via_name(v: DeletionVia) -> &'static str {
    match v {
        DeletionVia::Webhook => "webhook",
        DeletionVia::Api => "api",
        DeletionVia::Email => "email",
        DeletionVia::Manual => "manual",
    }
}

/// Every recipient that received a field the deletion covers.
pub fn targets(m: &Manifest, covered: &BTreeSet<FieldId>, kept: &BTreeSet<FieldId>) -> Vec<Target> {
    m.recipients
        .iter()
        .filter_map(|r| {
            let received: Vec<&FieldId> = r.fields.iter().filter(|f| covered.contains(*f)).collect();
            if received.is_empty() {
                return None;
            }
            let (held, fields): (Vec<&FieldId>, Vec<&FieldId>) = received.into_iter().partition(|f| kept.contains(*f));
            Some(Target {
                recipient: r.id.to_string(),
                name: r.name.clone(),
                via: r.deletion.as_ref().map_or("none", |d| via_name(d.via)),
                address: r.deletion.as_ref().map(|d| d.address.clone()),
                fields: fields.into_iter().cloned().collect(),
                held: held.into_iter().cloned().collect(),
            })
        })
        .collect()
}

/// The key acknowledgement tokens are made with (derived from the master key).
pub fn ack_key(state: &AppState) -> [u8; 32] {
    state.crypto.keyed_hash("outbox-ack-key", b"")
}

/// The outbox items telling each recipient to delete, and the summary for the request.
pub fn deletion_notices(
    state: &AppState,
    req: &RightsRequest,
    covered: &BTreeSet<FieldId>,
    kept: &BTreeSet<FieldId>,
) -> (Vec<NewOutbox>, Value) {
    let current = state.policies.current();
    let m = &current.manifest;
    let key = ack_key(state);
    let mut items = Vec::new();
    let mut summary = Vec::new();
    for t in targets(m, covered, kept) {
        if t.fields.is_empty() {
            summary.push(json!({ "recipient": t.recipient, "state": "held", "held": t.held }));
            continue;
        }
        let Some(address) = t.address.clone() else {
            summary
                .push(json!({ "recipient": t.recipient, "via": "none", "state": "unreachable", "fields": t.fields }));
            continue;
        };
        let channel = match t.via {
            "webhook" | "api" => Channel::Webhook,
            _ => Channel::Manual,
        };
        let id = new_id("obx");
        let payload = json!({
            "kind": "deletion-request",
            "request": req.id,
            "recipient": t.recipient,
            "user": req.subject,
            "fields": t.fields,
            "controller": m.controller.name,
            "basis": "PIPL 47",
            "acknowledge": {
                "path": format!("/v1/outbox/{id}/ack"),
                "token": gebao_egress::ack_token(&key, &id),
            },
        });
        summary.push(json!({
            "recipient": t.recipient,
            "via": t.via,
            "outbox": id,
            "fields": t.fields,
            "held": t.held,
            "state": if channel == Channel::Webhook { "pending" } else { "manual" },
        }));
        items.push(NewOutbox {
            id,
            kind: OutboxKind::RecipientDeletion,
            channel,
            target: address,
            payload,
            request_id: Some(req.id.clone()),
            recipient: Some(t.recipient),
            dedupe: None,
            // It names the user: erased once delivered.
            sensitive: true,
            max_attempts: state.requests.outbox_max_attempts,
            created_ms: crate::now_ms(),
        });
    }
    (items, Value::Array(summary))
}

/// Records that the target of a delivery confirmed it acted (a recipient confirming a
/// deletion, PIPL 47), by `by` (`recipient`, an API key's actor, a member of staff), with
/// its audit entry; a manual item is delivered by this. Acknowledging twice answers the
/// item as it is. `NotFound` without such an item, `Blocked` while it is not delivered.
pub async fn acknowledge(
    state: &AppState,
    by: &str,
    id: &str,
    reference: Option<String>,
    note: Option<String>,
) -> Result<gebao_store::OutboxItem, super::RequestError> {
    use super::{RequestError, text};
    use gebao_store::{AuditAction, OutboxState};
    if reference.as_ref().is_some_and(|r| r.chars().count() > 200 || r.chars().any(char::is_control)) {
        return Err(RequestError::invalid("reference", text::text_invalid("reference", 200)));
    }
    let ack = json!({ "by": by, "reference": reference, "note": note });
    let entry =
        crate::state::audit(by.to_owned(), AuditAction::OutboxAcknowledged, format!("outbox:{id}"), None, ack.clone());
    match state.store.acknowledge_outbox(id, ack, entry).await? {
        Some(item) => Ok(item),
        None => match state.store.outbox_item(id).await? {
            None => Err(RequestError::NotFound(id.to_owned())),
            Some(i) if matches!(i.state, OutboxState::Pending | OutboxState::Failed) => {
                Err(RequestError::blocked("id", text::outbox_not_delivered(id)))
            }
            Some(i) => Ok(i),
        },
    }
}
