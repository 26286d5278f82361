//! gebao's system of record. One [`Store`] trait, implemented once ([`SqlStore`]) over two
//! engines: SQLite (the embedded default, a file in the data directory) and PostgreSQL
//! (several `gebao serve` instances sharing one database). Every query is written once
//! (`engine/`); the few places where the engines differ are in `engine/db.rs`. Every store
//! test runs on both engines.
//!
//! What is stored:
//! - the **consent ledger**: append-only, every grant and withdrawal, HMAC-chained;
//! - the **audit log** of every write and administrative action, HMAC-chained too, with a
//!   digest of every API key, subject and policy version row it changes;
//! - **subjects** (the operator's users) with contact points encrypted at rest and a keyed
//!   blind index to look them up; the ledger and the audit log name them by a keyed
//!   pseudonym only, so an erased subject leaves no id behind;
//! - **API keys**, as SHA-256 hashes of high-entropy random tokens, with scopes;
//! - **policy versions**: the manifest, its rendered texts and the diff to the previous one;
//! - rights requests, their events and the **outbox**, and a **change feed** that tells
//!   instances sharing the database what to re-read.
#![forbid(unsafe_code)]

pub mod abroad;
pub mod anchor;
pub mod chain;
pub mod crypto;
mod engine;
mod error;
pub mod incident;
mod migrations;
pub mod model;
pub mod outbox;
pub mod pia;
pub mod portal;
pub mod provision;
pub mod request;
pub mod staff;
pub mod termination;

pub use engine::{SqlStore, Tuning, sqlite_file};
pub use error::StoreError;
pub use model::*;
pub use outbox::{Channel, NewOutbox, OutboxItem, OutboxKind, OutboxState, Outcome};
pub use request::*;

use async_trait::async_trait;
use crypto::SubjectKey;
use gebao_core::decision::SubjectStatus;
use gebao_core::requests::RequestKind;

pub type Result<T> = std::result::Result<T, StoreError>;

