//! gebao's domain: the privacy manifest, the PI taxonomy, the rules of `gebao check`, the
//! major-change diff, the decision engine, the working-day calendar and the model of rights
//! requests. Pure: no async, no database, no network. Everything else in gebao
//! derives from the types here.
#![forbid(unsafe_code)]

pub mod abroad;
pub mod app_types;
pub mod calendar;
pub mod decision;
pub mod diagnostic;
pub mod diff;
pub mod duration;
pub mod duties;
pub mod ids;
pub mod incidents;
pub mod manifest;
pub mod pia;
pub mod requests;
pub mod rules;
pub mod source_map;
pub mod taxonomy;
pub mod termination;
pub mod text;

pub use diagnostic::{Diagnostic, LoadError};

/// The word an enum is written as in the manifest and the API (`operator-asserted`,
/// `standard-contract`, `sdk`): its serde name; empty for a value that is not a word.
pub fn wire_name(v: impl serde::Serialize) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}
pub use manifest::{Manifest, load::load_manifest};
