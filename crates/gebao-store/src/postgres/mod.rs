//! The shared engine: PostgreSQL, for several `gebao serve` instances on one database.
//!
//! Instances coordinate only through the database:
//! - chain appends lock their chain's row in `chain_heads` (`SELECT … FOR UPDATE`) inside
//!   the writing transaction, so seqs are assigned without gaps and each record links to
//!   the one committed before it, whichever instance wrote that;
//! - every audited write takes the audit head lock, which also serialises policy version
//!   numbers;
//! - after appending consents, a transaction sends `NOTIFY gebao_consents` (payload: the
//!   last seq), delivered on commit, so other instances can catch up at once through
//!   [`Store::consents_after`] instead of waiting for their next poll;
//! - migrations run under `sqlx`'s advisory lock, so instances starting together are safe.
//!
//! Durability is PostgreSQL's: `synchronous_commit` (on by default) makes a commit durable
//! when it returns.

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
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// The channel on which appended consents are announced.
pub const CONSENTS_CHANNEL: &str = "gebao_consents";
const MAX_CONNECTIONS: u32 = 10;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The PostgreSQL store.
pub struct PgStore {
    pool: PgPool,
    keys: Keys,
    /// Lazily opened `LISTEN gebao_consents` connection for [`Store::wait_for_consents`].
    listener: tokio::sync::Mutex<Option<PgListener>>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://…`). Does not migrate: call [`Store::migrate`].
    pub async fn connect(url: &str, keys: Keys) -> Result<Self> {
        let opts = PgConnectOptions::from_str(url)?.application_name("gebao");
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(opts)
            .await?;
        Ok(PgStore { pool, keys, listener: tokio::sync::Mutex::new(None) })
    }

    /// The keys this store encrypts and indexes contact points with.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// Closes the pool (tests drop their database afterwards, which needs no open session).
    pub async fn close(&self) {
        *self.listener.lock().await = None;
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for PgStore {
    fn engine(&self) -> Engine {
        Engine::Postgres
    }

    async fn migrate(&self) -> Result<()> {
        crate::migrations::POSTGRES.migrator().await?.run(&self.pool).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
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
        read::subject(&self.pool, &self.keys, id).await
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

    async fn wait_for_consents(&self, timeout: Duration) -> Result<bool> {
        let mut guard = self.listener.lock().await;
        if guard.is_none() {
            let mut l = PgListener::connect_with(&self.pool).await?;
            l.listen(CONSENTS_CHANNEL).await?;
            *guard = Some(l);
        }
        let Some(l) = guard.as_mut() else { return Ok(false) };
        match tokio::time::timeout(timeout, l.recv()).await {
            Err(_) => Ok(false),
            Ok(Ok(_)) => Ok(true),
            Ok(Err(e)) => {
                // Reconnect on the next call; notifications missed meanwhile are covered
                // by the caller's polling of `consents_after`.
                *guard = None;
                Err(e.into())
            }
        }
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
