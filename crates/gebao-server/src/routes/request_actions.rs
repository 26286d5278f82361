//! Acting on a rights request: verify identity (operator-asserted or one-time code), check
//! a code, approve, refuse with a ground and the user's remedy (PIPL 50), withdraw for the
//! user, report cancellation blockers, execute (or dry-run), and acknowledge an outbox
//! delivery (a recipient confirming a deletion). Every action is one audited transition.

use super::Problems;
use super::schema::{OperatorId, RefusalReasonName};
use crate::auth::{Auth, scope};
use crate::error::ApiError;
use crate::extract::{Json, JsonOrEmpty, Path, Query};
use crate::requests::change;
use crate::requests::effects::{self, Blocker};
use crate::requests::execute;
use crate::requests::text;
use crate::requests::verify::{self, CodeOutcome, Method};
use crate::requests::view::{self, DeliveryView, RequestView};
use crate::state::AppState;
use axum::extract::State;
use gebao_core::requests::{RefusalReason, RequestEvent};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

type Viewed = Result<axum::Json<RequestView>, ApiError>;

async fn show(state: &AppState, req: gebao_store::RightsRequest) -> Viewed {
    Ok(axum::Json(view::full(state, req).await?))
}

/// How identity is verified.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(tag = "method", rename_all = "kebab-case", deny_unknown_fields)]
pub enum VerifyBody {
    /// The operator's backend authenticated `user` (its user id) and vouches for them.
    OperatorAsserted {
        #[schema(value_type = OperatorId)]
        user: String,
    },
    /// Send a six-digit one-time code to the requester through the notifier. (A struct
    /// variant, so that a stray key is refused rather than ignored.)
    Otp {},
}

/// Verify the requester's identity. A verified person who may not act on the subject's
/// data is refused as `other-person-data`.
#[utoipa::path(post, path = "/v1/requests/{id}/verify", operation_id = "verify_request", tag = "requests", request_body = VerifyBody,
    params(("id" = String, Path, description = "the request id")),
    responses((status = 200, body = RequestView), Problems), security(("api_key" = ["requests:write"])))]
pub async fn verify_identity(
    State(state): State<AppState>,
    auth: Auth<scope::RequestsWrite>,
    Path(id): Path<String>,
    Json(b): Json<VerifyBody>,
) -> Viewed {
    let method = match b {
        VerifyBody::OperatorAsserted { user } => {
            super::check_id("user", &user)?;
            Method::OperatorAsserted { user }
        }
        VerifyBody::Otp {} => Method::Otp,
    };
    let req = verify::start(&state, &auth.actor(), &id, method).await?;
    show(&state, req).await
}

/// A one-time code.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    pub code: String,
}

/// Check a one-time code: at most 5 tries, then the request is refused as
/// `identity-unverified`.
#[utoipa::path(post, path = "/v1/requests/{id}/otp", operation_id = "check_request_code", tag = "requests", request_body = CodeBody,
    params(("id" = String, Path, description = "the request id")),
    responses((status = 200, body = RequestView), Problems), security(("api_key" = ["requests:write"])))]
pub async fn check_code(
    State(state): State<AppState>,
    auth: Auth<scope::RequestsWrite>,
    Path(id): Path<String>,
    Json(b): Json<CodeBody>,
) -> Viewed {
    match verify::check_code(&state, &auth.actor(), &id, b.code.trim()).await? {
        CodeOutcome::Verified(req) => show(&state, *req).await,
        CodeOutcome::Rejected(e) => Err(e.into()),
    }
}

/// A note from the operator's staff.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    /// At most 1,000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

fn note(n: Option<String>) -> Result<Option<String>, ApiError> {
    match n {
        Some(s) if s.chars().count() > 1000 => Err(ApiError::invalid("note", text::text_invalid("note", 1000))),
        other => Ok(other),
    }
}

/// A staff transition with the staff's note: one audited commit, answered with the request.
async fn transition(
    state: &AppState,
    actor: &str,
    id: &str,
    event: RequestEvent,
    note: Option<String>,
    detail: Value,
) -> Viewed {
    let note = self::note(note)?;
    let req = change::act(state, actor, id, event, note, detail).await?;
    show(state, req).await
}

