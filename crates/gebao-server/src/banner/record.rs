//! `POST /v1/banner/consents`: the one public write of gebao. A visitor's browser holds no
//! API key, so what it may do is bounded by the route itself:
//!
//! - only from the sites of `[banner] origins` (the `Origin` header; a CORS preflight is
//!   answered for those only), so another site's page cannot record in the operator's name;
//! - only cookie-category scopes the policy in force declares, for the version in force;
//! - for a visitor named by a random id the script makes, which the ledger holds as a keyed
//!   `v_` pseudonym: a registered subject can never be written through it;
//! - a body of at most [`BODY_MAX`] bytes and [`super::Banner`]'s records per address and
//!   minute; nothing is ever read back (no route shows a visitor's choices).
//!
//! All the choices of one request commit in one transaction with their audit entries.

use super::Banner;
use crate::error::{ApiError, Problem, problem_response};
use crate::messages::{self, Text};
use crate::routes::ScopeBody;
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gebao_core::decision::{ConsentAction, ConsentScope};
use gebao_store::NewConsent;
use serde::Deserialize;
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;
use utoipa::ToSchema;

/// The largest body accepted: a visitor id and three choices fit many times over.
pub const BODY_MAX: usize = 2048;

/// A visitor's choices, as the banner sends them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BannerChoices {
    /// The random id the banner keeps in the visitor's browser (128 bits or more).
    #[schema(pattern = "^[0-9a-f]{32,64}$", min_length = 32, max_length = 64)]
    pub visitor: String,
    /// The policy version whose banner the visitor saw: must be the version in force.
    #[serde(default, deserialize_with = "crate::extract::integer::option")]
    #[schema(value_type = i64, minimum = 1, required = true)]
    pub policy_version: Option<i64>,
    /// How the choice was made, kept as evidence.
    pub via: Via,
    /// One choice per category, each category at most once.
    #[schema(min_items = 1, max_items = 3)]
    pub choices: Vec<Choice>,
}

/// The control the visitor used.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    AcceptAll,
    RejectAll,
    Settings,
    Separate,
}

/// One category, granted or not (refusing and withdrawing are both recorded as `withdraw`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    #[schema(value_type = crate::routes::schema::CookieCategoryName)]
    pub category: String,
    pub granted: bool,
}

fn problem(status: StatusCode, slug: &str, field: Option<&str>, text: Text) -> Problem {
    let title = messages::title(slug);
    Problem {
        kind: format!("urn:gebao:problem:{slug}"),
        title: title.zh,
        title_en: title.en,
        status: status.as_u16(),
        detail: text.zh,
        detail_en: text.en,
        field: field.map(str::to_owned),
        required_scope: None,
        request_id: crate::observe::current_request_id(),
        errors: Vec::new(),
    }
}

fn refused(origin: Option<&str>) -> Response {
    let p = problem(StatusCode::FORBIDDEN, "origin-refused", None, messages::banner_origin_refused(origin));
    problem_response(StatusCode::FORBIDDEN, &p, false)
}

/// The `Origin` of a request when it is one of the configured sites; else the origin
/// refused, if there was one.
fn allowed<'a>(banner: &Banner, headers: &'a HeaderMap) -> Result<&'a str, Option<&'a str>> {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    match origin {
        Some(o) if banner.origins.iter().any(|a| a == o) => Ok(o),
        _ => Err(origin),
    }
}

/// CORS for an allowed origin: it may read the answer, and caches see one per origin.
fn cors(mut res: Response, origin: &str) -> Response {
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(origin) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    res
}

/// Record a website visitor's cookie choices from the consent banner.
#[utoipa::path(post, path = "/v1/banner/consents", tag = "banner", operation_id = "banner_record",
    description = "The browser's `Origin` must be one of the sites of `[banner] origins` (403 otherwise); no API key.",
    request_body(content = BannerChoices, description = "at most 2048 bytes"),
    responses(
        (status = 204, description = "recorded in the ledger with the policy version in force"),
        (status = 400, description = "请求格式错误 / malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "来源未获允许 / no `Origin`, or one not configured", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "横幅已过期 / the banner shown is of another policy version", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "请求体过大 / over 2048 bytes", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "不支持的内容类型 / not `application/json`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "字段取值无效 / a visitor id, category or choice the banner cannot send", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "请求过于频繁 / too many records from this address; see `Retry-After`", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "seconds"))),
        (status = 431, description = "请求头过大 / request line and headers over 64 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "服务暂不可用 / the database is unreachable", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn record(State(state): State<AppState>, req: Request) -> Response {
    let origin = match allowed(&state.banner, req.headers()) {
        Ok(o) => o.to_owned(),
        Err(o) => return refused(o),
    };
    // The TCP peer, as the accept loop recorded it.
    let ip =
        req.extensions().get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(a)| a.ip());
    let res = match choices(&state, &origin, ip, req).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(res) => res,
    };
    cors(res, &origin)
}

