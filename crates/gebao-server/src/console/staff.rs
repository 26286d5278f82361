//! `GET /console/staff`: the staff accounts, for the administrator (read only here: they are
//! added, disabled and reset with `gebao staff`, by whoever can reach the store).

use super::perm::Permission;
use super::session::allowed;
use super::{Chrome, html, lang_of, role_label};
use crate::state::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gebao_core::text::Lang;

struct Row {
    name: String,
    display: String,
    role: &'static str,
    state: &'static str,
    created: String,
}

#[derive(Template)]
#[template(path = "console/staff.html")]
struct Page {
    c: Chrome,
    rows: Vec<Row>,
}

pub async fn page(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/console/staff";
    let staff = match allowed(&state, &headers, lang, path, Permission::ManageStaff).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let c = Chrome::new(&state, lang, path, Some(&staff));
    let accounts = match state.store.staff_accounts().await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "cannot list staff accounts");
            return staff.answer(super::message(
                StatusCode::SERVICE_UNAVAILABLE,
                c.ui.unavailable,
                c.ui.unavailable_note,
                c,
            ));
        }
    };
    let now = crate::now_ms();
    let rows = accounts
        .iter()
        .map(|a| Row {
            name: a.name.clone(),
            display: a.display_name.clone(),
            role: role_label(&c.ui, a.role),
            state: match (a.disabled_ms, a.locked(now)) {
                (Some(_), _) => c.ui.disabled,
                (None, true) => c.ui.locked,
                (None, false) => c.ui.active,
            },
            created: crate::centre::portal::beijing_time(a.created_ms),
        })
        .collect();
    staff.answer(html(StatusCode::OK, &Page { c, rows }, lang))
}
