//! Impact assessments (PIPL 55–56; `crate::pia`): the drafts the manifest in force needs,
//! each with the record that assesses it; recording an assessment (a new version, never a
//! change); every version of one; one exported as Markdown or HTML. `pia:read`,
//! `pia:write`.

use super::{Problems, check_id};
use crate::auth::{Auth, scope};
use crate::error::ApiError;
use crate::extract::{Json, Path, Query};
use crate::messages::Text;
use crate::state::{AppState, audit};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Months, NaiveDate};
use gebao_core::manifest::Risk;
use gebao_core::pia::{Draft, drafts};
use gebao_core::text::Lang;
use gebao_store::AuditAction;
use gebao_store::pia::{Conclusions, DraftItem, KEEP_YEARS, PiaRecord};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// Longest conclusion text.
const TEXT_MAX: usize = 20_000;

/// An assessment to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordBody {
    /// The manifest's `[[pia]]` id it stands behind (a new id starts at version 1).
    pub id: String,
    /// The trigger it assesses, as `GET /v1/pia` lists them: `sensitive-pi:PURPOSE`,
    /// `automated-decision:PURPOSE`, `recipient:RECIPIENT`, `cross-border:RECIPIENT`.
    pub trigger: String,
    /// The day it was assessed (not in the future).
    #[schema(value_type = String, format = Date)]
    pub assessed: NaiveDate,
    /// `low`, `medium` or `high` (a high risk is a major change).
    #[schema(value_type = String)]
    pub risk: Risk,
    /// Who assessed it (name and role).
    pub assessor: String,
    /// The conclusion on each item of PIPL 56.
    #[schema(value_type = Object)]
    pub conclusions: Conclusions,
    #[serde(default)]
    pub summary: Option<String>,
}

/// One drafted trigger and the record that assesses it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftView {
    pub trigger: String,
    pub title: String,
    pub title_en: String,
    /// The `[[pia]]` the manifest names for it.
    pub manifest_pia: Option<String>,
    /// The latest recorded assessment of it: `ID:VERSION`.
    pub assessed_by: Option<String>,
}

/// The drafts and the latest version of every record.
#[derive(Debug, Serialize, ToSchema)]
pub struct PiaList {
    pub drafts: Vec<DraftView>,
    /// Triggers no record assesses yet.
    pub unassessed: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<PiaRecord>,
}

/// A recorded assessment and what to do next.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedView {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub record: PiaRecord,
    #[schema(value_type = Vec<Object>)]
    pub warnings: Vec<Text>,
}

fn both(m: &gebao_core::manifest::Manifest) -> Vec<(Draft, Draft)> {
    drafts(m, Lang::ZhCn).into_iter().zip(drafts(m, Lang::En)).collect()
}

/// The impact assessments the manifest in force needs, and those recorded.
#[utoipa::path(get, path = "/v1/pia", tag = "pia",
    responses((status = 200, body = PiaList), Problems), security(("api_key" = ["pia:read"])))]
pub async fn list(State(state): State<AppState>, _auth: Auth<scope::PiaRead>) -> Result<axum::Json<PiaList>, ApiError> {
    let all = state.store.pia_records(None).await?;
    // The latest version of each id (they come by id, then version).
    let mut records: Vec<PiaRecord> = Vec::new();
    for r in all {
        match records.last_mut() {
            Some(last) if last.id == r.id => *last = r,
            _ => records.push(r),
        }
    }
    let current = state.policies.current();
    let drafts: Vec<DraftView> = both(&current.manifest)
        .into_iter()
        .map(|(zh, en)| {
            let trigger = zh.trigger.key();
            let assessed_by =
                records.iter().filter(|r| r.trigger == trigger).max_by_key(|r| r.assessed).map(PiaRecord::record);
            DraftView { title: zh.title, title_en: en.title, manifest_pia: zh.recorded, assessed_by, trigger }
        })
        .collect();
    let unassessed = drafts.iter().filter(|d| d.assessed_by.is_none()).map(|d| d.trigger.clone()).collect();
    Ok(axum::Json(PiaList { drafts, unassessed, records }))
}

fn text_field(field: &str, v: &str, max: usize) -> Result<(), ApiError> {
    if v.trim().is_empty() || gebao_core::rules::is_placeholder(v) {
        return Err(ApiError::invalid(
            field,
            Text::new(
                format!("{field} 不能为空或占位文字：请写明评估结论"),
                format!("`{field}` is empty or a placeholder: write the conclusion"),
            ),
        ));
    }
    if v.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            Text::new(format!("{field} 不得超过 {max} 个字符"), format!("`{field}` is at most {max} characters")),
        ));
    }
    Ok(())
}

/// Record an impact assessment: the next version of its id, kept at least three years.
#[utoipa::path(post, path = "/v1/pia", tag = "pia", request_body = RecordBody,
    responses((status = 201, body = RecordedView), Problems), security(("api_key" = ["pia:write"])))]
