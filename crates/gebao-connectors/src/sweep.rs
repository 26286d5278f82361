//! The retention sweeper (RET-04): rows of tables with `retention` whose `since` column is
//! older than the purpose's retention period are erased by the table's strategy — never
//! before the purpose's legal minimum (RET-01/02/06), never while the table's `hold` runs.
//! Work goes in chunks of rows, each chunk in its own transaction, so a long sweep makes
//! steady progress and a failure loses at most one chunk (which the next sweep redoes).

use crate::cascade::delete_below;
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::executor::Executor;
use crate::hold::hold_duration;
use crate::model::{Schema, columns_of, deletes_rows, parent_of, select_head};
use crate::plan::update;
use crate::sql::{Kind, Param, Sql};
use crate::{time, transform};
use chrono::{DateTime, Utc};
use gebao_core::ids::{DatasetId, PurposeId};
use gebao_core::manifest::{Dataset, Table, TableRetention};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Instant;
use tracing::instrument;

/// Rows per chunk (and per transaction).
const CHUNK: usize = 5000;

/// What a sweep did, or would do in a dry run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepReport {
    pub now: DateTime<Utc>,
    pub dry_run: bool,
    pub tables: Vec<TableSweep>,
    /// Rows erased in all, child rows included.
    pub rows: u64,
    pub seconds: f64,
    /// `rows / seconds` (0 for an empty sweep).
    pub rows_per_second: f64,
}

/// One table's sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableSweep {
    pub dataset: DatasetId,
    pub table: String,
    pub purpose: PurposeId,
    /// Rows whose `since` is before this are erased; `None` when the purpose has no fixed
    /// period (then nothing is swept).
    pub cutoff: Option<DateTime<Utc>>,
    /// Rows of this table erased (deleted or rewritten).
    pub rows: u64,
    /// Rows of tables hanging off this one, deleted with their parent rows.
    pub cascaded: BTreeMap<String, u64>,
    /// Rows past the purpose's own period but kept for a legal minimum or a hold.
    pub protected: u64,
    pub seconds: f64,
}

impl Executor {
    /// Applies retention to every table with `retention`; with `dry_run`, only counts.
    #[instrument(skip_all)]
    pub async fn sweep(&self, now: DateTime<Utc>, dry_run: bool) -> Result<SweepReport> {
        let started = Instant::now();
        let mut tables = Vec::new();
        for (i, ds) in self.manifest.datasets.iter().enumerate() {
            for t in &ds.tables {
                if let Some(r) = &t.retention {
                    tables.push(self.sweep_table(i, ds, t, r, now, dry_run).await?);
                }
            }
        }
        let rows = tables.iter().map(|t| t.rows + t.cascaded.values().sum::<u64>()).sum();
        let seconds = started.elapsed().as_secs_f64();
        let rows_per_second = if seconds > 0.0 { rows as f64 / seconds } else { 0.0 };
        Ok(SweepReport { now, dry_run, tables, rows, seconds, rows_per_second })
    }