async fn choices(state: &AppState, origin: &str, ip: IpAddr, req: Request) -> Result<(), Response> {
    crate::termination::refuse_collection(state, "choices").map_err(IntoResponse::into_response)?;
    if !crate::extract::is_json(&req) {
        return Err(ApiError::UnsupportedMediaType.into_response());
    }
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_MAX as u64) {
        return Err(ApiError::TooLarge { limit: BODY_MAX }.into_response());
    }
    let bytes = axum::body::to_bytes(req.into_body(), BODY_MAX)
        .await
        .map_err(|_| ApiError::TooLarge { limit: BODY_MAX }.into_response())?;
    let body: BannerChoices = crate::extract::parse(&bytes).map_err(IntoResponse::into_response)?;
    let current = state.policies.current();
    let scopes = validate(&body, &current.manifest).map_err(IntoResponse::into_response)?;
    let Some(version) = body.policy_version else {
        return Err(ApiError::invalid("policy_version", messages::banner_version_missing()).into_response());
    };
    if version != current.version {
        let text = messages::banner_version_stale(version, current.version);
        return Err(ApiError::Conflict { field: "policy_version".into(), text }.into_response());
    }
    let n = u32::try_from(scopes.len()).unwrap_or(u32::MAX);
    if let Err(seconds) = state.banner.limiter.take(ip, n, Instant::now()) {
        let p = problem(StatusCode::TOO_MANY_REQUESTS, "too-many-requests", None, messages::banner_too_many(seconds));
        let mut res = problem_response(StatusCode::TOO_MANY_REQUESTS, &p, false);
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return Err(res);
    }
    let etag = state.banner.script(state).etag.clone();
    let at_ms = crate::now_ms();
    let batch = scopes
        .into_iter()
        .map(|(scope, granted)| NewConsent {
            subject: body.visitor.clone(),
            scope,
            action: if granted { ConsentAction::Grant } else { ConsentAction::Withdraw },
            policy_version: current.version,
            channel: "banner".into(),
            // What the visitor was shown (the script's validator) and which control it used.
            evidence: json!({ "banner": etag.trim_matches('"'), "via": body.via }),
            by_guardian: false,
            actor: format!("banner:{origin}"),
            at_ms,
        })
        .collect();
    state.store.append_visitor_consents(batch).await.map_err(|e| ApiError::from(e).into_response())?;
    Ok(())
}

/// The visitor id and each choice, against the policy in force: one choice per declared
/// non-essential category (the same check as the API's cookie scopes).
fn validate(b: &BannerChoices, m: &gebao_core::Manifest) -> Result<Vec<(ConsentScope, bool)>, ApiError> {
    let hex = b.visitor.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c));
    if !(32..=64).contains(&b.visitor.len()) || !hex {
        return Err(ApiError::invalid("visitor", messages::banner_visitor_invalid()));
    }
    let max = gebao_core::manifest::CookieCategory::ALL.len() - 1;
    if b.choices.is_empty() || b.choices.len() > max {
        return Err(ApiError::invalid("choices", messages::banner_choices_count(max)));
    }
    let mut out: Vec<(ConsentScope, bool)> = Vec::with_capacity(b.choices.len());
    for (i, c) in b.choices.iter().enumerate() {
        let scope = ScopeBody::Cookie { category: c.category.clone() }.validate(m).map_err(|e| match e {
            ApiError::Invalid { text, .. } => ApiError::invalid(format!("choices[{i}].category"), text),
            other => other,
        })?;
        if out.iter().any(|(s, _)| *s == scope) {
            return Err(ApiError::invalid(
                format!("choices[{i}].category"),
                messages::banner_choice_repeated(&c.category),
            ));
        }
        out.push((scope, c.granted));
    }
    Ok(out)
}

/// The CORS preflight of the banner's `POST`: answered for the configured sites only.
#[utoipa::path(options, path = "/v1/banner/consents", tag = "banner", operation_id = "banner_preflight",
    description = "The browser's `Origin` must be one of the sites of `[banner] origins`, and `Access-Control-Request-Method` `POST`.",
    responses(
        (status = 204, description = "the site may send its visitors' choices",
            headers(("Access-Control-Allow-Origin" = String), ("Access-Control-Allow-Methods" = String),
                    ("Access-Control-Allow-Headers" = String), ("Access-Control-Max-Age" = u64))),
        (status = 403, description = "来源未获允许 / no `Origin`, one not configured, or a method other than `POST`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn preflight(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let origin = match allowed(&state.banner, &headers) {
        Ok(o) => o,
        Err(o) => return refused(o),
    };
    let method = headers.get(header::ACCESS_CONTROL_REQUEST_METHOD).and_then(|v| v.to_str().ok());
    if method != Some(Method::POST.as_str()) {
        return refused(Some(origin));
    }
    let res = (
        StatusCode::NO_CONTENT,
        [
            (header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST")),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("content-type")),
            (header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600")),
        ],
    )
        .into_response();
    cors(res, origin)
}
