//! The one implementation of [`Store`]: every query written once, over SQLite or
//! PostgreSQL (`db.rs`). One module per resource; each write is one transaction that also
//! appends its audit entry.
//!
//! Durability. SQLite: WAL journal with `synchronous=FULL`, so a transaction is on disk when
//! its commit returns; `secure_delete` zeroes what is deleted, and an erasure truncates the
//! WAL. PostgreSQL: `synchronous_commit` (on by default). Throughput comes from batching
//! (one transaction for a whole batch of consents), not from weaker syncing.
//!
//! Concurrency. SQLite writes go through one connection and start with `BEGIN IMMEDIATE`,
//! so writers queue in process, and another process writing the same file (the CLI next to
//! a running server) waits up to the busy timeout; reads use separate connections and,
//! thanks to WAL, never wait for writes. PostgreSQL instances coordinate only through the
//! database: chain appends lock their chain's head row, in a fixed order (consents, then
//! audit; `heads.rs`), so they queue instead of deadlocking; writes announce themselves with
//! `NOTIFY`, sent with the moved heads at commit.

mod abroad;
mod audit;
mod checkpoint;
mod codes;
mod consents;
pub(crate) mod db;
mod deferred;
mod heads;
mod incidents;
mod json;
mod keys;
mod outbox;
mod partitions;
mod pia;
mod policies;
mod provisions;
mod requests;
mod staff;
mod subjects;
mod terminations;
mod unnest;
mod verify;

use crate::anchor::Checkpoint;
use crate::chain::{Chain, VerifyReport};
use crate::crypto::{Keys, SubjectKey};
use crate::model::*;
use crate::outbox::{NewOutbox, OutboxItem, Outcome};
use crate::request::*;
use crate::{Result, Store, StoreError};
use async_trait::async_trait;
use db::{Pools, params};
use gebao_core::decision::SubjectStatus;
use gebao_core::requests::RequestKind;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// How long a SQLite write waits for another process holding the write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// SQLite readers: enough for concurrent requests on a small machine.
const READERS: u32 = 4;
const PG_CONNECTIONS: u32 = 10;
const PG_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The store, on SQLite or PostgreSQL.
pub struct SqlStore {
    pools: Pools,
    keys: Keys,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore").field("engine", &self.engine()).finish_non_exhaustive()
    }
}

/// The SQLite options of a store URL: `sqlite://PATH`, `sqlite:PATH` or a plain file path.
fn sqlite_options(url: &str) -> Result<SqliteConnectOptions> {
    Ok(if url.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(url)?
    } else {
        SqliteConnectOptions::new().filename(url)
    })
}

/// The writer's connection, tuned for large transactions (a bulk import writes 5,000 rows
/// and their index entries in one; measured in docs/benchmarks.md):
/// - a 64 MiB page cache (SQLite's default is 2 MB), so the pages of a transaction stay in
///   memory instead of being spilled to the WAL and written again;
/// - statement journals in memory: every statement of a transaction keeps one, to undo it
///   alone on a constraint error, and they went to temporary files;
/// - a checkpoint every 10,000 WAL pages (about 40 MB; default 1,000): a page changed by
///   several transactions is copied back into the database once, not each time. A server
///   copies the WAL back in a task of its own (`checkpoint.rs`) and starts it again before
///   it grows that far, so this checkpoint is only the bound on the WAL.
///
/// A bulk import ([`Tuning::Bulk`]) inserts into four randomly keyed indexes a subject, so
/// every transaction touches most of their pages: it keeps up to 1 GiB of them (SQLite
/// takes the memory only as pages are read) and checkpoints every 100,000 pages (about
/// 400 MB), so a page changed by one batch after another is read once and copied back once.
fn writer_options(opts: SqliteConnectOptions, tuning: Tuning) -> SqliteConnectOptions {
    let (cache_kib, checkpoint_pages) = match tuning {
        Tuning::Serve => ("-65536", "10000"),
        Tuning::Bulk => ("-1048576", "100000"),
    };
    opts.pragma("cache_size", cache_kib).pragma("temp_store", "MEMORY").pragma("wal_autocheckpoint", checkpoint_pages)
}

/// What the store is opened for: SQLite's writer is set up differently for a long-running
/// server and for a bulk import (`gebao import`). Nothing changes on PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tuning {
    Serve,
    Bulk,
}

/// The file a store URL names, read as [`SqlStore::open`] reads it; `None` for PostgreSQL, an
/// in-memory database or a URL that does not parse.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if postgres || url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    sqlite_options(url).ok().map(|o| o.get_filename().to_owned())
}

