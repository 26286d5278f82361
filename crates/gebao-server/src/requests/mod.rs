//! Users' rights requests end to end (PIPL 44–50; `pipl-rules.md` part E): filed with a due
//! time on the mainland-China working-day calendar, identity verified, carried out against
//! the operator's databases through `gebao-connectors`, propagated to recipients through
//! the durable outbox, and every transition audited. The legal model (states, transitions,
//! refusal grounds, deadlines, repeats) is `gebao_core::requests`; the record is
//! `gebao_store`'s.
//!
//! | module | what |
//! |---|---|
//! | [`change`] | one action's transitions, steps, messages and effects, committed at once |
//! | [`details`] | what a request asks, one typed variant per kind |
//! | [`error`] | what can go wrong, in the domain's words (mapped to HTTP in `crate::error`) |
//! | [`intake`] | filing: due time, repeats (RGT-06) |
//! | [`verify`] | operator-asserted or one-time code; who may act for whom |
//! | [`effects`] | what a verified request does at once (restriction, withdrawal, explanation, cancellation blockers) |
//! | [`execute`] | dry run and execution against the datasets |
//! | [`propagate`] | deletion notices to recipients |
//! | [`view`] | the request as the API shows it |

pub mod change;
pub mod datasets;
pub mod details;
pub mod dry_run;
pub mod effects;
pub mod error;
pub mod execute;
pub mod intake;
pub mod propagate;
pub mod text;
pub mod verify;
pub mod view;

pub use error::RequestError;
