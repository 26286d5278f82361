//! Request extractors whose rejections are problem documents naming the field: `Json<T>`
//! (malformed JSON → 400 with line and column; a missing, unknown or mistyped field →
//! 422 with its path; a body over the limit → 413; not `application/json` → 415),
//! `JsonOrEmpty<T>`, `Query<T>` and `Path<T>` (a malformed parameter, or a path segment
//! that is not UTF-8 → 400 naming the parameter). Every route uses these, never axum's
//! own, whose rejections are plain text.

use crate::error::ApiError;
use crate::messages;
use crate::state::AppState;
use crate::strict::Strict;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use bytes::Bytes;
use serde::de::DeserializeOwned;

/// A JSON body, parsed with the path of any offending field.
pub struct Json<T>(pub T);

/// A JSON body that may be absent: an empty body, or `null`, is `T::default()`.
pub struct JsonOrEmpty<T>(pub T);

/// `application/json`, and nothing else: not `text/plain`, not a `+json` type of other
/// semantics (`application/merge-patch+json`), and no `charset` but UTF-8 (RFC 8259 8.1).
pub(crate) fn is_json(req: &Request) -> bool {
    let Some(value) = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        && parts.all(|p| match p.split_once('=') {
            Some((name, v)) if name.trim().eq_ignore_ascii_case("charset") => {
                v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            }
            _ => true,
        })
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
    // Structs from objects only (`strict`): serde would also take an array of the fields.
    let value = serde_path_to_error::deserialize(Strict(&mut de)).map_err(|e| from_serde(&e))?;
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
        parse::<Option<T>>(&bytes).map(|b| JsonOrEmpty(b.unwrap_or_default()))
    }
}

/// Query parameters; a malformed one is a 400 naming it.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        query(parts.uri.query().unwrap_or_default()).map(Query)
    }
}

/// Parses a query string into `T`, naming the parameter serde stopped at.
fn query<T: DeserializeOwned>(raw: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let msg = e.inner().to_string();
        let path = e.path().to_string();
        let field = if path == "." { backticked(&msg, "missing field `").map(str::to_owned) } else { Some(path) };
        match field {
            Some(f) => ApiError::bad_param(f.clone(), messages::query_param_invalid(&f, &msg)),
            None => ApiError::BadRequest { field: None, text: messages::bad_query(&msg) },
        }
    })
}

/// Path parameters; a segment that is not UTF-8, or not of the parameter's type, is a 400
/// naming the parameter.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| Path(p.0)).map_err(path_rejection)
    }
}

fn path_rejection(e: PathRejection) -> ApiError {
    let PathRejection::FailedToDeserializePathParams(e) = e else {
        // The route has no parameters to extract: a bug in the route table, not the caller's.
        return ApiError::Internal(e.body_text());
    };
    match e.kind() {
        ErrorKind::InvalidUtf8InPathParam { key } => ApiError::bad_param(key.clone(), messages::path_not_utf8(key)),
        ErrorKind::ParseErrorAtKey { key, value, expected_type } => {
            ApiError::bad_param(key.clone(), messages::bad_param(key, value, expected_type))
        }
        ErrorKind::DeserializeError { key, value, message } => {
            ApiError::bad_param(key.clone(), messages::bad_param(key, value, message))
        }
        ErrorKind::WrongNumberOfParameters { .. } | ErrorKind::UnsupportedType { .. } => {
            ApiError::Internal(e.body_text())
        }
        _ => ApiError::BadRequest { field: None, text: messages::bad_path(&e.body_text()) },
    }
}

/// JSON Schema's `integer` is any number without a fractional part, so `7.0` is one (and
/// generated clients send it); serde's integers refuse it. For the optional integer fields
/// of request bodies: `#[serde(default, deserialize_with = "integer::option")]`.
pub mod integer {
    use serde::Deserializer;
    use serde::de::{Error, Unexpected, Visitor};
    use std::fmt;
    use std::marker::PhantomData;

    /// An optional integer that may be written with a zero fraction (`7.0`); `null` is `None`.
    pub fn option<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: TryFrom<i64> + TryFrom<u64>,
    {
        d.deserialize_option(Whole(PhantomData))
    }

    struct Whole<T>(PhantomData<T>);

    impl<'de, T: TryFrom<i64> + TryFrom<u64>> Visitor<'de> for Whole<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "an integer in range")
        }

        fn visit_none<E: Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_unit<E: Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_i64<E: Error>(self, v: i64) -> Result<Option<T>, E> {
            T::try_from(v).map(Some).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
        }

        fn visit_u64<E: Error>(self, v: u64) -> Result<Option<T>, E> {
            T::try_from(v).map(Some).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
        }

        fn visit_f64<E: Error>(self, v: f64) -> Result<Option<T>, E> {
            // Whole numbers a double holds exactly (|v| ≤ 2^53, I-JSON): beyond, `v` may be
            // a rounded integer literal that was out of range.
            if v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0 {
                self.visit_i64(v as i64)
            } else {
                Err(E::invalid_value(Unexpected::Float(v), &self))
            }
        }
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

    #[derive(Debug, Deserialize, PartialEq)]
    struct Whole {
        #[serde(default, deserialize_with = "integer::option")]
        n: Option<u8>,
    }

    #[test]
    fn integers_may_have_a_zero_fraction() {
        let n = |body: &str| parse::<Whole>(body.as_bytes()).map(|w| w.n).map_err(|e| e.problem().status);
        assert_eq!(n(r#"{"n": 7}"#), Ok(Some(7)));
        assert_eq!(n(r#"{"n": 7.0}"#), Ok(Some(7)));
        assert_eq!(n(r#"{"n": null}"#), Ok(None));
        assert_eq!(n("{}"), Ok(None));
        for bad in [r#"{"n": 7.5}"#, r#"{"n": 256}"#, r#"{"n": -1}"#, r#"{"n": 1e300}"#, r#"{"n": "7"}"#] {
            assert_eq!(n(bad), Err(422), "{bad}");
        }
        let big = |body: &str| parse::<Big>(body.as_bytes()).map(|w| w.n).map_err(|e| e.problem().status);
        assert_eq!(big(r#"{"n": -9223372036854775808}"#), Ok(Some(i64::MIN)));
        assert_eq!(big(r#"{"n": 9007199254740992.0}"#), Ok(Some(1 << 53)));
        // Out of range as an integer, yet -2^63 exactly once read as a double.
        for bad in [r#"{"n": -9223372036854775809}"#, r#"{"n": 9223372036854775808}"#] {
            assert_eq!(n(bad), Err(422), "{bad}");
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Big {
        #[serde(default, deserialize_with = "integer::option")]
        n: Option<i64>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Params {
        limit: Option<i64>,
        #[serde(default)]
        dry_run: bool,
    }

    #[test]
    fn query_errors_name_the_parameter() {
        let q = |raw: &str| query::<Params>(raw).map_err(|e| (e.problem().status, e.problem().field));
        assert_eq!(q("limit=5&dry_run=true"), Ok(Params { limit: Some(5), dry_run: true }));
        assert_eq!(q(""), Ok(Params { limit: None, dry_run: false }));
        assert_eq!(q("limit=x"), Err((400, Some("limit".into()))));
        assert_eq!(q("limit="), Err((400, Some("limit".into()))));
        assert_eq!(q("dry_run=yes"), Err((400, Some("dry_run".into()))));
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
