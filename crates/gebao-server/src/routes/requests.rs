//! Rights requests (PIPL 44–50): filing, reading, listing and the copy. Users act through
//! the operator's backend, whose API key needs `requests:write` to file and act and
//! `requests:read` to read. The actions on a request are in `request_actions`.

use super::consent_scope::ScopeBody;
use super::schema::{Channel, OperatorId, RequestKindName, RequestStateName, RequesterRoleName};
use super::{Gone, Problems, channel_ok, check_id, id_ok};
use crate::auth::{Auth, scope};
use crate::error::ApiError;
use crate::extract::{Json, Path, Query};
use crate::requests::details::{Correction, Details};
use crate::requests::intake::{self, Intake, relative_may};
use crate::requests::text;
use crate::requests::view::{self, RequestView};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use gebao_core::ids::FieldId;
use gebao_core::requests::{RequestKind, RequestState};
use gebao_store::{RequestFilter, Requester, RequesterRole};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// Who files the request, when it is not the subject themself.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequesterBody {
    /// The requester's own user id at the operator.
    #[schema(value_type = OperatorId)]
    pub id: String,
    /// `subject` (default), `guardian` (of a child under 14, PIPL 31) or `close-relative`
    /// (of a deceased subject, PIPL 49).
    #[serde(default)]
    #[schema(value_type = RequesterRoleName)]
    pub role: RequesterRole,
    /// PIPL 49: the close relative's own legitimate interest (required for that role).
    #[serde(default)]
    pub interest: Option<String>,
}

/// What the request asks; each kind takes its own keys.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetailsBody {
    /// correction: `[{"field": "nickname", "value": "新昵称"}]` (PIPL 46).
    #[serde(default)]
    pub corrections: Vec<CorrectionBody>,
    /// portability: the URL the data is sent to (PIPL 45).
    #[serde(default)]
    pub destination: Option<String>,
    /// withdrawal: the consents to withdraw (PIPL 15).
    #[serde(default)]
    pub scopes: Vec<ScopeBody>,
    /// explanation: the purpose whose automated decision to explain (all when absent).
    #[serde(default)]
    pub purpose: Option<String>,
    /// explanation: also turn personalisation off (PIPL 24(2)).
    #[serde(default)]
    pub opt_out: bool,
    /// complaint: what it is about.
    #[serde(default)]
    pub text: Option<String>,
    /// deletion: only these fields.
    #[serde(default)]
    pub fields: Vec<String>,
    /// deletion, restriction, cancellation: why, in the user's words.
    #[serde(default)]
    pub reason: Option<String>,
}

impl DetailsBody {
    /// The details a filing form (the privacy centre's, the console's) carries besides the
    /// kind: `note` is a complaint's text or why a deletion, restriction or cancellation is
    /// asked; a correction takes a field and its right value; portability a destination by
    /// the name the operator configured, never a URL from a form (a user's data goes nowhere
    /// else: PIPL 45 and the must-not "send data to any URL"). `None` when the form lacks
    /// what its kind needs.
    pub(crate) fn from_form(
        kind: RequestKind,
        note: &str,
        field: Option<String>,
        value: Option<&str>,
        destination: Option<&str>,
        state: &AppState,
    ) -> Option<DetailsBody> {
        let note = Some(note.trim().to_owned()).filter(|n| !n.is_empty());
        Some(match kind {
            RequestKind::Complaint => DetailsBody { text: note, ..DetailsBody::default() },
            RequestKind::Correction => {
                let value = value.map(str::trim).unwrap_or_default();
                let field = field.filter(|f| !f.trim().is_empty())?;
                if value.is_empty() || value.chars().count() > 1000 {
                    return None;
                }
                let corrections = vec![CorrectionBody { field, value: Value::String(value.to_owned()) }];
                DetailsBody { corrections, ..DetailsBody::default() }
            }
            RequestKind::Portability => {
                let dest = state.requests.portability.iter().find(|d| Some(d.name.as_str()) == destination)?;
                DetailsBody { destination: Some(dest.url.clone()), ..DetailsBody::default() }
            }
            RequestKind::Deletion | RequestKind::Restriction | RequestKind::Cancellation => {
                DetailsBody { reason: note, ..DetailsBody::default() }
            }
            _ => DetailsBody::default(),
        })
    }
}

