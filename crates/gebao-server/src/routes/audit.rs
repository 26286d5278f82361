//! The audit log (PIPL 51, 55; AUDIT): every write and administrative action, who, what,
//! when and why, hash-chained like the ledger. Read page by page.

use super::Problems;
use crate::auth::{Auth, scope};
use crate::error::ApiError;
use crate::extract::Query;
use crate::messages;
use crate::state::AppState;
use axum::extract::State;
use gebao_store::AuditRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

const LIMIT_MAX: i64 = 1000;

/// Which page.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct Page {
    /// Entries after this sequence number (default 0: from the start).
    #[param(nullable = false, minimum = 0)]
    pub after: Option<i64>,
    /// Entries per page, 1–1000 (default 100).
    #[param(nullable = false, minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// One audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub seq: i64,
    /// Who: `api-key:<id>`, `cli:<user>`, `system`.
    pub actor: String,
    /// What, e.g. `subject.restrict`, `policy.publish`.
    pub action: String,
    /// To what, e.g. `subject:u123`.
    pub target: String,
    /// Why, when a person gave a reason.
    pub reason: Option<String>,
    #[schema(value_type = Value)]
    pub detail: serde_json::Value,
    pub at_ms: i64,
    pub prev_hash: String,
    pub hash: String,
}

impl From<AuditRow> for AuditView {
    fn from(r: AuditRow) -> Self {
        AuditView {
            seq: r.seq,
            actor: r.entry.actor,
            action: r.entry.action.to_string(),
            target: r.entry.target,
            reason: r.entry.reason,
            detail: r.entry.detail,
            at_ms: r.entry.at_ms,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// A page of entries.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditView>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<i64>,
}

/// Read the audit log.
#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(Page),
    responses((status = 200, body = AuditPage), Problems),
    security(("api_key" = ["audit:read"])))]
pub async fn list(
    State(state): State<AppState>,
    _auth: Auth<scope::AuditRead>,
    Query(p): Query<Page>,
) -> Result<axum::Json<AuditPage>, ApiError> {
    let after = p.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::bad_param("after", messages::bad_param("after", &after.to_string(), "≥ 0")));
    }
    let limit = p.limit.unwrap_or(100);
    if !(1..=LIMIT_MAX).contains(&limit) {
        return Err(ApiError::bad_param("limit", messages::limit_range(LIMIT_MAX)));
    }
    let rows = state.store.audit_after(after, limit).await?;
    let next_after = (rows.len() as i64 == limit).then(|| rows.last().map(|r| r.seq)).flatten();
    Ok(axum::Json(AuditPage { items: rows.into_iter().map(Into::into).collect(), next_after }))
}