impl SqlStore {
    /// Opens the store at `url`: `postgres://…`, or `sqlite://PATH`, `sqlite:PATH` or a plain
    /// file path (created if missing). Does not migrate: call [`Store::migrate`].
    pub async fn open(url: &str, keys: Keys) -> Result<Self> {
        Self::open_tuned(url, keys, Tuning::Serve).await
    }

    /// [`SqlStore::open`] for a server or for a bulk import ([`Tuning`]).
    pub async fn open_tuned(url: &str, keys: Keys, tuning: Tuning) -> Result<Self> {
        let pools = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // No JIT: gebao's statements are index probes and pages of them. Without
            // statistics (after a bulk import) the planner prices them far above
            // `jit_above_cost` and compiles each one: 150 ms of a 170 ms page of the state's
            // rebuild (89 s of a million users' first start), and `gebao audit verify` took
            // 1.6 times as long (docs/benchmarks.md).
            let opts = PgConnectOptions::from_str(url)?.application_name("gebao").options([("jit", "off")]);
            let pool = PgPoolOptions::new()
                .max_connections(PG_CONNECTIONS)
                .acquire_timeout(PG_ACQUIRE_TIMEOUT)
                .connect_with(opts)
                .await?;
            let parts = std::sync::Arc::new(partitions::Partitions::new(pool.clone()));
            let origin = format!("{:016x}", rand::random::<u64>());
            Pools::Postgres { pool, listener: tokio::sync::Mutex::new(None), parts, origin: origin.into() }
        } else {
            let opts = sqlite_options(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(BUSY_TIMEOUT)
                .foreign_keys(true)
                // Deleted content is overwritten with zeros, so erased values do not stay
                // in free pages of the file.
                .pragma("secure_delete", "ON");
            if let Some(dir) = opts.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Database(sqlx::Error::Configuration(
                        format!("cannot create the data directory {}: {e}", dir.display()).into(),
                    ))
                })?;
            }
            // The writer connects first: it creates the file and switches it to WAL before
            // any reader opens it.
            // No ping before each use: a SQLite connection is a file and a worker thread,
            // with nothing to break in between, and the ping is a hand-off to that thread.
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .test_before_acquire(false)
                .connect_with(writer_options(opts.clone(), tuning))
                .await?;
            let reader =
                SqlitePoolOptions::new().max_connections(READERS).test_before_acquire(false).connect_with(opts).await?;
            // A bulk import is one process writing as fast as it can: its large
            // transactions checkpoint on the writer, where they cost least (`writer_options`).
            let checkpointer = (tuning == Tuning::Serve && sqlite_file(url).is_some())
                .then(|| checkpoint::spawn(reader.clone(), writer.clone()));
            Pools::Sqlite { writer, reader, checkpointer }
        };
        Ok(SqlStore { pools, keys })
    }

    /// Records per partition of the consent ledger and the audit log on PostgreSQL, for the
    /// partitions this store creates from now on (default 10,000,000; partitions already
    /// made keep their size). Nothing on SQLite, whose tables are not partitioned.
    pub fn with_partition_rows(self, rows: std::num::NonZeroU32) -> Self {
        if let Pools::Postgres { parts, .. } = &self.pools {
            parts.set_rows(i64::from(rows.get()));
        }
        self
    }

    /// Applies the migrations up to `version` only, as an older gebao would have: for tests
    /// of upgrades. [`Store::migrate`] applies the rest.
    #[doc(hidden)]
    pub async fn migrate_until(&self, version: i64) -> Result<()> {
        let result = match &self.pools {
            Pools::Sqlite { writer, .. } => {
                crate::migrations::Dialect::Sqlite.migrator_until(version).await?.run(writer).await
            }
            Pools::Postgres { pool, .. } => {
                crate::migrations::Dialect::Postgres.migrator_until(version).await?.run(pool).await
            }
        };
        result.map_err(crate::migrations::explain)
    }

    /// The keys this store encrypts, indexes and chains with.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }
}

/// Runs `$body` (which uses `$tx: &mut Tx` and `$k: &Keys`) in a write transaction and
/// commits it.
macro_rules! in_write {
    ($self:ident, |$tx:ident, $k:ident| $body:expr) => {{
        let mut t = $self.pools.write().await?;
        let ($tx, $k) = (&mut t, &$self.keys);
        let out = $body.await?;
        t.commit().await?;
        Ok::<_, StoreError>(out)
    }};
}

