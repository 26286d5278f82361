//! The public pages of the privacy centre.

use super::{Chrome, html, lang_of};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use gebao_core::diff::Trigger;
use gebao_core::text::{Lang, fill_keeping};
use gebao_policy::Document;
use serde_json::Value;

#[derive(Template)]
#[template(path = "centre/home.html")]
struct Home {
    c: Chrome,
    policy_note: String,
    contacts: Vec<(&'static str, String)>,
    /// The service's end, when announced: said first.
    end_banner: Option<String>,
}

#[derive(Template)]
#[template(path = "centre/document.html")]
struct DocumentPage<'a> {
    c: Chrome,
    title: &'a str,
    banner: Option<String>,
    html: &'a str,
}

struct VersionRow {
    version: i64,
    label: String,
    effective: String,
    state: &'static str,
    state_class: &'static str,
    change: &'static str,
    read_href: String,
    changes_href: String,
}

#[derive(Template)]
#[template(path = "centre/versions.html")]
struct Versions {
    c: Chrome,
    rows: Vec<VersionRow>,
}

/// One change of a version's diff as people read it (the centre's and the console's pages).
pub(crate) struct ChangeRow {
    /// Where in the manifest, e.g. `purposes[2].fields`.
    pub path: String,
    pub summary: String,
    /// The major-change trigger it sets off (35273 5.5), by its label.
    pub major: Option<&'static str>,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Template)]
#[template(path = "centre/changes.html")]
struct Changes {
    c: Chrome,
    heading: String,
    summary: String,
    reconsent: Vec<String>,
    changes: Vec<ChangeRow>,
    read_href: String,
}

#[derive(Template)]
#[template(path = "centre/error.html")]
pub(super) struct ErrorPage {
    pub c: Chrome,
    pub heading: String,
    pub detail: String,
    /// For a signed-out visitor: where to sign in by a one-time code.
    pub sign_in_href: Option<String>,
}

/// The language of the query, or the page saying which languages exist.
macro_rules! lang_or_refuse {
    ($state:expr, $query:expr, $path:expr) => {
        match lang_of($query.as_deref()) {
            Ok(lang) => lang,
            Err(()) => return error(&$state, Lang::ZhCn, $path, StatusCode::BAD_REQUEST),
        }
    };
}

pub async fn home(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let lang = lang_or_refuse!(state, q, "/privacy");
    let c = Chrome::new(&state, lang, "/privacy");
    let current = state.policies.current();
    let (n, date) = (current.version.to_string(), current.effective.to_string());
    let policy_note = fill_keeping(c.ui.policy_note, &[("n", &n), ("date", &date)]);
    let contact = &current.manifest.controller.contact;
    let contacts = [
        (c.ui.in_app, &contact.in_app),
        (c.ui.email, &contact.email),
        (c.ui.phone, &contact.phone),
        (c.ui.web_form, &contact.web_form),
        (c.ui.post, &contact.post),
    ]
    .into_iter()
    .filter_map(|(label, v)| v.as_ref().map(|v| (label, v.clone())))
    .collect();
    let end_banner = state.ending.announced().map(|t| {
        let day = t.end_day.to_string();
        let words = if t.ended_at(crate::now_ms()) { c.ui.end_banner_past } else { c.ui.end_banner };
        fill_keeping(words, &[("day", &day)])
    });
    html(StatusCode::OK, &Home { c, policy_note, contacts, end_banner }, lang)
}

pub async fn policy(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let lang = lang_or_refuse!(state, q, "/privacy/policy");
    document(&state, Document::Policy, lang, "/privacy/policy")
}

pub async fn list(State(state): State<AppState>, Path(list): Path<String>, RawQuery(q): RawQuery) -> Response {
    let path = format!("/privacy/lists/{list}");
    let lang = lang_or_refuse!(state, q, &path);
    let doc = match list.as_str() {
        "collection" => Document::CollectionList,
        "sharing" => Document::SharingList,
        "permissions" => Document::PermissionList,
        _ => return error(&state, lang, &path, StatusCode::NOT_FOUND),
    };
    document(&state, doc, lang, &path)
}

/// A document of the version in force, rendered when the version was loaded.
fn document(state: &AppState, doc: Document, lang: Lang, path: &str) -> Response {
    let current = state.policies.current();
    let rendered;
    let fragment = match current.pages.get(&(doc, lang)) {
        Some(f) => f,
        None => {
            rendered = gebao_policy::render_fragment(&current.manifest, doc, lang);
            &rendered
        }
    };
    let c = Chrome::new(state, lang, path);
    let page = DocumentPage { c, title: &fragment.title, banner: None, html: &fragment.html };
    html(StatusCode::OK, &page, lang)
}

pub async fn versions(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let lang = lang_or_refuse!(state, q, "/privacy/policy/versions");
    let c = Chrome::new(&state, lang, "/privacy/policy/versions");
    let in_force = state.policies.current().version;
    let mut metas = state.policies.metas();
    metas.sort_by_key(|m| std::cmp::Reverse(m.version));
    let rows = metas
        .into_iter()
        .map(|m| {
            let (state, state_class) = if m.version == in_force {
                (c.ui.in_force, "in-force")
            } else if m.version > in_force {
                (c.ui.upcoming, "upcoming")
            } else {
                (c.ui.archived, "archived")
            };
            let change = match (m.version, m.major) {
                (1, _) => c.ui.first,
                (_, true) => c.ui.major,
                (_, false) => c.ui.minor,
            };
            VersionRow {
                version: m.version,
                label: fill_keeping(c.ui.version_n, &[("n", &m.version.to_string())]),
                effective: m.effective.to_string(),
                state,
                state_class,
                change,
                read_href: c.href(&format!("/privacy/policy/versions/{}", m.version)),
                changes_href: c.href(&format!("/privacy/policy/versions/{}/changes", m.version)),
            }
        })
        .collect();
    html(StatusCode::OK, &Versions { c, rows }, lang)
}

/// A version number from the path: 1 or more, and published.
async fn stored(state: &AppState, raw: &str) -> Option<gebao_store::PolicyVersion> {
    let n = raw.parse::<i64>().ok().filter(|n| *n >= 1)?;
    state.store.policy_version(n).await.ok().flatten()
}

pub async fn archived(State(state): State<AppState>, Path(n): Path<String>, RawQuery(q): RawQuery) -> Response {
    let path = format!("/privacy/policy/versions/{n}");
    let lang = lang_or_refuse!(state, q, &path);
    let Some(v) = stored(&state, &n).await else { return error(&state, lang, &path, StatusCode::NOT_FOUND) };
    let in_force = state.policies.current().version;
    let c = Chrome::new(&state, lang, &path);
    let banner = (v.version != in_force).then(|| {
        let text = if v.version > in_force { c.ui.upcoming_banner } else { c.ui.archived_banner };
        let (n, date) = (v.version.to_string(), v.body.effective.to_string());
        fill_keeping(text, &[("n", &n), ("date", &date)])
    });
    // The text as published then (CHG-03): the stored Markdown, not today's renderer.
    let key = crate::versions::text_key(lang, gebao_policy::Format::Markdown);
    let Some(markdown) = v.body.rendered.get(&key) else {
        return error(&state, lang, &path, StatusCode::NOT_FOUND);
    };
    let title = markdown.lines().next().unwrap_or_default().trim_start_matches('#').trim().to_owned();
    let html_text = gebao_policy::markdown_fragment(lang, markdown);
    html(StatusCode::OK, &DocumentPage { c, title: &title, banner, html: &html_text }, lang)
}

pub async fn changes(State(state): State<AppState>, Path(n): Path<String>, RawQuery(q): RawQuery) -> Response {
    let path = format!("/privacy/policy/versions/{n}/changes");
    let lang = lang_or_refuse!(state, q, &path);
    let Some(v) = stored(&state, &n).await else { return error(&state, lang, &path, StatusCode::NOT_FOUND) };
    let c = Chrome::new(&state, lang, &path);
    let diff = crate::routes::public_diff(v.body.diff.clone());
    let changes: Vec<ChangeRow> =
        diff["changes"].as_array().map(|cs| cs.iter().map(|ch| change_row(ch, lang)).collect()).unwrap_or_default();
    let major = changes.iter().filter(|ch| ch.major.is_some()).count();
    let summary = if v.version == 1 {
        c.ui.first_version.to_owned()
    } else if changes.is_empty() {
        c.ui.no_changes.to_owned()
    } else {
        let (prev, count, major) = ((v.version - 1).to_string(), changes.len().to_string(), major.to_string());
        fill_keeping(c.ui.changes_summary, &[("prev", &prev), ("count", &count), ("major", &major)])
    };
    let reconsent = purpose_names(&state.policies.current().manifest, &v.body.reconsent, lang);
    let heading = fill_keeping(c.ui.changes_heading, &[("n", &v.version.to_string())]);
    let read_href = c.href(&format!("/privacy/policy/versions/{}", v.version));
    html(StatusCode::OK, &Changes { c, heading, summary, reconsent, changes, read_href }, lang)
}

/// One change as the user reads it: the summary in the page's language, the trigger that
/// makes it major, the value before and after.
pub(crate) fn change_row(ch: &Value, lang: Lang) -> ChangeRow {
    let text = |k: &str| ch.get(k).and_then(Value::as_str).map(str::to_owned);
    let summary = match lang {
        Lang::ZhCn => text("summary_zh"),
        Lang::En => text("summary_en"),
    };
    let major = ch
        .get("trigger")
        .and_then(Value::as_str)
        .and_then(|id| Trigger::ALL.into_iter().find(|t| t.id() == id))
        .map(|t| t.label().get(lang));
    ChangeRow {
        path: text("path").unwrap_or_default(),
        summary: summary.unwrap_or_default(),
        major,
        before: text("before"),
        after: text("after"),
    }
}

/// Purposes by their names in `lang` (an id the manifest no longer has, as it is).
pub(crate) fn purpose_names(manifest: &gebao_core::Manifest, ids: &[String], lang: Lang) -> Vec<String> {
    ids.iter()
        .map(|id| match manifest.purposes.iter().find(|p| p.id.0 == *id) {
            Some(p) => lang.pick(&p.name, p.name_en.as_deref()).to_owned(),
            None => id.clone(),
        })
        .collect()
}

/// The error page: not found, or a language that does not exist.
pub fn error(state: &AppState, lang: Lang, path: &str, status: StatusCode) -> Response {
    let c = Chrome::new(state, lang, path);
    let (heading, detail) = match status {
        StatusCode::BAD_REQUEST if path.starts_with("/privacy/me") => (c.ui.bad_form, c.ui.bad_form_note),
        StatusCode::BAD_REQUEST => (c.ui.bad_lang, c.ui.bad_lang),
        StatusCode::FORBIDDEN => (c.ui.forbidden, c.ui.forbidden_note),
        StatusCode::UNPROCESSABLE_ENTITY => (c.ui.bad_form, c.ui.bad_form_note),
        StatusCode::NOT_FOUND => (c.ui.not_found, c.ui.not_found_note),
        _ => (c.ui.unavailable, c.ui.unavailable_note),
    };
    html(status, &ErrorPage { c, heading: heading.to_owned(), detail: detail.to_owned(), sign_in_href: None }, lang)
}
