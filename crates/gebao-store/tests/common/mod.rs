//! Test kit: a fresh, migrated store per test on either engine (gebao-testkit's databases,
//! removed even when the test fails), raw SQL access to it, and builders of records.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use gebao_core::decision::{ConsentAction, ConsentScope};
use gebao_core::ids::PurposeId;
use gebao_core::requests::{RequestKind, RequestState};
use gebao_store::crypto::Keys;
use gebao_store::{
    NewAudit, NewConsent, NewPolicyVersion, NewRequestEvent, NewSubject, Requester, RequesterRole, RightsRequest,
    Store, Verification,
};
use serde_json::json;
use std::collections::BTreeSet;
use std::future::Future;

pub use gebao_testkit::{DbKind as Kind, Raw, TestDb};

pub const MASTER: [u8; 32] = [42; 32];

pub fn keys() -> Keys {
    Keys::from_master(&MASTER)
}

/// What a test gets: a migrated store, raw access to its database and its URL.
pub struct Env {
    pub kind: Kind,
    pub store: Box<dyn Store>,
    pub raw: Raw,
    pub url: String,
}

/// Runs `test` on a fresh, migrated database of `kind`; the database is removed afterwards,
/// also when the test panics (or the test is skipped when its server is unreachable
/// outside CI).
pub async fn run<F, Fut>(kind: Kind, test: F)
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(db) = TestDb::create(kind, "gebao_t").await else { return };
    let store = gebao_store::open(&db.url, keys()).await.unwrap();
    store.migrate().await.unwrap();
    test(Env { kind, store, raw: db.raw().await, url: db.url.clone() }).await;
}

// --- builders -----------------------------------------------------------------------------

pub const T0: i64 = 1_735_689_600_000; // 2025-01-01T00:00:00Z

/// An audit entry; `action` is a stored action name, or anything else for a note.
pub fn audit(action: &str, target: &str) -> NewAudit {
    NewAudit {
        actor: "cli:test".into(),
        action: action.parse().unwrap_or(gebao_store::AuditAction::Note),
        target: target.into(),
        reason: Some("test".into()),
        detail: serde_json::json!({"n": 1, "ratio": 0.3, "nested": {"b": [1, 2], "a": null}}),
        at_ms: T0,
    }
}

pub fn subject(id: &str) -> NewSubject {
    NewSubject { id: id.into(), at_ms: T0, ..Default::default() }
}

pub fn consent(subject: &str, purpose: &str, action: ConsentAction, at_ms: i64) -> NewConsent {
    NewConsent {
        subject: subject.into(),
        scope: ConsentScope::Purpose { purpose: PurposeId(purpose.into()) },
        action,
        policy_version: 1,
        channel: "app".into(),
        evidence: serde_json::json!({"ui": "v3", "shown": "隐私政策 v1", "ratio": 0.1}),
        by_guardian: false,
        actor: "api-key:k1".into(),
        at_ms,
    }
}

/// A bare policy version (no texts, no diff), effective 2025-01-01.
pub fn bare_policy() -> NewPolicyVersion {
    NewPolicyVersion {
        manifest: String::new(),
        effective: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        rendered: Default::default(),
        diff: serde_json::Value::Null,
        major: false,
        reconsent: vec![],
        published_ms: T0,
    }
}

/// `n` grants spread over `subjects` subjects (`s0`, `s1`, …), which must exist.
pub fn grants(n: usize, subjects: usize, at_ms: i64) -> Vec<NewConsent> {
    (0..n)
        .map(|i| consent(&format!("s{}", i % subjects), "recommend", ConsentAction::Grant, at_ms + i as i64))
        .collect()
}

/// Registers subjects `s0` … `s{n-1}`.
pub async fn register(store: &dyn Store, n: usize) {
    for i in 0..n {
        let id = format!("s{i}");
        store.put_subject(subject(&id), audit("subject.register", &format!("subject:{id}"))).await.unwrap();
    }
}

/// Runs `test` with the URL of a fresh, empty (not migrated) PostgreSQL database, for
/// tests that open several stores on it; the database is removed afterwards.
pub async fn run_pg<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(db) = TestDb::create(Kind::Postgres, "gebao_t").await else { return };
    test(db.url.clone()).await;
}

/// A rights request received at `received_ms` and due at `due_ms`, with details (a
/// correction) to be sealed.
pub fn new_request(id: &str, subject: &str, kind: RequestKind, received_ms: i64, due_ms: i64) -> RightsRequest {
    RightsRequest {
        id: id.into(),
        subject: subject.into(),
        kind,
        state: RequestState::Received,
        requester: Requester { id: subject.into(), role: RequesterRole::Subject, interest: None },
        channel: "app".into(),
        received_ms,
        due_ms,
        due_date: NaiveDate::from_ymd_opt(2025, 1, 22).unwrap(),
        due_estimated: false,
        verification: Verification::default(),
        refusal: None,
        fee: None,
        details: json!({"field": "phone", "value": "13900001111"}),
        progress: BTreeSet::new(),
        result: json!({}),
        created_ms: received_ms,
        updated_ms: received_ms,
        closed_ms: None,
        version: 0,
    }
}

/// A request event from one state to another.
pub fn event(name: &str, from: Option<RequestState>, to: RequestState) -> NewRequestEvent {
    NewRequestEvent {
        at_ms: T0,
        actor: "api-key:k1".into(),
        event: name.parse().unwrap(),
        from,
        to,
        reason: None,
        detail: json!({}),
    }
}