    async fn sweep_table(
        &self,
        i: usize,
        ds: &Dataset,
        t: &Table,
        r: &TableRetention,
        now: DateTime<Utc>,
        dry: bool,
    ) -> Result<TableSweep> {
        let started = Instant::now();
        let purpose =
            self.manifest.purpose(r.purpose.as_str()).ok_or_else(|| Error::UnknownPurpose(r.purpose.to_string()))?;
        let retention = purpose.retention.as_ref();
        let cal = &self.calendar;
        let own = retention.and_then(|x| x.end()).and_then(|p| time::before(now, &p, cal));
        let minimum = retention.and_then(|x| x.legal_minimum).map(|m| time::before(now, &m.minimum(), cal));
        // The earlier cut-off wins: never before the legal minimum.
        let cutoff = match (own, minimum) {
            (Some(o), Some(Some(m))) => Some(o.min(m)),
            (Some(_), Some(None)) | (None, _) => None,
            (Some(o), None) => Some(o),
        };
        let hold = match &t.hold {
            Some(h) => {
                Some((h.since.clone(), time::before(now, &hold_duration(&self.manifest, h.purpose.as_str())?.1, cal)))
            }
            None => None,
        };
        let mut report = TableSweep {
            dataset: ds.id.clone(),
            table: t.name.clone(),
            purpose: r.purpose.clone(),
            cutoff,
            rows: 0,
            cascaded: BTreeMap::new(),
            protected: 0,
            seconds: 0.0,
        };
        let (Some(own), Some(cutoff)) = (own, cutoff) else { return Ok(report) };
        let schema = self.schema(i).await?;
        let pool = self.pool(i).await?;
        let db = |e| Error::db(&ds.id, e);
        // A hold with no end keeps every row.
        let hold = match hold {
            Some((_, None)) => {
                report.protected = count(pool, ds, schema, t, &[(&r.since, own)]).await?;
                return Ok(report);
            }
            Some((since, Some(at))) => Some((since, at)),
            None => None,
        };
        let mut conds: Vec<(&str, DateTime<Utc>)> = vec![(&r.since, cutoff)];
        if let Some((since, at)) = &hold {
            conds.push((since, *at));
        }
        let expired = count(pool, ds, schema, t, &[(&r.since, own)]).await?;
        let erasable = count(pool, ds, schema, t, &conds).await?;
        report.protected = expired.saturating_sub(erasable);
        let children = descendants(ds, t);
        if dry {
            if deletes_rows(t) {
                report.rows = erasable;
                for d in &children {
                    let mut tx = pool.begin().await.map_err(db)?;
                    let mut sql = Sql::new(ds.engine);
                    sql.push("SELECT COUNT(*) FROM ").ident(&d.name).push(" WHERE ");
                    chain(&mut sql, ds, d, t, &|s| expired_cond(s, schema, t, &conds));
                    let n = tx.count(&sql).await.map_err(db)?;
                    let _ = tx.rollback().await;
                    report.cascaded.insert(d.name.clone(), n);
                }
            } else {
                report.rows = rewrite(pool, ds, schema, t, &conds, true).await?;
            }
        } else if deletes_rows(t) {
            let key_ty = schema.ty(&t.name, &t.key);
            // Key order with the last key of the previous chunk: no chunk rescans the index
            // entries of rows already deleted.
            let mut last: Option<Param> = None;
            loop {
                let mut tx = pool.begin_write().await.map_err(db)?;
                let mut sql = Sql::new(ds.engine);
                sql.push("SELECT ").ident(&t.key).push(" FROM ").ident(&t.name).push(" WHERE ");
                expired_cond(&mut sql, schema, t, &conds);
                if let Some(k) = last.take() {
                    sql.push(" AND ").ident(&t.key).push(" > ").param(k, &key_ty);
                }
                sql.push(" ORDER BY ").ident(&t.key).push(&format!(" LIMIT {CHUNK}"));
                let keys: Vec<Param> = tx
                    .fetch(&sql, &[key_ty.kind])
                    .await
                    .map_err(db)?
                    .iter()
                    .filter_map(|r| r.first().and_then(|k| Param::from_json(k, &key_ty)))
                    .collect();
                if keys.is_empty() {
                    let _ = tx.rollback().await;
                    break;
                }
                // Rows hanging off these first, deepest first; then the rows themselves.
                delete_below(&mut tx, ds, schema, t, &keys, &mut report.cascaded).await?;
                let mut sql = Sql::new(ds.engine);
                sql.push("DELETE FROM ").ident(&t.name).push(" WHERE ").in_list(&t.key, &keys, &key_ty);
                report.rows += tx.exec(&sql).await.map_err(db)?;
                tx.commit().await.map_err(db)?;
                if keys.len() < CHUNK {
                    break;
                }
                last = keys.last().cloned();
            }
        } else {
            report.rows = rewrite(pool, ds, schema, t, &conds, false).await?;
        }
        if !dry && report.rows + report.cascaded.values().sum::<u64>() > 0 {
            self.checkpoint(i).await;
        }
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }
}

/// `since1 < ? AND since2 < ?`, each cut-off in its column's type.
fn expired_cond(sql: &mut Sql, schema: &Schema, t: &Table, conds: &[(&str, DateTime<Utc>)]) {
    for (n, (col, at)) in conds.iter().enumerate() {
        if n > 0 {
            sql.push(" AND ");
        }
        let ty = schema.ty(&t.name, col);
        sql.ident(col).push(" < ").param(time::param(*at, &ty), &ty);
    }
}

