//! The user's rights requests in the privacy centre: filing one (PIPL 44–50) and following
//! each — its state, the day it is due (mainland-China working days, Beijing time), what
//! was done, what is kept under a legal hold and until when, and, if refused, the ground
//! and the user's remedy. Filed here, a request is the operator-asserted identity of the
//! signed-in user (the operator's backend minted the link for a logged-in user), and goes
//! through the same intake and rules as the API.

use super::pages::{ErrorPage, error};
use super::portal::{
    Posted, Session, Whose, beijing_time, no_store, posted, redirect, viewing, ward_title, whose_pages, with_lang_and,
};
use super::{Chrome, html, lang_of, with_lang};
use crate::requests::intake::{self, Intake};
use crate::requests::verify::{self, Method};
use crate::routes::{DetailsBody, copy_download, request_details};
use crate::state::AppState;
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gebao_core::requests::{RequestKind, RequestState};
use gebao_core::text::{Lang, fill_keeping};
use gebao_store::{RequestFilter, Requester, RequesterRole, RightsRequest};
use serde::Deserialize;
use serde_json::Value;

/// The kinds the general form lists, in its order. Correction has a form of its own (which
/// field, the new value), and so has portability (which of the destinations the operator
/// configured); withdrawal is one tap on "my consents" (the withdrawal request kind of the
/// API is for channels without one).
const FILED_HERE: [RequestKind; 7] = [
    RequestKind::Access,
    RequestKind::Copy,
    RequestKind::Deletion,
    RequestKind::Restriction,
    RequestKind::Explanation,
    RequestKind::Cancellation,
    RequestKind::Complaint,
];

struct KindOption {
    value: &'static str,
    label: &'static str,
}

struct FieldOption {
    id: String,
    name: String,
}

struct RequestRow {
    /// Where the user downloads their copy, once an access or copy request is done.
    copy_href: Option<String>,
    kind: &'static str,
    state: &'static str,
    open: bool,
    received: String,
    due: String,
    lines: Vec<String>,
}

struct DestinationOption {
    name: String,
    label: String,
}

#[derive(Template)]
#[template(path = "centre/requests.html")]
struct Requests {
    c: Chrome,
    csrf: String,
    filed: bool,
    /// For a ward's page: whose requests these are.
    ward: Option<(String, String)>,
    kinds: Vec<KindOption>,
    fields: Vec<FieldOption>,
    destinations: Vec<DestinationOption>,
    rows: Vec<RequestRow>,
    action: String,
    back_href: String,
}

/// `GET /privacy/me/requests`.
pub async fn page(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/privacy/me/requests";
    let (session, whose) = match viewing(&state, &headers, None, lang, path).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    requests_page(&state, lang, q.as_deref(), session, whose).await
}

/// `GET /privacy/me/wards/{key}/requests`: a ward's requests, for the guardian.
pub async fn ward_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/privacy/me/requests";
    let (session, whose) = match viewing(&state, &headers, Some(&key), lang, path).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    requests_page(&state, lang, q.as_deref(), session, whose).await
}

async fn requests_page(state: &AppState, lang: Lang, q: Option<&str>, session: Session, whose: Whose) -> Response {
    let path = format!("{}/requests", whose.base);
    let filed = q.is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == "filed" && v == "1"));
    let filter = RequestFilter { subject: Some(whose.subject.id.clone()), limit: 200, ..RequestFilter::default() };
    let mut requests = match state.store.list_requests(&filter).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "cannot list a subject's requests for the privacy centre");
            return no_store(error(state, lang, &path, StatusCode::SERVICE_UNAVAILABLE));
        }
    };
    requests.sort_by_key(|r| std::cmp::Reverse(r.received_ms));
    let c = Chrome::new(state, lang, &path);
    let rows = requests.iter().map(|r| row(state, r, lang, &c, &session, &whose)).collect();
    let kinds = FILED_HERE.iter().map(|k| KindOption { value: k.as_str(), label: k.label().get(lang) }).collect();
    let fields = state
        .policies
        .current()
        .manifest
        .fields
        .iter()
        .map(|f| FieldOption { id: f.id.to_string(), name: lang.pick(&f.name, f.name_en.as_deref()).to_owned() })
        .collect();
    let destinations = state
        .requests
        .portability
        .iter()
        .map(|d| DestinationOption {
            name: d.name.clone(),
            label: lang.pick(&d.label, d.label_en.as_deref()).to_owned(),
        })
        .collect();
    let ward = whose.guardian.then(|| {
        let age = state.policies.current().manifest.minors.guardian_consent_age.to_string();
        (ward_title(&c, &whose), fill_keeping(c.ui.ward_note, &[("age", &age)]))
    });
    let page = Requests {
        action: with_lang(&path, lang),
        back_href: with_lang(&whose.base, lang),
        c,
        csrf: session.csrf,
        filed,
        ward,
        kinds,
        fields,
        destinations,
        rows,
    };
    no_store(html(StatusCode::OK, &page, lang))
}

