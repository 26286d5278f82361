//! The routes, one module per resource, and the OpenAPI document generated from them.
//!
//! | scope | routes |
//! |---|---|
//! | public | `GET /v1/policy…` (the policy, its versions and lists), `/healthz`, `/readyz`, `/openapi.json`, the privacy centre's pages (`/privacy…`, incident notices once published), the banner script (`/privacy/banner.js`) |
//! | `[banner] origins` | `POST /v1/banner/consents` (and its CORS preflight): a visitor's cookie choices, from the configured sites only |
//! | `subjects:write` | `POST /v1/subjects`, `…/{id}/restrict`, `/unrestrict`, `/cancel` |
//! | `portal:write` | `POST /v1/subjects/{id}/portal-links` |
//! | `subjects:read` | `GET /v1/subjects/{id}`, `GET /v1/subjects?phone=…` |
//! | `consents:write` | `POST /v1/consents`, `POST /v1/consents/withdraw` |
//! | `consents:read` | `GET /v1/subjects/{id}/consents` |
//! | `decisions:read` | `POST /v1/decisions`, `POST /v1/decisions/batch` |
//! | `policy:write` | `POST /v1/policy/versions` |
//! | `audit:read` | `GET /v1/audit`, and `GET /metrics` unless `metrics_public` |
//! | `requests:write` | `POST /v1/requests`, `…/{id}/verify`, `/otp`, `/approve`, `/refuse`, `/withdraw`, `/blockers`, `/execute`; `POST /v1/outbox/{id}/ack` |
//! | `requests:read` | `GET /v1/requests`, `GET /v1/requests/{id}`, `…/{id}/bundle` |
//! | `incidents:write` | `POST /v1/incidents`, `…/{id}/update`, `/reports`, `/close`, `/notices`, `/public-notice` |
//! | `incidents:read` | `GET /v1/incidents`, `GET /v1/incidents/{id}`, `…/{id}/notices` |
//! | `termination:write` | `POST /v1/termination` (announce, or preview with `dry_run`), `POST /v1/termination/cancel` |
//! | `termination:read` | `GET /v1/termination` |
//! | `abroad:write` | `POST /v1/abroad/reports` |
//! | `abroad:read` | `GET /v1/abroad` |
//! | `provisions:read` | `GET /v1/provisions` |
//! | `pia:write` | `POST /v1/pia` |
//! | `pia:read` | `GET /v1/pia`, `GET /v1/pia/{id}`, `…/{id}/export` |

mod abroad;
mod audit;
mod consent_scope;
mod consents;
mod decisions;
mod incidents;
mod ops;
mod pia;
mod policy;
mod provisions;
pub(crate) use consent_scope::ScopeBody;
pub(crate) use consent_scope::needs as recipient_needs;
pub(crate) use consents::{ConsentBody, WithdrawBody, append as append_consent, consent_record};
pub(crate) use policy::{Warning, public_diff};
pub(crate) use requests::{
    DetailsBody, NewRequestBody, RequesterBody, copy_download, details as request_details, intake_of,
};
pub(crate) use subjects::SubjectBody;
pub(crate) mod request_actions;
pub(crate) mod requests;
pub(crate) mod schema;
mod stream;
mod subjects;
mod termination;

use crate::error::{ApiError, Problem};
use crate::messages;
use crate::observe;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::{Uri, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::get;
use schema::ClosedVariants;
use std::sync::Arc;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gebao",
        description = "个人信息保护：同意记录、处理判定、政策版本与审计日志。Personal-information protection: consent ledger, purpose decisions, policy versions and audit log. Errors are RFC 9457 problem documents (`application/problem+json`)."
    ),
    modifiers(&BearerAuth),
    components(schemas(
        Problem,
        schema::OperatorId,
        schema::Email,
        schema::Channel,
        schema::RequestKindName,
        schema::RequestStateName,
        schema::RefusalReasonName,
        schema::RequesterRoleName,
        schema::SeparateKindName,
        schema::CookieCategoryName,
        schema::SubjectStatusName,
        schema::LangName,
        schema::TextFormat
    )),
    tags(
        (name = "subjects", description = "个人信息主体 / the operator's users"),
        (name = "consents", description = "同意记录 / the consent ledger"),
        (name = "decisions", description = "处理判定 / may purpose P use fields F of subject S now?"),
        (name = "policy", description = "政策版本 / policy versions"),
        (name = "audit", description = "审计日志 / audit log"),
        (name = "requests", description = "个人信息权利请求 / users' rights requests (PIPL 44–50)"),
        (name = "incidents", description = "个人信息安全事件 / personal-information incidents (PIPL 57; INCID)"),
        (name = "termination", description = "停止运营 / ending the service: notice, end of collection, disposal (TRM-01)"),
        (name = "abroad", description = "个人信息出境 / personal information sent abroad: counts and thresholds (XB24)"),
        (name = "pia", description = "个人信息保护影响评估 / impact assessments: drafts, records kept three years, export (PIPL 55–56)"),
        (name = "provisions", description = "个人信息提供记录 / records of personal information provided to recipients, kept three years"),
        (name = "ops", description = "运维 / health, readiness, metrics"),
        (name = "banner", description = "Cookie 横幅 / the consent banner's public route (docs/banner.md)"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme("api_key", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(subjects::register, subjects::lookup))
        .routes(routes!(subjects::get_subject))
        .routes(routes!(subjects::restrict))
        .routes(routes!(subjects::unrestrict))
        .routes(routes!(subjects::cancel))
        .routes(routes!(subjects::portal_link))
        .routes(routes!(consents::record))
        .routes(routes!(consents::withdraw))
        .routes(routes!(consents::of_subject))
        .routes(routes!(decisions::decide))
        .routes(routes!(decisions::decide_batch))
        .routes(routes!(policy::current))
        .routes(routes!(policy::list, policy::publish))
        .routes(routes!(policy::archived))
        .routes(routes!(policy::diff))
        .routes(routes!(policy::collection_list))
        .routes(routes!(policy::sharing_list))
        .routes(routes!(policy::permission_list))
        .routes(routes!(audit::list))
        .routes(routes!(requests::create, requests::list))
        .routes(routes!(requests::get_request))
        .routes(routes!(requests::bundle))
        .routes(routes!(request_actions::verify_identity))
        .routes(routes!(request_actions::check_code))
        .routes(routes!(request_actions::approve))
        .routes(routes!(request_actions::refuse))
        .routes(routes!(request_actions::withdraw))
        .routes(routes!(request_actions::blockers))
        .routes(routes!(request_actions::execute_request))
        .routes(routes!(request_actions::acknowledge))
        .routes(routes!(incidents::open, incidents::list))
        .routes(routes!(incidents::get_incident))
        .routes(routes!(incidents::update))
        .routes(routes!(incidents::report))
        .routes(routes!(incidents::close))
        .routes(routes!(incidents::notify, incidents::notices))
        .routes(routes!(incidents::publish_notice))
        .routes(routes!(termination::announce, termination::current))
        .routes(routes!(termination::cancel))
        .routes(routes!(abroad::year))
        .routes(routes!(abroad::report))
        .routes(routes!(provisions::list))
        .routes(routes!(pia::list, pia::record))
        .routes(routes!(pia::versions))
        .routes(routes!(pia::export))
        .routes(routes!(crate::banner::record::record, crate::banner::record::preflight))
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::readyz))
        .routes(routes!(ops::metrics))
}

