//! The hot path: "may purpose P use fields F of subject S now?" (pipl-rules part D).
//! Answered from memory — the engine of the version in force (an atomic load) and the
//! subject's state (a shard read lock) — never from the database.

use super::Problems;
use super::schema::OperatorId;
use crate::auth::{Auth, scope};
use crate::error::ApiError;
use crate::extract::{Json, integer};
use crate::messages;
use crate::state::AppState;
use crate::versions::Current;
use axum::extract::State;
use gebao_core::decision::{Decision, DecisionQuery};
use gebao_core::manifest::LegalBasis;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Most queries in one batch.
const BATCH_MAX: usize = 1000;
/// Most fields in one query.
const FIELDS_MAX: usize = 256;

/// One question.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// The subject's id.
    #[schema(value_type = OperatorId)]
    pub subject: String,
    /// The purpose id of the manifest.
    pub purpose: String,
    /// The field ids the processing would use (at most 256).
    #[serde(default)]
    #[schema(max_items = 256)]
    pub fields: Vec<String>,
    /// The recipient the data would go to, if any.
    #[serde(default)]
    pub recipient: Option<String>,
    /// When the data was collected (Unix ms), to apply retention.
    #[serde(default, deserialize_with = "integer::option")]
    pub collected_at_ms: Option<i64>,
}

/// Up to 1,000 questions, answered in order.
pub struct DecisionBatch;

impl utoipa::PartialSchema for DecisionBatch {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(utoipa::openapi::Ref::from_schema_name("DecisionBody"))
            .max_items(Some(BATCH_MAX))
            .into()
    }
}

impl ToSchema for DecisionBatch {}

/// The answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    pub allow: bool,
    /// On deny: the reason code of pipl-rules part D, e.g. `consent-withdrawn`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// On allow: the legal basis used, e.g. `consent`, `contract`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub basis: Option<LegalBasis>,
    /// What the reason is about (a field, a recipient).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The policy version decided under.
    pub policy_version: i64,
}

/// The name of a field of query `index` of a batch (`[3].subject`), or of the single query.
fn field(index: Option<usize>, name: &str) -> String {
    match index {
        Some(i) => format!("[{i}].{name}"),
        None => name.to_owned(),
    }
}

fn decide_one(
    state: &AppState,
    current: &Current,
    q: &DecisionBody,
    index: Option<usize>,
    now_ms: i64,
) -> Result<DecisionView, ApiError> {
    if q.fields.len() > FIELDS_MAX {
        return Err(ApiError::invalid(field(index, "fields"), messages::too_many_fields(FIELDS_MAX)));
    }
    let query = DecisionQuery {
        purpose: &q.purpose,
        fields: &q.fields,
        recipient: q.recipient.as_deref(),
        collected_at_ms: q.collected_at_ms,
        now_ms,
    };
    // The subject's keyed hash finds its state; an erased subject's state says cancelled.
    let key = state.crypto.subject_key(&q.subject);
    let ended = state.ending.ended(now_ms);
    let d: Decision = state
        .subjects
        .with(
            &key,
            |s| if ended { current.engine.decide_after_end(s, &query) } else { current.engine.decide(s, &query) },
        )
        .ok_or_else(|| ApiError::not_found(field(index, "subject"), messages::subject_not_found(&q.subject)))?;
    state.metrics.decision(d.reason);
    // Data that goes to a recipient is recorded (provision records) and, abroad, counted.
    let m = &current.manifest;
    if let (true, Some(r)) =
        (d.allow, q.recipient.as_deref().and_then(|id| m.recipients.iter().find(|r| r.id.as_str() == id)))
    {
        state.provisions.note(now_ms, r.id.as_str(), r.kind, &q.purpose, &q.fields);
        crate::abroad::note(state, m, r, &key, &q.fields, now_ms);
    }
    Ok(DecisionView {
        allow: d.allow,
        reason: d.reason.map(|r| r.code()),
        basis: d.basis,
        detail: d.detail,
        policy_version: current.version,
    })
}

/// Decide one query.
#[utoipa::path(post, path = "/v1/decisions", tag = "decisions", request_body = DecisionBody,
    responses((status = 200, body = DecisionView), Problems),
    security(("api_key" = ["decisions:read"])))]
pub async fn decide(
    State(state): State<AppState>,
    _auth: Auth<scope::DecisionsRead>,
    Json(q): Json<DecisionBody>,
) -> Result<axum::Json<DecisionView>, ApiError> {
    let current = state.policies.current();
    decide_one(&state, &current, &q, None, crate::now_ms()).map(axum::Json)
}

/// Decide many queries at once, all under the same policy version; an unknown subject
/// fails the whole batch (404 naming `[i].subject`).
#[utoipa::path(post, path = "/v1/decisions/batch", tag = "decisions", request_body = DecisionBatch,
    responses((status = 200, body = Vec<DecisionView>), Problems),
    security(("api_key" = ["decisions:read"])))]
pub async fn decide_batch(
    State(state): State<AppState>,
    _auth: Auth<scope::DecisionsRead>,
    Json(qs): Json<Vec<DecisionBody>>,
) -> Result<axum::Json<Vec<DecisionView>>, ApiError> {
    if qs.len() > BATCH_MAX {
        return Err(ApiError::invalid("body", messages::batch_too_large(BATCH_MAX)));
    }
    let current = state.policies.current();
    let now = crate::now_ms();
    qs.iter()
        .enumerate()
        .map(|(i, q)| decide_one(&state, &current, q, Some(i), now))
        .collect::<Result<Vec<_>, _>>()
        .map(axum::Json)
}
