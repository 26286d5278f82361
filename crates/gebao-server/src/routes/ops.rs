//! Operations: `/healthz` (the process answers; the no-op that benchmarks compare the
//! decision endpoint against), `/readyz` (loaded and the database answers) and `/metrics`.

use super::Problems;
use crate::auth::caller_of;
use crate::error::ApiError;
use crate::messages;
use crate::state::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gebao_store::Scope;
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

/// Liveness: always 200 while the process serves HTTP.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, description = "alive", body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness. Public, so it says nothing internal: no counts, no engine.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// `ready`.
    #[schema(pattern = "^ready$")]
    pub status: &'static str,
    /// The policy version in force (public anyway at `/v1/policy`).
    pub policy_version: i64,
}

/// Readiness: 200 once start-up has loaded everything and the database answers.
#[utoipa::path(get, path = "/readyz", tag = "ops",
    responses((status = 200, body = Ready), (status = 503, description = "not ready", body = Problem, content_type = "application/problem+json")))]
pub async fn readyz(State(state): State<AppState>) -> Result<axum::Json<Ready>, ApiError> {
    if !state.is_ready() {
        return Err(ApiError::Unavailable(messages::not_ready().en));
    }
    match tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(ApiError::Unavailable(format!("database ping failed: {e}"))),
        Err(_) => return Err(ApiError::Unavailable("database ping timed out".into())),
    }
    Ok(axum::Json(Ready { status: "ready", policy_version: state.policies.current().version }))
}

use crate::error::Problem;

/// Access to `/metrics`: a key with `audit:read`, unless the server runs with
/// `metrics_public`.
pub struct MetricsAccess;

impl FromRequestParts<AppState> for MetricsAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.metrics_public {
            return Ok(MetricsAccess);
        }
        let caller = caller_of(parts, state).await?.ok_or(ApiError::Unauthorized)?;
        if caller.scopes.contains(&Scope::AuditRead) {
            Ok(MetricsAccess)
        } else {
            Err(ApiError::Forbidden { scope: Scope::AuditRead })
        }
    }
}

/// Prometheus metrics (OpenMetrics text).
#[utoipa::path(get, path = "/metrics", tag = "ops",
    responses((status = 200, description = "OpenMetrics text", body = String, content_type = "application/openmetrics-text"), Problems),
    security(("api_key" = ["audit:read"])))]
pub async fn metrics(State(state): State<AppState>, _access: MetricsAccess) -> Response {
    let body = state.metrics.render(state.subjects.len());
    let mut res = (StatusCode::OK, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    res
}
