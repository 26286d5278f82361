//! Turning an action into the exact statements for one dataset, from the rows found in the
//! same transaction. Deletions go children first; rows are addressed by their key, so a
//! statement touches exactly the rows that were found and nothing the manifest does not name.

use crate::db::Tx;
use crate::error::{Error, Result};
use crate::find::{Found, find_rows};
use crate::hold::{Fate, fates};
use crate::model::{Schema, column_erasure, deletes_rows};
use crate::outcome::{Action, DatasetPlan, HeldRow, Op, Statement};
use crate::sql::{Param, Sql};
use crate::transform;
use chrono::{DateTime, Utc};
use gebao_core::Manifest;
use gebao_core::calendar::Calendar;
use gebao_core::manifest::Table;
use gebao_core::manifest::{Dataset, Erasure};
use serde_json::Value;
use std::collections::BTreeSet;

/// Keys per `DELETE … WHERE key IN (…)`: well under every engine's parameter limit.
pub(crate) const CHUNK: usize = 500;

/// A dataset's plan with the statements ready to run.
pub(crate) struct Prepared {
    pub plan: DatasetPlan,
    pub sql: Vec<Sql>,
}

impl Prepared {
    fn new(ds: &Dataset) -> Self {
        Self {
            plan: DatasetPlan {
                dataset: ds.id.clone(),
                engine: ds.engine,
                statements: Vec::new(),
                held: Vec::new(),
                erased_fields: BTreeSet::new(),
                kept_fields: BTreeSet::new(),
            },
            sql: Vec::new(),
        }
    }

    fn add(&mut self, table: &str, op: Op, sql: Sql, rows: u64) {
        self.plan.statements.push(Statement {
            table: table.to_owned(),
            op,
            sql: sql.text.clone(),
            params: sql.params.iter().map(Param::to_json).collect(),
            rows,
        });
        self.sql.push(sql);
    }
}

/// What to plan: the action for a subject at a time; `lock` locks the rows found.
pub(crate) struct Job<'a> {
    pub subject: &'a str,
    pub action: &'a Action,
    pub now: DateTime<Utc>,
    /// The working-day calendar legal minimums are counted on.
    pub calendar: &'a Calendar,
    pub lock: bool,
}

/// Plans a job in one dataset, inside `tx`.
pub(crate) async fn prepare(
    tx: &mut Tx,
    manifest: &Manifest,
    ds: &Dataset,
    schema: &Schema,
    job: &Job<'_>,
) -> Result<Prepared> {
    let Job { subject, action, now, calendar, lock } = *job;
    let mut out = Prepared::new(ds);
    match action {
        Action::Restrict => {}
        Action::Erase => {
            let found = find_rows(tx, ds, schema, subject, lock).await?;
            erase(&mut out, manifest, ds, schema, &found, now, calendar)?;
        }
        Action::Correct { field, value } => {
            let holds_field = ds.tables.iter().any(|t| t.columns.values().any(|c| c.field == *field && c.correctable));
            if holds_field {
                let found = find_rows(tx, ds, schema, subject, lock).await?;
                correct(&mut out, ds, schema, &found, field.as_str(), value)?;
            }
        }
    }
    Ok(out)
}