async fn count(
    pool: &crate::db::Pool,
    ds: &Dataset,
    schema: &Schema,
    t: &Table,
    conds: &[(&str, DateTime<Utc>)],
) -> Result<u64> {
    let mut tx = pool.begin().await.map_err(|e| Error::db(&ds.id, e))?;
    let mut sql = Sql::new(ds.engine);
    sql.push("SELECT COUNT(*) FROM ").ident(&t.name).push(" WHERE ");
    expired_cond(&mut sql, schema, t, conds);
    let n = tx.count(&sql).await.map_err(|e| Error::db(&ds.id, e));
    let _ = tx.rollback().await;
    n
}

/// Tables hanging off `root`, directly or not, parents before children.
fn descendants<'a>(ds: &'a Dataset, root: &Table) -> Vec<&'a Table> {
    let mut out: Vec<&Table> = Vec::new();
    let mut frontier = vec![root.name.clone()];
    while let Some(name) = frontier.pop() {
        for c in ds.tables.iter().filter(|c| c.parent.as_ref().is_some_and(|p| p.table == name)) {
            if c.name != root.name && !out.iter().any(|x| x.name == c.name) {
                out.push(c);
                frontier.push(c.name.clone());
            }
        }
    }
    out
}

/// The condition on `d` selecting rows that hang off the rows of `root` chosen by `cond`.
fn chain(sql: &mut Sql, ds: &Dataset, d: &Table, root: &Table, cond: &dyn Fn(&mut Sql)) {
    if d.name == root.name {
        cond(sql);
        return;
    }
    let (Some((p, refcol)), Some(rel)) = (parent_of(ds, d), &d.parent) else {
        sql.push("1 = 0");
        return;
    };
    sql.ident(&rel.column).push(" IN (SELECT ").ident(&refcol).push(" FROM ").ident(&p.name).push(" WHERE ");
    chain(sql, ds, p, root, cond);
    sql.push(")");
}

/// Rewrites expired rows of a table that keeps its rows (mask, hash, generalise, null),
/// chunk by chunk in key order; the number of rows changed (or that would be).
async fn rewrite(
    pool: &crate::db::Pool,
    ds: &Dataset,
    schema: &Schema,
    t: &Table,
    conds: &[(&str, DateTime<Utc>)],
    dry: bool,
) -> Result<u64> {
    let db = |e| Error::db(&ds.id, e);
    let key_ty = schema.ty(&t.name, &t.key);
    let cols = columns_of(ds, t);
    let mut last: Option<serde_json::Value> = None;
    let mut changed = 0;
    loop {
        let mut tx: Tx = if dry { pool.begin().await } else { pool.begin_write().await }.map_err(db)?;
        let mut sql = Sql::new(ds.engine);
        let kinds: Vec<Kind> = select_head(&mut sql, ds, schema, t);
        expired_cond(&mut sql, schema, t, conds);
        if let Some(k) = last.as_ref().and_then(|k| Param::from_json(k, &key_ty)) {
            sql.push(" AND ").ident(&t.key).push(" > ").param(k, &key_ty);
        }
        sql.push(" ORDER BY ").ident(&t.key).push(&format!(" LIMIT {CHUNK}"));
        let rows = tx.fetch(&sql, &kinds).await.map_err(db)?;
        for row in &rows {
            let get =
                |c: &str| cols.iter().position(|x| x == c).and_then(|i| row.get(i)).unwrap_or(&serde_json::Value::Null);
            let changes: Vec<(String, serde_json::Value)> = t
                .columns
                .keys()
                .filter(|c| **c != t.key)
                .filter_map(|c| {
                    let strategy = crate::model::column_erasure(t, c);
                    transform::apply(strategy, schema.ty(&t.name, c).kind, get(c)).map(|v| (c.clone(), v))
                })
                .collect();
            if changes.is_empty() {
                continue;
            }
            changed += 1;
            if !dry {
                let sql = update(ds, schema, &t.name, &t.key, get(&t.key), &changes)?;
                tx.exec(&sql).await.map_err(db)?;
            }
        }
        if dry {
            let _ = tx.rollback().await;
        } else {
            tx.commit().await.map_err(db)?;
        }
        if rows.len() < CHUNK {
            break;
        }
        last = rows.last().and_then(|r| r.first()).cloned();
    }
    Ok(changed)
}
