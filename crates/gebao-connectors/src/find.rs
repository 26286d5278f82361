//! Finding a subject's rows: every table with a subject column, and every table hanging off
//! one through `parent` links, in one read of each table.

use crate::db::Tx;
use crate::error::{Error, Result};
use crate::model::{Schema, columns_of, order, select_head, subject_predicate};
use crate::outcome::{ColumnInfo, DatasetRows, Row, TableRows};
use crate::sql::Sql;
use crate::text;
use gebao_core::Manifest;
use gebao_core::manifest::{Dataset, Engine, Table};
use serde_json::Value;

/// The subject's rows of one table, as read.
pub(crate) struct Found<'a> {
    pub table: &'a Table,
    pub cols: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Found<'_> {
    /// The position of a column in `cols`.
    pub(crate) fn pos(&self, col: &str) -> Option<usize> {
        self.cols.iter().position(|c| c == col)
    }

    /// A row's value of a column.
    pub(crate) fn get<'r>(&self, row: &'r [Value], col: &str) -> &'r Value {
        self.pos(col).and_then(|i| row.get(i)).unwrap_or(&Value::Null)
    }
}

/// Reads the subject's rows of every table of the dataset, parents before children. With
/// `lock`, rows are locked for the rest of the transaction (PostgreSQL, MySQL) so that they
/// do not change between reading and erasing them.
pub(crate) async fn find_rows<'a>(
    tx: &mut Tx,
    ds: &'a Dataset,
    schema: &Schema,
    subject: &str,
    lock: bool,
) -> Result<Vec<Found<'a>>> {
    let mut out = Vec::new();
    for t in order(ds) {
        let mut sql = Sql::new(ds.engine);
        let kinds = select_head(&mut sql, ds, schema, t);
        let rows = if subject_predicate(&mut sql, ds, schema, t, subject) {
            sql.push(" ORDER BY ").ident(&t.key);
            if lock && ds.engine != Engine::Sqlite {
                sql.push(" FOR UPDATE");
            }
            tx.fetch(&sql, &kinds).await.map_err(|e| Error::db(&ds.id, e))?
        } else {
            Vec::new()
        };
        out.push(Found { table: t, cols: columns_of(ds, t), rows });
    }
    Ok(out)
}

/// The public shape of a dataset's rows, with column labels from the manifest's fields.
pub(crate) fn to_rows(manifest: &Manifest, ds: &Dataset, found: &[Found<'_>]) -> DatasetRows {
    let tables = found
        .iter()
        .map(|f| {
            let columns = f.cols.iter().map(|c| column_info(manifest, f.table, c)).collect();
            let rows = f.rows.iter().map(|r| f.cols.iter().cloned().zip(r.iter().cloned()).collect::<Row>()).collect();
            TableRows {
                table: f.table.name.clone(),
                label: f.table.label.clone(),
                label_en: f.table.label_en.clone(),
                columns,
                rows,
            }
        })
        .collect();
    DatasetRows { dataset: ds.id.clone(), name: ds.name.clone(), engine: ds.engine, tables }
}

fn column_info(manifest: &Manifest, t: &Table, col: &str) -> ColumnInfo {
    let field = t.columns.get(col).map(|c| c.field.clone());
    let (label, label_en) = match field.as_ref().and_then(|f| manifest.field(f.as_str())) {
        Some(f) => (f.name.clone(), f.name_en.clone().unwrap_or_else(|| col.to_owned())),
        None if col == t.key => (text::RECORD_ID.zh.to_owned(), text::RECORD_ID.en.to_owned()),
        None if t.subject.as_deref() == Some(col) => {
            (text::SUBJECT_LINK.zh.to_owned(), text::SUBJECT_LINK.en.to_owned())
        }
        None if t.parent.as_ref().is_some_and(|p| p.column == col) => {
            (text::PARENT_LINK.zh.to_owned(), text::PARENT_LINK.en.to_owned())
        }
        None => (col.to_owned(), col.to_owned()),
    };
    ColumnInfo { name: col.to_owned(), field, label, label_en }
}
