//! The notice that the service ends (`/privacy/notices/end`, TRM-01), and incident notices
//! published for individuals who cannot be told one by one (PIPL 57):
//! `/privacy/notices` and `/privacy/notices/{id}`. Only what a notice says — the categories
//! of personal information, the cause, the possible harm, the measures taken, what a user
//! can do, whom to contact — never the incident's own record (its title, description,
//! numbers, reports).

use super::pages::error;
use super::{Chrome, html, lang_of};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use gebao_core::text::Lang;
use gebao_store::incident::Incident;

struct NoticeRow {
    href: String,
    published: String,
    categories: String,
}

#[derive(Template)]
#[template(path = "centre/notices.html")]
struct Notices {
    c: Chrome,
    rows: Vec<NoticeRow>,
    /// The end of the service, when announced: (link, published, end day).
    end: Option<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "centre/end.html")]
struct EndPage {
    c: Chrome,
    published: String,
    day: String,
    status: String,
    lines: Vec<String>,
}

/// `/privacy/notices/end`: the notice that the service ends, as announced (TRM-01).
pub async fn end(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let path = "/privacy/notices/end";
    let Ok(lang) = lang_of(q.as_deref()) else { return error(&state, Lang::ZhCn, path, StatusCode::BAD_REQUEST) };
    let Some(t) = state.ending.announced() else { return error(&state, lang, path, StatusCode::NOT_FOUND) };
    let label = crate::termination::state_label(t.state);
    let page = EndPage {
        c: Chrome::new(&state, lang, path),
        published: crate::centre::portal::beijing_time(t.announced_ms),
        day: t.end_day.to_string(),
        status: if lang == Lang::En { label.en } else { label.zh },
        lines: t.notice.iter().map(|l| if lang == Lang::En { l.en.clone() } else { l.zh.clone() }).collect(),
    };
    html(StatusCode::OK, &page, lang)
}

#[derive(Template)]
#[template(path = "centre/notice.html")]
struct NoticePage {
    c: Chrome,
    published: String,
    found: String,
    categories: String,
    cause: String,
    harm: String,
    measures: String,
    advice: String,
    contact: String,
}

fn unavailable(state: &AppState, lang: Lang, path: &str) -> Response {
    error(state, lang, path, StatusCode::SERVICE_UNAVAILABLE)
}

pub async fn list(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let path = "/privacy/notices";
    let Ok(lang) = lang_of(q.as_deref()) else { return error(&state, Lang::ZhCn, path, StatusCode::BAD_REQUEST) };
    let Ok(list) = crate::incidents::public_notices(&state).await else { return unavailable(&state, lang, path) };
    let c = Chrome::new(&state, lang, path);
    let rows = list
        .iter()
        .map(|i| NoticeRow {
            href: c.href(&format!("/privacy/notices/{}", i.id)),
            published: crate::centre::portal::beijing_time(i.public_notice_ms.unwrap_or(i.updated_ms)),
            categories: i.notice.categories.join("、"),
        })
        .collect();
    let end = state.ending.announced().map(|t| {
        (c.href("/privacy/notices/end"), crate::centre::portal::beijing_time(t.announced_ms), t.end_day.to_string())
    });
    html(StatusCode::OK, &Notices { c, rows, end }, lang)
}

pub async fn one(State(state): State<AppState>, Path(id): Path<String>, RawQuery(q): RawQuery) -> Response {
    let path = format!("/privacy/notices/{id}");
    let Ok(lang) = lang_of(q.as_deref()) else { return error(&state, Lang::ZhCn, &path, StatusCode::BAD_REQUEST) };
    let inc: Incident = match state.store.incident(&id).await {
        Ok(Some((i, _))) if i.public_notice_ms.is_some() => i,
        // An incident whose notice is not published is not found, like one that does not exist.
        Ok(_) => return error(&state, lang, &path, StatusCode::NOT_FOUND),
        Err(e) => {
            tracing::error!(error = %e, "cannot read an incident notice");
            return unavailable(&state, lang, &path);
        }
    };
    let current = state.policies.current();
    let m = &current.manifest;
    let contact = match m.protection.incident.as_ref() {
        Some(plan) => lang.pick(&plan.contact, plan.contact_en.as_deref()).to_owned(),
        None => {
            let c = &m.controller.contact;
            [c.email.as_deref(), c.phone.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" / ")
        }
    };
    let n = &inc.notice;
    let page = NoticePage {
        c: Chrome::new(&state, lang, &path),
        published: crate::centre::portal::beijing_time(inc.public_notice_ms.unwrap_or(inc.updated_ms)),
        found: crate::centre::portal::beijing_time(inc.found_ms),
        categories: n.categories.join("、"),
        cause: n.cause.clone(),
        harm: n.harm.clone(),
        measures: n.measures.clone(),
        advice: n.advice.clone(),
        contact,
    };
    html(StatusCode::OK, &page, lang)
}
