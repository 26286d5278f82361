//! The consent ledger: every grant and withdrawal, append-only and hash-chained, with the
//! policy version, time, channel and evidence. PIPL 15 / CON-06: withdrawing is one call,
//! as easy as granting. Records go through the group-commit writer and are answered only
//! once durable.

use super::consent_scope::ScopeBody;
use super::schema::{Channel, OperatorId};
use super::{Gone, Problems, channel_ok, check_id};
use crate::auth::{Auth, scope};
use crate::error::ApiError;
use crate::extract::{Json, Path, integer};
use crate::messages;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use gebao_core::decision::{ConsentAction, SubjectStatus};
use gebao_store::{ConsentRow, NewConsent};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Grant or withdraw.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Grant,
    Withdraw,
}

/// A consent record to append.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentBody {
    /// The subject's id (registered first with `POST /v1/subjects`).
    #[schema(value_type = OperatorId)]
    pub subject: String,
    pub action: Action,
    pub scope: ScopeBody,
    /// The policy version the user saw (a published one); the version in force when left out.
    #[serde(default, deserialize_with = "integer::option")]
    #[schema(minimum = 1)]
    pub policy_version: Option<i64>,
    /// Where it was given: `app`, `web`, `support`, …; `api` when left out.
    #[serde(default)]
    #[schema(value_type = Option<Channel>)]
    pub channel: Option<String>,
    /// Proof the operator keeps: the text shown, a UI version, a screenshot hash. Any JSON
    /// value, at most 8 KiB once serialised: a reference, not a document (the ledger is
    /// append-only).
    #[serde(default)]
    #[schema(value_type = Value)]
    pub evidence: serde_json::Value,
    /// Given by the subject's guardian (PIPL 31).
    #[serde(default)]
    pub by_guardian: bool,
}

/// A withdrawal: the same body without `action`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    #[schema(value_type = OperatorId)]
    pub subject: String,
    pub scope: ScopeBody,
    #[serde(default, deserialize_with = "integer::option")]
    #[schema(minimum = 1)]
    pub policy_version: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Option<Channel>)]
    pub channel: Option<String>,
    #[serde(default)]
    #[schema(value_type = Value)]
    pub evidence: serde_json::Value,
    #[serde(default)]
    pub by_guardian: bool,
}

/// A stored ledger record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentView {
    /// Place in the ledger.
    pub seq: i64,
    pub subject: String,
    pub scope: ScopeBody,
    pub action: Action,
    pub policy_version: i64,
    pub channel: String,
    /// As given (`null` when none was; erased with the subject's account).
    #[schema(value_type = Value)]
    pub evidence: serde_json::Value,
    pub by_guardian: bool,
    /// Who recorded it: `api-key:<id>`.
    pub actor: String,
    pub at_ms: i64,
    /// The record's hash in the chain.
    pub hash: String,
}

impl From<ConsentRow> for ConsentView {
    fn from(r: ConsentRow) -> Self {
        let c = r.record;
        ConsentView {
            seq: r.seq,
            scope: ScopeBody::from(&c.scope),
            subject: c.subject,
            action: match c.action {
                ConsentAction::Grant => Action::Grant,
                ConsentAction::Withdraw => Action::Withdraw,
            },
            policy_version: c.policy_version,
            channel: c.channel,
            evidence: c.evidence,
            by_guardian: c.by_guardian,
            actor: c.actor,
            at_ms: c.at_ms,
            hash: r.hash,
        }
    }
}

/// Makes sure the subject is held in memory (it may have been registered on another
/// instance a moment ago) and returns its status; 404 for an unknown subject, 410 for an
/// erased one.
async fn subject_status(state: &AppState, id: &str) -> Result<SubjectStatus, ApiError> {
    let key = state.crypto.subject_key(id);
    match state.subjects.with(&key, |s| gebao_core::decision::SubjectView::status(s)) {
        Some(SubjectStatus::Cancelled) => {}
        Some(status) => return Ok(status),
        None => {}
    }
    let seen = state.subjects.generation(&key);
    let s = super::subjects::live_subject(state, "subject", id).await?;
    state.subjects.put_profile_if(&s, seen);
    Ok(s.status)
}

/// The largest evidence accepted: the ledger is append-only, so evidence should be a
/// reference (a UI version, the text's hash), not a document.
const EVIDENCE_MAX: usize = 8 * 1024;

/// Validates a consent and hands it to the writer; answers once it is committed.
pub(crate) async fn append(
    state: &AppState,
    actor: String,
    b: WithdrawBody,
    action: ConsentAction,
) -> Result<ConsentRow, ApiError> {
    if action == ConsentAction::Grant {
        // A withdrawal is always taken; a grant after the end would collect.
        crate::termination::refuse_collection(state, "action")?;
    }
    let current = state.policies.current();
    let record =
        record_of(b, action, &current.manifest, current.version, state.policies.latest(), actor, crate::now_ms())?;
    subject_status(state, &record.subject).await?;
    state.writer.append(record).await
}