/// One correction.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionBody {
    pub field: String,
    /// The new value (any JSON value).
    #[schema(value_type = Value)]
    pub value: Value,
}

/// A request to file.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequestBody {
    /// `access`, `copy`, `portability`, `correction`, `deletion`, `restriction`,
    /// `withdrawal`, `cancellation`, `explanation` or `complaint`.
    #[schema(value_type = RequestKindName)]
    pub kind: RequestKind,
    /// Whose data: the operator's user id.
    #[schema(value_type = OperatorId)]
    pub subject: String,
    #[serde(default)]
    pub requester: Option<RequesterBody>,
    /// Where it was filed: `app` (default), `web`, `email`, `support`, …
    #[serde(default)]
    #[schema(value_type = Option<Channel>)]
    pub channel: Option<String>,
    #[serde(default)]
    pub details: Option<DetailsBody>,
    /// When the operator received it, if earlier (RFC 3339); the deadline runs from then.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub received_at: Option<DateTime<FixedOffset>>,
}

fn text_ok(field: &str, s: &str, max: usize) -> Result<(), ApiError> {
    let n = s.trim().chars().count();
    if n == 0 || n > max || s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::invalid(field, text::text_invalid(field, max)));
    }
    Ok(())
}

/// Checks the details against the kind and the manifest, into their stored form: one
/// typed variant per kind; a key that does not belong to the kind is refused, naming it.
pub(crate) fn details(kind: RequestKind, b: DetailsBody, state: &AppState) -> Result<Details, ApiError> {
    let current = state.policies.current();
    let m = &current.manifest;
    let not_for = |key: &str| ApiError::invalid(format!("details.{key}"), text::details_not_for_kind(key, kind));
    let required = |key: &str| ApiError::invalid(format!("details.{key}"), text::details_required(key, kind));
    let given = [
        ("corrections", !b.corrections.is_empty(), kind == RequestKind::Correction),
        ("destination", b.destination.is_some(), kind == RequestKind::Portability),
        ("scopes", !b.scopes.is_empty(), kind == RequestKind::Withdrawal),
        ("purpose", b.purpose.is_some(), kind == RequestKind::Explanation),
        ("opt_out", b.opt_out, kind == RequestKind::Explanation),
        ("text", b.text.is_some(), kind == RequestKind::Complaint),
        ("fields", !b.fields.is_empty(), kind == RequestKind::Deletion),
        (
            "reason",
            b.reason.is_some(),
            matches!(kind, RequestKind::Deletion | RequestKind::Restriction | RequestKind::Cancellation),
        ),
    ];
    if let Some((key, _, _)) = given.iter().find(|(_, present, allowed)| *present && !*allowed) {
        return Err(not_for(key));
    }
    if let Some(r) = &b.reason {
        text_ok("details.reason", r, 1000)?;
    }
    Ok(match kind {
        RequestKind::Access => Details::Access,
        RequestKind::Copy => Details::Copy,
        RequestKind::Portability => {
            let dest = b.destination.ok_or_else(|| required("destination"))?;
            let ok = (dest.starts_with("https://") || dest.starts_with("http://")) && dest.len() <= 2000;
            if !ok || dest.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(ApiError::invalid("details.destination", text::url_invalid("details.destination")));
            }
            // Only an allowlisted destination is ever sent a user's data (no door out).
            state.egress.check(&dest).map_err(|e| ApiError::from(intake::destination_refused(&e)))?;
            Details::Portability { destination: dest }
        }
        RequestKind::Correction => {
            let mut corrections = Vec::new();
            for (i, c) in b.corrections.into_iter().enumerate() {
                if m.field(&c.field).is_none() {
                    return Err(ApiError::invalid(
                        format!("details.corrections[{i}].field"),
                        text::field_unknown(&c.field),
                    ));
                }
                corrections.push(Correction { field: FieldId(c.field), value: c.value });
            }
            if corrections.is_empty() {
                return Err(required("corrections"));
            }
            Details::Correction { corrections }
        }
        RequestKind::Deletion => {
            let mut fields = Vec::new();
            for (i, f) in b.fields.into_iter().enumerate() {
                if m.field(&f).is_none() {
                    return Err(ApiError::invalid(format!("details.fields[{i}]"), text::field_unknown(&f)));
                }
                fields.push(FieldId(f));
            }
            Details::Deletion { fields, reason: b.reason }
        }
        RequestKind::Restriction => Details::Restriction { reason: b.reason },
        RequestKind::Withdrawal => {
            let mut scopes = Vec::new();
            for (i, s) in b.scopes.iter().enumerate() {
                scopes.push(s.validate(m).map_err(|e| prefix(e, &format!("details.scopes[{i}]")))?);
            }
            if scopes.is_empty() {
                return Err(required("scopes"));
            }
            Details::Withdrawal { scopes }
        }
        RequestKind::Cancellation => Details::Cancellation { reason: b.reason },
        RequestKind::Explanation => {
            if let Some(p) = &b.purpose
                && m.purpose(p).is_none_or(|x| x.automated.is_none())
            {
                let known: Vec<String> =
                    m.purposes.iter().filter(|x| x.automated.is_some()).map(|x| x.id.to_string()).collect();
                return Err(ApiError::invalid("details.purpose", text::purpose_not_automated(p, &known)));
            }
            Details::Explanation { purpose: b.purpose, opt_out: b.opt_out }
        }
        RequestKind::Complaint => {
            let t = b.text.ok_or_else(|| required("text"))?;
            text_ok("details.text", &t, 5000)?;
            Details::Complaint { text: t }
        }
    })
}

