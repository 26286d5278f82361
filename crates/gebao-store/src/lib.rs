//! gebao's system of record. One [`Store`] trait, two engines: SQLite (the embedded
//! default, a file in the data directory) and PostgreSQL (several `gebao serve` instances
//! sharing one database). SQL stays in this crate; every store test runs on both engines.
//!
//! What is stored:
//! - the **consent ledger**: append-only, every grant and withdrawal, hash-chained;
//! - the **audit log** of every write and administrative action, hash-chained too;
//! - **subjects** (the operator's users) with contact points encrypted at rest and a keyed
//!   blind index to look them up;
//! - **API keys**, as SHA-256 hashes of high-entropy random tokens, with scopes;
//! - **policy versions**: the manifest, its rendered texts and the diff to the previous one.
#![forbid(unsafe_code)]

pub mod chain;
mod codec;
pub mod crypto;
mod error;
mod migrations;
pub mod model;
pub mod outbox;
pub mod postgres;
mod reqcodec;
pub mod request;
pub mod sqlite;

pub use error::StoreError;
pub use model::*;
pub use outbox::{Channel, NewOutbox, OutboxItem, OutboxKind, OutboxState, Outcome};
pub use request::*;

use async_trait::async_trait;

pub type Result<T> = std::result::Result<T, StoreError>;