/// Now, in Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The storage interface used by the server and the CLI. Every method that writes takes
/// the audit entry that describes it and commits both in one transaction.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Which engine this is, for logs.
    fn engine(&self) -> Engine;

    /// Applies pending migrations (versioned, per engine). Safe to run from several
    /// instances at once.
    async fn migrate(&self) -> Result<()>;

    /// Cheap liveness probe of the database.
    async fn ping(&self) -> Result<()>;

    /// Closes every connection, waiting for each. On SQLite the last one to close copies the
    /// write-ahead log back into the database file and removes it, so that a process that
    /// wrote a lot (an import, a server that ran for days) leaves one file behind, not a
    /// log of hundreds of megabytes for the next process to read through and copy back.
    async fn close(&self);

    // --- API keys ---------------------------------------------------------------------

    async fn create_api_key(&self, key: NewApiKey, audit: NewAudit) -> Result<ApiKey>;
    async fn api_keys(&self) -> Result<Vec<ApiKey>>;
    /// The active (not revoked) key whose secret hashes to `hash`; `Tampered` when its row
    /// no longer matches its audit record.
    async fn api_key_by_hash(&self, hash: &[u8; 32]) -> Result<Option<ApiKey>>;
    /// Revokes a key; `false` when there is no such active key.
    async fn revoke_api_key(&self, id: &str, audit: NewAudit) -> Result<bool>;

    // --- subjects ---------------------------------------------------------------------

    /// Registers a subject or updates its profile (an upsert keyed by the operator's user
    /// id). An id whose record was erased starts a new, empty registration. The audit
    /// entry's target is set to the registration's pseudonym.
    async fn put_subject(&self, subject: NewSubject, audit: NewAudit) -> Result<Subject>;
    /// Registers or updates many subjects in one transaction (a bulk import), each with its
    /// audit entry; either all are stored or none.
    async fn put_subjects(&self, batch: Vec<(NewSubject, NewAudit)>) -> Result<usize>;
    /// A registered subject.
    async fn subject(&self, id: &str) -> Result<Option<Subject>>;
    /// What the store knows of an id: registered, erased (a tombstone), or nothing.
    async fn subject_record(&self, id: &str) -> Result<Option<SubjectRecord>>;
    /// The same by key (instances following the change feed).
    async fn subject_by_key(&self, key: &SubjectKey) -> Result<Option<SubjectRecord>>;
    /// The same for many keys at once; keys the store knows nothing of are left out.
    async fn subjects_by_keys(&self, keys: &[SubjectKey]) -> Result<Vec<(SubjectKey, SubjectRecord)>>;
    /// Finds subjects by the blind index of a contact point.
    async fn subjects_by_index(&self, index: &[u8; 32]) -> Result<Vec<Subject>>;
    /// The subjects whose registered guardian is `guardian` (an operator's user id), by id.
    async fn wards_of(&self, guardian: &str) -> Result<Vec<Subject>>;
    /// Sets a subject's status to active or restricted (a cancelled account is erased
    /// instead: [`Store::erase_subject`]).
    async fn set_subject_status(&self, id: &str, status: SubjectStatus, audit: NewAudit) -> Result<Option<Subject>>;
    /// PIPL 47 after account cancellation: erases gebao's own record of the subject (see
    /// `engine/subjects.rs`); `None` when it is not registered.
    async fn erase_subject(&self, id: &str, audit: NewAudit) -> Result<Option<SubjectOutcome>>;
    /// Keeps a privacy-centre sign-in link (its token's keyed hash) for the subject `key`
    /// until `expires_ms`, audited in the same transaction; links that expired a day ago
    /// are dropped on the way.
    async fn create_portal_link(
        &self,
        token_hash: &[u8; 32],
        key: &SubjectKey,
        expires_ms: i64,
        audit: NewAudit,
    ) -> Result<()>;
    /// Uses a sign-in link: the subject it was minted for, once, while it has not expired;
    /// `None` for an unknown, used or expired link (and for every later try). The sign-in
    /// is audited (`audit`, target set to the subject's pseudonym) in the same transaction.
    async fn take_portal_link(&self, token_hash: &[u8; 32], now_ms: i64, audit: NewAudit)
    -> Result<Option<SubjectKey>>;
    /// Keeps a privacy-centre sign-in code unless `limits` are reached for its contact
    /// point or client address; with its message to the notifier (`outbox`) and its audit
    /// entry (target set to the subject's pseudonym) when the contact point is registered,
    /// in one transaction. Codes that expired a day ago are dropped on the way.
    async fn issue_portal_code(
        &self,
        code: portal::NewPortalCode,
        limits: portal::CodeLimits,
        outbox: Vec<NewOutbox>,
        audit: Option<NewAudit>,
    ) -> Result<portal::CodeIssued>;
    /// Tries a sign-in code: counts the try, and when `code_hash` is right, fewer than
    /// `max_attempts` tries were made, it has not expired and its subject is still
    /// registered and not cancelled, uses it up and writes `audit` (target set to the
    /// subject's pseudonym) in the same transaction.
    async fn check_portal_code(
        &self,
        challenge_hash: &[u8; 32],
        code_hash: &[u8; 32],
        max_attempts: u32,
        audit: NewAudit,
    ) -> Result<portal::CodeCheck>;
    /// Where the ledger and the change feed end now: `(ledger seq, change seq)`. A starting
    /// instance reads them before [`Store::load_page`] and follows the feed from them, so
    /// nothing written meanwhile is missed.
    async fn positions(&self) -> Result<(i64, i64)>;
    /// A page of registered subjects, by pseudonym after `after`, each with its ledger
    /// records up to `ledger_seq` (seq and what the engine needs of it), oldest first: how a
    /// starting instance fills its memory without holding the whole ledger at once.
    async fn load_page(&self, after: &str, limit: i64, ledger_seq: i64) -> Result<Vec<LoadedSubject>>;
    /// Tombstones of erased subjects, by key after `after`, at most `limit`.
    async fn tombstones_after(&self, after: &crypto::SubjectKey, limit: i64) -> Result<Vec<Tombstone>>;
    /// The hash of the ledger record `seq` and of the audit entry `audit_seq` (`None` when
    /// absent): a snapshot of memory is trusted only when both are as it recorded them.
    async fn chain_links(&self, seq: i64, audit_seq: i64) -> Result<(Option<String>, Option<String>)>;

    // --- consent ledger ---------------------------------------------------------------

    /// Appends a batch of consent records in one transaction, extending the chain, with one
    /// audit entry per record. Either every record is stored or none is.
    async fn append_consents(&self, batch: Vec<NewConsent>) -> Result<Vec<ConsentRow>>;
    /// Appends imported consent records (`gebao import`) in one transaction like
    /// [`Store::append_consents`], with one audit entry for the batch (`audit`, its detail
    /// completed with `first_seq`, `last_seq` and `records`) instead of one per record: the
    /// ledger holds each record with its actor and time, and an import is one act.
    async fn import_consents(&self, batch: Vec<NewConsent>, audit: NewAudit) -> Result<Vec<ConsentRow>>;
    /// Appends a website visitor's consent-banner choices in one transaction, like
    /// [`Store::append_consents`]: each record's `subject` is the visitor's random id, which
    /// the ledger holds only as its keyed `v_` pseudonym (never a registered subject).
    async fn append_visitor_consents(&self, batch: Vec<NewConsent>) -> Result<Vec<ConsentRow>>;
    /// Ledger records with `seq > after`, oldest first, at most `limit` (how instances that
    /// share a database learn each other's writes).
    async fn consents_after(&self, after: i64, limit: i64) -> Result<Vec<ConsentRow>>;
    /// A registered subject's ledger, oldest first.
    async fn consents_of(&self, subject: &str) -> Result<Vec<ConsentRow>>;
    /// The ledger's current state in figures: per scope and policy version, how many
    /// subjects' (and visitors') latest record is a grant or a withdrawal.
    async fn consent_figures(&self) -> Result<Vec<ConsentFigure>>;
    /// Grants and withdrawals recorded in `[since_ms, until_ms)`: `(grants, withdrawals)`.
    async fn consent_actions(&self, since_ms: i64, until_ms: i64) -> Result<(i64, i64)>;

    // --- change feed ------------------------------------------------------------------

    /// Changes with `seq > after`, oldest first, at most `limit`.
    async fn changes_after(&self, after: i64, limit: i64) -> Result<Vec<Change>>;
    /// The oldest change the feed still holds (0 when it holds none): a reader whose
    /// cursor is below it by more than one has missed changes that were pruned.
    async fn first_change(&self) -> Result<i64>;
    /// Deletes the changes recorded before `before_ms`, oldest first and only as a prefix
    /// of the feed (what is kept has no holes), always keeping the newest (numbering goes
    /// on from it); a few thousand a transaction. The number deleted.
    async fn prune_changes(&self, before_ms: i64) -> Result<u64>;
    /// Waits until another instance may have written (consents or changes), or until
    /// `timeout`; `true` when woken (PostgreSQL `NOTIFY`). Callers read
    /// [`Store::consents_after`] and [`Store::changes_after`], and poll them anyway.
    async fn wait_for_changes(&self, timeout: std::time::Duration) -> Result<bool>;

    // --- policy versions --------------------------------------------------------------

    /// Stores a new policy version; its number is the previous one plus one.
    async fn publish_policy(&self, v: NewPolicyVersion, audit: NewAudit) -> Result<PolicyVersion>;
    /// Stores `v` as version 1 unless a version exists (`None` then): instances starting
    /// together on an empty database publish it once.
    async fn publish_first_policy(&self, v: NewPolicyVersion, audit: NewAudit) -> Result<Option<PolicyVersion>>;
    /// Every version, newest last, without the large texts.
    async fn policy_versions(&self) -> Result<Vec<PolicyVersionMeta>>;
    async fn policy_version(&self, version: i64) -> Result<Option<PolicyVersion>>;
    async fn latest_policy(&self) -> Result<Option<PolicyVersion>>;

    // --- audit log --------------------------------------------------------------------

    async fn append_audit(&self, audit: NewAudit) -> Result<AuditRow>;
    async fn audit_after(&self, after: i64, limit: i64) -> Result<Vec<AuditRow>>;
    /// The current heads of both chains, for the external anchor.
    async fn chain_heads(&self) -> Result<Vec<anchor::Checkpoint>>;
    /// Re-computes both chains, checks the rows they cover and, when given, the anchor.
    async fn verify(&self, anchor: Option<&[anchor::Checkpoint]>) -> Result<chain::VerifyReport>;

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
    /// Writes a change of a request if the stored one still has `request.version` (then
    /// stored with `version + 1`), with its events, audit entries, outbox items and effects
    /// in one transaction. `Conflict` when someone else changed it first, `NotFound` when
    /// absent.
    async fn commit_request(&self, change: RequestChange) -> Result<Committed>;
    /// [`Store::commit_request`] with one event, one audit entry and outbox items.
    async fn update_request(
        &self,
        request: RightsRequest,
        event: NewRequestEvent,
        audit: NewAudit,
        outbox: Vec<NewOutbox>,
    ) -> Result<RightsRequest> {
        let mut change = RequestChange::new(request, event, audit);
        change.outbox = outbox;
        Ok(self.commit_request(change).await?.request)
    }
    async fn request(&self, id: &str) -> Result<Option<RightsRequest>>;
    /// Requests matching `filter`, by due time then id.
    async fn list_requests(&self, filter: &RequestFilter) -> Result<Vec<RightsRequest>>;
    /// The same with every request's events and messages, in three queries.
    async fn list_request_records(&self, filter: &RequestFilter) -> Result<Vec<RequestRecord>>;
    /// Requests of `kind` about `subject` received since `since_ms` (RGT-06: repeats).
    async fn count_requests(&self, subject: &str, kind: RequestKind, since_ms: i64) -> Result<i64>;
    /// Every event of a request, oldest first.
    async fn request_events(&self, id: &str) -> Result<Vec<RequestEventRow>>;

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
    /// The items whose dedupe key starts with `prefix` (e.g. an incident's notices), with
    /// their keys, oldest first.
    async fn outbox_with_dedupe_prefix(&self, prefix: &str, limit: i64) -> Result<Vec<(String, OutboxItem)>>;

    // --- console staff (`staff.rs`) ----------------------------------------------------

    /// Adds a staff account; `Conflict` when the name exists.
    async fn create_staff(&self, staff: staff::NewStaff, audit: NewAudit) -> Result<staff::StaffAccount>;
    /// Every staff account, by name.
    async fn staff_accounts(&self) -> Result<Vec<staff::StaffAccount>>;
    /// An account with its credentials, checked against its audit record (`Tampered` when
    /// its role, hash, secret or state was changed outside gebao).
    async fn staff_credentials(&self, name: &str) -> Result<Option<staff::StaffCredentials>>;
    /// New password and TOTP secret; the lock and the failures are cleared, sessions end.
    /// `None` when there is no such account.
    async fn reset_staff(
        &self,
        name: &str,
        password_hash: String,
        totp_secret: staff::TotpSecret,
        audit: NewAudit,
    ) -> Result<Option<staff::StaffAccount>>;
    /// Disables an account (its sessions end); `false` when there is no such enabled one.
    async fn disable_staff(&self, name: &str, audit: NewAudit) -> Result<bool>;
    /// A sign-in whose password and code were right: `false` (and nothing written) when the
    /// code's `step` was already used, otherwise the failures are cleared and `step`
    /// recorded, with the audit entry.
    async fn staff_signed_in(&self, name: &str, step: i64, audit: NewAudit) -> Result<bool>;
    /// A failed sign-in of an existing account, audited; at [`staff::MAX_FAILURES`] in a
    /// row the account is locked for [`staff::LOCK_MS`] (audited too). `true` when locked.
    async fn staff_sign_in_failed(&self, name: &str, audit: NewAudit) -> Result<bool>;
    /// Records a sign-out (audited): the member's sessions started before it end.
    async fn staff_signed_out(&self, name: &str, audit: NewAudit) -> Result<bool>;
    /// Records a new incident with its first event and audit entry.
    async fn create_incident(
        &self,
        incident: incident::Incident,
        event: incident::IncidentEvent,
        audit: NewAudit,
    ) -> Result<()>;
    /// Writes the incident's next version over version `from`, with its event and audit
    /// entry; `false` (nothing written) when it changed meanwhile.
    async fn change_incident(
        &self,
        from: i64,
        incident: incident::Incident,
        event: incident::IncidentEvent,
        audit: NewAudit,
    ) -> Result<bool>;
    /// An incident and its history.
    async fn incident(&self, id: &str) -> Result<Option<(incident::Incident, Vec<incident::IncidentEvent>)>>;
    /// Incidents, the most recently found first (only open ones when `open`).
    async fn incidents(&self, open: bool, limit: i64) -> Result<Vec<incident::Incident>>;
    /// Records the announcement of the service's end, audited and in the change feed;
    /// [`StoreError::Conflict`] when another end is in progress.
    async fn announce_termination(&self, t: termination::Termination, audit: NewAudit) -> Result<()>;
    /// Writes the end's next version over version `from`, audited and in the change feed;
    /// `false` (nothing written) when it changed meanwhile.
    async fn change_termination(&self, from: i64, t: termination::Termination, audit: NewAudit) -> Result<bool>;
    /// The end in progress or done, else the latest cancelled one; `None` when the service
    /// was never announced to end.
    async fn termination(&self) -> Result<Option<termination::Termination>>;
    /// Registered subjects after the id `after` (`""` for the first), in id order, at most
    /// `limit`: for telling every user.
    async fn subjects_after(&self, after: &str, limit: i64) -> Result<Vec<Subject>>;
    /// Registered subjects' ids after `after` (`""` for the first), in order, at most
    /// `limit`.
    async fn subject_ids_after(&self, after: &str, limit: i64) -> Result<Vec<String>>;
    /// Counts individuals whose personal information went abroad in `year` (each once per
    /// year and kind, across instances); how many were new. Forgets the individuals of the
    /// years before last (their totals stay).
    async fn count_abroad(&self, year: i32, seen: Vec<(crypto::SubjectKey, bool)>, at_ms: i64) -> Result<u64>;
    /// Records figures the operator reports for transfers abroad gebao did not decide.
    async fn report_abroad(&self, report: abroad::AbroadReport, audit: NewAudit) -> Result<()>;
    /// The year's counts and the operator's reports.
    async fn abroad(&self, year: i32) -> Result<(abroad::AbroadTotals, Vec<abroad::AbroadReport>)>;
    /// Adds a batch of provision counts to the records (the same day, recipient and purpose
    /// add up) and deletes the records from before `keep_from`.
    async fn record_provisions(
        &self,
        rows: Vec<provision::ProvisionRecord>,
        keep_from: chrono::NaiveDate,
        at_ms: i64,
    ) -> Result<()>;
    /// Appends an impact assessment as the next version of its id, audited with its digest;
    /// the stored record (its version set).
    async fn record_pia(&self, p: pia::PiaRecord, audit: NewAudit) -> Result<pia::PiaRecord>;
    /// Every version of the assessment `id`, or of all of them, by id and version.
    async fn pia_records(&self, id: Option<&str>) -> Result<Vec<pia::PiaRecord>>;
    /// The provision records of the days `from..=to`.
    async fn provisions(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<provision::ProvisionRecord>>;
}

/// Opens the store for a URL: `sqlite://PATH` (or a plain path) or `postgres://…`.
pub async fn open(url: &str, keys: crypto::Keys) -> Result<Box<dyn Store>> {
    open_with(url, keys, None).await
}

/// [`open`], with the records per partition of the ledger and the audit log on PostgreSQL
/// for the partitions this store creates (`None`: 10,000,000; see `docs/scale.md`).
pub async fn open_with(
    url: &str,
    keys: crypto::Keys,
    partition_rows: Option<std::num::NonZeroU32>,
) -> Result<Box<dyn Store>> {
    open_tuned(url, keys, partition_rows, Tuning::Serve).await
}

/// [`open_with`], for a server or for a bulk import ([`Tuning`]).
pub async fn open_tuned(
    url: &str,
    keys: crypto::Keys,
    partition_rows: Option<std::num::NonZeroU32>,
    tuning: Tuning,
) -> Result<Box<dyn Store>> {
    let store = SqlStore::open_tuned(url, keys, tuning).await?;
    Ok(Box::new(match partition_rows {
        Some(rows) => store.with_partition_rows(rows),
        None => store,
    }))
}
