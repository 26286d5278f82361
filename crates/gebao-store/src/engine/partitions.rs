//! The partitions of the consent ledger and the audit log on PostgreSQL (migration 0012:
//! both tables partitioned by range of `seq`). SQLite keeps plain tables and has none of
//! this.
//!
//! The store keeps [`AHEAD`] partitions' worth of empty room above each chain's head. When
//! an append leaves less than one partition of room (counted against the bound this
//! instance last saw), the appending call, right after its commit, creates what is missing:
//! one partition per fill, so the cost (a few milliseconds) falls once per
//! `rows` records. The same check runs after every migration, so a new or upgraded
//! database starts with its room made.
//!
//! Several instances on one database: the creation runs in its own transaction under an
//! advisory lock and reads the bounds again under it, so each partition is created once
//! whoever gets there first, and an instance holding a stale bound merely finds nothing to
//! do. A partition is created outside the parent (`CREATE TABLE … (LIKE …)`) and attached
//! (`ATTACH PARTITION`), which takes only a `SHARE UPDATE EXCLUSIVE` lock on the parent:
//! appends and reads go on meanwhile (`CREATE TABLE … PARTITION OF` would lock them out).
//! A lock wait is bounded (`lock_timeout`); a failure is logged, leaves the room there is,
//! and is retried after [`RETRY_MS`] by the next append.
//!
//! An append whose records reach past the room this instance knows of (a batch larger than
//! the room, or growth that kept failing) makes the partitions it needs before inserting
//! ([`Partitions::make_room`]), so it never fails for want of a partition, only, when
//! creating one fails, with that error. There is no `DEFAULT` partition: rows there would
//! make every later attach scan them, and moving them out would rewrite the chain's rows.

use crate::chain::Chain;
use crate::{Result, StoreError};
use sqlx::postgres::PgPool;
use std::sync::atomic::{AtomicI64, Ordering};

/// Records per partition unless configured (`SqlStore::with_partition_rows`).
pub(crate) const DEFAULT_ROWS: i64 = 10_000_000;
/// Partitions' worth of empty room kept above each chain's head.
const AHEAD: i64 = 2;
/// How long creating a partition waits for a lock before giving up for now.
const LOCK_TIMEOUT: &str = "5s";
/// How long after a failed attempt the next append tries again.
const RETRY_MS: i64 = 10_000;
/// The advisory lock that serialises partition creation across instances ("gebaopar").
const LOCK_KEY: i64 = 0x6765_6261_6f70_6172;

/// The partitioned table of a chain.
pub(crate) fn table(chain: Chain) -> &'static str {
    match chain {
        Chain::Consents => "consents",
        Chain::Audit => "audit_log",
    }
}

/// A partition created by [`Partitions::ensure`]: its table and the seq range it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Created {
    pub(crate) name: String,
    pub(crate) from: i64,
    pub(crate) to: i64,
}

/// What this instance knows of the partitions, and how to make more.
#[derive(Debug)]
pub(crate) struct Partitions {
    pool: PgPool,
    rows: AtomicI64,
    /// Per chain (consents, audit): one past the highest seq the partitions can hold, as
    /// last seen here; 0 when not known yet.
    upper: [AtomicI64; 2],
    /// Unix ms before which no new attempt is made after a failure.
    retry_at_ms: AtomicI64,
}

fn slot(chain: Chain) -> usize {
    match chain {
        Chain::Consents => 0,
        Chain::Audit => 1,
    }
}

impl Partitions {
    pub(crate) fn new(pool: PgPool) -> Self {
        Partitions {
            pool,
            rows: AtomicI64::new(DEFAULT_ROWS),
            upper: [AtomicI64::new(0), AtomicI64::new(0)],
            retry_at_ms: AtomicI64::new(0),
        }
    }

    pub(crate) fn set_rows(&self, rows: i64) {
        self.rows.store(rows, Ordering::Relaxed);
    }

    /// Whether a chain whose head is now `head` has less than one partition of room left.
    pub(crate) fn is_due(&self, chain: Chain, head: i64) -> bool {
        let upper = self.upper[slot(chain)].load(Ordering::Relaxed);
        head.saturating_add(1).saturating_add(self.rows.load(Ordering::Relaxed)) > upper
    }