/// The storage interface used by the server and the CLI. Every method that writes takes
/// the audit entry that describes it and commits both in one transaction.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Which engine this is, for logs and `/readyz`.
    fn engine(&self) -> Engine;

    /// Applies pending migrations (versioned, per engine). Safe to run from several
    /// instances at once.
    async fn migrate(&self) -> Result<()>;

    /// Cheap liveness probe of the database.
    async fn ping(&self) -> Result<()>;

    // --- API keys ---------------------------------------------------------------------

    async fn create_api_key(&self, key: NewApiKey, audit: NewAudit) -> Result<ApiKey>;
    async fn api_keys(&self) -> Result<Vec<ApiKey>>;
    /// The active (not revoked) key whose secret hashes to `hash`.
    async fn api_key_by_hash(&self, hash: &[u8; 32]) -> Result<Option<ApiKey>>;
    /// Revokes a key; `false` when there is no such active key.
    async fn revoke_api_key(&self, id: &str, audit: NewAudit) -> Result<bool>;

    // --- subjects ---------------------------------------------------------------------

    /// Registers a subject or updates its profile; fails with `Conflict` on nothing, it is
    /// an upsert keyed by the operator's user id.
    async fn put_subject(&self, subject: NewSubject, audit: NewAudit) -> Result<Subject>;
    async fn subject(&self, id: &str) -> Result<Option<Subject>>;
    /// Finds subjects by the blind index of a contact point.
    async fn subjects_by_index(&self, index: &[u8; 32]) -> Result<Vec<Subject>>;
    async fn set_subject_status(
        &self,
        id: &str,
        status: gebao_core::decision::SubjectStatus,
        audit: NewAudit,
    ) -> Result<Option<Subject>>;
    /// Every subject with its consent ledger, in ledger order: how a starting instance fills
    /// its memory.
    async fn load_all(&self) -> Result<Vec<(Subject, Vec<ConsentRow>)>>;

    // --- consent ledger ---------------------------------------------------------------

    /// Appends a batch of consent records in one transaction, extending the hash chain,
    /// with one audit entry per record. Either every record is stored or none is.
    async fn append_consents(&self, batch: Vec<NewConsent>) -> Result<Vec<ConsentRow>>;
    /// Ledger records with `seq > after`, oldest first, at most `limit` (how instances that
    /// share a database learn each other's writes).
    async fn consents_after(&self, after: i64, limit: i64) -> Result<Vec<ConsentRow>>;
    /// One subject's ledger, oldest first.
    async fn consents_of(&self, subject: &str) -> Result<Vec<ConsentRow>>;
    /// Waits until another instance may have appended consents, or until `timeout` has
    /// passed; `true` when woken by such a signal (PostgreSQL: `NOTIFY gebao_consents`).
    /// Callers then read [`Store::consents_after`], and poll it anyway, since a signal can
    /// be missed while a connection is re-established. The default (SQLite, where one
    /// process owns the file) only sleeps.
    async fn wait_for_consents(&self, timeout: std::time::Duration) -> Result<bool> {
        tokio::time::sleep(timeout).await;
        Ok(false)
    }

    // --- policy versions --------------------------------------------------------------

    /// Stores a new policy version; its number is the previous one plus one.
    async fn publish_policy(&self, v: NewPolicyVersion, audit: NewAudit) -> Result<PolicyVersion>;
    /// Every version, newest last, without the large texts.
    async fn policy_versions(&self) -> Result<Vec<PolicyVersionMeta>>;
    async fn policy_version(&self, version: i64) -> Result<Option<PolicyVersion>>;
    async fn latest_policy(&self) -> Result<Option<PolicyVersion>>;

    // --- audit log --------------------------------------------------------------------

    async fn append_audit(&self, audit: NewAudit) -> Result<AuditRow>;
    async fn audit_after(&self, after: i64, limit: i64) -> Result<Vec<AuditRow>>;

    /// Re-computes both hash chains and reports the first broken record of each.
    async fn verify(&self) -> Result<chain::VerifyReport>;

    // --- rights requests (PIPL 44–50) -------------------------------------------------

    /// Stores a new request with its first event, the outbox items it owes and its audit
    /// entry, in one transaction; `Conflict` when the id exists.
    async fn create_request(
        &self,
        request: RightsRequest,
        event: NewRequestEvent,
        audit: NewAudit,
        outbox: Vec<NewOutbox>,
    ) -> Result<RightsRequest>;
    /// Writes a changed request if the stored one still has `request.version` (then stored
    /// with `version + 1`), with its event, outbox items and audit entry in one
    /// transaction. `Conflict` when someone else changed it first, `NotFound` when absent.
    async fn update_request(
        &self,
        request: RightsRequest,
        event: NewRequestEvent,
        audit: NewAudit,
        outbox: Vec<NewOutbox>,
    ) -> Result<RightsRequest>;
    async fn request(&self, id: &str) -> Result<Option<RightsRequest>>;
    /// Requests matching `filter`, by due time then id.
    async fn list_requests(&self, filter: &RequestFilter) -> Result<Vec<RightsRequest>>;
    /// Requests of `kind` by `subject` received since `since_ms` (RGT-06: repeats).
    async fn count_requests(
        &self,
        subject: &str,
        kind: gebao_core::requests::RequestKind,
        since_ms: i64,
    ) -> Result<i64>;
    /// Every event of a request, oldest first.
    async fn request_events(&self, id: &str) -> Result<Vec<RequestEventRow>>;
    /// PIPL 47 after account cancellation: clears gebao's own record of the subject
    /// (contact points, birth date, age, guardian; status `cancelled`), replaces the subject
    /// in its requests and their events by `pseudonym` and drops their details and delivered
    /// payloads. The consent ledger and audit log stay: they are the proof the law requires.
    async fn erase_subject(&self, id: &str, pseudonym: &str, audit: NewAudit) -> Result<Option<Subject>>;

    // --- outbox ---------------------------------------------------------------------------

    /// Enqueues items outside a request change (deadline notices); items whose `dedupe`
    /// key exists are skipped, and the audit entries are written only if one was new.
    /// Returns the ids enqueued.
    async fn enqueue_outbox(&self, items: Vec<NewOutbox>, audit: Vec<NewAudit>) -> Result<Vec<String>>;
    /// Claims up to `limit` pending items due at `now_ms` for `lease_ms`: no other claim
    /// gets them meanwhile (PostgreSQL: `FOR UPDATE SKIP LOCKED`). Each claim counts as an
    /// attempt.
    async fn claim_outbox(&self, now_ms: i64, lease_ms: i64, limit: i64) -> Result<Vec<OutboxItem>>;
    /// Records the outcome of an attempt; only the claim's holder may (`Conflict`
    /// otherwise). A failure past `max_attempts`, or with no retry time, is final.
    async fn record_outbox(
        &self,
        id: &str,
        claim: &str,
        at_ms: i64,
        outcome: Outcome,
        audit: Option<NewAudit>,
    ) -> Result<OutboxItem>;
    /// Records that the target confirmed it acted (a recipient deleted the data); a manual
    /// item is then delivered. `None` when there is no delivered or manual item `id`.
    async fn acknowledge_outbox(&self, id: &str, ack: serde_json::Value, audit: NewAudit)
    -> Result<Option<OutboxItem>>;
    async fn outbox_item(&self, id: &str) -> Result<Option<OutboxItem>>;
    /// The items of a request, oldest first.
    async fn outbox_of_request(&self, request_id: &str) -> Result<Vec<OutboxItem>>;
}

/// Opens the store for a URL: `sqlite://PATH` (or a plain path) or `postgres://…`.
pub async fn open(url: &str, key: crypto::Keys) -> Result<Box<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(postgres::PgStore::connect(url, key).await?))
    } else {
        Ok(Box::new(sqlite::SqliteStore::open(url, key).await?))
    }
}
