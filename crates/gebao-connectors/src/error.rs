//! One error type for the crate. Messages name the dataset, table and column involved and
//! never a connection URL (it may carry credentials).

use crate::outcome::DatasetOutcome;
use gebao_core::ids::{DatasetId, FieldId};

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong when acting on the operator's databases.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A dataset's `connection = "env:NAME"` names a variable that is not set.
    #[error("dataset `{dataset}`: environment variable `{var}` (its connection) is not set")]
    MissingEnv { dataset: DatasetId, var: String },
    /// The manifest holds a literal URL with a password in it; secrets belong in the environment.
    #[error("dataset `{dataset}`: the connection URL in the manifest contains a password; use `env:NAME` instead")]
    PasswordInManifest { dataset: DatasetId },
    /// No connection was given for a dataset of the manifest.
    #[error("dataset `{dataset}`: no connection URL was given")]
    MissingConnection { dataset: DatasetId },
    /// The URL does not suit the dataset's engine.
    #[error("dataset `{dataset}`: the connection URL does not match engine `{engine}` ({reason})")]
    BadUrl { dataset: DatasetId, engine: &'static str, reason: String },
    /// The manifest's dataset declaration cannot be acted on.
    #[error("dataset `{dataset}`: {message}")]
    Declaration { dataset: DatasetId, message: String },
    /// A declared table or column does not exist in the database, or has a type gebao cannot use.
    #[error("dataset `{dataset}`, table `{table}`: {message}")]
    Schema { dataset: DatasetId, table: String, message: String },
    /// The database could not be reached or a statement failed.
    #[error("dataset `{dataset}`: database error: {source}")]
    Database {
        dataset: DatasetId,
        #[source]
        source: sqlx::Error,
    },
    /// A correction names a field that no dataset column holds.
    #[error("no dataset column holds field `{0}`: nothing to correct")]
    UnknownField(FieldId),
    /// A correction names a field whose columns are all declared `correctable = false`.
    #[error("field `{0}` is held only by columns declared `correctable = false`")]
    NotCorrectable(FieldId),
    /// A correction's value does not fit the column's type.
    #[error(
        "dataset `{dataset}`, column `{table}.{column}`: the value {value} does not fit the column type {column_type}"
    )]
    BadValue { dataset: DatasetId, table: String, column: String, column_type: String, value: String },
    /// A purpose named by a table's `hold` or `retention` is not declared.
    #[error("purpose `{0}` is not declared in the manifest")]
    UnknownPurpose(String),
    /// Some datasets were changed and committed, then one failed. The completed ones are
    /// final; run `execute` again with them in `done` to finish (re-running is idempotent).
    #[error("dataset `{failed}` failed after {} dataset(s) completed: {source}", completed.len())]
    Incomplete {
        /// Datasets whose transaction committed, in order.
        completed: Vec<DatasetOutcome>,
        /// The dataset that failed; its transaction was rolled back.
        failed: DatasetId,
        #[source]
        source: Box<Error>,
    },
}

impl Error {
    /// The datasets that were committed before the failure (empty for other errors).
    pub fn completed(&self) -> &[DatasetOutcome] {
        match self {
            Error::Incomplete { completed, .. } => completed,
            _ => &[],
        }
    }

    pub(crate) fn db(dataset: &DatasetId, source: sqlx::Error) -> Self {
        Error::Database { dataset: dataset.clone(), source }
    }
}
