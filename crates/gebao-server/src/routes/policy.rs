//! Policy versions. Public: the version in force and every archived version, in zh-CN and
//! English, as HTML, Markdown or the manifest's JSON (CHG-03: old versions stay
//! available). `policy:write`: publish a new version with an effective date; the change is
//! classified (CHG-02, 35273 5.5) and a major change makes the consent-based purposes it
//! touches ask for consent again (CHG-01, PIPL 14).

use super::Problems;
use super::schema::{LangName, TextFormat};
use crate::auth::{Auth, scope};
use crate::error::{ApiError, ManifestRejected};
use crate::extract::{Json, Path, Query};
use crate::messages;
use crate::publish::{Published, Refusal};
use crate::state::AppState;
use crate::versions::{JSON_KEY, text_key};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use gebao_policy::{Document, Format, Lang};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// Which text of a version.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct TextQuery {
    /// `zh-CN` (default) or `en`.
    #[param(value_type = LangName, required = false)]
    pub lang: Option<String>,
    /// `html` (default), `md` or `json` (the manifest).
    #[param(value_type = TextFormat, required = false)]
    pub format: Option<String>,
}

enum Wanted {
    Text(Lang, Format),
    Json,
}

impl TextQuery {
    fn parse(&self) -> Result<Wanted, ApiError> {
        // Exactly the spellings of the OpenAPI document (`LangName`, `TextFormat`).
        let lang = match self.lang.as_deref() {
            None | Some("zh-CN") => Lang::ZhCn,
            Some("en") => Lang::En,
            Some(l) => return Err(ApiError::bad_param("lang", messages::bad_param("lang", l, "`zh-CN`, `en`"))),
        };
        match self.format.as_deref() {
            None | Some("html") => Ok(Wanted::Text(lang, Format::Html)),
            Some("md") => Ok(Wanted::Text(lang, Format::Markdown)),
            Some("json") => Ok(Wanted::Json),
            Some(other) => {
                Err(ApiError::bad_param("format", messages::bad_param("format", other, "`html`, `md`, `json`")))
            }
        }
    }
}

/// One stored text of a version, with its media type.
fn text_response(version: i64, texts: &BTreeMap<String, String>, q: &TextQuery) -> Result<Response, ApiError> {
    let wanted = q.parse()?;
    let key = match wanted {
        Wanted::Text(lang, format) => text_key(lang, format),
        Wanted::Json => JSON_KEY.to_owned(),
    };
    let body =
        texts.get(&key).cloned().ok_or_else(|| ApiError::Internal(format!("version {version} has no text `{key}`")))?;
    Ok(respond(version, &wanted, body))
}

/// A text of a version with its media type, language and version number.
fn respond(version: i64, wanted: &Wanted, body: String) -> Response {
    let (media, lang) = match wanted {
        Wanted::Text(lang, Format::Html) => ("text/html; charset=utf-8", Some(lang)),
        Wanted::Text(lang, Format::Markdown) => ("text/markdown; charset=utf-8", Some(lang)),
        Wanted::Json => ("application/json", None),
    };
    let mut res = (StatusCode::OK, body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    if let Some(lang) = lang {
        h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
    }
    if let Ok(v) = HeaderValue::from_str(&version.to_string()) {
        h.insert("x-gebao-policy-version", v);
    }
    res
}

/// A list published beside the policy in force: as a page, as Markdown, or its part of the
/// public model as JSON.
fn list_response(state: &AppState, doc: Document, q: &TextQuery) -> Result<Response, ApiError> {
    let current = state.policies.current();
    let wanted = q.parse()?;
    let body = match wanted {
        Wanted::Text(lang, format) => gebao_policy::render(&current.manifest, doc, lang, format),
        Wanted::Json => serde_json::to_string_pretty(&gebao_policy::public_list_model(&current.manifest, doc))
            .map_err(|e| ApiError::Internal(e.to_string()))?,
    };
    Ok(respond(current.version, &wanted, body))
}

/// 个人信息收集清单, the collection list of the policy in force: every field, its category,
/// source, purposes and functions.
#[utoipa::path(get, path = "/v1/policy/lists/collection", tag = "policy", params(TextQuery),
    responses((status = 200, description = "the list: HTML (default), Markdown, or as JSON the public model's `fields`, `purposes` and `scenarios`",
        content((String = "text/html"), (String = "text/markdown"), (Object = "application/json"))), Problems))]
pub async fn collection_list(State(state): State<AppState>, Query(q): Query<TextQuery>) -> Result<Response, ApiError> {
    list_response(&state, Document::CollectionList, &q)
}

