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
pub use manifest::{Manifest, load::load_manifest};
