//! `GET /console/incidents`: the incidents, open ones first, each with its grade, how many
//! individuals, when it was found and where its report to the regulator stands (INCID
//! art. 4: due, due soon, late, reported), its notices delivered and whether a public notice
//! is out. Read-only: incidents are opened and worked through the API and `gebao incident`.

use super::perm::Permission;
use super::session::allowed;
use super::{Chrome, html, lang_of, message};
use crate::state::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gebao_core::incidents::Standing;
use gebao_core::text::Lang;
use gebao_store::OutboxState;

struct Row {
    id: String,
    title: String,
    grade: &'static str,
    affected: i64,
    found: String,
    due: String,
    standing: &'static str,
    /// A CSS class when it needs attention.
    mark: Option<&'static str>,
    notices: String,
    public: bool,
    closed: bool,
}

#[derive(Template)]
#[template(path = "console/incidents.html")]
struct Page {
    c: Chrome,
    rows: Vec<Row>,
}

pub async fn page(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/console/incidents";
    let staff = match allowed(&state, &headers, lang, path, Permission::ViewIncidents).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let c = Chrome::new(&state, lang, path, Some(&staff));
    let list = match state.store.incidents(false, 500).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the incidents for the console");
            return staff.answer(message(StatusCode::SERVICE_UNAVAILABLE, c.ui.unavailable, c.ui.unavailable_note, c));
        }
    };
    let now = chrono::Utc::now();
    let mut rows = Vec::new();
    for inc in list {
        let (clock, standing) = crate::incidents::clock_of(&state, &inc, now);
        let notices = match state.store.outbox_with_dedupe_prefix(&format!("incident:{}:", inc.id), 1_000_000).await {
            Ok(n) => {
                let done = n.iter().filter(|(_, i)| i.state == OutboxState::Delivered).count();
                format!("{done} / {}", n.len())
            }
            Err(_) => "—".into(),
        };
        let (label, mark) = match standing {
            Standing::NotRequired => (c.ui.report_not_required, None),
            Standing::Reported => (c.ui.report_done, None),
            Standing::Running => (c.ui.report_running, None),
            Standing::DueSoon => (c.ui.due_soon, Some("soon")),
            Standing::Overdue => (c.ui.overdue, Some("overdue")),
        };
        rows.push(Row {
            title: inc.title.clone(),
            grade: inc.grade.label().get(lang),
            affected: inc.affected,
            found: crate::centre::portal::beijing_time(inc.found_ms),
            due: clock.map_or_else(|| "—".into(), |k| crate::centre::portal::beijing_time(k.due.timestamp_millis())),
            standing: label,
            mark: if inc.closed_ms.is_some() { None } else { mark },
            notices,
            public: inc.public_notice_ms.is_some(),
            closed: inc.closed_ms.is_some(),
            id: inc.id,
        });
    }
    // Open ones first, then the most recently found.
    rows.sort_by_key(|r| r.closed);
    staff.answer(html(StatusCode::OK, &Page { c, rows }, lang))
}