/// What the user reads of one request. Never a dataset, table or column name: a legal hold
/// is told by its ground and its end.
fn row(state: &AppState, r: &RightsRequest, lang: Lang, c: &Chrome, session: &Session, whose: &Whose) -> RequestRow {
    let mut lines = Vec::new();
    if let Some(refusal) = &r.refusal {
        lines.push(fill_keeping(c.ui.refused_because, &[("reason", refusal.reason.label().get(lang))]));
        lines.push(refusal.reason.remedy().get(lang).to_owned());
    }
    if r.state == RequestState::Completed {
        lines.push(c.ui.request_done.to_owned());
    }
    for h in r.result.get("held").and_then(Value::as_array).into_iter().flatten() {
        let reason = match lang {
            Lang::ZhCn => h["reason"].as_str(),
            Lang::En => h["reason_en"].as_str(),
        }
        .unwrap_or_default();
        let until = h["until"].as_str().unwrap_or_default();
        lines.push(fill_keeping(c.ui.held_until, &[("reason", reason), ("until", until)]));
    }
    let due = if r.due_estimated {
        fill_keeping(c.ui.due_estimated, &[("date", &r.due_date.to_string())])
    } else {
        r.due_date.to_string()
    };
    let copy_ready = matches!(r.kind, RequestKind::Access | RequestKind::Copy)
        && r.state == RequestState::Completed
        && r.requester.id == session.subject.id;
    if let Some(to) = r.details.get("destination").and_then(Value::as_str) {
        // The receiver by the label the operator gave it.
        let shown = state.requests.portability.iter().find(|d| d.url == to).map_or_else(
            || gebao_egress::redact_url(to).to_string(),
            |d| lang.pick(&d.label, d.label_en.as_deref()).to_owned(),
        );
        lines.push(fill_keeping(c.ui.sent_to, &[("to", &shown)]));
    }
    RequestRow {
        copy_href: copy_ready.then(|| with_lang(&format!("{}/requests/{}/copy", whose.base, r.id), lang)),
        kind: r.kind.label().get(lang),
        state: r.state.label().get(lang),
        open: !r.state.is_terminal(),
        received: beijing_time(r.received_ms),
        due,
        lines,
    }
}

/// The filing form.
#[derive(Debug, Deserialize)]
pub struct FileForm {
    csrf: String,
    kind: String,
    #[serde(default)]
    note: String,
    /// correction: which field.
    #[serde(default)]
    field: Option<String>,
    /// correction: the right value.
    #[serde(default)]
    value: Option<String>,
    /// portability: the name of a configured destination.
    #[serde(default)]
    destination: Option<String>,
}

