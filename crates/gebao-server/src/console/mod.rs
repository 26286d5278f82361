//! The staff console (`/console/…`): staff accounts separate from API keys
//! (`gebao staff`), roles with least privilege (`perm.rs`), sign-in with a password and a
//! TOTP code (`session.rs`), the queue of open requests by due date and each request's
//! page: history, verification, approval or refusal with a legal ground, the dry run as
//! tables, execution, deliveries and acknowledgements, contact points masked unless
//! unmasked with a reason (`requests.rs`); policy versions, their diffs and publishing with
//! a preview (`policy.rs`); consent figures (`figures.rs`). Every action goes through the same domain
//! functions as the API (`crate::requests`), so console and API cannot disagree.
//! Server-rendered like the privacy centre, with its security headers and CSP.

mod audit;
mod figures;
mod filing;
mod incidents;
mod mask;
mod perm;
mod policy;
mod requests;
mod session;
mod staff;
mod ui;

use crate::centre::portal::{no_store, redirect};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use gebao_core::text::{Lang, fill_keeping};
use gebao_store::staff::StaffRole;
pub use perm::Permission;
use session::Staff;
use ui::Ui;

pub(crate) use crate::centre::{html, lang_of, with_lang};

const STYLESHEET: &str = include_str!("../../assets/console.css");

/// The routes under `/console`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console", get(home))
        .route("/console/login", get(session::login_form).post(session::login))
        .route("/console/logout", post(session::logout))
        .route("/console/requests", get(requests::queue).post(filing::file))
        .route("/console/requests/new", get(filing::form))
        .route("/console/requests/{id}", get(requests::page))
        .route("/console/requests/{id}/verify", post(requests::verify))
        .route("/console/requests/{id}/dry-run", get(requests::dry_run))
        .route("/console/requests/{id}/send-code", post(requests::send_code))
        .route("/console/requests/{id}/code", post(requests::check_code))
        .route("/console/requests/{id}/approve", post(requests::approve))
        .route("/console/requests/{id}/refuse", post(requests::refuse))
        .route("/console/requests/{id}/execute", post(requests::execute))
        .route("/console/requests/{id}/unmask", post(requests::unmask))
        .route("/console/outbox/{id}/ack", post(requests::acknowledge))
        .route("/console/incidents", get(incidents::page))
        .route("/console/policy", get(policy::versions))
        .route("/console/policy/versions/{n}", get(policy::version))
        .route("/console/policy/new", get(policy::new))
        .route("/console/policy/preview", post(policy::preview))
        .route("/console/policy/publish", post(policy::publish))
        .route("/console/staff", get(staff::page))
        .route("/console/audit", get(audit::page))
        .route("/console/figures", get(figures::page))
        .route(
            "/console/assets/console.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8")),
                        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
                    ],
                    STYLESHEET,
                )
                    .into_response()
            }),
        )
        .layer(from_fn(secure_headers))
}

/// Whether a path is the console's: its unknown pages get the console's 404 page.
pub fn owns(path: &str) -> bool {
    path == "/console" || path.starts_with("/console/")
}

async fn secure_headers(req: axum::extract::Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    crate::centre::secure(&mut res);
    res
}

/// `GET /console`: the signed-in member's first page (by role), or the sign-in page.
async fn home(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let to = match session::role_of(&state, &headers).await {
        Some(StaffRole::Admin) => "/console/staff",
        Some(_) => "/console/requests",
        None => "/console/login",
    };
    no_store(redirect(&with_lang(to, lang)))
}

/// What every console page shares.
pub struct Chrome {
    pub lang: Lang,
    pub lang_code: &'static str,
    pub ui: Ui,
    pub product: String,
    pub switch_href: String,
    /// "Signed in as …", with the sign-out form's token, when signed in.
    pub who: Option<String>,
    pub csrf: String,
    /// Navigation: (label, href), what the role may open.
    pub nav: Vec<(&'static str, String)>,
}

impl Chrome {
    fn new(state: &AppState, lang: Lang, path: &str, staff: Option<&Staff>) -> Chrome {
        let current = state.policies.current();
        let c = &current.manifest.controller;
        let other = match lang {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        };
        let ui = Ui::of(lang);
        let mut nav = Vec::new();
        if let Some(s) = staff {
            if perm::may(s.account.role, Permission::ViewQueue) {
                nav.push((ui.nav_requests, with_lang("/console/requests", lang)));
            }
            if perm::may(s.account.role, Permission::ViewAudit) {
                nav.push((ui.nav_audit, with_lang("/console/audit", lang)));
            }
            if perm::may(s.account.role, Permission::ViewFigures) {
                nav.push((ui.nav_figures, with_lang("/console/figures", lang)));
            }
            if perm::may(s.account.role, Permission::ViewIncidents) {
                nav.push((ui.nav_incidents, with_lang("/console/incidents", lang)));
            }
            if perm::may(s.account.role, Permission::ViewPolicy) {
                nav.push((ui.nav_policy, with_lang("/console/policy", lang)));
            }
            if perm::may(s.account.role, Permission::ManageStaff) {
                nav.push((ui.nav_staff, with_lang("/console/staff", lang)));
            }
        }
        Chrome {
            lang,
            lang_code: lang.code(),
            product: lang.pick(&c.product, c.product_en.as_deref()).to_owned(),
            switch_href: with_lang(path, other),
            who: staff.map(|s| {
                fill_keeping(
                    ui.signed_in_as,
                    &[("name", s.account.display_name.as_str()), ("role", role_label(&ui, s.account.role))],
                )
            }),
            csrf: staff.map(|s| s.csrf.clone()).unwrap_or_default(),
            nav,
            ui,
        }
    }

    /// A link in this page's language.
    pub fn href(&self, path: &str) -> String {
        with_lang(path, self.lang)
    }
}

/// A role's name in the page's language.
pub fn role_label(ui: &Ui, role: StaffRole) -> &'static str {
    match role {
        StaffRole::PrivacyOfficer => ui.role_privacy_officer,
        StaffRole::Support => ui.role_support,
        StaffRole::Auditor => ui.role_auditor,
        StaffRole::Admin => ui.role_admin,
    }
}

#[derive(Template)]
#[template(path = "console/message.html")]
struct Message {
    c: Chrome,
    heading: String,
    detail: String,
}

/// A page that says one thing: an error, a refusal.
fn message(status: StatusCode, heading: &str, detail: &str, c: Chrome) -> Response {
    let lang = c.lang;
    html(status, &Message { c, heading: heading.to_owned(), detail: detail.to_owned() }, lang)
}

/// The console's 404 page, for the router's fallback.
pub async fn not_found(state: &AppState, query: Option<&str>, path: &str) -> Response {
    let lang = lang_of(query).unwrap_or(Lang::ZhCn);
    let c = Chrome::new(state, lang, path, None);
    let mut res = message(StatusCode::NOT_FOUND, c.ui.not_found, c.ui.not_found_note, c);
    crate::centre::secure(&mut res);
    no_store(res)
}