/// A field error of the consent-scope validator (which names fields under `scope.`),
/// under `at`.
fn prefix(e: ApiError, at: &str) -> ApiError {
    match e {
        ApiError::Invalid { field, text } => {
            let rest = field.strip_prefix("scope").unwrap_or(&field);
            ApiError::Invalid { field: format!("{at}{rest}"), text }
        }
        other => other,
    }
}

/// File a rights request. Its due time comes from the manifest's deadline for the kind,
/// counted on the mainland-China calendar in Asia/Shanghai; a request repeated beyond
/// `rights.repeat` is charged (`fee`) or refused as `manifestly-unfounded-or-excessive`.
#[utoipa::path(post, path = "/v1/requests", operation_id = "create_request", tag = "requests", request_body = NewRequestBody,
    responses((status = 201, description = "filed", body = RequestView), Problems, Gone),
    security(("api_key" = ["requests:write"])))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth<scope::RequestsWrite>,
    Json(b): Json<NewRequestBody>,
) -> Result<(StatusCode, axum::Json<RequestView>), ApiError> {
    let intake = intake_of(b, &state)?;
    let req = intake::file(&state, &auth.actor(), intake).await?;
    Ok((StatusCode::CREATED, axum::Json(view::full(&state, req).await?)))
}

/// A request to file, checked: ids, who asks and in what role (a guardian or a close
/// relative is someone else; a relative states their interest and asks only what PIPL 49
/// allows), the channel, a receipt time not in the future, the details against the kind.
/// The API and the console's filing form both go through it.
pub(crate) fn intake_of(b: NewRequestBody, state: &AppState) -> Result<Intake, ApiError> {
    check_id("subject", &b.subject)?;
    let requester = match b.requester {
        None => None,
        Some(r) => {
            check_id("requester.id", &r.id)?;
            if r.role != RequesterRole::Subject && r.id == b.subject {
                return Err(ApiError::invalid("requester.id", text::requester_role_needs_other()));
            }
            if r.role == RequesterRole::Subject && r.id != b.subject {
                return Err(ApiError::invalid("requester.role", text::requester_role_needs_other()));
            }
            if r.role == RequesterRole::CloseRelative {
                let interest = r.interest.as_deref().unwrap_or("");
                text_ok("requester.interest", interest, 1000)
                    .map_err(|_| ApiError::invalid("requester.interest", text::interest_required()))?;
                if !relative_may(b.kind) {
                    return Err(ApiError::invalid("kind", text::relative_kind(b.kind)));
                }
            }
            Some(Requester { id: r.id, role: r.role, interest: r.interest })
        }
    };
    let channel = b.channel.unwrap_or_else(|| "app".into());
    if !channel_ok(&channel) {
        return Err(ApiError::invalid("channel", crate::messages::channel_invalid()));
    }
    let now = Utc::now();
    let received_at = match b.received_at {
        Some(t) if t.with_timezone(&Utc) > now + TimeDelta::minutes(5) => {
            return Err(ApiError::invalid("received_at", text::received_in_future()));
        }
        Some(t) => t.with_timezone(&Utc),
        None => now,
    };
    let details = details(b.kind, b.details.unwrap_or_default(), state)?;
    Ok(Intake {
        kind: b.kind,
        requester: intake::requester_or_subject(&b.subject, requester),
        subject: b.subject,
        channel,
        details,
        received_at,
    })
}