impl Posted for FileForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /privacy/me/requests`.
pub async fn file(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    form: Result<Form<FileForm>, FormRejection>,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/privacy/me/requests";
    let (session, form) = match posted(&state, &headers, lang, path, form).await {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let whose = match whose_pages(&state, &session, None, lang, path).await {
        Ok(w) => w,
        Err(page) => return page,
    };
    file_for(&state, lang, &session, whose, form).await
}

/// `POST /privacy/me/wards/{key}/requests`: the guardian files for a ward (requester role
/// guardian, as the API's intake has it).
pub async fn ward_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
    RawQuery(q): RawQuery,
    form: Result<Form<FileForm>, FormRejection>,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/privacy/me/requests";
    let (session, form) = match posted(&state, &headers, lang, path, form).await {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let whose = match whose_pages(&state, &session, Some(&key), lang, path).await {
        Ok(w) => w,
        Err(page) => return page,
    };
    file_for(&state, lang, &session, whose, form).await
}

async fn file_for(state: &AppState, lang: Lang, session: &Session, whose: Whose, form: FileForm) -> Response {
    let path = format!("{}/requests", whose.base);
    let offered = FILED_HERE.into_iter().chain([RequestKind::Correction, RequestKind::Portability]);
    let Some(kind) = offered.into_iter().find(|k| k.as_str() == form.kind) else {
        return no_store(error(state, lang, "/privacy/me", StatusCode::BAD_REQUEST));
    };
    let details =
        DetailsBody::from_form(kind, &form.note, form.field, form.value.as_deref(), form.destination.as_deref(), state);
    let Some(body) = details else {
        return no_store(error(state, lang, "/privacy/me", StatusCode::BAD_REQUEST));
    };
    let subject = whose.subject.id.clone();
    let user = session.subject.id.clone();
    let role = if whose.guardian { RequesterRole::Guardian } else { RequesterRole::Subject };
    let actor = "privacy-centre";
    let outcome = async {
        let details = request_details(kind, body, state)?;
        let requester = Requester { id: user.clone(), role, interest: None };
        let intake = Intake {
            kind,
            subject: subject.clone(),
            requester,
            channel: "privacy-centre".into(),
            details,
            received_at: chrono::Utc::now(),
        };
        let req = intake::file(state, actor, intake).await?;
        if matches!(req.state, RequestState::Received | RequestState::VerifyingIdentity) {
            verify::start(state, actor, &req.id, Method::OperatorAsserted { user: user.clone() }).await?;
        }
        Ok::<_, crate::error::ApiError>(())
    }
    .await;
    match outcome {
        Ok(()) => no_store(redirect(&with_lang_and(&path, lang, "filed=1"))),
        Err(e) => {
            // The reason, in the user's words (a problem's detail), on the centre's page.
            let (status, _, detail) = e.for_page(lang, "filing in the privacy centre");
            let c = Chrome::new(state, lang, &path);
            let page = ErrorPage { heading: c.ui.not_filed.to_owned(), detail, c, sign_in_href: None };
            no_store(html(status, &page, lang))
        }
    }
}

/// `GET /privacy/me/requests/{id}/copy`: the user's copy (PIPL 45) of a completed access or
/// copy request of their own, as the zip the operator's staff get from the API. Another
/// user's request, or one not done, is not found.
pub async fn copy(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/privacy/me/requests";
    let (session, whose) = match viewing(&state, &headers, None, lang, path).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    copy_for(&state, lang, &session, &whose, &id).await
}

/// `GET /privacy/me/wards/{key}/requests/{id}/copy`: the copy of a request the guardian
/// filed for a ward.
pub async fn ward_copy(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((key, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/privacy/me/requests";
    let (session, whose) = match viewing(&state, &headers, Some(&key), lang, path).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    copy_for(&state, lang, &session, &whose, &id).await
}

async fn copy_for(state: &AppState, lang: Lang, session: &Session, whose: &Whose, id: &str) -> Response {
    let path = "/privacy/me/requests";
    let req = match state.store.request(id).await {
        Ok(Some(r)) => r,
        Ok(None) => return no_store(error(state, lang, path, StatusCode::NOT_FOUND)),
        Err(e) => {
            tracing::error!(error = %e, "cannot read a request for the privacy centre");
            return no_store(error(state, lang, path, StatusCode::SERVICE_UNAVAILABLE));
        }
    };
    let own = req.subject == whose.subject.id && req.requester.id == session.subject.id;
    let ready = matches!(req.kind, RequestKind::Access | RequestKind::Copy) && req.state == RequestState::Completed;
    if !own || !ready {
        return no_store(error(state, lang, path, StatusCode::NOT_FOUND));
    }
    match copy_download(state, &req).await {
        Ok(res) => no_store(res),
        Err(e) => {
            tracing::warn!(error = %e.problem().detail_en, "a copy could not be made for the privacy centre");
            no_store(error(state, lang, path, StatusCode::SERVICE_UNAVAILABLE))
        }
    }
}