/// 第三方共享清单, the sharing list of the policy in force: SDKs, other processors,
/// entrusted processors, public disclosure.
#[utoipa::path(get, path = "/v1/policy/lists/sharing", tag = "policy", params(TextQuery),
    responses((status = 200, description = "the list: HTML (default), Markdown, or as JSON the public model's `recipients`",
        content((String = "text/html"), (String = "text/markdown"), (Object = "application/json"))), Problems))]
pub async fn sharing_list(State(state): State<AppState>, Query(q): Query<TextQuery>) -> Result<Response, ApiError> {
    list_response(&state, Document::SharingList, &q)
}

/// 应用权限列表, the permission list of the policy in force: device permissions, their
/// purposes, prompts and how to turn them off.
#[utoipa::path(get, path = "/v1/policy/lists/permissions", tag = "policy", params(TextQuery),
    responses((status = 200, description = "the list: HTML (default), Markdown, or as JSON the public model's `permissions`",
        content((String = "text/html"), (String = "text/markdown"), (Object = "application/json"))), Problems))]
pub async fn permission_list(State(state): State<AppState>, Query(q): Query<TextQuery>) -> Result<Response, ApiError> {
    list_response(&state, Document::PermissionList, &q)
}

/// The policy in force.
#[utoipa::path(get, path = "/v1/policy", tag = "policy", params(TextQuery),
    responses((status = 200, description = "the policy: HTML (default), Markdown, or the manifest as JSON (`format=json`)",
        content((String = "text/html"), (String = "text/markdown"), (Object = "application/json"))), Problems))]
pub async fn current(State(state): State<AppState>, Query(q): Query<TextQuery>) -> Result<Response, ApiError> {
    let current = state.policies.current();
    text_response(current.version, &current.texts, &q)
}

/// A published version.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub version: i64,
    pub effective: NaiveDate,
    /// Whether the change from the previous version is major (35273 5.5).
    pub major: bool,
    /// Purposes that need consent again from this version on (PIPL 14).
    pub reconsent: Vec<String>,
    pub published_ms: i64,
    /// Whether this is the version in force.
    pub in_force: bool,
    /// What in the manifest this server cannot carry out (e.g. a recipient's deletion
    /// webhook that is not an allowed destination: its notices will be refused, not sent).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// Something in a published manifest this server cannot carry out.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Warning {
    /// Where, e.g. `recipients[0].deletion.address`.
    pub path: String,
    pub message: String,
    pub message_en: String,
}

/// Every published version, oldest first.
#[utoipa::path(get, path = "/v1/policy/versions", tag = "policy",
    responses((status = 200, body = Vec<VersionView>)))]
pub async fn list(State(state): State<AppState>) -> axum::Json<Vec<VersionView>> {
    let in_force = state.policies.current().version;
    let views = state
        .policies
        .metas()
        .into_iter()
        .map(|m| VersionView {
            in_force: m.version == in_force,
            version: m.version,
            effective: m.effective,
            major: m.major,
            reconsent: m.reconsent,
            published_ms: m.published_ms,
            warnings: Vec::new(),
        })
        .collect();
    axum::Json(views)
}

fn version_param(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| ApiError::bad_param("n", messages::bad_param("n", raw, "a version number ≥ 1")))
}

async fn stored(state: &AppState, raw: &str) -> Result<gebao_store::PolicyVersion, ApiError> {
    let n = version_param(raw)?;
    state.store.policy_version(n).await?.ok_or_else(|| ApiError::not_found("n", messages::version_not_found(n)))
}

/// An archived version (or the one in force) by number.
#[utoipa::path(get, path = "/v1/policy/versions/{n}", tag = "policy",
    params(("n" = i64, Path, description = "version number", minimum = 1), TextQuery),
    responses((status = 200, description = "the policy text of that version: HTML (default), Markdown, or the manifest as JSON (`format=json`)",
        content((String = "text/html"), (String = "text/markdown"), (Object = "application/json"))), Problems))]
pub async fn archived(
    State(state): State<AppState>,
    Path(n): Path<String>,
    Query(q): Query<TextQuery>,
) -> Result<Response, ApiError> {
    q.parse()?;
    let v = stored(&state, &n).await?;
    text_response(v.version, &v.body.rendered, &q)
}

/// What changed from the previous version.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffView {
    pub version: i64,
    pub major: bool,
    pub reconsent: Vec<String>,
    /// The changes to what the policy discloses, as `gebao diff --format json` lists them
    /// (`null` for version 1); changes to internal parts of the manifest (datasets,
    /// recipients' deletion endpoints, the organisation's figures) are left out.
    #[schema(value_type = Option<Object>)]
    pub diff: serde_json::Value,
}

