//! `GET /console/figures`: consent figures per consent and policy version — how many users
//! (and website visitors) stand granted or withdrawn, each counted once by their latest
//! record. Counted in the database; the page names nobody.

use super::perm::Permission;
use super::session::allowed;
use super::{Chrome, html, lang_of, message};
use crate::state::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gebao_core::text::Lang;

struct Row {
    consent: String,
    kind: &'static str,
    version: i64,
    granted: i64,
    withdrawn: i64,
}

#[derive(Template)]
#[template(path = "console/figures.html")]
struct Page {
    c: Chrome,
    rows: Vec<Row>,
}

pub async fn page(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/console/figures";
    let staff = match allowed(&state, &headers, lang, path, Permission::ViewFigures).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let c = Chrome::new(&state, lang, path, Some(&staff));
    let figures = match state.store.consent_figures().await {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "cannot count the consent ledger for the console");
            return staff.answer(message(StatusCode::SERVICE_UNAVAILABLE, c.ui.unavailable, c.ui.unavailable_note, c));
        }
    };
    let current = state.policies.current();
    let rows = figures
        .into_iter()
        .map(|f| {
            let (consent, kind) = crate::centre::portal::describe(&current.manifest, &f.scope, lang);
            Row { consent, kind, version: f.policy_version, granted: f.granted, withdrawn: f.withdrawn }
        })
        .collect();
    staff.answer(html(StatusCode::OK, &Page { c, rows }, lang))
}
