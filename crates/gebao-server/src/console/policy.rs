//! Policy versions in the console: every version with its effective date, whether the change
//! was major and which purposes asked for consent again; a version's whole diff (the public
//! part and the internal one); and publishing a new version in two steps — a preview that
//! writes nothing (findings of `gebao check`, the major-change triggers, the purposes that
//! will ask for consent again, what the server cannot carry out), then publishing exactly
//! what was previewed, through the same path as the API (`crate::publish`).

use super::perm::{Permission, may};
use super::session::{Posted, Staff, allowed, posted};
use super::{Chrome, html, lang_of, message, with_lang};
use crate::centre::pages::{ChangeRow, change_row, purpose_names};
use crate::centre::portal::redirect;
use crate::publish::{self, Proposal, Refusal};
use crate::state::AppState;
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use gebao_core::rules::Severity;
use gebao_core::text::{Lang, fill_keeping};
use serde::Deserialize;
use serde_json::Value;

/// The longest manifest the form takes (the server's body limit is larger).
const MAX_MANIFEST_BYTES: usize = 512 * 1024;

struct VersionRow {
    href: String,
    version: i64,
    effective: String,
    published: String,
    /// The change from the version before: none for the first.
    change: Option<bool>,
    reconsent: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "console/policy.html")]
struct Versions {
    c: Chrome,
    rows: Vec<VersionRow>,
    new_href: Option<String>,
}

/// `GET /console/policy`: every version, the newest first.
pub async fn versions(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/console/policy";
    let staff = match allowed(&state, &headers, lang, path, Permission::ViewPolicy).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let c = Chrome::new(&state, lang, path, Some(&staff));
    let current = state.policies.current();
    let in_force = current.version;
    let mut metas = state.policies.metas();
    metas.reverse();
    let rows = metas
        .into_iter()
        .map(|m| VersionRow {
            href: c.href(&format!("/console/policy/versions/{}", m.version)),
            version: m.version,
            effective: m.effective.to_string(),
            published: crate::centre::portal::beijing_time(m.published_ms),
            change: (m.version > 1).then_some(m.major),
            reconsent: purpose_names(&current.manifest, &m.reconsent, lang).join("、"),
            status: match m.version.cmp(&in_force) {
                std::cmp::Ordering::Equal => c.ui.in_force,
                std::cmp::Ordering::Greater => c.ui.scheduled,
                std::cmp::Ordering::Less => c.ui.archived,
            },
        })
        .collect();
    let new_href = may(staff.account.role, Permission::PublishPolicy).then(|| c.href("/console/policy/new"));
    staff.answer(html(StatusCode::OK, &Versions { c, rows, new_href }, lang))
}

/// A diff as rows: the public changes (what the policy tells users) and the internal ones.
fn diff_rows(diff: &Value, lang: Lang) -> (Vec<ChangeRow>, Vec<ChangeRow>) {
    let rows = diff["changes"].as_array().map(|cs| cs.iter().map(|ch| change_row(ch, lang)).collect::<Vec<_>>());
    rows.unwrap_or_default().into_iter().partition(|r| gebao_policy::is_public_path(&r.path))
}

#[derive(Template)]
#[template(path = "console/version.html")]
struct VersionPage {
    c: Chrome,
    heading: String,
    effective: String,
    published: String,
    major: bool,
    reconsent: Vec<String>,
    public: Vec<ChangeRow>,
    internal: Vec<ChangeRow>,
    first: bool,
    text_href: String,
}