/// Approve the work (after its dry run): the request goes back in progress.
#[utoipa::path(post, path = "/v1/requests/{id}/approve", operation_id = "approve_request", tag = "requests", request_body(content = Option<NoteBody>),
    params(("id" = String, Path, description = "the request id")),
    responses((status = 200, body = RequestView), Problems), security(("api_key" = ["requests:write"])))]
pub async fn approve(
    State(state): State<AppState>,
    auth: Auth<scope::RequestsWrite>,
    Path(id): Path<String>,
    JsonOrEmpty(b): JsonOrEmpty<NoteBody>,
) -> Viewed {
    transition(&state, &auth.actor(), &id, RequestEvent::Approve, b.note, json!({})).await
}

/// A refusal: one of the grounds of `pipl-rules.md` part E.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefuseBody {
    /// `identity-unverified`, `other-person-data`, `legal-retention`,
    /// `state-secret-or-investigation`, `manifestly-unfounded-or-excessive` or
    /// `not-technically-feasible` (portability only).
    #[schema(value_type = RefusalReasonName)]
    pub reason: RefusalReason,
    /// What staff add for the user (at most 1,000 characters).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// Refuse: the user is told the ground and the remedy (complaint, lawsuit; PIPL 50, 65).
#[utoipa::path(post, path = "/v1/requests/{id}/refuse", operation_id = "refuse_request", tag = "requests", request_body = RefuseBody,
    params(("id" = String, Path, description = "the request id")),
    responses((status = 200, body = RequestView), Problems), security(("api_key" = ["requests:write"])))]
pub async fn refuse(
    State(state): State<AppState>,
    auth: Auth<scope::RequestsWrite>,
    Path(id): Path<String>,
    Json(b): Json<RefuseBody>,
) -> Viewed {
    transition(&state, &auth.actor(), &id, RequestEvent::Refuse(b.reason), b.note, json!({})).await
}

/// The user withdraws the request (through the operator's backend).
#[utoipa::path(post, path = "/v1/requests/{id}/withdraw", operation_id = "withdraw_request", tag = "requests", request_body(content = Option<NoteBody>),
    params(("id" = String, Path, description = "the request id")),
    responses((status = 200, body = RequestView), Problems), security(("api_key" = ["requests:write"])))]
pub async fn withdraw(
    State(state): State<AppState>,
    auth: Auth<scope::RequestsWrite>,
    Path(id): Path<String>,
    JsonOrEmpty(b): JsonOrEmpty<NoteBody>,
) -> Viewed {
    transition(&state, &auth.actor(), &id, RequestEvent::WithdrawByUser, b.note, json!({ "by": "requester" })).await
}

/// What blocks a cancellation (an empty list: nothing).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockersBody {
    pub blockers: Vec<Blocker>,
}

/// The operator reports what blocks an account cancellation (PIPL 47; seed 002's paid
/// plan); the user is told. The same answer can come back from the operator's webhook.
#[utoipa::path(post, path = "/v1/requests/{id}/blockers", operation_id = "report_blockers", tag = "requests", request_body = BlockersBody,
    params(("id" = String, Path, description = "the request id")),
    responses((status = 200, body = RequestView), Problems), security(("api_key" = ["requests:write"])))]
pub async fn blockers(
    State(state): State<AppState>,
    auth: Auth<scope::RequestsWrite>,
    Path(id): Path<String>,
    Json(b): Json<BlockersBody>,
) -> Viewed {
    let req = effects::report_blockers(&state, &auth.actor(), &id, b.blockers).await?;
    show(&state, req).await
}

/// `?dry_run=true` shows the plan and changes nothing.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ExecuteQuery {
    /// Show the plan (`DryRun`) instead of doing the work.
    #[serde(default)]
    pub dry_run: bool,
}

/// A complaint's reply.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecuteBody {
    /// complaint: the operator's answer (zh-CN): at most 5,000 characters, not blank.
    #[serde(default)]
    #[schema(
        max_length = 5000,
        pattern = "[^\\u0009-\\u000d\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
    )]
    pub reply: Option<String>,
    /// The same in English.
    #[serde(default)]
    pub reply_en: Option<String>,
}

/// What `/execute?dry_run=true` answers: the plan, with nothing changed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DryRun {
    /// Always `true`.
    pub dry_run: bool,
    /// Per dataset, the exact statements and the rows each would change; for an erasure,
    /// the recipients to be told.
    #[schema(value_type = Object)]
    pub plan: Value,
}

