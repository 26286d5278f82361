//! Test kit: a fresh database per test on either engine, raw SQL access to it (to look at
//! what is really stored and to tamper with it), and cleanup even when the test fails.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gebao_core::decision::{ConsentAction, ConsentScope};
use gebao_core::ids::PurposeId;
use gebao_store::crypto::Keys;
use gebao_store::{NewAudit, NewConsent, NewSubject, Store};
use sqlx::{Connection, PgConnection, PgPool, SqlitePool};
use std::future::Future;
use std::time::Duration;

/// Which engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

pub const MASTER: [u8; 32] = [42; 32];

pub fn keys() -> Keys {
    Keys::from_master(&MASTER)
}

/// Direct access to the test database, bypassing the store.
pub enum Raw {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

impl Raw {
    /// Runs a statement (written in SQL both engines accept); rows affected.
    pub async fn exec(&self, sql: &str) -> u64 {
        match self {
            Raw::Sqlite(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
            Raw::Pg(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
        }
    }

    /// The single bytes column of the single row `sql` selects.
    pub async fn bytes(&self, sql: &str) -> Option<Vec<u8>> {
        match self {
            Raw::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
            Raw::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        }
    }

    /// The single text `sql` selects.
    pub async fn text(&self, sql: &str) -> String {
        match self {
            Raw::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
            Raw::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        }
    }

    /// The single integer `sql` selects.
    pub async fn int(&self, sql: &str) -> i64 {
        match self {
            Raw::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
            Raw::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        }
    }
}

/// What a test gets: a migrated store, raw access to its database and its URL.
pub struct Env {
    pub kind: Kind,
    pub store: Box<dyn Store>,
    pub raw: Raw,
    pub url: String,
}

/// The PostgreSQL server the tests use.
pub fn pg_admin_url() -> String {
    std::env::var("GEBAO_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// `url` pointing at database `name` instead.
pub fn with_db(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// An admin connection to PostgreSQL, or `None` (test skipped) when it cannot be reached
/// outside CI. Under `CI=true` an unreachable server fails the test.
pub async fn pg_admin() -> Option<PgConnection> {
    let url = pg_admin_url();
    let res = tokio::time::timeout(Duration::from_secs(5), PgConnection::connect(&url)).await;
    let err = match res {
        Ok(Ok(c)) => return Some(c),
        Ok(Err(e)) => e.to_string(),
        Err(_) => "timed out".to_string(),
    };
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("PostgreSQL at {url} is required under CI=true but cannot be reached: {err}");
    }
    eprintln!(
        "skipping a PostgreSQL test: cannot reach {url} ({err}); set GEBAO_TEST_PG_URL, or CI=true to fail instead"
    );
    None
}

/// A fresh empty PostgreSQL database; its URL and name.
pub async fn pg_create(admin: &mut PgConnection) -> (String, String) {
    let name = format!("gebao_t_{:016x}", rand::random::<u64>());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut *admin).await.unwrap();
    (with_db(&pg_admin_url(), &name), name)
}

pub async fn pg_drop(name: &str) {
    if let Ok(mut admin) = PgConnection::connect(&pg_admin_url()).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await;
    }
}

/// Runs `test` on a fresh, migrated database of `kind` and removes the database afterwards,
/// also when the test panics.
pub async fn run<F, Fut>(kind: Kind, test: F)
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().unwrap();
    let (url, pg_name, raw) = match kind {
        Kind::Sqlite => {
            let url = format!("sqlite://{}", dir.path().join("gebao.db").display());
            (url, None, None)
        }
        Kind::Postgres => {
            let Some(mut admin) = pg_admin().await else { return };
            let (url, name) = pg_create(&mut admin).await;
            let raw = Raw::Pg(PgPool::connect(&url).await.unwrap());
            (url, Some(name), Some(raw))
        }
    };
    let store = gebao_store::open(&url, keys()).await.unwrap();
    store.migrate().await.unwrap();
    let raw = match raw {
        Some(r) => r,
        None => Raw::Sqlite(SqlitePool::connect(&url).await.unwrap()),
    };
    let result = tokio::spawn(test(Env { kind, store, raw, url })).await;
    if let Some(name) = pg_name {
        pg_drop(&name).await;
    }
    drop(dir);
    if let Err(e) = result {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("test task failed: {e}");
    }
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
/// tests that open several stores on it; drops the database afterwards.
pub async fn run_pg<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(mut admin) = pg_admin().await else { return };
    let (url, name) = pg_create(&mut admin).await;
    let result = tokio::spawn(test(url)).await;
    pg_drop(&name).await;
    if let Err(e) = result {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("test task failed: {e}");
    }
}