/// `GET /console/policy/versions/{n}`: a version and its whole diff to the one before.
pub async fn version(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(n): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = format!("/console/policy/versions/{n}");
    let staff = match allowed(&state, &headers, lang, &path, Permission::ViewPolicy).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let c = Chrome::new(&state, lang, &path, Some(&staff));
    let stored = match n.parse::<i64>() {
        Ok(n) if n >= 1 => state.store.policy_version(n).await,
        _ => Ok(None),
    };
    let v = match stored {
        Ok(Some(v)) => v,
        Ok(None) => return staff.answer(message(StatusCode::NOT_FOUND, c.ui.not_found, c.ui.not_found_note, c)),
        Err(e) => {
            tracing::error!(error = %e, "cannot read a policy version for the console");
            return staff.answer(message(StatusCode::SERVICE_UNAVAILABLE, c.ui.unavailable, c.ui.unavailable_note, c));
        }
    };
    let (public, internal) = diff_rows(&v.body.diff, lang);
    let page = VersionPage {
        heading: fill_keeping(c.ui.version_heading, &[("n", &v.version.to_string())]),
        effective: v.body.effective.to_string(),
        published: crate::centre::portal::beijing_time(v.body.published_ms),
        major: v.body.major,
        reconsent: purpose_names(&state.policies.current().manifest, &v.body.reconsent, lang),
        public,
        internal,
        first: v.version == 1,
        text_href: with_lang(&format!("/privacy/policy/versions/{}", v.version), lang),
        c,
    };
    staff.answer(html(StatusCode::OK, &page, lang))
}

/// A finding or diagnostic as the page lists it.
struct Problem {
    severity: &'static str,
    class: &'static str,
    rule: String,
    place: String,
    message: String,
    hint: String,
}

#[derive(Template)]
#[template(path = "console/publish.html")]
struct PublishPage {
    c: Chrome,
    action_preview: String,
    action_publish: String,
    manifest: String,
    effective: String,
    reason: String,
    /// Set once previewed.
    preview: Option<Preview>,
    /// Why the manifest cannot be published at all (invalid, connections missing, moved).
    refusal: Option<String>,
    problems: Vec<Problem>,
}

/// What the preview shows of a proposal.
struct Preview {
    summary: String,
    major: bool,
    reconsent: Vec<String>,
    public: Vec<ChangeRow>,
    internal: Vec<ChangeRow>,
    warnings: Vec<String>,
    /// Error-level findings: publishing is not offered.
    blocked: bool,
    base: String,
}

/// `GET /console/policy/new`: the form, with the latest version's manifest to edit.
pub async fn new(State(state): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let lang = lang_of(q.as_deref()).unwrap_or(Lang::ZhCn);
    let path = "/console/policy/new";
    let staff = match allowed(&state, &headers, lang, path, Permission::PublishPolicy).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let manifest = match state.store.latest_policy().await {
        Ok(v) => v.map(|v| v.body.manifest).unwrap_or_default(),
        Err(e) => {
            tracing::error!(error = %e, "cannot read the latest policy version for the console");
            let c = Chrome::new(&state, lang, path, Some(&staff));
            return staff.answer(message(StatusCode::SERVICE_UNAVAILABLE, c.ui.unavailable, c.ui.unavailable_note, c));
        }
    };
    let page = form_page(&state, lang, path, &staff, manifest, String::new(), String::new());
    staff.answer(html(StatusCode::OK, &page, lang))
}

fn form_page(
    state: &AppState,
    lang: Lang,
    path: &str,
    staff: &Staff,
    manifest: String,
    effective: String,
    reason: String,
) -> PublishPage {
    let c = Chrome::new(state, lang, path, Some(staff));
    PublishPage {
        action_preview: c.href("/console/policy/preview"),
        action_publish: c.href("/console/policy/publish"),
        manifest,
        effective,
        reason,
        preview: None,
        refusal: None,
        problems: Vec::new(),
        c,
    }
}

/// The publish form: the manifest, its effective date, why; `base` is the latest version
/// the preview compared with (set by the preview, checked when publishing).
#[derive(Deserialize)]
pub struct PublishForm {
    csrf: String,
    manifest: String,
    #[serde(default)]
    effective: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    base: String,
}

impl Posted for PublishForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// What is wrong with the form's own fields (the manifest is checked by `publish`).
fn form_problem(f: &PublishForm, c: &Chrome) -> Option<String> {
    if f.manifest.len() > MAX_MANIFEST_BYTES {
        return Some(c.ui.manifest_too_large.to_owned());
    }
    if f.manifest.trim().is_empty() {
        return Some(c.ui.manifest_empty.to_owned());
    }
    if !f.effective.trim().is_empty() && NaiveDate::parse_from_str(f.effective.trim(), "%Y-%m-%d").is_err() {
        return Some(c.ui.effective_invalid.to_owned());
    }
    let reason = f.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Some(c.ui.publish_reason_needed.to_owned());
    }
    None
}

