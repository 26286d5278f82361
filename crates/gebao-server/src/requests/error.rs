//! What can go wrong with a rights request, in the domain's words. The HTTP mapping is in
//! one place (`crate::error`), so the request services know nothing of status codes.

use crate::messages::Text;
use gebao_core::requests::{RequestState, TransitionError};
use gebao_store::StoreError;

/// Why a request operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// No request has this id.
    #[error("no request `{0}`")]
    NotFound(String),
    /// The subject named is not registered.
    #[error("no subject `{0}`")]
    SubjectNotFound(String),
    /// The subject's account was cancelled and its record erased.
    #[error("subject `{0}` was erased")]
    SubjectErased(String),
    /// The request is in a state where this action makes no sense.
    #[error("the request is {state}: `{action}` is not possible")]
    WrongState { state: RequestState, action: &'static str },
    /// The law's state machine does not allow this transition.
    #[error("{0:?}")]
    Transition(TransitionError),
    /// Someone else changed the request first (optimistic lock).
    #[error("the request was changed meanwhile")]
    ChangedMeanwhile,
    /// A value of the request is not acceptable (a 422 naming `field`).
    #[error("invalid `{field}`: {}", .text.en)]
    Invalid { field: String, text: Text },
    /// The request cannot proceed as things are (a 409 naming `field`).
    #[error("`{field}`: {}", .text.en)]
    Blocked { field: String, text: Text },
    /// The operator's database cannot be reached now; the request stays in progress.
    #[error("operator database unavailable: {0}")]
    DatabaseUnavailable(String),
    /// gebao's own store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for RequestError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(_) => RequestError::ChangedMeanwhile,
            other => RequestError::Store(other),
        }
    }
}

impl RequestError {
    pub fn invalid(field: impl Into<String>, text: Text) -> Self {
        RequestError::Invalid { field: field.into(), text }
    }

    pub fn blocked(field: impl Into<String>, text: Text) -> Self {
        RequestError::Blocked { field: field.into(), text }
    }
}