/// Runs `$body` in a read snapshot.
macro_rules! in_read {
    ($self:ident, |$tx:ident, $k:ident| $body:expr) => {{
        let mut t = $self.pools.snapshot().await?;
        let ($tx, $k) = (&mut t, &$self.keys);
        let out = $body.await?;
        t.commit().await?;
        Ok::<_, StoreError>(out)
    }};
}

#[async_trait]
impl Store for SqlStore {
    fn engine(&self) -> Engine {
        match self.pools.dialect() {
            db::Dialect::Sqlite => Engine::Sqlite,
            db::Dialect::Postgres => Engine::Postgres,
        }
    }

    async fn migrate(&self) -> Result<()> {
        let result = match &self.pools {
            Pools::Sqlite { writer, .. } => crate::migrations::Dialect::Sqlite.migrator().await?.run(writer).await,
            Pools::Postgres { pool, .. } => crate::migrations::Dialect::Postgres.migrator().await?.run(pool).await,
        };
        result.map_err(crate::migrations::explain)?;
        // The room ahead in the ledger and the audit log, before the first append.
        if let Pools::Postgres { parts, .. } = &self.pools {
            parts.ensure().await?;
        }
        Ok(())
    }

    async fn ping(&self) -> Result<()> {
        self.pools.ping().await
    }

    async fn close(&self) {
        self.pools.close().await;
    }

    async fn create_api_key(&self, key: NewApiKey, audit: NewAudit) -> Result<ApiKey> {
        in_write!(self, |tx, k| keys::create(tx, k, key, audit))
    }

    async fn api_keys(&self) -> Result<Vec<ApiKey>> {
        in_read!(self, |tx, _k| keys::all(tx))
    }

    async fn api_key_by_hash(&self, hash: &[u8; 32]) -> Result<Option<ApiKey>> {
        let hash = *hash;
        in_read!(self, |tx, _k| async move { keys::by_hash(tx, &hash).await })
    }

    async fn revoke_api_key(&self, id: &str, audit: NewAudit) -> Result<bool> {
        // A revocation that changes nothing rolls back rather than commits: nothing to audit.
        let mut tx = self.pools.write().await?;
        let done = keys::revoke(&mut tx, &self.keys, id, audit).await?;
        if done {
            tx.commit().await?;
        }
        Ok(done)
    }

    async fn put_subject(&self, subject: NewSubject, audit: NewAudit) -> Result<Subject> {
        in_write!(self, |tx, k| subjects::put(tx, k, subject, audit))
    }

    async fn put_subjects(&self, batch: Vec<(NewSubject, NewAudit)>) -> Result<usize> {
        Ok(in_write!(self, |tx, k| subjects::put_many(tx, k, batch))?.len())
    }

    async fn subject(&self, id: &str) -> Result<Option<Subject>> {
        in_read!(self, |tx, k| subjects::get(tx, k, id))
    }

    async fn subject_record(&self, id: &str) -> Result<Option<SubjectRecord>> {
        let key = self.keys.subject_key(id);
        let found = self.subject_by_key(&key).await?;
        // The key is a keyed hash of the id: a live row under it with another id cannot
        // happen short of a collision, but is never returned for this id.
        Ok(found.filter(|r| !matches!(r, SubjectRecord::Live(s) if s.id != id)))
    }

    async fn create_portal_link(
        &self,
        token_hash: &[u8; 32],
        key: &SubjectKey,
        expires_ms: i64,
        audit: NewAudit,
    ) -> Result<()> {
        let now_ms = audit.at_ms;
        let mut tx = self.pools.write().await?;
        let stale = now_ms - 24 * 3600 * 1000;
        tx.exec("DELETE FROM portal_links WHERE expires_ms < $1", params![stale]).await?;
        tx.exec(
            "INSERT INTO portal_links (token_hash, subject_key, created_ms, expires_ms) VALUES ($1, $2, $3, $4)",
            params![token_hash.as_slice(), key.0.as_slice(), now_ms, expires_ms],
        )
        .await?;
        audit::append(&mut tx, &self.keys, vec![audit::Entry::plain(audit)], Vec::new()).await?;
        tx.commit().await
    }

