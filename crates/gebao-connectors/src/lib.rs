//! gebao's connectors to the operator's own databases: the `[[datasets]]` of the manifest
//! on PostgreSQL, MySQL/MariaDB and SQLite. For a subject (the operator's user id) the
//! [`Executor`] checks the databases against the declaration ([`CheckReport`]), finds every
//! row, builds the copy ([`Bundle`]: JSON, CSV, zh-CN HTML, zip),
//! shows a dry run ([`Plan`]) of an erasure or correction, runs it with one transaction per
//! dataset and resumes after a failure, and sweeps rows past their retention period.
//!
//! Invariants:
//! - a dataset's connection is a name the server's configuration maps to a URL
//!   ([`Connections`]); the manifest never chooses a database, and gebao's own store is
//!   never one;
//! - only tables and columns declared in the manifest are read or written;
//! - identifiers are quoted per engine and every value is a bound parameter;
//! - rows under legal hold are kept (restricted instead of deleted) until the purpose's
//!   legal minimum has passed; the sweeper never erases before a legal minimum;
//! - a dataset is reported done only after its transaction committed, and running an
//!   action again changes nothing more (every erasure strategy is idempotent).
//!
//! ```no_run
//! # async fn demo(manifest: &gebao_core::Manifest) -> gebao_connectors::Result<()> {
//! use gebao_connectors::{Action, Connections, Executor};
//! // `[connections]` of the server configuration, under `GEBAO_CONNECTION_<NAME>`:
//! let connections = Connections::new([("shop", "postgres://app@db/shop")])?
//!     .overlay(Connections::from_env_vars())
//!     .forbid_store("sqlite:///var/lib/gebao/gebao.db");
//! let exec = Executor::new(manifest, connections)?;
//! let report = exec.check().await; // `gebao datasets check`
//! if !report.ok() {
//!     print!("{}", report.render(gebao_core::text::Lang::ZhCn));
//! }
//! let plan = exec.plan("42", &Action::Erase).await?; // dry run: statements and row counts
//! println!("{} rows would change", plan.rows());
//! let outcome = exec.execute("42", &Action::Erase, &Default::default()).await?;
//! let tell_recipients_about = outcome.erased_fields(); // held or kept fields are not in it
//! # let _ = tell_recipients_about; Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod cascade;
mod catalog;
mod check;
mod connections;
mod db;
mod dispose;
mod error;
mod executor;
mod export;
mod find;
mod hold;
mod model;
mod outcome;
mod plan;
mod sql;
mod store;
mod sweep;
mod text;
mod time;
mod transform;

pub use check::{CheckReport, DatasetCheck, Problem, ProblemCode};
pub use connections::{Connections, ENV_PREFIX, ResolvedConnections, required_names};
pub use db::Checkpoint;
pub use dispose::{DatasetDisposal, DisposalReport, HeldTable};
pub use error::{Error, MissingConnection, Result};
pub use executor::Executor;
pub use export::Bundle;
pub use outcome::{
    Action, ColumnInfo, DatasetOutcome, DatasetPlan, DatasetRows, HeldRow, HoldReason, Op, Outcome, Plan, Row,
    Statement, SubjectData, TableRows, erased_and_kept,
};
pub use sweep::{SweepReport, TableSweep};
