//! Deleting the rows that hang off a set of rows (items of swept orders), deepest first.
//! Each level is selected by a plain `IN` list of the values its link column refers to,
//! read level by level in the same transaction: a `DELETE … WHERE col IN (SELECT …)` is a
//! full scan on MySQL/MariaDB, which do not turn subqueries of a DELETE into joins.

use crate::db::Tx;
use crate::error::{Error, Result};
use crate::model::Schema;
use crate::sql::{Param, Sql};
use gebao_core::manifest::{Dataset, Table};
use std::collections::BTreeMap;

/// Parameters per statement: under every engine's limit.
const LIST: usize = 5000;

/// Rows of a table chosen by `column IN values`.
struct Level<'a> {
    table: &'a Table,
    column: String,
    values: Vec<Param>,
}

/// Deletes every row below the rows of `root` whose key is in `keys` (not those rows
/// themselves), adding the rows deleted per table to `counts`.
pub(crate) async fn delete_below(
    tx: &mut Tx,
    ds: &Dataset,
    schema: &Schema,
    root: &Table,
    keys: &[Param],
    counts: &mut BTreeMap<String, u64>,
) -> Result<()> {
    let db = |e| Error::db(&ds.id, e);
    let mut levels = vec![Level { table: root, column: root.key.clone(), values: keys.to_vec() }];
    let mut i = 0;
    while i < levels.len() {
        let (parent, sel_col) = (levels[i].table, levels[i].column.clone());
        for child in ds.tables.iter().filter(|c| c.parent.as_ref().is_some_and(|p| p.table == parent.name)) {
            let Some(rel) = &child.parent else { continue };
            if levels.iter().any(|l| l.table.name == child.name) {
                continue; // `validate` forbids cycles; never loop on a bad manifest
            }
            let refcol = rel.references.clone().unwrap_or_else(|| parent.key.clone());
            let values = if refcol == sel_col {
                levels[i].values.clone()
            } else {
                let (sel_ty, ref_ty) = (schema.ty(&parent.name, &sel_col), schema.ty(&parent.name, &refcol));
                let mut out = Vec::new();
                for chunk in levels[i].values.chunks(LIST) {
                    let mut sql = Sql::new(ds.engine);
                    sql.push("SELECT DISTINCT ").ident(&refcol).push(" FROM ").ident(&parent.name).push(" WHERE ");
                    sql.in_list(&sel_col, chunk, &sel_ty);
                    let rows = tx.fetch(&sql, &[ref_ty.kind]).await.map_err(db)?;
                    out.extend(rows.iter().filter_map(|r| r.first()).filter_map(|v| Param::from_json(v, &ref_ty)));
                }
                out
            };
            if !values.is_empty() {
                levels.push(Level { table: child, column: rel.column.clone(), values });
            }
        }
        i += 1;
    }
    for level in levels.iter().skip(1).rev() {
        let ty = schema.ty(&level.table.name, &level.column);
        for chunk in level.values.chunks(LIST) {
            let mut sql = Sql::new(ds.engine);
            sql.push("DELETE FROM ").ident(&level.table.name).push(" WHERE ").in_list(&level.column, chunk, &ty);
            *counts.entry(level.table.name.clone()).or_default() += tx.exec(&sql).await.map_err(db)?;
        }
    }
    Ok(())
}