fn effective_of(f: &PublishForm) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(f.effective.trim(), "%Y-%m-%d").ok()
}

/// Why a proposal failed, for the page: a sentence, and the loader's diagnostics as problems.
fn refusal_text(r: &Refusal, text: &str, c: &Chrome) -> (String, Vec<Problem>) {
    let lang = c.lang;
    match r {
        Refusal::Invalid(e) => {
            let problems = e
                .diagnostics()
                .into_iter()
                .map(|d| {
                    let place = match (&d.span, &d.path) {
                        (Some(span), path) => {
                            let (line, column) = publish::line_column(text, span.start);
                            let at = fill_keeping(
                                c.ui.line_column,
                                &[("line", &line.to_string()), ("column", &column.to_string())],
                            );
                            match path {
                                Some(p) => format!("{p} · {at}"),
                                None => at,
                            }
                        }
                        (None, Some(p)) => p.clone(),
                        (None, None) => String::new(),
                    };
                    Problem {
                        severity: c.ui.severity_error,
                        class: "error",
                        rule: d.code.to_owned(),
                        place,
                        message: lang.pick(&d.message_zh, Some(&d.message_en)).to_owned(),
                        hint: lang.pick(d.help_zh.as_deref().unwrap_or(""), d.help_en.as_deref()).to_owned(),
                    }
                })
                .collect();
            (c.ui.manifest_invalid.to_owned(), problems)
        }
        Refusal::ConnectionsMissing(names) => {
            let t = crate::requests::text::connections_missing(names);
            (t.get(lang).to_owned(), Vec::new())
        }
        Refusal::Moved { latest, .. } => (crate::messages::policy_moved(*latest).get(lang).to_owned(), Vec::new()),
        Refusal::Findings(f) => (c.ui.publish_blocked.to_owned(), problems_of(f, c)),
        Refusal::Failed(_) => (c.ui.unavailable_note.to_owned(), Vec::new()),
    }
}

/// Findings of `gebao check` as the page lists them, errors first (they are what keeps a
/// version from being published).
fn problems_of(findings: &[gebao_core::rules::Finding], c: &Chrome) -> Vec<Problem> {
    let lang = c.lang;
    let mut problems: Vec<(Severity, Problem)> = findings
        .iter()
        .map(|f| {
            let (severity, class) = match f.severity {
                Severity::Error => (c.ui.severity_error, "error"),
                Severity::Warning => (c.ui.severity_warning, "warning"),
                Severity::Info => (c.ui.severity_info, "info"),
            };
            let problem = Problem {
                severity,
                class,
                rule: f.rule.to_string(),
                place: f.path.clone(),
                message: f.message(lang).to_owned(),
                hint: f.hint(lang).to_owned(),
            };
            (f.severity, problem)
        })
        .collect();
    problems.sort_by_key(|(s, _)| std::cmp::Reverse(*s));
    problems.into_iter().map(|(_, p)| p).collect()
}

/// The proposal as the preview shows it.
fn preview_of(p: &Proposal, c: &Chrome) -> (Preview, Vec<Problem>) {
    let lang = c.lang;
    let (public, internal) = diff_rows(&p.version.diff, lang);
    let number = p.number().to_string();
    let effective = p.version.effective.to_string();
    let mut summary = match (p.base, p.version.major) {
        (None, _) => fill_keeping(c.ui.preview_first, &[("n", &number), ("date", &effective)]),
        (Some(_), true) => fill_keeping(c.ui.preview_major, &[("n", &number), ("date", &effective)]),
        (Some(_), false) => fill_keeping(c.ui.preview_minor, &[("n", &number), ("date", &effective)]),
    };
    if p.version.effective < crate::versions::today() {
        summary.push_str(c.ui.effective_past);
    }
    let problems = problems_of(&p.findings, c);
    let preview = Preview {
        summary,
        major: p.version.major,
        reconsent: purpose_names(&p.manifest, &p.version.reconsent, lang),
        public,
        internal,
        warnings: p
            .warnings
            .iter()
            .map(|w| format!("{}: {}", w.path, lang.pick(&w.message, Some(&w.message_en))))
            .collect(),
        blocked: !p.blocking().is_empty(),
        base: p.base.map(|b| b.to_string()).unwrap_or_default(),
    };
    (preview, problems)
}

