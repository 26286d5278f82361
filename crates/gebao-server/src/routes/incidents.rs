//! Personal-information incidents (PIPL 57; INCID): open one, change what is known, record
//! each report made to the regulator, close it; read one with its reporting clock and its
//! history. `incidents:write` and `incidents:read`.

use super::Problems;
use crate::auth::{Auth, scope};
use crate::error::ApiError;
use crate::extract::{Json, JsonOrEmpty, Path, Query};
use crate::incidents::{self, Changes, Opening};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset, Utc};
use gebao_core::incidents::{Grade, NoticeItems, Standing};
use gebao_store::incident::{Incident, IncidentEvent, ReportKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// What a notice to individuals says (PIPL 57).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeBody {
    /// The categories of personal information involved.
    #[serde(default)]
    pub categories: Vec<String>,
    /// The cause.
    #[serde(default)]
    pub cause: String,
    /// The harm it may cause.
    #[serde(default)]
    pub harm: String,
    /// The remedial measures taken.
    #[serde(default)]
    pub measures: String,
    /// What individuals can do to reduce the harm.
    #[serde(default)]
    pub advice: String,
}

impl From<NoticeBody> for NoticeItems {
    fn from(b: NoticeBody) -> Self {
        NoticeItems { categories: b.categories, cause: b.cause, harm: b.harm, measures: b.measures, advice: b.advice }
    }
}

/// An incident to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenBody {
    /// A short name, at most 200 characters.
    pub title: String,
    /// `extremely-serious` (特别重大), `serious` (重大), `major` (较大) or `general` (一般).
    #[schema(value_type = String, example = "major")]
    pub grade: Grade,
    /// When the operator found or learned of it (RFC 3339): the reporting clock starts then.
    #[schema(value_type = String, format = DateTime)]
    pub found_at: DateTime<FixedOffset>,
    /// When it happened, if known.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub occurred_at: Option<DateTime<FixedOffset>>,
    /// How many individuals are (or may be) affected.
    #[schema(minimum = 0)]
    pub affected: i64,
    /// Minors are among them: their guardians are told too.
    #[serde(default)]
    pub minors: bool,
    /// What happened, at most 5,000 characters.
    pub description: String,
    #[serde(default)]
    pub notice: Option<NoticeBody>,
}

/// What changes of an open incident; what is left out stays.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub grade: Option<Grade>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub occurred_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub affected: Option<i64>,
    #[serde(default)]
    pub minors: Option<bool>,
    #[serde(default)]
    pub description: Option<String>,
    /// Replaces the notice's items as a whole.
    #[serde(default)]
    pub notice: Option<NoticeBody>,
}

/// A report made to the regulator.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    /// `initial` (first), `follow-up` or `final`.
    #[schema(value_type = String, example = "initial")]
    pub kind: ReportKind,
    /// When it was made (RFC 3339); now when left out.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub at: Option<DateTime<FixedOffset>>,
    /// To whom; the manifest's `[protection.incident] regulator` when left out.
    #[serde(default)]
    pub to: Option<String>,
    /// The regulator's reference.
    #[serde(default)]
    pub reference: Option<String>,
}

/// Closing.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    #[serde(default)]
    pub note: Option<String>,
}

/// The reporting clock (INCID art. 4), for an incident graded 较大 or above.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockView {
    pub due_ms: i64,
    /// The alert goes out then.
    pub warn_ms: i64,
}

/// An incident, its clock and (for one incident) its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentView {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub incident: Incident,
    /// `not-required`, `reported`, `running`, `due-soon` or `overdue`.
    #[schema(value_type = String)]
    pub standing: Standing,
    pub clock: Option<ClockView>,
    /// The PIPL 57 items of the notice still blank.
    pub notice_missing: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub events: Option<Vec<IncidentEvent>>,
}

fn view(state: &AppState, incident: Incident, events: Option<Vec<IncidentEvent>>) -> IncidentView {
    let (clock, standing) = incidents::clock_of(state, &incident, Utc::now());
    IncidentView {
        clock: clock.map(|c| ClockView { due_ms: c.due.timestamp_millis(), warn_ms: c.warn.timestamp_millis() }),
        standing,
        notice_missing: incident.notice.missing(),
        incident,
        events,
    }
}

type Viewed = Result<axum::Json<IncidentView>, ApiError>;

/// Open an incident.
#[utoipa::path(post, path = "/v1/incidents", tag = "incidents", request_body = OpenBody,
    responses((status = 201, body = IncidentView), Problems), security(("api_key" = ["incidents:write"])))]
pub async fn open(
    State(state): State<AppState>,
    auth: Auth<scope::IncidentsWrite>,
    Json(b): Json<OpenBody>,
) -> Result<(StatusCode, axum::Json<IncidentView>), ApiError> {
    let o = Opening {
        title: b.title,
        grade: b.grade,
        found: b.found_at.with_timezone(&Utc),
        occurred: b.occurred_at.map(|t| t.with_timezone(&Utc)),
        affected: b.affected,
        minors: b.minors,
        description: b.description,
        notice: b.notice.map(NoticeItems::from).unwrap_or_default(),
    };
    let inc = incidents::open(&state, &auth.actor(), o).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&state, inc, None))))
}

/// Which incidents.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Only open ones (default `true`).
    pub open: Option<bool>,
}

/// Incidents, the most recently found first.
#[utoipa::path(get, path = "/v1/incidents", tag = "incidents", params(ListQuery),
    responses((status = 200, body = Vec<IncidentView>), Problems), security(("api_key" = ["incidents:read"])))]