    async fn take_portal_link(
        &self,
        token_hash: &[u8; 32],
        now_ms: i64,
        mut audit: NewAudit,
    ) -> Result<Option<SubjectKey>> {
        // One statement marks it used and returns its subject: two instances taking the
        // same link at once cannot both succeed.
        let mut tx = self.pools.write().await?;
        let row = tx
            .opt(
                "UPDATE portal_links SET used_ms = $1 WHERE token_hash = $2 AND used_ms IS NULL AND expires_ms > $1 \
                 RETURNING subject_key",
                params![now_ms, token_hash.as_slice()],
            )
            .await?;
        let key = match row {
            Some(r) => {
                let bytes: Vec<u8> = r.get("subject_key")?;
                Some(
                    SubjectKey::from_slice(&bytes)
                        .ok_or_else(|| StoreError::Corrupt("a portal link's subject key".into()))?,
                )
            }
            None => None,
        };
        if let Some(k) = &key
            && let Some(SubjectRecord::Live(subject)) = subjects::get_by_key(&mut tx, &self.keys, k).await?
        {
            audit.target = format!("subject:{}", subject.pseudonym);
            audit::append(&mut tx, &self.keys, vec![audit::Entry::plain(audit)], Vec::new()).await?;
        }
        tx.commit().await?;
        Ok(key)
    }

    async fn issue_portal_code(
        &self,
        code: crate::portal::NewPortalCode,
        limits: crate::portal::CodeLimits,
        outbox: Vec<NewOutbox>,
        audit: Option<NewAudit>,
    ) -> Result<crate::portal::CodeIssued> {
        let mut tx = self.pools.write().await?;
        let issued = codes::issue(&mut tx, &self.keys, code, limits, outbox, audit).await?;
        tx.commit().await?;
        Ok(issued)
    }

    async fn check_portal_code(
        &self,
        challenge_hash: &[u8; 32],
        code_hash: &[u8; 32],
        max_attempts: u32,
        audit: NewAudit,
    ) -> Result<crate::portal::CodeCheck> {
        let mut tx = self.pools.write().await?;
        let checked = codes::check(&mut tx, &self.keys, challenge_hash, code_hash, max_attempts, audit).await?;
        tx.commit().await?;
        Ok(checked)
    }

    async fn subject_by_key(&self, key: &SubjectKey) -> Result<Option<SubjectRecord>> {
        let key = *key;
        in_read!(self, |tx, k| async move { subjects::get_by_key(tx, k, &key).await })
    }

    async fn subjects_by_keys(&self, keys: &[SubjectKey]) -> Result<Vec<(SubjectKey, SubjectRecord)>> {
        in_read!(self, |tx, k| subjects::records_by_keys(tx, k, keys))
    }

    async fn wards_of(&self, guardian: &str) -> Result<Vec<Subject>> {
        let sql = format!(
            "SELECT {} FROM subjects WHERE guardian = $1 ORDER BY id{}",
            subjects::SUBJECT_COLS,
            self.pools.dialect().bytewise()
        );
        let rows = self.pools.all(&sql, params![guardian]).await?;
        rows.iter().map(|r| subjects::SubjectRow::read(r)?.decode(&self.keys)).collect()
    }

    async fn subjects_by_index(&self, index: &[u8; 32]) -> Result<Vec<Subject>> {
        let sql = format!(
            "SELECT {} FROM subjects WHERE phone_index = $1 OR email_index = $1 ORDER BY id{}",
            subjects::SUBJECT_COLS,
            self.pools.dialect().bytewise()
        );
        let rows = self.pools.all(&sql, params![index.as_slice()]).await?;
        rows.iter().map(|r| subjects::SubjectRow::read(r)?.decode(&self.keys)).collect()
    }

    async fn set_subject_status(&self, id: &str, status: SubjectStatus, audit: NewAudit) -> Result<Option<Subject>> {
        in_write!(self, |tx, k| subjects::set_status(tx, k, id, status, audit))
    }

    async fn erase_subject(&self, id: &str, audit: NewAudit) -> Result<Option<SubjectOutcome>> {
        let out = in_write!(self, |tx, k| subjects::erase(tx, k, id, audit))?;
        if out.is_some() {
            self.pools.scrub().await;
        }
        Ok(out.map(|e| SubjectOutcome::Erased { tombstone: e.tombstone, pseudonym: e.pseudonym }))
    }

    async fn positions(&self) -> Result<(i64, i64)> {
        in_read!(self, |tx, _k| async move {
            let (ledger_seq, _) = heads::read(tx, Chain::Consents).await?;
            let change_seq: i64 = tx
                .opt("SELECT COALESCE(MAX(seq), 0) AS seq FROM changes", Vec::new())
                .await?
                .map(|r| r.get("seq"))
                .transpose()?
                .unwrap_or(0);
            Ok::<_, StoreError>((ledger_seq, change_seq))
        })
    }

