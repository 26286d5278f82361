//! The end of the service (TRM-01; `crate::termination`): announce it on a day that keeps the
//! manifest's notice period (or preview the notice without announcing), read it with its
//! notices' deliveries and, once disposed of, its final report; cancel it before the day.
//! `termination:write` and `termination:read`.

use super::Problems;
use crate::auth::{Auth, scope};
use crate::error::ApiError;
use crate::extract::{Json, JsonOrEmpty};
use crate::state::AppState;
use crate::termination::{self, NoticeDeliveries, NoticesQueued};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use gebao_core::calendar::shanghai_date;
use gebao_core::termination::{check_end, earliest_end, notice};
use gebao_store::termination::{NoticeLine, Termination};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The end to announce.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnounceBody {
    /// The first day without service (Beijing time): collection stops at 00:00 that day.
    /// It must keep the notice period of the manifest's `[termination] notice`.
    #[schema(value_type = String, format = Date, example = "2027-01-04")]
    pub end_day: NaiveDate,
    /// Only check the day and show the notice; nothing is announced.
    #[serde(default)]
    pub dry_run: bool,
}

/// Cancelling.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    /// Why, kept in the audit log (at most 500 characters).
    #[serde(default)]
    pub reason: Option<String>,
}

/// An end of the service as it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct TerminationView {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub termination: Termination,
    /// Collection has stopped (the end day has begun).
    pub ended: bool,
    /// The state in words, zh-CN.
    pub state_label: String,
    pub state_label_en: String,
    pub notices: NoticeDeliveries,
    /// What the announcement queued (on announcing only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queued: Option<NoticesQueued>,
}

/// A preview: the notice an end on that day would give.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewView {
    pub end_day: NaiveDate,
    /// The earliest end day announced today.
    pub earliest_end_day: NaiveDate,
    /// `delete` or `anonymise`.
    pub disposal: String,
    #[schema(value_type = Vec<Object>)]
    pub notice: Vec<NoticeLine>,
}

async fn view(state: &AppState, t: Termination, queued: Option<NoticesQueued>) -> Result<TerminationView, ApiError> {
    let notices = termination::deliveries(state, &t).await?;
    let label = termination::state_label(t.state);
    Ok(TerminationView {
        ended: t.ended_at(crate::now_ms()),
        state_label: label.zh,
        state_label_en: label.en,
        notices,
        queued,
        termination: t,
    })
}

/// Announce the end of the service (or preview it with `dry_run`).
#[utoipa::path(post, path = "/v1/termination", tag = "termination", request_body = AnnounceBody,
    responses((status = 201, body = TerminationView), (status = 200, body = PreviewView, description = "dry run"), Problems),
    security(("api_key" = ["termination:write"])))]
pub async fn announce(
    State(state): State<AppState>,
    auth: Auth<scope::TerminationWrite>,
    Json(b): Json<AnnounceBody>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let now = Utc::now();
    if b.dry_run {
        let current = state.policies.current();
        let m = &current.manifest;
        let disposal =
            check_end(m, now, b.end_day, &state.calendar).map_err(|e| ApiError::invalid("end_day", e.text()))?;
        let preview = PreviewView {
            end_day: b.end_day,
            earliest_end_day: earliest_end(m, now, &state.calendar),
            disposal: gebao_core::wire_name(disposal),
            notice: notice(m, b.end_day).into_iter().map(|t| NoticeLine { zh: t.zh, en: t.en }).collect(),
        };
        return Ok(axum::Json(preview).into_response());
    }
    let (t, queued) = termination::announce(&state, &auth.actor(), b.end_day, now).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&state, t, Some(queued)).await?)).into_response())
}

/// The end of the service: where it stands, its notices, its final report once disposed of.
#[utoipa::path(get, path = "/v1/termination", tag = "termination",
    responses((status = 200, body = TerminationView), Problems), security(("api_key" = ["termination:read"])))]
pub async fn current(
    State(state): State<AppState>,
    _auth: Auth<scope::TerminationRead>,
) -> Result<axum::Json<TerminationView>, ApiError> {
    let t = state.store.termination().await?.ok_or_else(|| ApiError::NotFound {
        field: None,
        text: crate::messages::Text {
            zh: format!("没有停止运营公告；今天公告，最早可于 {} 停止运营", earliest(&state)),
            en: format!(
                "no end of the service has been announced; announced today, the earliest end is {}",
                earliest(&state)
            ),
        },
    })?;
    Ok(axum::Json(view(&state, t, None).await?))
}

fn earliest(state: &AppState) -> NaiveDate {
    let now = Utc::now();
    let e = earliest_end(&state.policies.current().manifest, now, &state.calendar);
    e.max(shanghai_date(now))
}

/// Cancel the announced end before its day (the users are told).
#[utoipa::path(post, path = "/v1/termination/cancel", tag = "termination", request_body = CancelBody,
    responses((status = 200, body = TerminationView), Problems), security(("api_key" = ["termination:write"])))]
pub async fn cancel(
    State(state): State<AppState>,
    auth: Auth<scope::TerminationWrite>,
    JsonOrEmpty(b): JsonOrEmpty<CancelBody>,
) -> Result<axum::Json<TerminationView>, ApiError> {
    if b.reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(ApiError::invalid("reason", crate::messages::reason_invalid()));
    }
    let t = termination::cancel(&state, &auth.actor(), b.reason).await?;
    Ok(axum::Json(view(&state, t, None).await?))
}
