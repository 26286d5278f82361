//! The executor: one lazily opened connection pool and one schema look-up per dataset, and
//! the public operations of the crate.

use crate::connections::Connections;
use crate::db::{Checkpoint, Pool, Tx};
use crate::error::{Error, Result};
use crate::export::Bundle;
use crate::find::{find_rows, to_rows};
use crate::model::Schema;
use crate::outcome::{Action, DatasetOutcome, Outcome, Plan, SubjectData};
use crate::plan::{Job, prepare};
use chrono::Utc;
use gebao_core::Manifest;
use gebao_core::calendar::Calendar;
use gebao_core::ids::DatasetId;
use gebao_core::manifest::Dataset;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;
use tokio::sync::OnceCell;
use tracing::instrument;

/// Acts on the operator's databases for rights requests and retention.
pub struct Executor {
    pub(crate) manifest: Arc<Manifest>,
    handles: Vec<Handle>,
    /// The working-day calendar durations are counted on (holds, retention).
    pub(crate) calendar: Arc<Calendar>,
}

/// One dataset's connection, opened on first use (a failed attempt is retried next time).
struct Handle {
    url: String,
    pool: OnceCell<Pool>,
    schema: OnceCell<Schema>,
}

impl fmt::Debug for Executor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = self.manifest.datasets.iter().map(|d| d.id.as_str()).collect();
        f.debug_struct("Executor").field("datasets", &ids).finish_non_exhaustive()
    }
}

impl Executor {
    /// Resolves every dataset's connection name ([`Connections::for_manifest`]: configured,
    /// of the dataset's engine, not gebao's own store) and checks that the purposes its
    /// tables name exist. Connects to nothing yet.
    pub fn new(manifest: &Manifest, connections: Connections) -> Result<Self> {
        let urls = connections.for_manifest(manifest)?;
        let mut handles = Vec::with_capacity(manifest.datasets.len());
        for d in &manifest.datasets {
            let url = urls.get(d.id.as_str()).unwrap_or_default();
            for t in &d.tables {
                if t.subject.is_none() && t.parent.is_none() {
                    return Err(Error::Declaration {
                        dataset: d.id.clone(),
                        message: format!("table `{}` has neither `subject` nor `parent`", t.name),
                    });
                }
                for p in t.hold.iter().map(|h| &h.purpose).chain(t.retention.iter().map(|r| &r.purpose)) {
                    if manifest.purpose(p.as_str()).is_none() {
                        return Err(Error::UnknownPurpose(p.to_string()));
                    }
                }
            }
            handles.push(Handle { url: url.to_owned(), pool: OnceCell::new(), schema: OnceCell::new() });
        }
        Ok(Self { manifest: Arc::new(manifest.clone()), handles, calendar: Arc::new(Calendar::builtin()) })
    }

    /// Counts durations on `calendar` (the operator's, with a newer holiday notice) instead
    /// of the built-in one.
    pub fn with_calendar(mut self, calendar: Arc<Calendar>) -> Self {
        self.calendar = calendar;
        self
    }

    /// The manifest this executor acts for.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Every row of the subject in every dataset, following `parent` relations.
    #[instrument(skip_all)]
    pub async fn find(&self, subject: &str) -> Result<SubjectData> {
        let mut datasets = Vec::new();
        for (i, ds) in self.manifest.datasets.iter().enumerate() {
            let (mut tx, schema) = self.begin(i).await?;
            let found = find_rows(&mut tx, ds, schema, subject, false).await;
            let _ = tx.rollback().await; // read only
            datasets.push(to_rows(&self.manifest, ds, &found?));
        }
        Ok(SubjectData { subject: subject.to_owned(), datasets })
    }

    /// The copy of the subject's data (PIPL 45): JSON for portability, CSV per table and a
    /// zh-CN HTML page labelled with the manifest's field names.
    pub async fn export(&self, subject: &str) -> Result<Bundle> {
        let data = self.find(subject).await?;
        Ok(Bundle::build(&self.manifest, &data, Utc::now()))
    }

    /// Dry run: the exact statements, their parameters and the rows each would change, per
    /// dataset, computed in a transaction that is rolled back. Changes nothing.
    #[instrument(skip_all)]
    pub async fn plan(&self, subject: &str, action: &Action) -> Result<Plan> {
        self.check_action(action)?;
        let now = Utc::now();
        let mut datasets = Vec::new();
        for (i, ds) in self.manifest.datasets.iter().enumerate() {
            let (mut tx, schema) = self.begin(i).await?;
            let job = Job { subject, action, now, calendar: &self.calendar, lock: false };
            let prepared = prepare(&mut tx, &self.manifest, ds, schema, &job).await;
            let _ = tx.rollback().await;
            datasets.push(prepared?.plan);
        }
        Ok(Plan { subject: subject.to_owned(), action: action.clone(), datasets })
    }

