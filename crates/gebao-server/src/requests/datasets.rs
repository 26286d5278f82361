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
        let connections = match &state.requests.connections {
            Some(c) => Ok(c.clone()),
            None => Ok(Connections::from_env_vars()),
        };
        let exec = connections
            .and_then(|c| Executor::new(&current.manifest, c))
            .map_err(|e| RequestError::blocked("datasets", text::connectors_config(&e.to_string())))?;
        let exec = Arc::new(exec);
        *held = Some((current.version, exec.clone()));
        Ok(exec)
    }
}

/// A connector error during work: the request stays in progress (the database may come
/// back); configuration mistakes in the manifest block it, naming them.
pub fn failed(e: &gebao_connectors::Error) -> RequestError {
    use gebao_connectors::Error as E;
    match e {
        E::Database { .. } | E::Incomplete { .. } => RequestError::DatabaseUnavailable(e.to_string()),
        other => RequestError::blocked("datasets", text::connectors_config(&other.to_string())),
    }
}
