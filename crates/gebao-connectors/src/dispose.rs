//! The end of the service (TRM-01; GB/T 35273 6.4): every subject's rows in every dataset
//! are erased as a deletion request would erase them — each column by its strategy, rows
//! under a legal hold kept (restricted) until their legal minimum passes, with the rows they
//! hang off — one subject and dataset per transaction. The subjects are those the
//! operator's databases hold (registered with gebao or not), read in pages of ids. Running
//! it again changes nothing more, so a disposal cut short is finished by running it again.

use crate::error::{Error, Result};
use crate::executor::Executor;
use crate::hold::link_key;
use crate::outcome::{Action, HoldReason};
use crate::sql::{Param, Sql};
use chrono::{DateTime, Utc};
use gebao_core::ids::DatasetId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::time::Instant;
use tracing::instrument;

/// Subject ids read per page.
const PAGE: usize = 1000;

/// What the disposal did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisposalReport {
    pub now: DateTime<Utc>,
    pub datasets: Vec<DatasetDisposal>,
    /// Rows changed (deleted or rewritten) in all.
    pub rows: u64,
    /// Rows kept under a legal hold (or for rows held), in all.
    pub held: u64,
    pub seconds: f64,
}

/// One dataset's disposal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetDisposal {
    pub dataset: DatasetId,
    /// Distinct subjects whose rows were found.
    pub subjects: u64,
    /// Rows changed (deleted or rewritten).
    pub rows: u64,
    /// Rows kept, per table.
    pub held: BTreeMap<String, HeldTable>,
}

/// The rows of one table kept, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldTable {
    pub rows: u64,
    /// Why, in the words shown to users (zh-CN), each reason once.
    pub reasons: Vec<String>,
    /// Why, in English.
    pub reasons_en: Vec<String>,
    /// The latest day a legal minimum of these rows ends, when known: they are erased by
    /// the retention sweep or a later disposal after it.
    pub until: Option<DateTime<Utc>>,
}

impl Executor {
    /// Erases every subject's rows in every dataset, keeping what legal holds keep.
    #[instrument(skip_all)]
    pub async fn dispose_all(&self) -> Result<DisposalReport> {
        let started = Instant::now();
        let now = Utc::now();
        let mut datasets = Vec::new();
        for (i, ds) in self.manifest.datasets.iter().enumerate() {
            let mut out = DatasetDisposal { dataset: ds.id.clone(), subjects: 0, rows: 0, held: BTreeMap::new() };
            // A subject may be in several tables: erased once.
            let mut done: HashSet<String> = HashSet::new();
            for t in ds.tables.iter().filter(|t| t.subject.is_some()) {
                let mut after: Option<serde_json::Value> = None;
                loop {
                    let page =
                        self.subject_page(i, &t.name, t.subject.as_deref().unwrap_or_default(), after.as_ref()).await?;
                    for v in &page {
                        let Some(id) = link_key(v) else { continue };
                        if !done.insert(id.clone()) {
                            continue;
                        }
                        let o = self.execute_one(i, ds, &id, &Action::Erase, now).await?;
                        out.subjects += 1;
                        out.rows += o.rows;
                        for h in o.held {
                            let entry = out.held.entry(h.table.clone()).or_insert(HeldTable {
                                rows: 0,
                                reasons: Vec::new(),
                                reasons_en: Vec::new(),
                                until: None,
                            });
                            entry.rows += 1;
                            let label = h.reason.label();
                            if !entry.reasons.iter().any(|r| r == label.zh) {
                                entry.reasons.push(label.zh.to_owned());
                                entry.reasons_en.push(label.en.to_owned());
                            }
                            if matches!(h.reason, HoldReason::LegalMinimum { .. }) {
                                entry.until = entry.until.max(h.until);
                            }
                        }
                    }
                    if page.len() < PAGE {
                        break;
                    }
                    after = page.last().cloned();
                }
            }
            datasets.push(out);
        }
        let rows = datasets.iter().map(|d| d.rows).sum();
        let held = datasets.iter().flat_map(|d| d.held.values()).map(|h| h.rows).sum();
        Ok(DisposalReport { now, datasets, rows, held, seconds: started.elapsed().as_secs_f64() })
    }

    /// The next page of distinct values of a table's subject column, in order.
    async fn subject_page(
        &self,
        i: usize,
        table: &str,
        col: &str,
        after: Option<&serde_json::Value>,
    ) -> Result<Vec<serde_json::Value>> {
        let ds = &self.manifest.datasets[i];
        let schema = self.schema(i).await?;
        let ty = schema.ty(table, col);
        let db = |e| Error::db(&ds.id, e);
        let mut tx = self.pool(i).await?.begin().await.map_err(db)?;
        let mut sql = Sql::new(ds.engine);
        sql.push("SELECT DISTINCT ")
            .ident(col)
            .push(" FROM ")
            .ident(table)
            .push(" WHERE ")
            .ident(col)
            .push(" IS NOT NULL");
        if let Some(p) = after.and_then(|v| Param::from_json(v, &ty)) {
            sql.push(" AND ").ident(col).push(" > ").param(p, &ty);
        }
        sql.push(" ORDER BY ").ident(col).push(&format!(" LIMIT {PAGE}"));
        let rows = tx.fetch(&sql, &[ty.kind]).await.map_err(db);
        let _ = tx.rollback().await;
        Ok(rows?.into_iter().filter_map(|r| r.into_iter().next()).collect())
    }
}
