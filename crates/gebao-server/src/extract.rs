//! Request extractors whose rejections are problem documents naming the field: `Json<T>`
//! (malformed JSON → 400 with line and column; a missing, unknown or mistyped field →
//! 422 with its path; a body over the limit → 413; not JSON → 415) and `Query<T>`.

use crate::error::ApiError;
use crate::messages;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use bytes::Bytes;
use serde::de::DeserializeOwned;

/// A JSON body, parsed with the path of any offending field.
pub struct Json<T>(pub T);

/// A JSON body that may be absent (an empty body is `T::default()`).
pub struct JsonOrEmpty<T>(pub T);

fn is_json(req: &Request) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .is_some_and(|m| m == "application/json" || (m.starts_with("application/") && m.ends_with("+json")))
}

async fn body(req: Request, state: &AppState) -> Result<Bytes, ApiError> {
    // A declared length over the limit is refused before a byte of the body is read, so a
    // client does not upload megabytes to be told no.
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.body_limit as u64) {
        return Err(ApiError::TooLarge { limit: state.body_limit });
    }
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge { limit: state.body_limit }
        } else {
            ApiError::BadRequest { field: None, text: messages::malformed_json(0, 0, &e.body_text()) }
        }
    })
}

/// Parses JSON bytes into `T`, turning serde's error into a problem naming the field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::BadRequest { field: None, text: messages::empty_body() });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| from_serde(&e))?;
    de.end().map_err(|e| syntax(&e))?;
    Ok(value)
}

fn syntax(e: &serde_json::Error) -> ApiError {
    ApiError::BadRequest { field: None, text: messages::malformed_json(e.line(), e.column(), &strip_position(e)) }
}

/// serde's message without its " at line L column C" tail (given separately).
fn strip_position(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg,
    }
}

fn from_serde(e: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let inner = e.inner();
    if !inner.is_data() {
        return syntax(inner);
    }
    let msg = strip_position(inner);
    let path = e.path().to_string();
    let base = if path == "." { String::new() } else { path };
    let join = |name: &str| if base.is_empty() { name.to_owned() } else { format!("{base}.{name}") };
    // serde names a missing field in the message, at the path of its parent.
    if let Some(name) = backticked(&msg, "missing field `") {
        let field = join(name);
        return ApiError::invalid(field.clone(), messages::missing_field(&field));
    }
    if let Some(name) = backticked(&msg, "unknown field `") {
        // Here the path already ends with the unknown key.
        let field = if base == name || base.ends_with(&format!(".{name}")) { base.clone() } else { join(name) };
        return ApiError::invalid(field.clone(), messages::unknown_field(&field, &msg));
    }
    let field = if base.is_empty() { "body".to_owned() } else { base };
    ApiError::invalid(field.clone(), messages::wrong_value(&field, &msg))
}

fn backticked<'a>(msg: &'a str, prefix: &str) -> Option<&'a str> {
    msg.strip_prefix(prefix)?.split('`').next()
}

impl<T: DeserializeOwned> FromRequest<AppState> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        if !is_json(&req) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = body(req, state).await?;
        parse(&bytes).map(Json)
    }
}

impl<T: DeserializeOwned + Default> FromRequest<AppState> for JsonOrEmpty<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let json = is_json(&req);
        let bytes = body(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(JsonOrEmpty(T::default()));
        }
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        parse(&bytes).map(JsonOrEmpty)
    }
}

/// Query parameters; a malformed query string is a 400.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| ApiError::BadRequest { field: None, text: messages::bad_query(&e.body_text()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        purpose: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        subject: String,
        scope: Inner,
        age: Option<u8>,
    }

    fn field(r: Result<Outer, ApiError>) -> (u16, Option<String>) {
        let p = r.err().map(|e| e.problem());
        p.map(|p| (p.status, p.field)).unwrap_or((200, None))
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(field(parse(br#"{"subject":"a","scope":{}}"#)), (422, Some("scope.purpose".into())));
        assert_eq!(field(parse(br#"{"subject":"a","scope":{"purpose":"x"},"agee":3}"#)), (422, Some("agee".into())));
        assert_eq!(field(parse(br#"{"subject":1,"scope":{"purpose":"x"}}"#)), (422, Some("subject".into())));
        assert_eq!(field(parse(br#"{"subject":"a","scope":{"purpose":"x"},"age":300}"#)), (422, Some("age".into())));
        assert_eq!(field(parse(br#"{"subject":"a","#)), (400, None));
        assert_eq!(field(parse(b"")), (400, None));
        assert_eq!(field(parse(br#"{"subject":"a","scope":{"purpose":"x"}} x"#)), (400, None));
    }
}