    async fn load_page(&self, after: &str, limit: i64, ledger_seq: i64) -> Result<Vec<LoadedSubject>> {
        // Driven from the page of subjects by pseudonym, each one's records by the ledger's
        // subject index, never from the ledger: no ORDER BY on seq, which would have the
        // planner walk the whole ledger for every page.
        let sql = subjects::state_page_sql(self.pools.dialect());
        let row = self.pools.opt(&sql, params![ledger_seq, after, limit]).await?;
        let page: Option<String> = row.map(|r| r.get("page")).transpose()?;
        page.map_or(Ok(Vec::new()), |p| subjects::states_of(&p))
    }

    async fn tombstones_after(&self, after: &crate::crypto::SubjectKey, limit: i64) -> Result<Vec<Tombstone>> {
        let sql = "SELECT key, erased_ms FROM tombstones WHERE key > $1 ORDER BY key LIMIT $2";
        self.pools
            .all(sql, params![after.0.as_slice(), limit.max(0)])
            .await?
            .iter()
            .map(subjects::tombstone_of)
            .collect()
    }

    async fn chain_links(&self, seq: i64, audit_seq: i64) -> Result<(Option<String>, Option<String>)> {
        let ledger = self.pools.opt("SELECT hash FROM consents WHERE seq = $1", params![seq]).await?;
        let audit = self.pools.opt("SELECT hash FROM audit_log WHERE seq = $1", params![audit_seq]).await?;
        Ok((ledger.map(|r| r.get::<String>("hash")).transpose()?, audit.map(|r| r.get::<String>("hash")).transpose()?))
    }

    async fn append_consents(&self, batch: Vec<NewConsent>) -> Result<Vec<ConsentRow>> {
        in_write!(self, |tx, k| consents::append(tx, k, batch))
    }

    async fn import_consents(&self, batch: Vec<NewConsent>, audit: NewAudit) -> Result<Vec<ConsentRow>> {
        in_write!(self, |tx, k| consents::import(tx, k, batch, audit))
    }

    async fn append_visitor_consents(&self, batch: Vec<NewConsent>) -> Result<Vec<ConsentRow>> {
        in_write!(self, |tx, k| consents::append_visitors(tx, k, batch))
    }

    async fn consents_after(&self, after: i64, limit: i64) -> Result<Vec<ConsentRow>> {
        let sql = format!("SELECT {} WHERE c.seq > $1 ORDER BY c.seq LIMIT $2", consents::CONSENT_JOIN);
        self.pools.all(&sql, params![after, limit.max(0)]).await?.iter().map(consents::joined).collect()
    }

    async fn consents_of(&self, subject: &str) -> Result<Vec<ConsentRow>> {
        in_read!(self, |tx, k| consents::of_subject(tx, k, subject))
    }

    async fn consent_figures(&self) -> Result<Vec<ConsentFigure>> {
        in_read!(self, |tx, _k| consents::figures(tx))
    }

    async fn consent_actions(&self, since_ms: i64, until_ms: i64) -> Result<(i64, i64)> {
        in_read!(self, |tx, _k| consents::actions(tx, since_ms, until_ms))
    }

    async fn changes_after(&self, after: i64, limit: i64) -> Result<Vec<Change>> {
        let rows = self
            .pools
            .all(
                "SELECT seq, kind, key, at_ms FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
                params![after, limit.max(0)],
            )
            .await?;
        rows.iter().map(audit::change).collect()
    }

    async fn first_change(&self) -> Result<i64> {
        let row = self.pools.opt("SELECT COALESCE(MIN(seq), 0) AS seq FROM changes", Vec::new()).await?;
        Ok(row.map(|r| r.get("seq")).transpose()?.unwrap_or(0))
    }

    async fn prune_changes(&self, before_ms: i64) -> Result<u64> {
        let Some(keep_from) = in_read!(self, |tx, _k| audit::kept_changes_from(tx, before_ms))? else { return Ok(0) };
        let mut pruned = 0;
        loop {
            let n = in_write!(self, |tx, _k| audit::prune_changes(tx, keep_from))?;
            pruned += n;
            if n == 0 {
                return Ok(pruned);
            }
        }
    }

    async fn wait_for_changes(&self, timeout: Duration) -> Result<bool> {
        self.pools.wait(timeout).await
    }

    async fn publish_policy(&self, v: NewPolicyVersion, audit: NewAudit) -> Result<PolicyVersion> {
        let stored = in_write!(self, |tx, k| policies::publish(tx, k, v, audit, false))?;
        stored.ok_or_else(|| StoreError::Corrupt("a policy version was not stored".into()))
    }

    async fn publish_first_policy(&self, v: NewPolicyVersion, audit: NewAudit) -> Result<Option<PolicyVersion>> {
        in_write!(self, |tx, k| policies::publish(tx, k, v, audit, true))
    }