    /// Runs the action: each dataset's statements in one transaction, datasets in manifest
    /// order, skipping those in `done`. When a dataset fails, its transaction is rolled back
    /// and [`Error::Incomplete`] carries the datasets committed before it; call again with
    /// those added to `done` to finish.
    #[instrument(skip_all)]
    pub async fn execute(&self, subject: &str, action: &Action, done: &BTreeSet<DatasetId>) -> Result<Outcome> {
        self.check_action(action)?;
        let now = Utc::now();
        let mut completed = Vec::new();
        let mut skipped = Vec::new();
        for (i, ds) in self.manifest.datasets.iter().enumerate() {
            if done.contains(&ds.id) {
                skipped.push(ds.id.clone());
                continue;
            }
            match self.execute_one(i, ds, subject, action, now).await {
                Ok(o) => completed.push(o),
                Err(e) => return Err(Error::Incomplete { completed, failed: ds.id.clone(), source: Box::new(e) }),
            }
        }
        Ok(Outcome { subject: subject.to_owned(), action: action.clone(), completed, skipped })
    }

    pub(crate) async fn execute_one(
        &self,
        i: usize,
        ds: &Dataset,
        subject: &str,
        action: &Action,
        now: chrono::DateTime<Utc>,
    ) -> Result<DatasetOutcome> {
        let (mut tx, schema) = self.begin_write(i).await?;
        let run = async {
            let job = Job { subject, action, now, calendar: &self.calendar, lock: true };
            let mut p = prepare(&mut tx, &self.manifest, ds, schema, &job).await?;
            let mut rows = 0;
            for (stmt, sql) in p.plan.statements.iter_mut().zip(&p.sql) {
                stmt.rows = tx.exec(sql).await.map_err(|e| Error::db(&ds.id, e))?;
                rows += stmt.rows;
            }
            Ok::<_, Error>(DatasetOutcome {
                dataset: ds.id.clone(),
                statements: p.plan.statements,
                held: p.plan.held,
                rows,
                erased_fields: p.plan.erased_fields,
                kept_fields: p.plan.kept_fields,
                wal: None,
            })
        };
        match run.await {
            Ok(mut outcome) => {
                tx.commit().await.map_err(|e| Error::db(&ds.id, e))?;
                // Also when nothing changed: running a request again empties a WAL that
                // readers kept busy the first time.
                if !matches!(action, Action::Restrict) {
                    outcome.wal = self.checkpoint(i).await;
                }
                Ok(outcome)
            }
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    /// A correction must name a field some column holds, correctably.
    fn check_action(&self, action: &Action) -> Result<()> {
        let Action::Correct { field, .. } = action else { return Ok(()) };
        let cols: Vec<bool> = self
            .manifest
            .datasets
            .iter()
            .flat_map(|d| &d.tables)
            .flat_map(|t| t.columns.values())
            .filter(|c| c.field == *field)
            .map(|c| c.correctable)
            .collect();
        if cols.is_empty() {
            return Err(Error::UnknownField(field.clone()));
        }
        if !cols.contains(&true) {
            return Err(Error::NotCorrectable(field.clone()));
        }
        Ok(())
    }

    /// The pool of dataset `i`, connecting on first use.
    pub(crate) async fn pool(&self, i: usize) -> Result<&Pool> {
        let ds = &self.manifest.datasets[i];
        let h = &self.handles[i];
        h.pool
            .get_or_try_init(|| async { Pool::connect(ds.engine, &h.url).await.map_err(|e| Error::db(&ds.id, e)) })
            .await
    }

    /// The column types of dataset `i`, looked up once.
    pub(crate) async fn schema(&self, i: usize) -> Result<&Schema> {
        let pool = self.pool(i).await?;
        let ds = &self.manifest.datasets[i];
        self.handles[i].schema.get_or_try_init(|| Schema::load(ds, pool)).await
    }

    /// A read transaction on dataset `i`, with its schema.
    async fn begin(&self, i: usize) -> Result<(Tx, &Schema)> {
        let schema = self.schema(i).await?;
        let ds = &self.manifest.datasets[i];
        let tx = self.pool(i).await?.begin().await.map_err(|e| Error::db(&ds.id, e))?;
        Ok((tx, schema))
    }

    /// A write transaction on dataset `i` (`BEGIN IMMEDIATE` on SQLite), with its schema.
    async fn begin_write(&self, i: usize) -> Result<(Tx, &Schema)> {
        let schema = self.schema(i).await?;
        let ds = &self.manifest.datasets[i];
        let tx = self.pool(i).await?.begin_write().await.map_err(|e| Error::db(&ds.id, e))?;
        Ok((tx, schema))
    }

    /// After changes committed on dataset `i`: empties a SQLite WAL of the old page images;
    /// a checkpoint that cannot be made is logged and reported, never an error.
    pub(crate) async fn checkpoint(&self, i: usize) -> Option<Checkpoint> {
        let ds = &self.manifest.datasets[i];
        let pool = self.pool(i).await.ok()?;
        let c = pool.checkpoint().await;
        if let Some(c @ (Checkpoint::Busy { .. } | Checkpoint::Failed { .. })) = &c {
            tracing::warn!(dataset = %ds.id, checkpoint = ?c, "{}", c.label().en);
        }
        c
    }
}
