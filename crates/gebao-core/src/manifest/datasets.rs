//! `[[datasets]]`: where the PI lives in the operator's own databases, so that rights
//! requests, erasure and retention can act on it. The connection is a reference
//! (`env:NAME`), never a secret written in the manifest.

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
    /// Where to find the connection URL: `env:VARIABLE` (recommended) or a URL without a
    /// password.
    pub connection: String,
    pub tables: Vec<Table>,
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
