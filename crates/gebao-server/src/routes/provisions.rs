//! Records of provision (`crate::provisions`): per day, recipient and purpose, how many
//! decisions allowed personal information to go to the recipient, and which fields;
//! kept three years. `provisions:read`.

use super::Problems;
use crate::auth::{Auth, scope};
use crate::error::ApiError;
use crate::extract::Query;
use crate::messages::Text;
use crate::state::AppState;
use axum::extract::State;
use chrono::{Months, NaiveDate};
use gebao_store::provision::{KEEP_YEARS, ProvisionRecord, RecipientTotal, totals};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Which days, which recipient.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ProvisionQuery {
    /// First day (Beijing, YYYY-MM-DD); 30 days before `to` by default.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last day; today by default.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// Only this recipient.
    pub recipient: Option<String>,
}

/// The records and their totals per recipient.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvisionsView {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// The first day still kept (three years back).
    #[schema(value_type = String, format = Date)]
    pub kept_since: NaiveDate,
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<ProvisionRecord>,
    #[schema(value_type = Vec<Object>)]
    pub totals: Vec<RecipientTotal>,
}

/// Personal information provided to, or entrusted with, recipients, day by day.
#[utoipa::path(get, path = "/v1/provisions", tag = "provisions", params(ProvisionQuery),
    responses((status = 200, body = ProvisionsView), Problems), security(("api_key" = ["provisions:read"])))]
pub async fn list(
    State(state): State<AppState>,
    _auth: Auth<scope::ProvisionsRead>,
    Query(q): Query<ProvisionQuery>,
) -> Result<axum::Json<ProvisionsView>, ApiError> {
    let today = crate::versions::today();
    let to = q.to.unwrap_or(today);
    let from = q.from.unwrap_or_else(|| to.checked_sub_days(chrono::Days::new(30)).unwrap_or(to));
    if from > to {
        return Err(ApiError::bad_param(
            "from",
            Text::new(format!("from（{from}）不得晚于 to（{to}）"), format!("`from` ({from}) is after `to` ({to})")),
        ));
    }
    if (to - from).num_days() > 366 * i64::from(KEEP_YEARS) + 1 {
        return Err(ApiError::bad_param(
            "from",
            Text::new("一次最多查询三年".into(), "ask for three years at most at once".into()),
        ));
    }
    crate::provisions::flush(&state).await?;
    let mut records = state.store.provisions(from, to).await?;
    if let Some(r) = &q.recipient {
        records.retain(|x| &x.recipient == r);
    }
    let kept_since = today.checked_sub_months(Months::new(12 * KEEP_YEARS as u32)).unwrap_or(today);
    Ok(axum::Json(ProvisionsView { from, to, kept_since, totals: totals(&records), records }))
}
