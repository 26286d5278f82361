//! What the executor reports: the subject's rows, a plan (dry run) and an outcome. All
//! serialise to JSON so the server can store them with the request and show them.

use crate::db::Checkpoint;
use crate::text;
use chrono::{DateTime, Utc};
use gebao_core::ids::{DatasetId, FieldId, PurposeId};
use gebao_core::manifest::{Engine, LegalMinimum};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One row: column name → value (numbers, text, `YYYY-MM-DD` dates, timestamps).
pub type Row = BTreeMap<String, Value>;

/// What a rights request asks to change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Action {
    /// Deletion (PIPL 47): every declared column erased by its strategy; rows under legal
    /// hold are kept, restricted instead of deleted.
    Erase,
    /// Correction (PIPL 46): every declared, correctable column holding `field` gets `value`.
    Correct { field: FieldId, value: Value },
    /// Restriction of processing (PIPL 44): enforced by gebao's decision engine; the
    /// operator's rows are not changed, so its plan has no statements.
    Restrict,
}

/// Every row of one subject, per dataset and table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectData {
    pub subject: String,
    pub datasets: Vec<DatasetRows>,
}

impl SubjectData {
    /// Rows found in all datasets.
    pub fn row_count(&self) -> usize {
        self.datasets.iter().flat_map(|d| &d.tables).map(|t| t.rows.len()).sum()
    }

    /// The rows of `dataset.table`, if that table was searched.
    pub fn table(&self, dataset: &str, table: &str) -> Option<&TableRows> {
        self.datasets.iter().find(|d| d.dataset.as_str() == dataset)?.tables.iter().find(|t| t.table == table)
    }
}

/// The subject's rows in one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetRows {
    pub dataset: DatasetId,
    pub name: Option<String>,
    pub engine: Engine,
    pub tables: Vec<TableRows>,
}

/// The subject's rows in one table, with the columns read (in order) and their labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableRows {
    pub table: String,
    pub label: Option<String>,
    pub label_en: Option<String>,
    pub columns: Vec<ColumnInfo>,
    pub rows: Vec<Row>,
}

/// A column of the export: its name and, for PI columns, the field and its labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    pub field: Option<FieldId>,
    /// zh-CN label: the field's name, or the column name.
    pub label: String,
    pub label_en: String,
}

/// A dry run: what `execute` would do now, changing nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub subject: String,
    pub action: Action,
    pub datasets: Vec<DatasetPlan>,
}

impl Plan {
    /// Rows the statements would change, over all datasets.
    pub fn rows(&self) -> u64 {
        self.datasets.iter().flat_map(|d| &d.statements).map(|s| s.rows).sum()
    }

    /// The fields the erasure would leave with no value of the subject anywhere: see
    /// [`erased_and_kept`].
    pub fn erased_fields(&self) -> BTreeSet<FieldId> {
        erased_and_kept(self.datasets.iter().map(|d| (&d.erased_fields, &d.kept_fields))).0
    }

    /// The fields of which some value of the subject would be kept: see [`erased_and_kept`].
    pub fn kept_fields(&self) -> BTreeSet<FieldId> {
        erased_and_kept(self.datasets.iter().map(|d| (&d.erased_fields, &d.kept_fields))).1
    }
}

/// The rule for "which fields were erased" (what deletion propagation tells recipients):
/// a field is **kept** when any value of it is left in any dataset — a column of a row kept
/// under a legal hold (or with a held row), a column erased by `keep`, the key of a row kept
/// for reference — and **erased** when values of it were erased (deleted, nulled, masked,
/// hashed, generalised) and none is kept. So a phone number erased from `users` but kept in
/// a held order is kept: the operator still holds it, under the hold, and recipients that
/// received it are not told it is gone. A field with no value of the subject in any dataset
/// is in neither set. The two sets are disjoint.
pub fn erased_and_kept<'a>(
    per_dataset: impl IntoIterator<Item = (&'a BTreeSet<FieldId>, &'a BTreeSet<FieldId>)>,
) -> (BTreeSet<FieldId>, BTreeSet<FieldId>) {
    let (mut erased, mut kept) = (BTreeSet::new(), BTreeSet::new());
    for (e, k) in per_dataset {
        erased.extend(e.iter().cloned());
        kept.extend(k.iter().cloned());
    }
    erased.retain(|f| !kept.contains(f));
    (erased, kept)
}