/// A consent body as the record to append, checked against the manifest `m` of the version
/// in force (`current`; `latest` the newest published): the API's checks and the import's.
pub(crate) fn record_of(
    b: WithdrawBody,
    action: ConsentAction,
    m: &gebao_core::manifest::Manifest,
    current: i64,
    latest: i64,
    actor: String,
    at_ms: i64,
) -> Result<NewConsent, ApiError> {
    check_id("subject", &b.subject)?;
    let scope = b.scope.validate(m)?;
    let policy_version = match b.policy_version {
        Some(v) if v < 1 || v > latest => {
            return Err(ApiError::invalid("policy_version", messages::policy_version_unknown(v, latest)));
        }
        Some(v) => v,
        None => current,
    };
    let channel = b.channel.unwrap_or_else(|| "api".into());
    if !channel_ok(&channel) {
        return Err(ApiError::invalid("channel", messages::channel_invalid()));
    }
    if serde_json::to_string(&b.evidence).map_or(usize::MAX, |t| t.len()) > EVIDENCE_MAX {
        return Err(ApiError::invalid("evidence", messages::evidence_too_large(EVIDENCE_MAX)));
    }
    Ok(NewConsent {
        subject: b.subject,
        scope,
        action,
        policy_version,
        channel,
        evidence: b.evidence,
        by_guardian: b.by_guardian,
        actor,
        at_ms,
    })
}

/// A consent line of an import: the body of `POST /v1/consents` checked as the API checks it.
pub(crate) fn consent_record(
    b: ConsentBody,
    m: &gebao_core::manifest::Manifest,
    current: i64,
    latest: i64,
    actor: String,
    at_ms: i64,
) -> Result<NewConsent, ApiError> {
    let (body, action) = b.split();
    record_of(body, action, m, current, latest, actor, at_ms)
}

impl ConsentBody {
    /// The body without its action, and the action.
    fn split(self) -> (WithdrawBody, ConsentAction) {
        let action = match self.action {
            Action::Grant => ConsentAction::Grant,
            Action::Withdraw => ConsentAction::Withdraw,
        };
        let body = WithdrawBody {
            subject: self.subject,
            scope: self.scope,
            policy_version: self.policy_version,
            channel: self.channel,
            evidence: self.evidence,
            by_guardian: self.by_guardian,
        };
        (body, action)
    }
}

/// Record a grant or a withdrawal.
#[utoipa::path(post, path = "/v1/consents", tag = "consents", request_body = ConsentBody,
    responses((status = 201, description = "committed", body = ConsentView), Problems, Gone),
    security(("api_key" = ["consents:write"])))]
pub async fn record(
    State(state): State<AppState>,
    auth: Auth<scope::ConsentsWrite>,
    Json(b): Json<ConsentBody>,
) -> Result<(StatusCode, axum::Json<ConsentView>), ApiError> {
    let (body, action) = b.split();
    let row = append(&state, auth.actor(), body, action).await?;
    Ok((StatusCode::CREATED, axum::Json(row.into())))
}

/// PIPL 15: withdraw a consent in one call.
#[utoipa::path(post, path = "/v1/consents/withdraw", tag = "consents", request_body = WithdrawBody,
    responses((status = 201, description = "committed", body = ConsentView), Problems, Gone),
    security(("api_key" = ["consents:write"])))]
pub async fn withdraw(
    State(state): State<AppState>,
    auth: Auth<scope::ConsentsWrite>,
    Json(b): Json<WithdrawBody>,
) -> Result<(StatusCode, axum::Json<ConsentView>), ApiError> {
    let row = append(&state, auth.actor(), b, ConsentAction::Withdraw).await?;
    Ok((StatusCode::CREATED, axum::Json(row.into())))
}

/// The latest record of one scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentState {
    pub scope: ScopeBody,
    pub granted: bool,
    pub policy_version: i64,
    pub by_guardian: bool,
    pub at_ms: i64,
    pub seq: i64,
}

/// A subject's consents: the state of each scope and the full history.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectConsents {
    pub subject: String,
    /// The latest record per scope.
    pub current: Vec<ConsentState>,
    /// Every record, oldest first.
    pub history: Vec<ConsentView>,
}

/// A subject's consents (PIPL 44–45: the subject may see what it agreed to).
#[utoipa::path(get, path = "/v1/subjects/{id}/consents", tag = "consents",
    params(("id" = OperatorId, Path, description = "the operator's user id")),
    responses((status = 200, body = SubjectConsents), Problems, Gone),
    security(("api_key" = ["consents:read"])))]
pub async fn of_subject(
    State(state): State<AppState>,
    _auth: Auth<scope::ConsentsRead>,
    Path(id): Path<String>,
) -> Result<axum::Json<SubjectConsents>, ApiError> {
    super::subjects::live_subject(&state, "id", &id).await?;
    let rows = state.store.consents_of(&id).await?;
    let mut latest = BTreeMap::new();
    for r in &rows {
        latest.insert(r.record.scope.clone(), r);
    }
    let current = latest
        .into_values()
        .map(|r| ConsentState {
            scope: ScopeBody::from(&r.record.scope),
            granted: r.record.action == ConsentAction::Grant,
            policy_version: r.record.policy_version,
            by_guardian: r.record.by_guardian,
            at_ms: r.record.at_ms,
            seq: r.seq,
        })
        .collect();
    Ok(axum::Json(SubjectConsents { subject: id, current, history: rows.into_iter().map(Into::into).collect() }))
}