/// One request: its state, due time, events, and the deliveries and acknowledgements of
/// its messages.
#[utoipa::path(get, path = "/v1/requests/{id}", operation_id = "get_request", tag = "requests",
    params(("id" = String, Path, description = "the request id")),
    responses((status = 200, body = RequestView), Problems),
    security(("api_key" = ["requests:read"])))]
pub async fn get_request(
    State(state): State<AppState>,
    _auth: Auth<scope::RequestsRead>,
    Path(id): Path<String>,
) -> Result<axum::Json<RequestView>, ApiError> {
    let req = crate::requests::change::load(&state, &id).await?;
    Ok(axum::Json(view::full(&state, req).await?))
}

/// Which requests to list (a client sends it as the query string).
#[derive(Debug, Default, Serialize, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Comma-separated states, e.g. `received,in-progress`.
    #[param(value_type = Vec<RequestStateName>, required = false, style = Form, explode = false, min_items = 1)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Only this subject's requests.
    #[param(value_type = OperatorId, required = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Only requests of this kind.
    #[param(value_type = RequestKindName, required = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `true`: only open requests past their due time.
    #[param(nullable = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
    /// Only open requests due within this time: up to 3660 days (`3d`), working days
    /// (`2wd`) or hours (`12h`).
    #[param(value_type = String, required = false, pattern = "^([0-9]{1,3}|[0-2][0-9]{3}|3[0-5][0-9]{2}|36[0-5][0-9]|3660)(d|wd|h)$")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_within: Option<String>,
    /// 1–1000 (default 100).
    #[param(nullable = false, minimum = 1, maximum = 1000)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// The `next` cursor of the previous page.
    #[param(value_type = String, required = false, pattern = "^-?[0-9]{1,18}:[\\s\\S]+$")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// A page of requests, by due time.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RequestPage {
    pub items: Vec<RequestView>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

fn due_within(state: &AppState, raw: &str, now: DateTime<Utc>) -> Result<i64, ApiError> {
    let bad = || ApiError::bad_param("due_within", text::due_within_invalid(raw));
    let (num, unit) = raw.split_at(raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len()));
    let n: u32 = if num.len() <= 4 { num.parse().map_err(|_| bad())? } else { return Err(bad()) };
    if n > 3660 {
        return Err(bad());
    }
    let end = match unit {
        "d" => now + TimeDelta::days(i64::from(n)),
        "h" => now + TimeDelta::hours(i64::from(n)),
        "wd" => {
            let d = gebao_core::duration::Duration::working_days(n);
            state.calendar.due(now, d, false).map_err(|_| bad())?.due_at
        }
        _ => return Err(bad()),
    };
    Ok(end.timestamp_millis())
}

/// List requests: by state, subject, kind; overdue ones; those due within a time.
#[utoipa::path(get, path = "/v1/requests", operation_id = "list_requests", tag = "requests", params(ListQuery),
    responses((status = 200, body = RequestPage), Problems),
    security(("api_key" = ["requests:read"])))]