    async fn policy_versions(&self) -> Result<Vec<PolicyVersionMeta>> {
        let sql = format!("SELECT {} FROM policy_versions ORDER BY version", policies::POLICY_META_COLS);
        self.pools.all(&sql, Vec::new()).await?.iter().map(policies::meta).collect()
    }

    async fn policy_version(&self, version: i64) -> Result<Option<PolicyVersion>> {
        let sql = format!("SELECT {} FROM policy_versions WHERE version = $1", policies::POLICY_COLS);
        self.pools.opt(&sql, params![version]).await?.map(|r| policies::policy(&r)).transpose()
    }

    async fn latest_policy(&self) -> Result<Option<PolicyVersion>> {
        let sql = format!("SELECT {} FROM policy_versions ORDER BY version DESC LIMIT 1", policies::POLICY_COLS);
        self.pools.opt(&sql, Vec::new()).await?.map(|r| policies::policy(&r)).transpose()
    }

    async fn append_audit(&self, a: NewAudit) -> Result<AuditRow> {
        let rows = in_write!(self, |tx, k| audit::append(tx, k, vec![audit::Entry::plain(a)], Vec::new()))?;
        rows.into_iter().next().ok_or_else(|| StoreError::Corrupt("audit entry was not appended".into()))
    }

    async fn audit_after(&self, after: i64, limit: i64) -> Result<Vec<AuditRow>> {
        let sql = format!("SELECT {} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", audit::AUDIT_COLS);
        self.pools.all(&sql, params![after, limit.max(0)]).await?.iter().map(audit::audit_row).collect()
    }

    async fn chain_heads(&self) -> Result<Vec<Checkpoint>> {
        let now = crate::now_ms();
        in_read!(self, |tx, _k| async move {
            let mut out = Vec::new();
            for chain in [Chain::Consents, Chain::Audit] {
                let (seq, hash) = heads::read(tx, chain).await?;
                out.push(Checkpoint { chain: chain.as_str().into(), seq, hash, at_ms: now });
            }
            Ok::<_, StoreError>(out)
        })
    }

    async fn verify(&self, anchor: Option<&[Checkpoint]>) -> Result<VerifyReport> {
        in_read!(self, |tx, k| verify::verify(tx, k, anchor))
    }

    async fn create_request(
        &self,
        request: RightsRequest,
        event: NewRequestEvent,
        audit: NewAudit,
        outbox: Vec<NewOutbox>,
    ) -> Result<RightsRequest> {
        in_write!(self, |tx, k| requests::create(tx, k, request, event, audit, outbox))
    }

    async fn commit_request(&self, change: RequestChange) -> Result<Committed> {
        let erases = matches!(change.subject, Some(SubjectEffect::Erase { .. } | SubjectEffect::EraseFields { .. }));
        let done = in_write!(self, |tx, k| requests::commit(tx, k, change))?;
        if erases {
            self.pools.scrub().await;
        }
        Ok(done)
    }

    async fn request(&self, id: &str) -> Result<Option<RightsRequest>> {
        in_read!(self, |tx, k| requests::get(tx, k, id))
    }

    async fn list_requests(&self, filter: &RequestFilter) -> Result<Vec<RightsRequest>> {
        in_read!(self, |tx, k| requests::list(tx, k, filter))
    }

    async fn list_request_records(&self, filter: &RequestFilter) -> Result<Vec<RequestRecord>> {
        in_read!(self, |tx, k| async move {
            let list = requests::list(tx, k, filter).await?;
            let ids: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
            let mut events = requests::events_of(tx, &ids).await?;
            let mut items = outbox::of_requests(tx, k, &ids).await?;
            Ok::<_, StoreError>(
                list.into_iter()
                    .map(|request| RequestRecord {
                        events: events.remove(&request.id).unwrap_or_default(),
                        outbox: items.remove(&request.id).unwrap_or_default(),
                        request,
                    })
                    .collect::<Vec<_>>(),
            )
        })
    }

    async fn count_requests(&self, subject: &str, kind: RequestKind, since_ms: i64) -> Result<i64> {
        in_read!(self, |tx, _k| requests::count(tx, subject, kind, since_ms))
    }

    async fn request_events(&self, id: &str) -> Result<Vec<RequestEventRow>> {
        in_read!(self, |tx, _k| async move {
            Ok::<_, StoreError>(requests::events_of(tx, &[id]).await?.remove(id).unwrap_or_default())
        })
    }

    async fn enqueue_outbox(&self, items: Vec<NewOutbox>, audit: Vec<NewAudit>) -> Result<Vec<String>> {
        in_write!(self, |tx, k| outbox::enqueue(tx, k, items, audit))
    }

