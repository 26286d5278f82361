//! The decision engine: "may purpose P use fields F of subject S now?" (`pipl-rules.md`
//! part D). Pure and in memory: the server keeps every subject's [`SubjectState`] in memory
//! and asks [`Engine::decide`]; operators whose services are in Rust can embed the same
//! engine as a library.
//!
//! An [`Engine`] is compiled once per policy version from the manifest, so that a decision
//! is a few hash look-ups and no allocation on the allow path.

mod consent;
mod engine;
mod subject;

pub use consent::{ConsentAction, ConsentRecord, ConsentScope, SeparateKind};
pub use engine::{Decision, DecisionQuery, Engine, Reason};
pub use subject::{ConsentEntry, SubjectState, SubjectStatus};

#[cfg(test)]
mod tests;
