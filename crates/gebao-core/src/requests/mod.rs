//! The pure model of a users' rights request (`pipl-rules.md` part E; PIPL 44–50): its kind,
//! its states and the legal transitions between them, the grounds on which it may be refused,
//! its response deadline and what happens to repeated requests. No I/O: the store records
//! requests and their audit trail, the server drives the transitions.

mod deadline;
mod refusal;
mod state;

pub use deadline::{
    DeadlineBasis, RepeatDecision, cancellation_erase_within, deadline_basis, deadline_for, due_for, repeat_decision,
    repeat_period,
};
pub use refusal::{REMEDY, RefusalReason, UnknownCode};
pub use state::{RequestEvent, RequestState, TransitionError};

/// The kinds of rights request: the manifest's rights (`access`, `copy`, `portability`,
/// `correction`, `deletion`, `restriction`, `withdrawal`, `cancellation`, `explanation`,
/// `complaint`), one type for both.
pub type RequestKind = crate::manifest::RightKind;

#[cfg(test)]
mod tests;