    async fn claim_outbox(&self, now_ms: i64, lease_ms: i64, limit: i64) -> Result<Vec<OutboxItem>> {
        in_write!(self, |tx, k| outbox::claim(tx, k, now_ms, lease_ms, limit))
    }

    async fn record_outbox(
        &self,
        id: &str,
        claim: &str,
        at_ms: i64,
        outcome: Outcome,
        audit: Option<NewAudit>,
    ) -> Result<OutboxItem> {
        in_write!(self, |tx, k| outbox::record(tx, k, id, claim, at_ms, outcome, audit))
    }

    async fn acknowledge_outbox(
        &self,
        id: &str,
        ack: serde_json::Value,
        audit: NewAudit,
    ) -> Result<Option<OutboxItem>> {
        in_write!(self, |tx, k| outbox::acknowledge(tx, k, id, ack, audit))
    }

    async fn outbox_item(&self, id: &str) -> Result<Option<OutboxItem>> {
        in_read!(self, |tx, k| outbox::get(tx, k, id))
    }

    async fn outbox_of_request(&self, request_id: &str) -> Result<Vec<OutboxItem>> {
        in_read!(self, |tx, k| async move {
            Ok::<_, StoreError>(outbox::of_requests(tx, k, &[request_id]).await?.remove(request_id).unwrap_or_default())
        })
    }

    async fn outbox_with_dedupe_prefix(&self, prefix: &str, limit: i64) -> Result<Vec<(String, OutboxItem)>> {
        in_read!(self, |tx, k| outbox::with_dedupe_prefix(tx, k, prefix, limit))
    }

    async fn create_staff(&self, s: crate::staff::NewStaff, audit: NewAudit) -> Result<crate::staff::StaffAccount> {
        in_write!(self, |tx, k| staff::create(tx, k, s, audit))
    }

    async fn staff_accounts(&self) -> Result<Vec<crate::staff::StaffAccount>> {
        in_read!(self, |tx, _k| staff::all(tx))
    }

    async fn staff_credentials(&self, name: &str) -> Result<Option<crate::staff::StaffCredentials>> {
        in_read!(self, |tx, k| staff::credentials(tx, k, name))
    }

    async fn reset_staff(
        &self,
        name: &str,
        password_hash: String,
        totp_secret: crate::staff::TotpSecret,
        audit: NewAudit,
    ) -> Result<Option<crate::staff::StaffAccount>> {
        in_write!(self, |tx, k| staff::reset(tx, k, name, password_hash, totp_secret, audit))
    }

    async fn disable_staff(&self, name: &str, audit: NewAudit) -> Result<bool> {
        in_write!(self, |tx, k| staff::disable(tx, k, name, audit))
    }

    async fn staff_signed_in(&self, name: &str, step: i64, audit: NewAudit) -> Result<bool> {
        in_write!(self, |tx, k| staff::signed_in(tx, k, name, step, audit))
    }

    async fn create_incident(
        &self,
        incident: crate::incident::Incident,
        event: crate::incident::IncidentEvent,
        audit: NewAudit,
    ) -> Result<()> {
        in_write!(self, |tx, k| incidents::create(tx, k, incident, event, audit))
    }

    async fn change_incident(
        &self,
        from: i64,
        incident: crate::incident::Incident,
        event: crate::incident::IncidentEvent,
        audit: NewAudit,
    ) -> Result<bool> {
        in_write!(self, |tx, k| incidents::change(tx, k, from, incident, event, audit))
    }

    async fn incident(
        &self,
        id: &str,
    ) -> Result<Option<(crate::incident::Incident, Vec<crate::incident::IncidentEvent>)>> {
        in_read!(self, |tx, _k| incidents::get(tx, id))
    }

    async fn incidents(&self, open: bool, limit: i64) -> Result<Vec<crate::incident::Incident>> {
        in_read!(self, |tx, _k| incidents::list(tx, open, limit))
    }

    async fn announce_termination(&self, t: crate::termination::Termination, audit: NewAudit) -> Result<()> {
        in_write!(self, |tx, k| terminations::announce(tx, k, t, audit))
    }

    async fn change_termination(&self, from: i64, t: crate::termination::Termination, audit: NewAudit) -> Result<bool> {
        in_write!(self, |tx, k| terminations::change(tx, k, from, t, audit))
    }

    async fn termination(&self) -> Result<Option<crate::termination::Termination>> {
        in_read!(self, |tx, _k| terminations::current(tx))
    }

