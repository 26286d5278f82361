//! `gebao serve`: the HTTP API over the consent ledger, the decision engine, subjects,
//! policy versions and the audit log.
//!
//! - [`serve`] runs a server until a shutdown future completes: it opens the store,
//!   migrates, publishes the manifest as policy version 1 when there is none, loads every
//!   subject into memory and listens. [`build`] + [`app`] + [`serve_with`] are the same
//!   steps one by one, for tests that listen on port 0.
//! - Decisions are answered from memory ([`memory`]), never from a database read.
//! - Consent writes go through one group-commit writer ([`writer`]): one transaction per
//!   batch, and a 2xx only once the record is durable.
//! - Instances sharing a database keep in step through the store's change feed, woken by
//!   `NOTIFY` on PostgreSQL and polled every 250 ms at most ([`sync`]).
//! - Errors are RFC 9457 problem documents from one enum ([`error::ApiError`]).
//! - Users' rights requests ([`requests`]) are carried out against the operator's
//!   databases; messages they owe go through a durable outbox delivered by [`outbox`], and
//!   [`deadlines`] watches their due times.
//! - With `sweep_interval` set, [`sweeper`] applies the manifest's retention rules to the
//!   datasets on that schedule, one instance per interval.
#![forbid(unsafe_code)]

pub mod abroad;
mod anchor;
pub mod api;
pub mod auth;
mod banner;
mod centre;
pub mod config;
pub mod console;
pub mod deadlines;
pub mod duties;
pub mod error;
mod extract;
pub mod import;
pub mod incidents;
mod labels;
mod listen;
pub mod mail;
pub mod memory;
pub mod messages;
pub mod metrics;
mod observe;
pub mod outbox;
pub mod pia;
pub mod provisions;
pub mod publish;
pub mod requests;
mod routes;
pub mod sms;
pub mod state;
mod strict;
pub mod sweeper;
pub mod sync;
pub mod termination;
pub mod versions;
pub mod writer;

pub use config::{ServerConfig, sqlite_url};
pub use listen::HEADERS_MAX;
pub use observe::init_logging;
pub use state::{AppState, ServerError, build};
pub use versions::{PublishError, prepare, rendered_texts};

use axum::Router;
use std::future::Future;
use tokio::net::TcpListener;

/// The application: every route with its middleware, over a built state.
pub async fn app(state: AppState) -> Router {
    routes::router(state)
}

/// The OpenAPI document of the API, as served at `/openapi.json`.
pub fn openapi_json() -> String {
    routes::openapi().to_pretty_json().unwrap_or_default()
}

/// Runs a server on `config.listen` until `shutdown` completes, then drains in-flight
/// requests, commits the queued consent records, closes the store and returns.
pub async fn serve(
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Bind { addr: config.listen.to_string(), source })?;
    let state = build(&config).await?;
    let served = serve_with(listener, state.clone(), shutdown).await;
    state.store.close().await;
    served
}

/// [`serve`] on a listener already bound and a state already built.
pub async fn serve_with(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "listening");
    }
    let router = app(state.clone()).await;
    listen::serve(listener, router, shutdown).await;
    state.shutdown().await;
    tracing::info!("stopped");
    Ok(())
}

/// A future that completes on Ctrl-C or SIGTERM: the usual `shutdown` for [`serve`].
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutdown requested");
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