fn erase(
    out: &mut Prepared,
    manifest: &Manifest,
    ds: &Dataset,
    schema: &Schema,
    found: &[Found<'_>],
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> Result<()> {
    let fates = fates(manifest, ds, found, now, calendar)?;
    // Children first, the subject's own row last: foreign keys point that way.
    for (f, fate) in found.iter().zip(&fates).rev() {
        let t = f.table;
        let key_ty = schema.ty(&t.name, &t.key);
        let mut doomed = Vec::new();
        for (row, fate) in f.rows.iter().zip(fate) {
            let key = f.get(row, &t.key).clone();
            account(&mut out.plan, t, row, f, fate);
            match fate {
                Fate::Held { reason, until } => {
                    out.plan.held.push(HeldRow { table: t.name.clone(), key, reason: reason.clone(), until: *until })
                }
                Fate::Erase if deletes_rows(t) => doomed.push(Param::from_json(&key, &key_ty).unwrap_or(Param::Null)),
                Fate::Erase | Fate::KeptForReference => {
                    let kept = matches!(fate, Fate::KeptForReference);
                    let changes: Vec<(String, Value)> = t
                        .columns
                        .keys()
                        .filter(|c| **c != t.key)
                        .filter_map(|c| {
                            let strategy = match column_erasure(t, c) {
                                Erasure::DeleteRow => Erasure::Null,
                                s => s,
                            };
                            let ty = schema.ty(&t.name, c);
                            transform::apply(strategy, ty.kind, f.get(row, c)).map(|v| (c.clone(), v))
                        })
                        .collect();
                    if !changes.is_empty() {
                        let sql = update(ds, schema, &t.name, &t.key, &key, &changes)?;
                        out.add(&t.name, Op::Update, sql, 1);
                    }
                    if kept {
                        let reason = crate::outcome::HoldReason::ReferencedByHeld;
                        out.plan.held.push(HeldRow { table: t.name.clone(), key, reason, until: None });
                    }
                }
            }
        }
        for chunk in doomed.chunks(CHUNK) {
            let mut sql = Sql::new(ds.engine);
            sql.push("DELETE FROM ").ident(&t.name).push(" WHERE ").in_list(&t.key, chunk, &key_ty);
            out.add(&t.name, Op::Delete, sql, chunk.len() as u64);
        }
    }
    Ok(())
}

/// Which fields a row's fate erases and which it keeps: every PI column with a value of a
/// deleted row is erased; of a row kept and rewritten, a column is erased by its strategy
/// (whether this run changes it or it already holds its erased form) and kept under `keep`
/// or when it is the row's key; every PI column with a value of a held row is kept.
fn account(plan: &mut DatasetPlan, t: &Table, row: &[Value], f: &Found<'_>, fate: &Fate) {
    for (col, c) in &t.columns {
        if f.get(row, col).is_null() {
            continue;
        }
        let erased = match fate {
            Fate::Held { .. } => false,
            Fate::Erase if deletes_rows(t) => true,
            Fate::Erase | Fate::KeptForReference => *col != t.key && column_erasure(t, col) != Erasure::Keep,
        };
        let set = if erased { &mut plan.erased_fields } else { &mut plan.kept_fields };
        set.insert(c.field.clone());
    }
}

fn correct(
    out: &mut Prepared,
    ds: &Dataset,
    schema: &Schema,
    found: &[Found<'_>],
    field: &str,
    value: &Value,
) -> Result<()> {
    for f in found {
        let t = f.table;
        for (col, _) in t.columns.iter().filter(|(_, c)| c.field.as_str() == field && c.correctable) {
            let ty = schema.ty(&t.name, col);
            let new = Param::from_json(value, &ty).ok_or_else(|| Error::BadValue {
                dataset: ds.id.clone(),
                table: t.name.clone(),
                column: col.clone(),
                column_type: ty.name.clone(),
                value: value.to_string(),
            })?;
            let key_ty = schema.ty(&t.name, &t.key);
            // Rows already holding the value are left alone: a repeated request changes nothing.
            let keys: Vec<Param> = f
                .rows
                .iter()
                .filter(|row| Param::from_json(f.get(row, col), &ty).as_ref() != Some(&new))
                .filter_map(|row| Param::from_json(f.get(row, &t.key), &key_ty))
                .collect();
            for chunk in keys.chunks(CHUNK) {
                let mut sql = Sql::new(ds.engine);
                sql.push("UPDATE ").ident(&t.name).push(" SET ").ident(col).push(" = ").param(new.clone(), &ty);
                sql.push(" WHERE ").in_list(&t.key, chunk, &key_ty);
                out.add(&t.name, Op::Update, sql, chunk.len() as u64);
            }
        }
    }
    Ok(())
}

/// `UPDATE t SET a = ?, b = ? WHERE key = ?`.
pub(crate) fn update(
    ds: &Dataset,
    schema: &Schema,
    table: &str,
    key_col: &str,
    key: &Value,
    changes: &[(String, Value)],
) -> Result<Sql> {
    let mut sql = Sql::new(ds.engine);
    sql.push("UPDATE ").ident(table).push(" SET ");
    for (i, (col, v)) in changes.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        let ty = schema.ty(table, col);
        let p = Param::from_json(v, &ty).ok_or_else(|| Error::BadValue {
            dataset: ds.id.clone(),
            table: table.to_owned(),
            column: col.clone(),
            column_type: ty.name.clone(),
            value: v.to_string(),
        })?;
        sql.ident(col).push(" = ").param(p, &ty);
    }
    let key_ty = schema.ty(table, key_col);
    sql.push(" WHERE ")
        .ident(key_col)
        .push(" = ")
        .param(Param::from_json(key, &key_ty).unwrap_or(Param::Null), &key_ty);
    Ok(sql)
}