    async fn subjects_after(&self, after: &str, limit: i64) -> Result<Vec<Subject>> {
        in_read!(self, |tx, k| subjects::page(tx, k, after, limit))
    }

    async fn subject_ids_after(&self, after: &str, limit: i64) -> Result<Vec<String>> {
        in_read!(self, |tx, _k| terminations::subject_ids(tx, after, limit))
    }

    async fn count_abroad(&self, year: i32, seen: Vec<(crate::crypto::SubjectKey, bool)>, at_ms: i64) -> Result<u64> {
        in_write!(self, |tx, _k| async {
            let new = abroad::count(tx, year, &seen, at_ms).await?;
            abroad::prune(tx, year).await?;
            Ok::<_, StoreError>(new)
        })
    }

    async fn report_abroad(&self, report: crate::abroad::AbroadReport, audit: NewAudit) -> Result<()> {
        in_write!(self, |tx, k| abroad::report(tx, k, &report, audit))
    }

    async fn abroad(&self, year: i32) -> Result<(crate::abroad::AbroadTotals, Vec<crate::abroad::AbroadReport>)> {
        in_read!(self, |tx, _k| abroad::totals(tx, year))
    }

    async fn record_provisions(
        &self,
        rows: Vec<crate::provision::ProvisionRecord>,
        keep_from: chrono::NaiveDate,
        at_ms: i64,
    ) -> Result<()> {
        in_write!(self, |tx, _k| provisions::add(tx, rows, keep_from, at_ms))
    }

    async fn provisions(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<crate::provision::ProvisionRecord>> {
        in_read!(self, |tx, _k| provisions::list(tx, from, to))
    }

    async fn record_pia(&self, p: crate::pia::PiaRecord, audit: NewAudit) -> Result<crate::pia::PiaRecord> {
        in_write!(self, |tx, k| pia::append(tx, k, p, audit))
    }

    async fn pia_records(&self, id: Option<&str>) -> Result<Vec<crate::pia::PiaRecord>> {
        in_read!(self, |tx, _k| pia::list(tx, id))
    }

    async fn staff_signed_out(&self, name: &str, audit: NewAudit) -> Result<bool> {
        in_write!(self, |tx, k| staff::signed_out(tx, k, name, audit))
    }

    async fn staff_sign_in_failed(&self, name: &str, audit: NewAudit) -> Result<bool> {
        in_write!(self, |tx, k| staff::sign_in_failed(tx, k, name, audit))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)] // tests fail by panicking
    use super::*;

    /// A bulk import's writer keeps more pages and checkpoints less often than a server's;
    /// the readers are the same for both.
    #[tokio::test]
    async fn a_bulk_writer_is_tuned_apart_from_a_servers() {
        let dir = tempfile::tempdir().unwrap();
        for (tuning, cache, checkpoint) in [(Tuning::Serve, -65_536, 10_000), (Tuning::Bulk, -1_048_576, 100_000)] {
            let file = dir.path().join(format!("{tuning:?}.db"));
            let store =
                SqlStore::open_tuned(file.to_str().unwrap(), Keys::from_master(&[1; 32]), tuning).await.unwrap();
            let Pools::Sqlite { writer, reader, .. } = &store.pools else { panic!("a file is SQLite") };
            let pragma = |sql: &'static str, pool: &sqlx::SqlitePool| {
                let pool = pool.clone();
                async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
            };
            assert_eq!(pragma("PRAGMA cache_size", writer).await, cache, "{tuning:?}");
            assert_eq!(pragma("PRAGMA wal_autocheckpoint", writer).await, checkpoint, "{tuning:?}");
            assert_eq!(pragma("PRAGMA cache_size", reader).await, -2_000, "{tuning:?}: SQLite's default");
        }
    }

    /// Every PostgreSQL connection of the store runs with JIT off, for a server and an import.
    #[tokio::test]
    async fn postgres_connections_do_not_compile_statements() {
        let Some(db) = gebao_testkit::TestDb::create(gebao_testkit::DbKind::Postgres, "gebao_jit").await else {
            return;
        };
        for tuning in [Tuning::Serve, Tuning::Bulk] {
            let store = SqlStore::open_tuned(&db.url, Keys::from_master(&[1; 32]), tuning).await.unwrap();
            let Pools::Postgres { pool, .. } = &store.pools else { panic!("a postgres:// URL is PostgreSQL") };
            let jit: String = sqlx::query_scalar("SHOW jit").fetch_one(pool).await.unwrap();
            assert_eq!(jit, "off", "{tuning:?}");
            store.pools.close().await;
        }
        db.drop_now().await;
    }
}