/// What `/execute` answers: the request after the work, or (`dry_run=true`) the plan.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Executed {
    Done(Box<RequestView>),
    Plan(DryRun),
}

/// Carry the request out against the operator's databases, or show the dry run: the exact
/// statements, their row counts and, for an erasure, the recipients to be told.
#[utoipa::path(post, path = "/v1/requests/{id}/execute", operation_id = "execute_request", tag = "requests", params(ExecuteQuery, ("id" = String, Path, description = "the request id")),
    request_body(content = Option<ExecuteBody>),
    responses((status = 200, description = "the request after the work, or with `dry_run=true` the plan", body = Executed), Problems),
    security(("api_key" = ["requests:write"])))]
pub async fn execute_request(
    State(state): State<AppState>,
    auth: Auth<scope::RequestsWrite>,
    Path(id): Path<String>,
    Query(q): Query<ExecuteQuery>,
    JsonOrEmpty(b): JsonOrEmpty<ExecuteBody>,
) -> Result<axum::Json<Executed>, ApiError> {
    let reply = match b.reply {
        Some(r) if !r.trim().is_empty() && r.chars().count() <= 5000 => Some((r, b.reply_en)),
        Some(_) => return Err(ApiError::invalid("reply", text::text_invalid("reply", 5000))),
        None => None,
    };
    let answer = match execute::execute(&state, &auth.actor(), &id, q.dry_run, reply).await? {
        execute::Executed::Plan(plan) => Executed::Plan(DryRun { dry_run: true, plan }),
        execute::Executed::Done(req) => Executed::Done(Box::new(view::full(&state, *req).await?)),
    };
    Ok(axum::Json(answer))
}

/// An acknowledgement.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AckBody {
    /// The per-delivery token the deletion notice carried (`acknowledge.token`): how a
    /// recipient acknowledges without an operator API key.
    #[serde(default)]
    pub token: Option<String>,
    /// What the recipient said, e.g. their ticket number: at most 200 characters, no
    /// control characters.
    #[serde(default)]
    #[schema(max_length = 200, pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$")]
    pub reference: Option<String>,
    /// At most 1,000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// Record that the target of a delivery confirmed it acted — a recipient confirming it
/// deleted the data (PIPL 47). A recipient proves it with the delivery's own token (no API
/// key); the operator's staff with a key holding `requests:write`. A manual item (email,
/// form) is delivered by this.
#[utoipa::path(post, path = "/v1/outbox/{id}/ack", operation_id = "acknowledge_outbox", tag = "requests", request_body(content = Option<AckBody>),
    params(("id" = String, Path, description = "the outbox item id")),
    responses((status = 200, description = "the delivery", body = DeliveryView), Problems),
    security((), ("api_key" = ["requests:write"])))]
pub async fn acknowledge(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    JsonOrEmpty(b): JsonOrEmpty<AckBody>,
) -> Result<axum::Json<DeliveryView>, ApiError> {
    let by = match b.token.as_deref() {
        Some(token) => {
            let key = crate::requests::propagate::ack_key(&state);
            if !gebao_egress::verify_ack_token(&key, &id, token) {
                return Err(ApiError::Unauthorized);
            }
            "recipient".to_owned()
        }
        None => {
            let caller = crate::auth::caller_from_headers(&headers, &state).await?.ok_or(ApiError::Unauthorized)?;
            if !caller.scopes.contains(&gebao_store::Scope::RequestsWrite) {
                return Err(ApiError::Forbidden { scope: gebao_store::Scope::RequestsWrite });
            }
            caller.actor()
        }
    };
    if b.reference.as_ref().is_some_and(|r| r.chars().count() > 200 || r.chars().any(char::is_control)) {
        return Err(ApiError::invalid("reference", text::text_invalid("reference", 200)));
    }
    let note = note(b.note)?;
    match crate::requests::propagate::acknowledge(&state, &by, &id, b.reference, note).await {
        Ok(item) => Ok(axum::Json(view::delivery(&item))),
        Err(crate::requests::RequestError::NotFound(_)) => Err(ApiError::not_found("id", text::outbox_not_found(&id))),
        Err(e) => Err(e.into()),
    }
}