pub async fn list(
    State(state): State<AppState>,
    _auth: Auth<scope::IncidentsRead>,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<Vec<IncidentView>>, ApiError> {
    let list = state.store.incidents(q.open.unwrap_or(true), 1000).await?;
    Ok(axum::Json(list.into_iter().map(|i| view(&state, i, None)).collect()))
}

/// One incident with its clock and history.
#[utoipa::path(get, path = "/v1/incidents/{id}", tag = "incidents",
    params(("id" = String, Path, description = "the incident id")),
    responses((status = 200, body = IncidentView), Problems), security(("api_key" = ["incidents:read"])))]
pub async fn get_incident(
    State(state): State<AppState>,
    _auth: Auth<scope::IncidentsRead>,
    Path(id): Path<String>,
) -> Viewed {
    let (inc, events) = incidents::load(&state, &id).await?;
    Ok(axum::Json(view(&state, inc, Some(events))))
}

/// Change what is known of an open incident.
#[utoipa::path(post, path = "/v1/incidents/{id}/update", tag = "incidents", request_body = UpdateBody,
    params(("id" = String, Path, description = "the incident id")),
    responses((status = 200, body = IncidentView), Problems), security(("api_key" = ["incidents:write"])))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth<scope::IncidentsWrite>,
    Path(id): Path<String>,
    Json(b): Json<UpdateBody>,
) -> Viewed {
    let c = Changes {
        title: b.title,
        grade: b.grade,
        occurred: b.occurred_at.map(|t| t.with_timezone(&Utc)),
        affected: b.affected,
        minors: b.minors,
        description: b.description,
        notice: b.notice.map(NoticeItems::from),
    };
    let inc = incidents::update(&state, &auth.actor(), &id, c).await?;
    Ok(axum::Json(view(&state, inc, None)))
}

/// Record a report made to the regulator (the initial one first).
#[utoipa::path(post, path = "/v1/incidents/{id}/reports", tag = "incidents", request_body = ReportBody,
    params(("id" = String, Path, description = "the incident id")),
    responses((status = 200, body = IncidentView), Problems), security(("api_key" = ["incidents:write"])))]
pub async fn report(
    State(state): State<AppState>,
    auth: Auth<scope::IncidentsWrite>,
    Path(id): Path<String>,
    Json(b): Json<ReportBody>,
) -> Viewed {
    let at = b.at.map(|t| t.with_timezone(&Utc));
    let inc = incidents::report(&state, &auth.actor(), &id, b.kind, at, b.to, b.reference).await?;
    Ok(axum::Json(view(&state, inc, None)))
}

/// Close an incident (one graded 较大 or above once reported).
#[utoipa::path(post, path = "/v1/incidents/{id}/close", tag = "incidents", request_body(content = Option<CloseBody>),
    params(("id" = String, Path, description = "the incident id")),
    responses((status = 200, body = IncidentView), Problems), security(("api_key" = ["incidents:write"])))]
pub async fn close(
    State(state): State<AppState>,
    auth: Auth<scope::IncidentsWrite>,
    Path(id): Path<String>,
    JsonOrEmpty(b): JsonOrEmpty<CloseBody>,
) -> Viewed {
    let inc = incidents::close(&state, &auth.actor(), &id, b.note).await?;
    Ok(axum::Json(view(&state, inc, None)))
}

/// Whom to tell.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyBody {
    /// The operator's user ids of the individuals affected (1–10,000 per call).
    #[schema(value_type = Vec<String>)]
    pub subjects: Vec<String>,
}

/// Tell the individuals affected (PIPL 57), and the guardians of the minors among them:
/// one notice each through the notifier, with every item the law requires (the notice must
/// be complete first: 422 names what is missing). Calling again for the same person queues
/// nothing.
#[utoipa::path(post, path = "/v1/incidents/{id}/notices", tag = "incidents", request_body = NotifyBody,
    params(("id" = String, Path, description = "the incident id")),
    responses((status = 202, body = crate::incidents::notices::Queued), Problems),
    security(("api_key" = ["incidents:write"])))]
pub async fn notify(
    State(state): State<AppState>,
    auth: Auth<scope::IncidentsWrite>,
    Path(id): Path<String>,
    Json(b): Json<NotifyBody>,
) -> Result<(StatusCode, axum::Json<crate::incidents::notices::Queued>), ApiError> {
    let q = crate::incidents::notices::notify(&state, &auth.actor(), &id, &b.subjects).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(q)))
}

/// The notices of an incident and the delivery of each, by the pseudonym of whom it is about.
#[utoipa::path(get, path = "/v1/incidents/{id}/notices", tag = "incidents",
    params(("id" = String, Path, description = "the incident id")),
    responses((status = 200, body = crate::incidents::notices::Deliveries), Problems),
    security(("api_key" = ["incidents:read"])))]
pub async fn notices(
    State(state): State<AppState>,
    _auth: Auth<scope::IncidentsRead>,
    Path(id): Path<String>,
) -> Result<axum::Json<crate::incidents::notices::Deliveries>, ApiError> {
    Ok(axum::Json(crate::incidents::notices::deliveries(&state, &id).await?))
}

/// Publish the notice in the privacy centre (`/privacy/notices/{id}`), for individuals who
/// cannot be told one by one (PIPL 57): the notice's items only. Once; the notice must be
/// complete.
#[utoipa::path(post, path = "/v1/incidents/{id}/public-notice", tag = "incidents",
    params(("id" = String, Path, description = "the incident id")),
    responses((status = 200, body = IncidentView), Problems), security(("api_key" = ["incidents:write"])))]
pub async fn publish_notice(
    State(state): State<AppState>,
    auth: Auth<scope::IncidentsWrite>,
    Path(id): Path<String>,
) -> Viewed {
    let inc = incidents::publish_notice(&state, &auth.actor(), &id).await?;
    Ok(axum::Json(view(&state, inc, None)))
}
