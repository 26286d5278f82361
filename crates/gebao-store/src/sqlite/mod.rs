//! The embedded engine: one SQLite file in the data directory.
//!
//! Durability: WAL journal with `synchronous=FULL`, so a transaction is on disk when its
//! commit returns and an acknowledged write survives a crash or power loss. Throughput
//! comes from batching (one transaction, one fsync, for a whole batch of consents), not
//! from weaker syncing.
//!
//! Concurrency: all writes go through a pool of exactly one connection and start with
//! `BEGIN IMMEDIATE`, so writers queue in-process instead of failing with `SQLITE_BUSY`, and
//! another process writing the same file (the CLI next to a running server) waits up to
//! the busy timeout. Reads use a separate pool and, thanks to WAL, never wait for writes.

mod outbox;
mod read;
mod requests;
mod write;

use crate::crypto::Keys;
use crate::model::*;
use crate::outbox::{NewOutbox, OutboxItem, Outcome};
use crate::request::*;
use crate::{Result, Store, chain};
use async_trait::async_trait;
use gebao_core::decision::SubjectStatus;
use gebao_core::requests::RequestKind;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// How long a write waits for another process holding the write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Readers: enough for concurrent requests on a small machine; SQLite reads are cheap.
const READERS: u32 = 4;

/// The SQLite store.
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    keys: Keys,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url`: `sqlite://PATH`, `sqlite:PATH` or
    /// a plain file path. Does not migrate: call [`Store::migrate`].
    pub async fn open(url: &str, keys: Keys) -> Result<Self> {
        let opts = if url.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url)?
        } else {
            SqliteConnectOptions::new().filename(url)
        };
        let opts = opts
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        if let Some(dir) = opts.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                crate::StoreError::Database(sqlx::Error::Configuration(
                    format!("cannot create the data directory {}: {e}", dir.display()).into(),
                ))
            })?;
        }
        // The writer connects first: it creates the file and switches it to WAL before
        // any reader opens it.
        let writer = SqlitePoolOptions::new().max_connections(1).min_connections(1).connect_with(opts.clone()).await?;
        let reader = SqlitePoolOptions::new().max_connections(READERS).connect_with(opts).await?;
        Ok(SqliteStore { writer, reader, keys })
    }

    /// The keys this store encrypts and indexes contact points with.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn engine(&self) -> Engine {
        Engine::Sqlite
    }

    async fn migrate(&self) -> Result<()> {
        crate::migrations::SQLITE.migrator().await?.run(&self.writer).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn create_api_key(&self, key: NewApiKey, audit: NewAudit) -> Result<ApiKey> {
        write::create_api_key(self, key, audit).await
    }

    async fn api_keys(&self) -> Result<Vec<ApiKey>> {
        read::api_keys(self).await
    }

    async fn api_key_by_hash(&self, hash: &[u8; 32]) -> Result<Option<ApiKey>> {
        read::api_key_by_hash(self, hash).await
    }

    async fn revoke_api_key(&self, id: &str, audit: NewAudit) -> Result<bool> {
        write::revoke_api_key(self, id, audit).await
    }

    async fn put_subject(&self, subject: NewSubject, audit: NewAudit) -> Result<Subject> {
        write::put_subject(self, subject, audit).await
    }

    async fn subject(&self, id: &str) -> Result<Option<Subject>> {
        read::subject(&self.reader, &self.keys, id).await
    }

    async fn subjects_by_index(&self, index: &[u8; 32]) -> Result<Vec<Subject>> {
        read::subjects_by_index(self, index).await
    }

    async fn set_subject_status(&self, id: &str, status: SubjectStatus, audit: NewAudit) -> Result<Option<Subject>> {
        write::set_subject_status(self, id, status, audit).await
    }

    async fn load_all(&self) -> Result<Vec<(Subject, Vec<ConsentRow>)>> {
        read::load_all(self).await
    }

    async fn append_consents(&self, batch: Vec<NewConsent>) -> Result<Vec<ConsentRow>> {
        write::append_consents(self, batch).await
    }

    async fn consents_after(&self, after: i64, limit: i64) -> Result<Vec<ConsentRow>> {
        read::consents_after(self, after, limit).await
    }

    async fn consents_of(&self, subject: &str) -> Result<Vec<ConsentRow>> {
        read::consents_of(self, subject).await
    }

    async fn publish_policy(&self, v: NewPolicyVersion, audit: NewAudit) -> Result<PolicyVersion> {
        write::publish_policy(self, v, audit).await
    }

    async fn policy_versions(&self) -> Result<Vec<PolicyVersionMeta>> {
        read::policy_versions(self).await
    }

    async fn policy_version(&self, version: i64) -> Result<Option<PolicyVersion>> {
        read::policy_version(self, Some(version)).await
    }

    async fn latest_policy(&self) -> Result<Option<PolicyVersion>> {
        read::policy_version(self, None).await
    }

    async fn append_audit(&self, audit: NewAudit) -> Result<AuditRow> {
        write::append_audit(self, audit).await
    }

    async fn audit_after(&self, after: i64, limit: i64) -> Result<Vec<AuditRow>> {
        read::audit_after(self, after, limit).await
    }

    async fn verify(&self) -> Result<chain::VerifyReport> {
        read::verify(self).await
    }

    async fn create_request(
        &self,
        request: RightsRequest,
        event: NewRequestEvent,
        audit: NewAudit,
        outbox: Vec<NewOutbox>,
    ) -> Result<RightsRequest> {
        requests::create_request(self, request, event, audit, outbox).await
    }

    async fn update_request(
        &self,
        request: RightsRequest,
        event: NewRequestEvent,
        audit: NewAudit,
        outbox: Vec<NewOutbox>,
    ) -> Result<RightsRequest> {
        requests::update_request(self, request, event, audit, outbox).await
    }

    async fn request(&self, id: &str) -> Result<Option<RightsRequest>> {
        requests::request(self, id).await
    }

    async fn list_requests(&self, filter: &RequestFilter) -> Result<Vec<RightsRequest>> {
        requests::list_requests(self, filter).await
    }

    async fn count_requests(&self, subject: &str, kind: RequestKind, since_ms: i64) -> Result<i64> {
        requests::count_requests(self, subject, kind, since_ms).await
    }

    async fn request_events(&self, id: &str) -> Result<Vec<RequestEventRow>> {
        requests::request_events(self, id).await
    }

    async fn erase_subject(&self, id: &str, pseudonym: &str, audit: NewAudit) -> Result<Option<Subject>> {
        requests::erase_subject(self, id, pseudonym, audit).await
    }

    async fn enqueue_outbox(&self, items: Vec<NewOutbox>, audit: Vec<NewAudit>) -> Result<Vec<String>> {
        outbox::enqueue(self, items, audit).await
    }

    async fn claim_outbox(&self, now_ms: i64, lease_ms: i64, limit: i64) -> Result<Vec<OutboxItem>> {
        outbox::claim(self, now_ms, lease_ms, limit).await
    }

    async fn record_outbox(
        &self,
        id: &str,
        claim: &str,
        at_ms: i64,
        outcome: Outcome,
        audit: Option<NewAudit>,
    ) -> Result<OutboxItem> {
        outbox::record(self, id, claim, at_ms, outcome, audit).await
    }

    async fn acknowledge_outbox(
        &self,
        id: &str,
        ack: serde_json::Value,
        audit: NewAudit,
    ) -> Result<Option<OutboxItem>> {
        outbox::acknowledge(self, id, ack, audit).await
    }

    async fn outbox_item(&self, id: &str) -> Result<Option<OutboxItem>> {
        outbox::item(self, id).await
    }

    async fn outbox_of_request(&self, request_id: &str) -> Result<Vec<OutboxItem>> {
        outbox::of_request(self, request_id).await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The durability settings are what the module promises, on the connection that writes.
    #[tokio::test]
    async fn plain_path_is_created_with_durable_settings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/gebao.db");
        let s = SqliteStore::open(path.to_str().unwrap(), Keys::from_master(&[1; 32])).await.unwrap();
        s.migrate().await.unwrap();
        assert!(path.exists());
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&s.writer).await.unwrap();
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&s.writer).await.unwrap();
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&s.writer).await.unwrap();
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout").fetch_one(&s.writer).await.unwrap();
        assert_eq!((mode.as_str(), sync, fk, busy), ("wal", 2, 1, 10_000));
        // Reopening an existing file and migrating again is a no-op.
        drop(s);
        let s = SqliteStore::open(&format!("sqlite://{}", path.display()), Keys::from_master(&[1; 32])).await.unwrap();
        s.migrate().await.unwrap();
        assert!(!s.wait_for_consents(Duration::from_millis(1)).await.unwrap());
    }
}
