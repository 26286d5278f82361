//! Per-request observability: a request id (taken from `x-request-id` when the caller sent
//! a sane one, else made here), a tracing span carrying it, the metrics of the request,
//! and the id in the response header and in any problem document. Also the log set-up
//! (`GEBAO_LOG_FORMAT=json` for JSON lines; filter from `GEBAO_LOG`, else `RUST_LOG`,
//! else `info`).

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tracing::Instrument;

tokio::task_local! {
    static REQUEST_ID: Arc<str>;
}

/// The id of the request being handled, if called while handling one.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.to_string()).ok()
}

/// Ids are `<random per process>-<counter>`: unique across instances, and cheap.
static PREFIX: LazyLock<String> = LazyLock::new(|| format!("{:08x}", rand::random::<u32>()));
static COUNTER: AtomicU64 = AtomicU64::new(1);

fn new_id() -> String {
    format!("{}-{:x}", *PREFIX, COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn incoming_id(req: &Request) -> Option<String> {
    let v = req.headers().get("x-request-id")?.to_str().ok()?;
    let sane = !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    sane.then(|| v.to_owned())
}

/// The middleware around every route (and the fallback).
pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = incoming_id(&req).unwrap_or_else(new_id);
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_owned();
    let method = req.method().clone();
    let span = tracing::info_span!("request", id = %id, method = %method, route = %route);
    let shared: Arc<str> = Arc::from(id.as_str());
    let mut res = REQUEST_ID.scope(shared, next.run(req)).instrument(span.clone()).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    let status = res.status();
    let elapsed = started.elapsed();
    state.metrics.http(&route, method.as_str(), status.as_u16(), elapsed);
    let _enter = span.enter();
    let micros = elapsed.as_micros() as u64;
    if status.is_server_error() {
        tracing::warn!(status = status.as_u16(), micros, "request failed");
    } else {
        tracing::debug!(status = status.as_u16(), micros, "request done");
    }
    res
}

/// Installs the global log subscriber. Returns `false` when one was already installed
/// (tests, or a host program with its own).
pub fn init_logging() -> bool {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("GEBAO_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("GEBAO_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    // Colour only on a terminal: logs sent to a file or a collector stay plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    if json {
        builder.json().with_current_span(true).with_span_list(false).try_init().is_ok()
    } else {
        builder.try_init().is_ok()
    }
}