/// A stored diff with only the changes to the public model (`gebao_policy::is_public_path`).
pub(crate) fn public_diff(mut diff: serde_json::Value) -> serde_json::Value {
    if let Some(changes) = diff.get_mut("changes").and_then(serde_json::Value::as_array_mut) {
        changes.retain(|c| c["path"].as_str().is_some_and(gebao_policy::is_public_path));
    }
    diff
}

/// The diff of a version to the one before it.
#[utoipa::path(get, path = "/v1/policy/versions/{n}/diff", tag = "policy",
    params(("n" = i64, Path, description = "version number", minimum = 1)),
    responses((status = 200, body = DiffView), Problems))]
pub async fn diff(State(state): State<AppState>, Path(n): Path<String>) -> Result<axum::Json<DiffView>, ApiError> {
    let v = stored(&state, &n).await?;
    Ok(axum::Json(DiffView {
        version: v.version,
        major: v.body.major,
        reconsent: v.body.reconsent,
        diff: public_diff(v.body.diff),
    }))
}

/// A version to publish.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishBody {
    /// The manifest (`gebao.toml`) as TOML text.
    pub manifest: String,
    /// When it takes effect; the manifest's `policy.effective` (else today) when left out.
    #[serde(default)]
    pub effective: Option<NaiveDate>,
    /// Why, for the audit log.
    #[serde(default)]
    pub reason: Option<String>,
    /// Publish even though `gebao check` reports error-level findings (refused otherwise).
    #[serde(default)]
    pub allow_findings: bool,
}

/// Publish a new policy version.
#[utoipa::path(post, path = "/v1/policy/versions", tag = "policy", request_body = PublishBody,
    responses((status = 201, body = VersionView), Problems),
    security(("api_key" = ["policy:write"])))]
pub async fn publish(
    State(state): State<AppState>,
    auth: Auth<scope::PolicyWrite>,
    Json(b): Json<PublishBody>,
) -> Result<Response, ApiError> {
    let proposal = match crate::publish::propose(&state, &b.manifest, b.effective).await {
        Ok(p) => p,
        Err(r) => return refused(&b.manifest, r),
    };
    let warnings = proposal.warnings.clone();
    match crate::publish::publish(&state, proposal, auth.actor(), b.reason, b.allow_findings).await {
        Ok(Published { stored, in_force }) => {
            let view = VersionView {
                version: stored.version,
                effective: stored.body.effective,
                major: stored.body.major,
                reconsent: stored.body.reconsent,
                published_ms: stored.body.published_ms,
                in_force: in_force == stored.version,
                warnings,
            };
            Ok((StatusCode::CREATED, axum::Json(view)).into_response())
        }
        Err(r) => refused(&b.manifest, r),
    }
}

/// A refused publication as the API answers it.
fn refused(text: &str, r: Refusal) -> Result<Response, ApiError> {
    match r {
        Refusal::Invalid(e) => Ok(rejected(text, &e).into_response()),
        Refusal::Findings(f) => Ok(findings_rejected(&f).into_response()),
        Refusal::ConnectionsMissing(missing) => {
            Err(ApiError::invalid("manifest", crate::requests::text::connections_missing(&missing)))
        }
        Refusal::Moved { latest, .. } => {
            Err(ApiError::Conflict { field: "manifest".into(), text: messages::policy_moved(latest) })
        }
        Refusal::Failed(e) => Err(ApiError::Internal(e)),
    }
}

/// A manifest refused for its error-level findings: the findings, with the way past them.
fn findings_rejected(findings: &[gebao_core::rules::Finding]) -> ManifestRejected {
    let diagnostics = findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "rule": f.rule, "severity": "error", "path": f.path,
                "message": f.message_zh, "message_en": f.message_en, "hint": f.hint_zh, "hint_en": f.hint_en,
            })
        })
        .collect();
    ManifestRejected { diagnostics }
}

/// The loader's diagnostics, with line and column in the submitted text.
fn rejected(src: &str, e: &gebao_core::LoadError) -> ManifestRejected {
    let diagnostics = e
        .diagnostics()
        .into_iter()
        .map(|d| {
            let mut v = serde_json::to_value(&d).unwrap_or_default();
            if let (Some(span), Some(obj)) = (&d.span, v.as_object_mut()) {
                let (line, column) = crate::publish::line_column(src, span.start);
                obj.insert("line".into(), line.into());
                obj.insert("column".into(), column.into());
            }
            v
        })
        .collect();
    ManifestRejected { diagnostics }
}
