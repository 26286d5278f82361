//! `GET /console/audit`: the latest entries of the audit log, newest first, for the auditor
//! (read only). Entries never hold a contact point or a user id (keyed pseudonyms), so
//! nothing here needs masking.

use super::perm::Permission;
use super::session::allowed;
use super::{Chrome, html, lang_of, message};
use crate::state::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gebao_core::text::Lang;

/// How many entries the page shows.
const LATEST: i64 = 200;

struct Row {
    seq: i64,
    time: String,
    actor: String,
    action: String,
    target: String,
    reason: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "console/audit.html")]
struct Page {
    c: Chrome,
    rows: Vec<Row>,
}

pub async fn page(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/console/audit";
    let staff = match allowed(&state, &headers, lang, path, Permission::ViewAudit).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let latest = async {
        let head = state.store.chain_heads().await?.into_iter().find(|c| c.chain == "audit").map_or(0, |c| c.seq);
        state.store.audit_after((head - LATEST).max(0), LATEST).await
    };
    let c = Chrome::new(&state, lang, path, Some(&staff));
    let entries = match latest.await {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the audit log for the console");
            return staff.answer(message(StatusCode::SERVICE_UNAVAILABLE, c.ui.unavailable, c.ui.unavailable_note, c));
        }
    };
    let rows = entries
        .into_iter()
        .rev()
        .map(|r| Row {
            seq: r.seq,
            time: crate::centre::portal::beijing_time(r.entry.at_ms),
            actor: r.entry.actor,
            action: r.entry.action.to_string(),
            target: r.entry.target,
            reason: r.entry.reason.unwrap_or_default(),
            detail: if r.entry.detail.is_null() { String::new() } else { r.entry.detail.to_string() },
        })
        .collect();
    staff.answer(html(StatusCode::OK, &Page { c, rows }, lang))
}
