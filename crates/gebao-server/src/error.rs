//! The one error type of the HTTP API and its one rendering as RFC 9457 problem details
//! (`application/problem+json`). Every problem names the offending field when there is
//! one, carries the request id, and says what went wrong in zh-CN and English. Internal
//! details (database errors) are logged with the request id, never returned.

use crate::messages::{self, Text};
use crate::observe::current_request_id;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gebao_store::{Scope, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not JSON (syntax), or a query or path parameter is malformed.
    #[error("bad request: {}", .text.en)]
    BadRequest { field: Option<String>, text: Text },
    /// 415: the body is not `application/json`.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 413: the body is larger than the configured limit.
    #[error("payload too large")]
    TooLarge { limit: usize },
    /// 431: the request line and headers together are larger than the limit.
    #[error("request header fields too large")]
    HeadersTooLarge { limit: usize },
    /// 422: well-formed JSON with a missing, mistyped, unknown or disallowed value.
    #[error("invalid `{field}`: {}", .text.en)]
    Invalid { field: String, text: Text },
    /// 401: no API key, or one that is unknown, malformed or revoked.
    #[error("unauthorized")]
    Unauthorized,
    /// 403: a valid key without the scope the route needs (least privilege).
    #[error("forbidden: needs {}", .scope.as_str())]
    Forbidden { scope: Scope },
    /// 404: the route, or a thing the request names (a subject, a policy version).
    #[error("not found: {}", .text.en)]
    NotFound { field: Option<String>, text: Text },
    /// 405: the route exists with another method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 410: the subject named was cancelled and its record erased; nothing of it is kept.
    #[error("gone: {}", .text.en)]
    Gone { field: Option<String>, text: Text },
    /// 409: the request contradicts the current state (e.g. a grant for a cancelled account).
    #[error("conflict on `{field}`: {}", .text.en)]
    Conflict { field: String, text: Text },
    /// 503: not ready yet, shutting down, or the database cannot be reached. Logged.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// 500: a bug or corrupt data. Logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
}

/// An RFC 9457 problem document, as `/openapi.json` describes it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URN naming the kind of problem, e.g. `urn:gebao:problem:invalid-field`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind of problem (zh-CN).
    pub title: String,
    /// The same summary in English.
    pub title_en: String,
    pub status: u16,
    /// What is wrong with this request (zh-CN).
    pub detail: String,
    /// The same in English.
    pub detail_en: String,
    /// The offending field: a dotted path into the JSON body (`scope.purpose`,
    /// `[2].subject`) or the name of a query or path parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The scope a key lacked (403 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_scope: Option<String>,
    /// The id of this request, also in the `x-request-id` header and in the server's logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Diagnostics of a rejected manifest (publishing a policy version).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub errors: Vec<serde_json::Value>,
}

impl ApiError {
    /// A 422 naming a field.
    pub fn invalid(field: impl Into<String>, text: Text) -> Self {
        ApiError::Invalid { field: field.into(), text }
    }

    /// A 400 naming a query or path parameter.
    pub fn bad_param(field: impl Into<String>, text: Text) -> Self {
        ApiError::BadRequest { field: Some(field.into()), text }
    }

