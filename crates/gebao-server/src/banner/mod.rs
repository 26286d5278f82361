//! The consent banner for websites (docs/banner.md): `GET /privacy/banner.js`, one small
//! hand-written script generated from the policy version in force (its `[[cookies]]`
//! categories and texts baked in), and `POST /v1/banner/consents`, the public route it
//! records a visitor's choices through ([`record`]).

pub(crate) mod limit;
pub(crate) mod record;
pub(crate) mod script;
mod texts;

use crate::config::BannerConfig;
use crate::state::AppState;
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::{Arc, Mutex};

/// The banner's share of the server state: the configured sites, the per-address limit and
/// the script of the version in force.
pub struct Banner {
    pub(crate) origins: Vec<String>,
    pub(crate) limiter: limit::Limiter,
    built: Mutex<Option<Arc<script::Built>>>,
}

impl Banner {
    pub fn new(config: &BannerConfig) -> Banner {
        Banner {
            origins: config.origins.clone(),
            limiter: limit::Limiter::new(config.per_minute),
            built: Mutex::new(None),
        }
    }

    /// The script of the version in force, built once per version.
    pub(crate) fn script(&self, state: &AppState) -> Arc<script::Built> {
        let current = state.policies.current();
        let mut built = self.built.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match built.as_ref() {
            Some(b) if b.version == current.version => b.clone(),
            _ => {
                let b = Arc::new(script::build(&current.manifest, current.version));
                *built = Some(b.clone());
                b
            }
        }
    }
}

/// `/privacy/banner.js`.
pub fn router() -> Router<AppState> {
    Router::new().route("/privacy/banner.js", get(serve_script))
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|e| {
            let mut parts = e.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| p.trim().replace(' ', "") == "q=0");
            name.eq_ignore_ascii_case("gzip") && !refused
        })
    })
}

/// The script, gzipped when the browser takes it; revalidated on every load (`no-cache`
/// with an `ETag`), so a new policy version reaches visitors at once and an unchanged one
/// costs a 304.
async fn serve_script(axum::extract::State(state): axum::extract::State<AppState>, headers: HeaderMap) -> Response {
    let built = state.banner.script(&state);
    let etag = HeaderValue::from_str(&built.etag).unwrap_or(HeaderValue::from_static("\"\""));
    let common = [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::VARY, HeaderValue::from_static("Accept-Encoding")),
        (header::ETAG, etag),
    ];
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == built.etag || t.trim() == "*"));
    if matches {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let js = HeaderValue::from_static("text/javascript; charset=utf-8");
    if accepts_gzip(&headers) && !built.gzip.is_empty() {
        let gz = HeaderValue::from_static("gzip");
        (common, [(header::CONTENT_TYPE, js), (header::CONTENT_ENCODING, gz)], built.gzip.clone()).into_response()
    } else {
        (common, [(header::CONTENT_TYPE, js)], built.body.clone()).into_response()
    }
}