pub async fn list(
    State(state): State<AppState>,
    _auth: Auth<scope::RequestsRead>,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<RequestPage>, ApiError> {
    let now = Utc::now();
    let mut f = RequestFilter { limit: q.limit.unwrap_or(100), subject: q.subject, ..Default::default() };
    if !(1..=1000).contains(&f.limit) {
        return Err(ApiError::bad_param("limit", crate::messages::limit_range(1000)));
    }
    if let Some(s) = f.subject.as_deref().filter(|s| !id_ok(s)) {
        return Err(ApiError::bad_param("subject", crate::messages::bad_param("subject", s, "an operator id")));
    }
    for s in q.state.iter().flat_map(|s| s.split(',')) {
        f.states.push(s.parse::<RequestState>().map_err(|_| ApiError::bad_param("state", text::state_unknown(s)))?);
    }
    if let Some(k) = q.kind {
        let kind = RequestKind::ALL.into_iter().find(|x| x.as_str() == k);
        f.kind = Some(kind.ok_or_else(|| ApiError::bad_param("kind", text::kind_unknown(&k)))?);
    }
    if q.overdue == Some(true) {
        f.open = true;
        f.due_before_ms = Some(now.timestamp_millis() - 1);
    }
    if let Some(w) = q.due_within {
        f.open = true;
        let end = due_within(&state, &w, now)?;
        f.due_before_ms = Some(f.due_before_ms.map_or(end, |x| x.min(end)));
    }
    if let Some(a) = q.after {
        let bad = || ApiError::bad_param("after", crate::messages::bad_param("after", &a, "a `next` cursor"));
        let digits = |d: &str| (1..=18).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit());
        let (due, id) = a
            .split_once(':')
            .filter(|(d, id)| digits(d.strip_prefix('-').unwrap_or(d)) && !id.is_empty())
            .ok_or_else(bad)?;
        f.after = Some((due.parse().map_err(|_| bad())?, id.to_owned()));
    }
    // One query for the page, one for all its events, one for all its deliveries.
    let rows = state.store.list_request_records(&f).await?;
    let next = (rows.len() as i64 == f.limit)
        .then(|| rows.last().map(|r| format!("{}:{}", r.request.due_ms, r.request.id)))
        .flatten();
    let items = rows.into_iter().map(|r| view::view(&state, r.request, &r.events, &r.outbox)).collect();
    Ok(axum::Json(RequestPage { items, next }))
}

/// The copy (PIPL 45) of an access, copy or portability request, once identity is
/// verified: a zip with `data.json`, `index.html` (zh-CN labels) and a CSV per table.
#[utoipa::path(get, path = "/v1/requests/{id}/bundle", operation_id = "request_bundle", tag = "requests",
    params(("id" = String, Path, description = "the request id")),
    responses((status = 200, description = "application/zip"), Problems),
    security(("api_key" = ["requests:read"])))]
pub async fn bundle(
    State(state): State<AppState>,
    _auth: Auth<scope::RequestsRead>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let req = crate::requests::change::load(&state, &id).await?;
    if !matches!(req.kind, RequestKind::Access | RequestKind::Copy | RequestKind::Portability) {
        return Err(ApiError::Conflict { field: "kind".into(), text: text::bundle_not_for_kind(req.kind) });
    }
    if req.verification.verified_ms.is_none()
        || !matches!(req.state, RequestState::InProgress | RequestState::Completed)
    {
        return Err(ApiError::Conflict { field: "state".into(), text: text::bundle_not_ready() });
    }
    copy_download(&state, &req).await
}

/// The subject's copy as a zip download, read from the operator's databases now and
/// streamed as it is written (ZIP64, no seeking): the archive is never held in memory.
pub(crate) async fn copy_download(state: &AppState, req: &gebao_store::RightsRequest) -> Result<Response, ApiError> {
    let exec = state.datasets.executor(state)?;
    let b = exec.export(&req.subject).await.map_err(|e| crate::requests::datasets::failed(&e))?;
    let body = super::stream::blocking_body(move |w| b.write_zip_stream(w).map(|_| ()));
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    let disposition = format!("attachment; filename=\"{}.zip\"", req.id);
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