    /// A 404 naming the field whose value names nothing.
    pub fn not_found(field: impl Into<String>, text: Text) -> Self {
        ApiError::NotFound { field: Some(field.into()), text }
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::HeadersTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Gone { .. } => StatusCode::GONE,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document; `errors` is filled by the caller when it has diagnostics.
    /// What a page (the centre's, the console's) says of this error: its status, title and
    /// detail in `lang`. A failure of ours is logged here, with `what` was being done.
    pub fn for_page(&self, lang: gebao_core::text::Lang, what: &str) -> (StatusCode, String, String) {
        if matches!(self, ApiError::Internal(_) | ApiError::Unavailable(_)) {
            tracing::error!(error = %self, "{what} failed");
        }
        let p = self.problem();
        let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match lang {
            gebao_core::text::Lang::ZhCn => (status, p.title, p.detail),
            gebao_core::text::Lang::En => (status, p.title_en, p.detail_en),
        }
    }

    pub fn problem(&self) -> Problem {
        let (slug, field, text, scope): (&str, Option<String>, Text, Option<Scope>) = match self {
            ApiError::BadRequest { field, text } => ("bad-request", field.clone(), text.clone(), None),
            ApiError::UnsupportedMediaType => ("unsupported-media-type", None, messages::not_json(), None),
            ApiError::TooLarge { limit } => ("payload-too-large", None, messages::too_large(*limit), None),
            ApiError::HeadersTooLarge { limit } => {
                ("headers-too-large", None, messages::headers_too_large(*limit), None)
            }
            ApiError::Invalid { field, text } => ("invalid-field", Some(field.clone()), text.clone(), None),
            ApiError::Unauthorized => ("unauthorized", None, messages::unauthorized(), None),
            ApiError::Forbidden { scope } => ("forbidden", None, messages::forbidden(*scope), Some(*scope)),
            ApiError::NotFound { field, text } => ("not-found", field.clone(), text.clone(), None),
            ApiError::MethodNotAllowed => ("method-not-allowed", None, messages::method_not_allowed(), None),
            ApiError::Gone { field, text } => ("gone", field.clone(), text.clone(), None),
            ApiError::Conflict { field, text } => ("conflict", Some(field.clone()), text.clone(), None),
            ApiError::Unavailable(_) => ("unavailable", None, messages::unavailable(), None),
            ApiError::Internal(_) => ("internal", None, messages::internal(), None),
        };
        let title = messages::title(slug);
        Problem {
            kind: format!("urn:gebao:problem:{slug}"),
            title: title.zh,
            title_en: title.en,
            status: self.status().as_u16(),
            detail: text.zh,
            detail_en: text.en,
            field,
            required_scope: scope.map(|s| s.as_str().to_owned()),
            request_id: current_request_id(),
            errors: Vec::new(),
        }
    }
}

/// Renders a problem document with its status and headers.
pub fn problem_response(status: StatusCode, problem: &Problem, unauthorized: bool) -> Response {
    let body = serde_json::to_vec(problem).unwrap_or_default();
    let mut res = (status, body).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    if unauthorized {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"gebao\""));
    }
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(e) => tracing::error!(error = %e, "internal error"),
            ApiError::Unavailable(e) => tracing::warn!(error = %e, "unavailable"),
            _ => tracing::debug!(error = %self, "request rejected"),
        }
        let unauthorized = matches!(self, ApiError::Unauthorized);
        problem_response(self.status(), &self.problem(), unauthorized)
    }
}

/// A rejected manifest: a 422 on `manifest` with the loader's diagnostics in `errors`.
#[derive(Debug)]
pub struct ManifestRejected {
    pub diagnostics: Vec<serde_json::Value>,
}

impl IntoResponse for ManifestRejected {
    fn into_response(self) -> Response {
        let err = ApiError::invalid("manifest", messages::manifest_invalid(self.diagnostics.len()));
        tracing::debug!(error = %err, "manifest rejected");
        let mut problem = err.problem();
        problem.errors = self.diagnostics;
        problem_response(StatusCode::UNPROCESSABLE_ENTITY, &problem, false)
    }
}

impl From<StoreError> for ApiError {
    /// `NotFound` and `Conflict` are the caller's doing; everything else is ours or the
    /// database's, so it is a 5xx whose detail goes to the log only.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => {
                tracing::debug!(what = %what, "store: not found");
                ApiError::NotFound { field: None, text: messages::store_not_found() }
            }
            StoreError::Conflict(what) => {
                tracing::debug!(what = %what, "store: conflict");
                ApiError::Conflict { field: "body".into(), text: messages::store_conflict() }
            }
            StoreError::Database(_) => ApiError::Unavailable(e.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<crate::requests::RequestError> for ApiError {
    /// The one place where what went wrong with a rights request becomes an HTTP status.
    fn from(e: crate::requests::RequestError) -> Self {
        use crate::requests::{RequestError as R, text};
        match e {
            R::NotFound(id) => ApiError::not_found("id", text::request_not_found(&id)),
            R::SubjectNotFound(id) => ApiError::not_found("subject", messages::subject_not_found(&id)),
            R::SubjectErased(id) => {
                ApiError::Gone { field: Some("subject".into()), text: messages::subject_erased(&id) }
            }
            R::WrongState { state, action } => {
                ApiError::Conflict { field: "state".into(), text: text::not_in_state(state, action) }
            }
            R::Transition(t) => ApiError::Conflict { field: "state".into(), text: text::transition(&t) },
            R::ChangedMeanwhile => ApiError::Conflict { field: "id".into(), text: text::changed_meanwhile() },
            R::Invalid { field, text } => ApiError::Invalid { field, text },
            R::Blocked { field, text } => ApiError::Conflict { field, text },
            R::DatabaseUnavailable(what) => ApiError::Unavailable(what),
            R::Store(s) => s.into(),
        }
    }
}