pub async fn record(
    State(state): State<AppState>,
    auth: Auth<scope::PiaWrite>,
    Json(b): Json<RecordBody>,
) -> Result<(StatusCode, axum::Json<RecordedView>), ApiError> {
    check_id("id", &b.id)?;
    let current = state.policies.current();
    let m = &current.manifest;
    let pair = both(m).into_iter().find(|(zh, _)| zh.trigger.key() == b.trigger);
    let Some((zh, en)) = pair else {
        let known: Vec<String> = drafts(m, Lang::ZhCn).iter().map(|d| d.trigger.key()).collect();
        return Err(ApiError::invalid(
            "trigger",
            Text::new(
                format!("现行清单没有需要评估的处理 `{}`；可选：{}", b.trigger, known.join("、")),
                format!(
                    "the manifest in force has no processing `{}` to assess; choose one of: {}",
                    b.trigger,
                    known.join(", ")
                ),
            ),
        ));
    };
    let today = crate::versions::today();
    if b.assessed > today {
        return Err(ApiError::invalid(
            "assessed",
            Text::new(
                format!("评估日期 {} 晚于今天（{today}）", b.assessed),
                format!("`assessed` ({}) is after today ({today})", b.assessed),
            ),
        ));
    }
    text_field("assessor", &b.assessor, 200)?;
    text_field("conclusions.lawfulness", &b.conclusions.lawfulness, TEXT_MAX)?;
    text_field("conclusions.impact", &b.conclusions.impact, TEXT_MAX)?;
    text_field("conclusions.measures", &b.conclusions.measures, TEXT_MAX)?;
    if let Some(s) = &b.summary {
        text_field("summary", s, 2_000)?;
    }
    let draft = zh
        .items
        .iter()
        .zip(&en.items)
        .map(|(z, e)| DraftItem {
            heading: z.heading.clone(),
            heading_en: e.heading.clone(),
            lines: z.lines.clone(),
            lines_en: e.lines.clone(),
        })
        .collect();
    let risk = gebao_core::wire_name(b.risk);
    let record = PiaRecord {
        id: b.id,
        version: 0,
        trigger: b.trigger,
        title: zh.title,
        title_en: en.title,
        assessed: b.assessed,
        risk,
        assessor: b.assessor,
        conclusions: b.conclusions,
        summary: b.summary,
        draft,
        policy_version: current.version,
        keep_until: b.assessed.checked_add_months(Months::new(12 * KEEP_YEARS)).unwrap_or(b.assessed),
        created_ms: crate::now_ms(),
        created_by: auth.actor(),
    };
    let entry = audit(
        auth.actor(),
        AuditAction::PiaRecord,
        String::new(),
        None,
        json!({ "id": record.id, "trigger": record.trigger, "risk": record.risk, "assessed": record.assessed }),
    );
    let stored = state.store.record_pia(record, entry).await?;
    let warnings = crate::pia::warnings(m, &stored);
    Ok((StatusCode::CREATED, axum::Json(RecordedView { record: stored, warnings })))
}

/// Every version of one assessment, oldest first.
#[utoipa::path(get, path = "/v1/pia/{id}", tag = "pia", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Object>), Problems), security(("api_key" = ["pia:read"])))]
pub async fn versions(
    State(state): State<AppState>,
    _auth: Auth<scope::PiaRead>,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<PiaRecord>>, ApiError> {
    let all = state.store.pia_records(Some(&id)).await?;
    if all.is_empty() {
        return Err(not_found(&id));
    }
    Ok(axum::Json(all))
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(
        "id",
        Text::new(format!("没有影响评估记录 `{id}`"), format!("no impact assessment `{id}` is recorded")),
    )
}

/// Which version, in which form.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ExportQuery {
    /// The version; the latest by default.
    pub version: Option<i64>,
    /// `md` (default) or `html`.
    pub format: Option<String>,
    /// `zh-CN` (default) or `en`.
    pub lang: Option<String>,
}

/// One assessment as a document: Markdown or a standalone HTML page.
#[utoipa::path(get, path = "/v1/pia/{id}/export", tag = "pia", params(("id" = String, Path), ExportQuery),
    responses((status = 200, description = "text/markdown or text/html", content_type = "text/markdown"), Problems),
    security(("api_key" = ["pia:read"])))]
pub async fn export(
    State(state): State<AppState>,
    _auth: Auth<scope::PiaRead>,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let lang = match q.lang.as_deref() {
        None | Some("zh-CN") => Lang::ZhCn,
        Some("en") => Lang::En,
        Some(l) => return Err(ApiError::bad_param("lang", crate::messages::bad_param("lang", l, "`zh-CN`, `en`"))),
    };
    let html = match q.format.as_deref() {
        None | Some("md") => false,
        Some("html") => true,
        Some(f) => return Err(ApiError::bad_param("format", crate::messages::bad_param("format", f, "`md`, `html`"))),
    };
    let all = state.store.pia_records(Some(&id)).await?;
    let record = match q.version {
        Some(v) => all.into_iter().find(|r| r.version == v).ok_or_else(|| {
            ApiError::not_found(
                "version",
                Text::new(format!("`{id}` 没有第 {v} 版"), format!("`{id}` has no version {v}")),
            )
        })?,
        None => all.into_iter().last().ok_or_else(|| not_found(&id))?,
    };
    let (body, media) = if html {
        (crate::pia::html(&record, lang), "text/html; charset=utf-8")
    } else {
        (crate::pia::markdown(&record, lang), "text/markdown; charset=utf-8")
    };
    Ok(([(header::CONTENT_TYPE, media)], body).into_response())
}