/// The statements for one dataset, run in one transaction, in this order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetPlan {
    pub dataset: DatasetId,
    pub engine: Engine,
    pub statements: Vec<Statement>,
    /// Rows kept (restricted instead of deleted), with why and until when.
    pub held: Vec<HeldRow>,
    /// Fields of which this dataset erases a value of the subject (a field may be in both
    /// sets; [`Plan::erased_fields`] applies the rule).
    #[serde(default)]
    pub erased_fields: BTreeSet<FieldId>,
    /// Fields of which this dataset keeps a value of the subject.
    #[serde(default)]
    pub kept_fields: BTreeSet<FieldId>,
}

/// One SQL statement exactly as it runs: text with placeholders, the bound values, and the
/// number of rows it changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub table: String,
    pub op: Op,
    pub sql: String,
    pub params: Vec<Value>,
    pub rows: u64,
}

/// What a statement does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Op {
    Delete,
    Update,
}

/// A row erasure left in place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldRow {
    pub table: String,
    /// The row's key value.
    pub key: Value,
    pub reason: HoldReason,
    /// When the legal minimum ends (unknown when the `since` column is empty).
    pub until: Option<DateTime<Utc>>,
}

/// Why a row is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum HoldReason {
    /// The table's `hold`: the purpose's legal minimum has not passed (RET-01/02/06).
    LegalMinimum { purpose: PurposeId, minimum: Option<LegalMinimum> },
    /// The row hangs off a held row (an item of a held order).
    ParentHeld,
    /// Held rows refer to this row (the account row of a subject with held orders): it is
    /// kept so that they stay valid, with its PI columns erased.
    ReferencedByHeld,
}

impl HoldReason {
    /// The sentence shown to the user and the operator, zh-CN then English.
    pub fn label(&self) -> gebao_core::text::Text {
        match self {
            HoldReason::LegalMinimum { minimum: Some(m), .. } => m.label(),
            HoldReason::LegalMinimum { minimum: None, .. } => text::HELD_BY_PURPOSE,
            HoldReason::ParentHeld => text::HELD_WITH_PARENT,
            HoldReason::ReferencedByHeld => text::KEPT_FOR_REFERENCE,
        }
    }
}

/// What `execute` did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub subject: String,
    pub action: Action,
    /// Datasets changed and committed by this call, in order.
    pub completed: Vec<DatasetOutcome>,
    /// Datasets skipped because the caller listed them as done.
    pub skipped: Vec<DatasetId>,
}

impl Outcome {
    /// The fields erased by the datasets completed in this call, none of whose values is
    /// kept (see [`erased_and_kept`]). Datasets in `skipped` were done before: merge their
    /// earlier [`DatasetOutcome`]s with [`erased_and_kept`] for the whole request.
    pub fn erased_fields(&self) -> BTreeSet<FieldId> {
        erased_and_kept(self.completed.iter().map(|d| (&d.erased_fields, &d.kept_fields))).0
    }

    /// The fields of which the datasets completed in this call keep some value.
    pub fn kept_fields(&self) -> BTreeSet<FieldId> {
        erased_and_kept(self.completed.iter().map(|d| (&d.erased_fields, &d.kept_fields))).1
    }
}

/// One dataset's committed changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetOutcome {
    pub dataset: DatasetId,
    /// The statements run, with the rows each really changed.
    pub statements: Vec<Statement>,
    pub held: Vec<HeldRow>,
    /// Rows changed in all (deleted or updated).
    pub rows: u64,
    /// Fields of which a value of the subject is erased in this dataset (a field may be in
    /// both sets; [`Outcome::erased_fields`] applies the rule).
    #[serde(default)]
    pub erased_fields: BTreeSet<FieldId>,
    /// Fields of which a value of the subject is kept in this dataset.
    #[serde(default)]
    pub kept_fields: BTreeSet<FieldId>,
    /// SQLite in WAL mode: whether the write-ahead log was emptied of the old page images
    /// after the commit (`None` for other engines and journal modes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wal: Option<Checkpoint>,
}