    /// Before an append whose last record is `last`: when no partition holds `last` as far
    /// as this instance knows, makes one (or finds another instance made it) now, so that
    /// the insert does not fail. The caller holds the chain's head lock; creating runs on
    /// another connection and waits for nothing the caller holds.
    pub(crate) async fn make_room(&self, chain: Chain, last: i64) -> Result<()> {
        if last < self.upper[slot(chain)].load(Ordering::Relaxed) {
            return Ok(());
        }
        self.ensure_covering(chain, last).await.map(|_| ())
    }

    /// After a commit that made room due: [`Partitions::ensure`], unless a recent attempt
    /// failed. Never fails the caller, whose write is committed: a failure is logged.
    pub(crate) async fn grow(&self) {
        if crate::now_ms() < self.retry_at_ms.load(Ordering::Relaxed) {
            return;
        }
        if let Err(e) = self.ensure().await {
            self.retry_at_ms.store(crate::now_ms() + RETRY_MS, Ordering::Relaxed);
            tracing::warn!(
                error = %e,
                "could not create the next partition of the ledger or the audit log; \
                 appends go on into the room left and this is retried"
            );
        }
    }

    /// Creates the partitions missing for [`AHEAD`] partitions of room above each chain's
    /// head; returns what it created. Idempotent, and safe with several instances.
    pub(crate) async fn ensure(&self) -> Result<Vec<Created>> {
        self.ensure_covering(Chain::Consents, 0).await
    }

    /// [`Partitions::ensure`], and also partitions up to seq `last` of `chain`.
    async fn ensure_covering(&self, need_chain: Chain, last: i64) -> Result<Vec<Created>> {
        let rows = self.rows.load(Ordering::Relaxed);
        let mut tx = self.pool.begin().await?;
        sqlx::query(&format!("SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")).execute(&mut *tx).await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(LOCK_KEY).execute(&mut *tx).await?;
        let mut created = Vec::new();
        let mut uppers = [0; 2];
        for chain in [Chain::Consents, Chain::Audit] {
            let table = table(chain);
            // Before migration 0012 (an upgrade test stops short of it) there is nothing to do.
            let partitioned: bool = sqlx::query_scalar("SELECT relkind = 'p' FROM pg_class WHERE oid = $1::regclass")
                .bind(table)
                .fetch_one(&mut *tx)
                .await?;
            if !partitioned {
                uppers[slot(chain)] = i64::MAX;
                continue;
            }
            let head: i64 = sqlx::query_scalar("SELECT seq FROM chain_heads WHERE chain = $1")
                .bind(chain.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("chain head `{}` is missing", chain.as_str())))?;
            // The upper bound of each partition, from its bound expression
            // (`FOR VALUES FROM ('1') TO ('10000001')`); MAXVALUE and DEFAULT give none.
            let upper: Option<i64> = sqlx::query_scalar(
                "SELECT max((regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''?(-?[0-9]+)''?\\)'))[1]::bigint) \
                 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass",
            )
            .bind(table)
            .fetch_one(&mut *tx)
            .await?;
            let mut from = upper.unwrap_or(head + 1);
            let need = if chain == need_chain { last } else { 0 };
            while from - (head + 1) < AHEAD * rows || from <= need {
                let to = from
                    .checked_add(rows)
                    .ok_or_else(|| StoreError::Corrupt(format!("`{table}` has no seq left for a partition")))?;
                let name = format!("{table}_from_{from}");
                sqlx::query(&format!("CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(&format!("ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM ({from}) TO ({to})"))
                    .execute(&mut *tx)
                    .await?;
                created.push(Created { name, from, to });
                from = to;
            }
            uppers[slot(chain)] = from;
        }
        tx.commit().await?;
        for (seen, upper) in self.upper.iter().zip(uppers) {
            seen.store(upper, Ordering::Relaxed);
        }
        for c in &created {
            tracing::info!(partition = %c.name, from = c.from, to = c.to, "partition created");
        }
        Ok(created)
    }
}
