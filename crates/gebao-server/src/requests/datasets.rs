//! The operator's databases, as the manifest's `[[datasets]]` declare them, reached through
//! `gebao-connectors`. One executor per policy version (its connection pools are opened on
//! first use and kept), rebuilt when another version comes into force.

use super::error::RequestError;
use super::text;
use crate::state::AppState;
use gebao_connectors::{Connections, Executor};
use std::sync::{Arc, Mutex};

/// The executor of the version in force, built lazily.
#[derive(Default)]
pub struct Datasets {
    held: Mutex<Option<(i64, Arc<Executor>)>>,
}

impl Datasets {
    /// The executor for the version in force.
    pub fn executor(&self, state: &AppState) -> Result<Arc<Executor>, RequestError> {
        let current = state.policies.current();
        let mut held = self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((v, e)) = held.as_ref()
            && *v == current.version
        {
            return Ok(e.clone());
        }
        let exec = Executor::new(&current.manifest, connections(state))
            .map_err(|e| RequestError::blocked("datasets", text::connectors_config(&e)))?
            .with_calendar(Arc::new(state.calendar.clone()));
        let exec = Arc::new(exec);
        *held = Some((current.version, exec.clone()));
        Ok(exec)
    }
}

/// The connections of this server: its configuration's, or the environment's
/// (`GEBAO_CONNECTION_<NAME>`) — never a published manifest's.
pub fn connections(state: &AppState) -> Connections {
    state.requests.connections.clone().unwrap_or_else(Connections::from_env_vars)
}

/// The manifest names connections this server does not have: the names, each with the
/// variable that would configure it.
pub fn missing(state: &AppState, m: &gebao_core::Manifest) -> Vec<String> {
    connections(state)
        .missing(m)
        .into_iter()
        .map(|name| format!("`{name}` ({})", gebao_core::manifest::connection_env_var(&name)))
        .collect()
}

/// Checks the datasets of the version in force (reachable; declared tables and columns
/// there; types fit the strategies) and logs each problem with its fix. Run at start, in the
/// background: a database that is down now is reported, not fatal.
pub async fn check_in_background(state: AppState) {
    let exec = match state.datasets.executor(&state) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(error = %e, "the manifest's datasets cannot be used");
            return;
        }
    };
    if exec.manifest().datasets.is_empty() {
        return;
    }
    let report = exec.check().await;
    if report.ok() {
        tracing::info!(
            datasets = exec.manifest().datasets.len(),
            "datasets checked: reachable, tables and columns as declared"
        );
    } else {
        tracing::warn!("datasets check found problems:\n{}", report.render(gebao_core::text::Lang::En));
    }
}

/// A connector error during work: the request stays in progress (the database may come
/// back); configuration mistakes in the manifest block it, naming them.
pub fn failed(e: &gebao_connectors::Error) -> RequestError {
    use gebao_connectors::Error as E;
    match e {
        E::Database { .. } | E::Incomplete { .. } => RequestError::DatabaseUnavailable(e.to_string()),
        other => RequestError::blocked("datasets", text::connectors_config(other)),
    }
}
