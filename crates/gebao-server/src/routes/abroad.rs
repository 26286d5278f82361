//! Personal information sent abroad this year (`crate::abroad`; XB24): the counts from
//! decisions and the operator's reports, the band they reach, each threshold with the flows
//! whose mechanism falls short, and what the manifest declares. `abroad:read`; reporting
//! transfers gebao did not decide, `abroad:write`.

use super::Problems;
use crate::abroad::{ThresholdView, thresholds, year_of};
use crate::auth::{Auth, scope};
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::messages::Text;
use crate::requests::change::new_id;
use crate::state::{AppState, audit};
use axum::extract::State;
use axum::http::StatusCode;
use gebao_core::abroad::{Band, Tally, counts, declared, declares_flows};
use gebao_store::AuditAction;
use gebao_store::abroad::{AbroadReport, AbroadTotals};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// Most individuals one report may name (more than anyone has users).
const REPORT_MAX: u64 = 2_000_000_000;

/// Which year.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct YearQuery {
    /// The year (Beijing time), this one by default.
    pub year: Option<i32>,
}

/// The year abroad.
#[derive(Debug, Serialize, ToSchema)]
pub struct AbroadView {
    pub year: i32,
    /// Individuals whose personal information went abroad (counted + reported).
    pub individuals: u64,
    /// Individuals whose sensitive personal information went abroad (counted + reported).
    pub sensitive_individuals: u64,
    #[schema(value_type = Object)]
    pub totals: AbroadTotals,
    /// `none`, `contract` or `assessment`: what the year's figures make necessary.
    #[schema(value_type = String)]
    pub band: Band,
    pub band_label: String,
    pub band_label_en: String,
    pub thresholds: Vec<ThresholdView>,
    /// What the manifest's `cross_border` figures add up to.
    #[schema(value_type = Object)]
    pub declared: Tally,
    /// The counts exceed what the manifest declares: its figures need updating.
    pub understated: bool,
    /// Information went abroad but the manifest declares no flow abroad (XB-01).
    pub undeclared: bool,
    #[schema(value_type = Vec<Object>)]
    pub reports: Vec<AbroadReport>,
}

/// Individuals whose personal information went abroad this year, against the thresholds.
#[utoipa::path(get, path = "/v1/abroad", tag = "abroad", params(YearQuery),
    responses((status = 200, body = AbroadView), Problems), security(("api_key" = ["abroad:read"])))]
pub async fn year(
    State(state): State<AppState>,
    _auth: Auth<scope::AbroadRead>,
    Query(q): Query<YearQuery>,
) -> Result<axum::Json<AbroadView>, ApiError> {
    let this = year_of(crate::now_ms());
    let year = q.year.unwrap_or(this);
    if !(2000..=this).contains(&year) {
        return Err(ApiError::bad_param("year", year_text(this)));
    }
    Ok(axum::Json(view(&state, year).await?))
}

fn year_text(this: i32) -> Text {
    Text::new(format!("year 应为 2000 至 {this} 之间的年份"), format!("`year` must be a year from 2000 to {this}"))
}

async fn view(state: &AppState, year: i32) -> Result<AbroadView, ApiError> {
    let (totals, reports) = state.store.abroad(year).await?;
    let tally = Tally { individuals: totals.individuals(), sensitive: totals.sensitive() };
    let current = state.policies.current();
    let m = &current.manifest;
    let band = Band::of(tally);
    let label = band.label();
    let declared = declared(m);
    Ok(AbroadView {
        year,
        individuals: tally.individuals,
        sensitive_individuals: tally.sensitive,
        totals,
        band,
        band_label: label.zh.to_owned(),
        band_label_en: label.en.to_owned(),
        thresholds: thresholds(m, tally),
        understated: tally.individuals > declared.individuals || tally.sensitive > declared.sensitive,
        undeclared: tally != Tally::default() && !declares_flows(m),
        declared,
        reports,
    })
}

/// Transfers abroad gebao did not decide.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    /// The year they were sent (this one by default; last year's may still be reported).
    #[serde(default)]
    pub year: Option<i32>,
    /// The manifest's recipient abroad they went to.
    #[serde(default)]
    pub recipient: Option<String>,
    /// Individuals whose non-sensitive personal information went.
    #[serde(default)]
    pub individuals: u64,
    /// Individuals whose sensitive personal information went.
    #[serde(default)]
    pub sensitive_individuals: u64,
    /// What it was (kept; at most 500 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// Report individuals whose personal information went abroad outside gebao's decisions.
#[utoipa::path(post, path = "/v1/abroad/reports", tag = "abroad", request_body = ReportBody,
    responses((status = 201, body = AbroadView), Problems), security(("api_key" = ["abroad:write"])))]
pub async fn report(
    State(state): State<AppState>,
    auth: Auth<scope::AbroadWrite>,
    Json(b): Json<ReportBody>,
) -> Result<(StatusCode, axum::Json<AbroadView>), ApiError> {
    let this = year_of(crate::now_ms());
    let year = b.year.unwrap_or(this);
    if year != this && year != this - 1 {
        return Err(ApiError::invalid(
            "year",
            Text::new(
                format!("只能报告今年（{this}）或去年（{}）的出境情况", this - 1),
                format!("only this year ({this}) or last year ({}) can be reported", this - 1),
            ),
        ));
    }
    if b.individuals == 0 && b.sensitive_individuals == 0 {
        return Err(ApiError::invalid(
            "individuals",
            Text::new(
                "individuals 与 sensitive_individuals 至少一项须大于 0".into(),
                "give `individuals` or `sensitive_individuals`, above 0".into(),
            ),
        ));
    }
    for (field, n) in [("individuals", b.individuals), ("sensitive_individuals", b.sensitive_individuals)] {
        if n > REPORT_MAX {
            return Err(ApiError::invalid(
                field,
                Text::new(format!("{field} 不得超过 {REPORT_MAX}"), format!("`{field}` is at most {REPORT_MAX}")),
            ));
        }
    }
    if let Some(id) = &b.recipient {
        let current = state.policies.current();
        match current.manifest.recipients.iter().find(|r| r.id.as_str() == id) {
            Some(r) if counts(r) => {}
            Some(_) => {
                return Err(ApiError::invalid(
                    "recipient",
                    Text::new(
                        format!("接收方 `{id}` 不在境外，或其出境依法豁免，不计入出境人数"),
                        format!(
                            "recipient `{id}` is not abroad, or its flow is exempt by its nature: it is not counted"
                        ),
                    ),
                ));
            }
            None => {
                return Err(ApiError::invalid(
                    "recipient",
                    Text::new(format!("清单中没有接收方 `{id}`"), format!("the manifest has no recipient `{id}`")),
                ));
            }
        }
    }
    if b.note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(ApiError::invalid("note", crate::messages::reason_invalid()));
    }
    let r = AbroadReport {
        id: new_id("abr"),
        year,
        recipient: b.recipient,
        individuals: b.individuals,
        sensitive_individuals: b.sensitive_individuals,
        note: b.note,
        at_ms: crate::now_ms(),
        reported_by: auth.actor(),
    };
    let entry = audit(
        auth.actor(),
        AuditAction::AbroadReport,
        format!("abroad:{year}"),
        None,
        json!({ "id": r.id, "recipient": r.recipient, "individuals": r.individuals, "sensitive_individuals": r.sensitive_individuals }),
    );
    state.store.report_abroad(r, entry).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&state, year).await?)))
}