/// What both steps start with: the form of a member who may publish, its own fields
/// checked, and the proposal it makes (nothing written) — or the page that says why not.
async fn proposed(
    state: &AppState,
    headers: &HeaderMap,
    q: Option<&str>,
    path: &str,
    form: Result<Form<PublishForm>, FormRejection>,
) -> Result<(Staff, PublishForm, PublishPage, Proposal), Response> {
    let lang = lang_of(q).unwrap_or(Lang::ZhCn);
    let (staff, f) = posted(state, headers, lang, path, Permission::PublishPolicy, form).await?;
    let mut page = form_page(state, lang, path, &staff, f.manifest.clone(), f.effective.clone(), f.reason.clone());
    if let Some(problem) = form_problem(&f, &page.c) {
        page.refusal = Some(problem);
        return Err(staff.answer(html(StatusCode::UNPROCESSABLE_ENTITY, &page, lang)));
    }
    match publish::propose(state, &f.manifest, effective_of(&f)).await {
        Ok(p) => Ok((staff, f, page, p)),
        Err(r) => Err(refused(state, &staff, page, r, &f.manifest)),
    }
}

/// `POST /console/policy/preview`: what publishing this manifest would do; nothing written.
pub async fn preview(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    form: Result<Form<PublishForm>, FormRejection>,
) -> Response {
    let (staff, _f, mut page, p) = match proposed(&state, &headers, q.as_deref(), "/console/policy/preview", form).await
    {
        Ok(ok) => ok,
        Err(page) => return page,
    };
    let (preview, problems) = preview_of(&p, &page.c);
    page.preview = Some(preview);
    page.problems = problems;
    let lang = page.c.lang;
    staff.answer(html(StatusCode::OK, &page, lang))
}

/// A refusal shown on the form, with the status the API gives it.
fn refused(state: &AppState, staff: &Staff, mut page: PublishPage, r: Refusal, text: &str) -> Response {
    let lang = page.c.lang;
    if let Refusal::Failed(e) = &r {
        tracing::error!(error = %e, "a console publication failed");
        let c = Chrome::new(state, lang, "/console/policy", Some(staff));
        return staff.answer(message(StatusCode::SERVICE_UNAVAILABLE, c.ui.unavailable, c.ui.unavailable_note, c));
    }
    let status = match r {
        Refusal::Moved { .. } => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let (sentence, problems) = refusal_text(&r, text, &page.c);
    page.refusal = Some(sentence);
    page.problems = problems;
    staff.answer(html(status, &page, lang))
}

/// `POST /console/policy/publish`: publishes what was previewed, if nothing was published
/// since (`base`) and `gebao check` finds no error; audited with the reason typed in.
pub async fn publish(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    form: Result<Form<PublishForm>, FormRejection>,
) -> Response {
    let (staff, f, page, proposal) =
        match proposed(&state, &headers, q.as_deref(), "/console/policy/publish", form).await {
            Ok(ok) => ok,
            Err(page) => return page,
        };
    let lang = page.c.lang;
    // The preview compared with `base`: a version published since would make it untrue.
    let previewed = f.base.trim().parse::<i64>().ok();
    if previewed != proposal.base {
        let r = Refusal::Moved { base: previewed, latest: proposal.base };
        return refused(&state, &staff, page, r, &f.manifest);
    }
    let reason = Some(f.reason.trim().to_owned());
    match publish::publish(&state, proposal, staff.actor(), reason, false).await {
        Ok(done) => {
            let to = with_lang(&format!("/console/policy/versions/{}", done.stored.version), lang);
            staff.answer(redirect(&to))
        }
        Err(r) => refused(&state, &staff, page, r, &f.manifest),
    }
}
