//! One error type for the crate. Messages name the dataset, table and column involved and
//! the fix, and never a connection URL (it may carry credentials). `Display` is English (for
//! logs and `anyhow`); [`Error::message`] gives the zh-CN text too.

use crate::outcome::DatasetOutcome;
use gebao_core::ids::{DatasetId, FieldId};
use gebao_core::manifest::connection_env_var;
use gebao_core::text::Lang;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A dataset whose connection name has no URL in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingConnection {
    pub dataset: DatasetId,
    pub connection: String,
}

/// What can go wrong when acting on the operator's databases.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A name in the configuration's `[connections]` is not a connection name.
    #[error(
        "`{name}` in the server configuration's [connections] is not a connection name: use a lower-case letter, then up to 62 lower-case letters, digits, `_` or `-`"
    )]
    BadConnectionName { name: String },
    /// Two configured names would share one environment variable.
    #[error("connections `{first}` and `{second}` would both be set by `{var}`: rename one of them")]
    ConnectionNameClash { first: String, second: String, var: String },
    /// A dataset's `connection` is not a name (the manifest was built without the loader,
    /// which refuses it).
    #[error(
        "dataset `{dataset}`: `connection` is not a connection name (URLs and `env:` are not accepted): write a name, e.g. `connection = \"{dataset}\"`, and configure its URL on the server"
    )]
    NotAConnectionName { dataset: DatasetId },
    /// Datasets whose connection name is not configured.
    #[error("{}", missing_en(.missing))]
    UnknownConnections { missing: Vec<MissingConnection> },
    /// A dataset's connection points at gebao's own database.
    #[error(
        "dataset `{dataset}`: connection `{connection}` points at gebao's own database, which can never be a dataset: configure `{connection}` with the URL of the operator's database"
    )]
    StoreAsDataset { dataset: DatasetId, connection: String },
    /// The URL does not suit the dataset's engine.
    #[error(
        "dataset `{dataset}`: the URL of connection `{connection}` does not match engine `{engine}` ({reason}): configure a `{engine}` URL, or correct the dataset's `engine`"
    )]
    BadUrl { dataset: DatasetId, connection: String, engine: &'static str, reason: String },
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

fn missing_en(missing: &[MissingConnection]) -> String {
    let each: Vec<String> = missing
        .iter()
        .map(|m| {
            format!(
                "dataset `{}`: connection `{}` is not configured: set `{}`, or `{} = \"…\"` under [connections] in the server configuration",
                m.dataset,
                m.connection,
                connection_env_var(&m.connection),
                m.connection
            )
        })
        .collect();
    each.join("; ")
}

fn missing_zh(missing: &[MissingConnection]) -> String {
    let each: Vec<String> = missing
        .iter()
        .map(|m| {
            format!(
                "数据集 `{}`：连接 `{}` 未配置：请设置环境变量 `{}`，或在服务器配置的 [connections] 中写 `{} = \"…\"`",
                m.dataset,
                m.connection,
                connection_env_var(&m.connection),
                m.connection
            )
        })
        .collect();
    each.join("；")
}

impl Error {
    /// The datasets that were committed before the failure (empty for other errors).
    pub fn completed(&self) -> &[DatasetOutcome] {
        match self {
            Error::Incomplete { completed, .. } => completed,
            _ => &[],
        }
    }

    /// The message in `lang`. Database errors keep the driver's own (English) text.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            Error::BadConnectionName { name } => format!(
                "服务器配置 [connections] 中的 `{name}` 不是连接名称：须以小写字母开头，其后最多 62 个小写字母、数字、`_` 或 `-`"
            ),
            Error::ConnectionNameClash { first, second, var } => {
                format!("连接 `{first}` 和 `{second}` 都由环境变量 `{var}` 设置：请将其中一个改名")
            }
            Error::NotAConnectionName { dataset } => format!(
                "数据集 `{dataset}`：`connection` 不是连接名称（不接受数据库地址和 `env:`）：请写一个名称，例如 `connection = \"{dataset}\"`，并在服务器上配置它的地址"
            ),
            Error::UnknownConnections { missing } => missing_zh(missing),
            Error::StoreAsDataset { dataset, connection } => format!(
                "数据集 `{dataset}`：连接 `{connection}` 指向 gebao 自己的数据库，它永远不能作为数据集：请把 `{connection}` 配置为运营者业务数据库的地址"
            ),
            Error::BadUrl { dataset, connection, engine, reason } => format!(
                "数据集 `{dataset}`：连接 `{connection}` 的地址与引擎 `{engine}` 不符（{reason}）：请配置 `{engine}` 地址，或更正数据集的 `engine`"
            ),
            Error::Declaration { dataset, message } => format!("数据集 `{dataset}`：{message}"),
            Error::Schema { dataset, table, message } => format!("数据集 `{dataset}`，表 `{table}`：{message}"),
            Error::Database { dataset, source } => format!("数据集 `{dataset}`：数据库错误：{source}"),
            Error::UnknownField(f) => format!("没有任何数据集的列保存字段 `{f}`：无可更正的内容"),
            Error::NotCorrectable(f) => format!("保存字段 `{f}` 的列都声明了 `correctable = false`，不能更正"),
            Error::BadValue { dataset, table, column, column_type, value } => {
                format!("数据集 `{dataset}`，列 `{table}.{column}`：取值 {value} 不符合列的类型 {column_type}")
            }
            Error::UnknownPurpose(p) => format!("清单中没有声明处理目的 `{p}`"),
            Error::Incomplete { completed, failed, source } => {
                format!("已完成 {} 个数据集后，数据集 `{failed}` 失败：{}", completed.len(), source.message(Lang::ZhCn))
            }
        }
    }

    pub(crate) fn db(dataset: &DatasetId, source: sqlx::Error) -> Self {
        Error::Database { dataset: dataset.clone(), source }
    }
}
