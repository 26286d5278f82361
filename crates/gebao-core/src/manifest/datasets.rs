//! `[[datasets]]`: where the PI lives in the operator's own databases, so that rights
//! requests, erasure and retention can act on it. The connection is a *name* that the
//! server's configuration maps to a URL: the manifest is published and can be changed by
//! anyone holding `policy:write`, so it must never choose which database (or which of the
//! server's environment variables) gebao opens.

use crate::ids::{DatasetId, FieldId, PurposeId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub id: DatasetId,
    #[serde(default)]
    pub name: Option<String>,
    pub engine: Engine,
    /// The name of a connection configured on the server, e.g. `"shop"`: a lower-case
    /// letter, then up to 62 lower-case letters, digits, `_` or `-`. Its URL is set in the
    /// server configuration (`[connections]`, `shop = "postgres://…"`) or in the environment
    /// variable `GEBAO_CONNECTION_SHOP` (upper case, `-` as `_`). Never a URL, a path or
    /// `env:NAME`: the manifest cannot choose which database gebao opens.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_-]{0,62}$"))]
    pub connection: String,
    pub tables: Vec<Table>,
}

/// The longest connection name.
pub const CONNECTION_NAME_MAX: usize = 63;

/// Whether `s` is a connection name: `[a-z][a-z0-9_-]{0,62}`.
pub fn is_connection_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && s.len() <= CONNECTION_NAME_MAX
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// The environment variable that gives the URL of connection `name`:
/// `GEBAO_CONNECTION_` and the name upper-cased, `-` written `_` (`shop-eu` →
/// `GEBAO_CONNECTION_SHOP_EU`).
pub fn connection_env_var(name: &str) -> String {
    format!("GEBAO_CONNECTION_{}", name.to_ascii_uppercase().replace('-', "_"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    Postgres,
    Mysql,
    Sqlite,
}

/// A table holding a subject's data: either it has the subject's id (`subject`), or it
/// hangs off another table of the dataset (`parent`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub name: String,
    /// zh-CN label of the table for the access bundle, e.g. "订单".
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub label_en: Option<String>,
    /// Primary key column.
    #[serde(default = "default_key")]
    pub key: String,
    /// Column holding the operator's user id of the subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// The relation to a parent table, when this table has no subject column.
    #[serde(default)]
    pub parent: Option<Relation>,
    /// Columns holding PI, by column name.
    #[serde(default)]
    pub columns: BTreeMap<String, Column>,
    /// Erasure applied to the whole row; columns may override it.
    #[serde(default)]
    pub erase: Option<Erasure>,
    /// Rows kept under legal hold (restricted, not deleted) while the purpose's legal
    /// minimum runs, counted from `hold.since`.
    #[serde(default)]
    pub hold: Option<LegalHold>,
    /// Retention sweep: the purpose whose retention applies and the timestamp column.
    #[serde(default)]
    pub retention: Option<TableRetention>,
}

fn default_key() -> String {
    "id".to_owned()
}

/// A foreign key from this table to a parent table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub table: String,
    /// The column of this table that refers to the parent.
    pub column: String,
    /// The column of the parent it refers to; defaults to the parent's key.
    #[serde(default)]
    pub references: Option<String>,
}

/// A column holding a field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub field: FieldId,
    /// How the column is erased; defaults to the table's `erase`.
    #[serde(default)]
    pub erase: Option<Erasure>,
    /// The column may be corrected by a correction request.
    #[serde(default = "yes")]
    pub correctable: bool,
}

fn yes() -> bool {
    true
}

/// Per-column or per-row erasure strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Erasure {
    DeleteRow,
    Null,
    Mask,
    Hash,
    Generalise,
    Keep,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalHold {
    /// The purpose whose retention (legal minimum) keeps these rows.
    pub purpose: PurposeId,
    /// Timestamp column the hold counts from.
    pub since: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableRetention {
    pub purpose: PurposeId,
    /// Timestamp column the retention counts from.
    pub since: String,
}