/// The routes and the OpenAPI document, finished once every route's schemas are in it.
fn routes_and_document() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut api) = api_router().split_for_parts();
    ClosedVariants.modify(&mut api);
    (router, api)
}

/// The OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes_and_document().1
}

/// Every route, the middleware, the fallbacks.
pub fn router(state: AppState) -> Router {
    let (router, api) = routes_and_document();
    let doc: Arc<str> = Arc::from(api.to_pretty_json().unwrap_or_default());
    router
        .route(
            "/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], doc.to_string()) }),
        )
        .merge(crate::centre::router())
        .merge(crate::banner::router())
        .merge(crate::console::router())
        .fallback(|State(state): State<AppState>, uri: Uri| async move {
            if crate::centre::owns(uri.path()) {
                crate::centre::not_found(&state, uri.query(), uri.path()).await
            } else if crate::console::owns(uri.path()) {
                crate::console::not_found(&state, uri.query(), uri.path()).await
            } else {
                ApiError::NotFound { field: None, text: messages::no_route() }.into_response()
            }
        })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed.into_response() })
        .layer(from_fn(crate::listen::limit_headers))
        .layer(from_fn_with_state(state.clone(), observe::middleware))
        .layer(DefaultBodyLimit::max(state.body_limit))
        .with_state(state)
}

/// The operator's ids (subjects, guardians): 1–128 characters, no whitespace or control
/// characters (nor the invisible U+FEFF), so that they print and compare unambiguously.
/// `OperatorId` in the OpenAPI document.
pub(crate) fn check_id(field: &str, id: &str) -> Result<(), ApiError> {
    if id_ok(id) { Ok(()) } else { Err(ApiError::invalid(field, messages::id_invalid(field))) }
}

/// Whether `id` is a well-formed operator id (see [`check_id`]).
pub(crate) fn id_ok(id: &str) -> bool {
    !id.is_empty() && id.chars().count() <= schema::ID_MAX && id.chars().all(schema::id_char)
}

/// A channel name: 1–64 characters, no control characters (`Channel` in the document).
pub(crate) fn channel_ok(channel: &str) -> bool {
    !channel.is_empty() && channel.chars().count() <= schema::CHANNEL_MAX && !channel.chars().any(char::is_control)
}

/// Problem responses, for the `responses(...)` of the OpenAPI paths.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(crate) enum Problems {
    /// 请求格式错误 / malformed JSON or parameter
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// 未认证 / no valid API key
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// 权限不足 / the key lacks the scope
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// 未找到 / unknown subject or version
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// 与当前状态冲突 / e.g. a grant for a cancelled account
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// 请求体过大 / body over the limit
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(Problem),
    /// 请求头过大 / request line and headers over 64 KiB
    #[response(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(Problem),
    /// 不支持的内容类型 / the body is not `application/json`
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// 字段取值无效 / a field is missing, unknown, mistyped or not allowed
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
    /// 服务暂不可用 / starting, stopping, or the database is unreachable
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// The answer of the routes that name a subject whose account was cancelled: its record
/// was erased (PIPL 47), and the id names nothing any more.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(crate) enum Gone {
    /// 已注销并删除 / the subject's account was cancelled and its record erased (`urn:gebao:problem:gone`)
    #[response(status = 410, content_type = "application/problem+json")]
    Gone(Problem),
}
