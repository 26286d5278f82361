//! Deletion propagation (PIPL 47; 35273 8.3; SHR-07): after an erasure, every recipient
//! that received the subject's data — the manifest's recipients whose `fields` intersect
//! what was erased — is told to delete it through its `deletion` channel: a webhook or API
//! gets an outbox item (retried with backoff until acknowledged or given up); an email
//! address or a manual channel is recorded as pending manual action with the address, done
//! when someone acknowledges it. A recipient without a channel is listed as unreachable.

use super::details::Details;
use super::flow::new_id;
use crate::state::AppState;
use gebao_core::Manifest;
use gebao_core::ids::FieldId;
use gebao_core::manifest::DeletionVia;
use gebao_store::{Channel, NewOutbox, OutboxKind, RightsRequest};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The fields an erasure removes: every field held by a column of a declared dataset; with
/// no dataset declared, the fields the request names, else every field of the manifest.
pub fn erased_fields(m: &Manifest, details: &Details) -> BTreeSet<FieldId> {
    let from_datasets: BTreeSet<FieldId> =
        m.datasets.iter().flat_map(|d| &d.tables).flat_map(|t| t.columns.values()).map(|c| c.field.clone()).collect();
    if !from_datasets.is_empty() {
        return from_datasets;
    }
    if !details.fields.is_empty() {
        return details.fields.iter().cloned().collect();
    }
    m.fields.iter().map(|f| f.id.clone()).collect()
}

/// A recipient to tell, as the dry run and the request show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub recipient: String,
    pub name: String,
    /// `webhook`, `api`, `email`, `manual`, or `none` (no channel declared).
    pub via: &'static str,
    pub address: Option<String>,
    /// The erased fields it received.
    pub fields: Vec<FieldId>,
}

fn via_name(v: DeletionVia) -> &'static str {
    match v {
        DeletionVia::Webhook => "webhook",
        DeletionVia::Api => "api",
        DeletionVia::Email => "email",
        DeletionVia::Manual => "manual",
    }
}

/// The recipients that received any of `erased`.
pub fn recipients_for(m: &Manifest, erased: &BTreeSet<FieldId>) -> Vec<Target> {
    m.recipients
        .iter()
        .filter_map(|r| {
            let fields: Vec<FieldId> = r.fields.iter().filter(|f| erased.contains(*f)).cloned().collect();
            if fields.is_empty() {
                return None;
            }
            Some(Target {
                recipient: r.id.to_string(),
                name: r.name.clone(),
                via: r.deletion.as_ref().map_or("none", |d| via_name(d.via)),
                address: r.deletion.as_ref().map(|d| d.address.clone()),
                fields,
            })
        })
        .collect()
}

/// The outbox items telling each recipient to delete, and the summary for the request.
pub fn deletion_notices(state: &AppState, req: &RightsRequest) -> (Vec<NewOutbox>, Value) {
    let current = state.policies.current();
    let m = &current.manifest;
    let targets = recipients_for(m, &erased_fields(m, &Details::of(req)));
    let mut items = Vec::new();
    let mut summary = Vec::new();
    for t in targets {
        let Some(address) = t.address.clone() else {
            summary.push(json!({ "recipient": t.recipient, "via": "none", "state": "unreachable" }));
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
            "acknowledge": format!("/v1/outbox/{id}/ack"),
        });
        summary.push(json!({
            "recipient": t.recipient,
            "via": t.via,
            "address": address,
            "outbox": id,
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
