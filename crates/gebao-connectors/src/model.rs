//! A dataset of the manifest joined with what its database says about its columns: which
//! columns gebao reads per table, their types, the order of tables (parents first) and the
//! SQL predicate that selects a subject's rows in any table, following `parent` links.

use crate::db::{Pool, select_expr};
use crate::error::{Error, Result};
use crate::sql::{ColType, Kind, Param, Sql};
use gebao_core::manifest::{Dataset, Erasure, Table};
use std::collections::BTreeMap;

/// The database types of the columns gebao uses, per table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Schema {
    pub tables: BTreeMap<String, BTreeMap<String, ColType>>,
}

/// The columns gebao reads from a table, in order: key, link (subject or parent column),
/// declared PI columns, `since` columns, and columns that child tables refer to.
pub(crate) fn columns_of(ds: &Dataset, t: &Table) -> Vec<String> {
    let mut cols: Vec<String> = vec![t.key.clone()];
    let mut add = |c: &str| {
        if !cols.iter().any(|x| x == c) {
            cols.push(c.to_owned());
        }
    };
    if let Some(s) = &t.subject {
        add(s);
    }
    if let Some(p) = &t.parent {
        add(&p.column);
    }
    for c in t.columns.keys() {
        add(c);
    }
    if let Some(h) = &t.hold {
        add(&h.since);
    }
    if let Some(r) = &t.retention {
        add(&r.since);
    }
    for child in ds.tables.iter().filter_map(|c| c.parent.as_ref()).filter(|p| p.table == t.name) {
        add(child.references.as_deref().unwrap_or(&t.key));
    }
    cols
}

impl Schema {
    /// Asks the database for the types of every column gebao will use; a missing table or
    /// column is an error naming it.
    pub(crate) async fn load(ds: &Dataset, pool: &Pool) -> Result<Schema> {
        let engine = ds.engine;
        let mut tables = BTreeMap::new();
        for t in &ds.tables {
            let cols = columns_of(ds, t);
            let mut sql = Sql::new(engine);
            sql.push("SELECT ");
            for (i, c) in cols.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.ident(c);
            }
            sql.push(" FROM ").ident(&t.name).push(" WHERE 1 = 0");
            let described = pool.describe(&sql.text).await.map_err(|e| Error::Schema {
                dataset: ds.id.clone(),
                table: t.name.clone(),
                message: format!("cannot read the declared columns {}: {e}", cols.join(", ")),
            })?;
            let types = cols
                .iter()
                .zip(described)
                .map(|(c, (_, ty))| (c.clone(), ColType { kind: Kind::of(engine, &ty), name: ty }))
                .collect();
            tables.insert(t.name.clone(), types);
        }
        Ok(Schema { tables })
    }

    /// The type of a column gebao reads (text when unknown, which cannot happen after `load`).
    pub(crate) fn ty(&self, table: &str, col: &str) -> ColType {
        self.tables
            .get(table)
            .and_then(|t| t.get(col))
            .cloned()
            .unwrap_or(ColType { kind: Kind::Text, name: "TEXT".to_owned() })
    }
}

/// Tables in an order where every parent comes before its children; among tables with a
/// subject column, the subject's own row (subject column = key, e.g. `users.id`) first,
/// because other tables usually hold foreign keys to it.
pub(crate) fn order(ds: &Dataset) -> Vec<&Table> {
    let depth = |t: &Table| {
        let mut d = 0usize;
        let mut cur = t;
        while let Some(p) = &cur.parent {
            match ds.tables.iter().find(|x| x.name == p.table) {
                Some(next) if d < ds.tables.len() => {
                    d += 1;
                    cur = next;
                }
                _ => break,
            }
        }
        d
    };
    let mut tables: Vec<&Table> = ds.tables.iter().collect();
    tables.sort_by_key(|t| (depth(t), !is_root(t)));
    tables
}

/// The subject's own row: its subject column is its key.
pub(crate) fn is_root(t: &Table) -> bool {
    t.subject.as_deref() == Some(t.key.as_str())
}

/// The parent table of `t` and the column of the parent that `t` refers to.
pub(crate) fn parent_of<'a>(ds: &'a Dataset, t: &Table) -> Option<(&'a Table, String)> {
    let rel = t.parent.as_ref()?;
    let p = ds.tables.iter().find(|x| x.name == rel.table)?;
    Some((p, rel.references.clone().unwrap_or_else(|| p.key.clone())))
}

/// Appends the condition selecting the subject's rows of `t`: `subject = ?`, or
/// `parent_col IN (SELECT ref FROM parent WHERE …)` up the chain. `false` when the subject
/// id cannot be a value of the subject column (say, letters for an integer id): no rows.
pub(crate) fn subject_predicate(sql: &mut Sql, ds: &Dataset, schema: &Schema, t: &Table, subject: &str) -> bool {
    subject_predicate_at(sql, ds, schema, t, subject, 0)
}

fn subject_predicate_at(sql: &mut Sql, ds: &Dataset, schema: &Schema, t: &Table, subject: &str, depth: usize) -> bool {
    if let Some(col) = &t.subject {
        let ty = schema.ty(&t.name, col);
        let Some(p) = Param::from_json(&serde_json::Value::from(subject), &ty) else { return false };
        sql.ident(col).push(" = ").param(p, &ty);
        return true;
    }
    // `validate` rejects cycles; the depth bound keeps a bad manifest from looping here.
    let (Some((parent, refcol)), Some(rel)) = (parent_of(ds, t), t.parent.as_ref()) else { return false };
    if depth > ds.tables.len() {
        return false;
    }
    sql.ident(&rel.column).push(" IN (SELECT ").ident(&refcol).push(" FROM ").ident(&parent.name).push(" WHERE ");
    let ok = subject_predicate_at(sql, ds, schema, parent, subject, depth + 1);
    sql.push(")");
    ok
}

/// `SELECT <columns> FROM t WHERE ` with each column selected so that it can be decoded.
pub(crate) fn select_head(sql: &mut Sql, ds: &Dataset, schema: &Schema, t: &Table) -> Vec<Kind> {
    let cols = columns_of(ds, t);
    sql.push("SELECT ");
    let mut kinds = Vec::with_capacity(cols.len());
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        let kind = schema.ty(&t.name, c).kind;
        sql.push(&select_expr(ds.engine, c, kind));
        kinds.push(kind);
    }
    sql.push(" FROM ").ident(&t.name).push(" WHERE ");
    kinds
}

/// The erasure a column gets: its own, else the table's, else the row is deleted.
pub(crate) fn column_erasure(t: &Table, col: &str) -> Erasure {
    t.columns.get(col).and_then(|c| c.erase).or(t.erase).unwrap_or(Erasure::DeleteRow)
}

/// Whether erasing a row of `t` deletes it: some column (or the table, when it declares no
/// columns) is erased by `delete-row`.
pub(crate) fn deletes_rows(t: &Table) -> bool {
    if t.columns.is_empty() {
        return t.erase.unwrap_or(Erasure::DeleteRow) == Erasure::DeleteRow;
    }
    t.columns.keys().any(|c| column_erasure(t, c) == Erasure::DeleteRow)
}
