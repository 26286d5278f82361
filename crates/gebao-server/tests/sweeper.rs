//! The scheduled retention sweep: with `sweep_interval` set, a server applies the
//! manifest's retention rules to an operator database (a SQLite file declared as a dataset)
//! on its own, records a `retention.sweep` audit entry with the report, and two instances
//! sharing a store sweep once per interval between them; on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use gebao_connectors::Connections;
use gebao_server::sweeper::interval_start;
use serde_json::Value;
use sqlx::SqlitePool;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_millis(200);

/// The clean manifest with a dataset whose login log keeps IP addresses for the
/// `security_logs` purpose (6 months, the network-log legal minimum).
fn manifest() -> String {
    format!(
        "{}\n[[datasets]]\nid = \"app\"\nengine = \"sqlite\"\nconnection = \"app\"\n\n\
         [[datasets.tables]]\nname = \"login_logs\"\nsubject = \"user_id\"\nerase = \"delete-row\"\n\
         retention = {{ purpose = \"security_logs\", since = \"at\" }}\ncolumns.ip = {{ field = \"ip_log\" }}\n",
        clean_text()
    )
}

/// An operator database with two logs past the 6 months and two recent ones.
async fn operator_db(dir: &std::path::Path) -> (String, SqlitePool) {
    let now = chrono::Utc::now();
    let ago = |days: i64| (now - chrono::Duration::days(days)).format("%Y-%m-%d %H:%M:%S").to_string();
    let sql = format!(
        "CREATE TABLE login_logs (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, ip TEXT, at TEXT NOT NULL);
         INSERT INTO login_logs (user_id, ip, at) VALUES
           ('u1', '10.0.0.1', '{}'), ('u2', '10.0.0.2', '{}'), ('u1', '10.0.0.3', '{}'), ('u2', '10.0.0.4', '{}');",
        ago(400),
        ago(200),
        ago(10),
        ago(1)
    );
    operator_sqlite(dir, &sql).await
}

/// A server config on `kit` with the manifest and the URL of its connection `app` (given in
/// the configuration: tests cannot set process variables, unsafe code is forbidden).
fn config(kit: &Kit, path: &std::path::Path, text: &str, url: &str) -> gebao_server::ServerConfig {
    let mut cfg = kit.config();
    cfg.manifest = Some(path.to_owned());
    cfg.sweep_interval = Some(EVERY);
    assert!(gebao_core::load_manifest(text).is_ok());
    cfg.requests.connections = Some(Connections::new([("app", url)]).unwrap());
    cfg
}

async fn sweeps(s: &Server) -> Vec<Value> {
    let rows = s.state.store.audit_after(0, 100_000).await.unwrap();
    rows.into_iter()
        .filter(|r| r.entry.action == gebao_store::AuditAction::RetentionSweep)
        .map(|r| r.entry.detail)
        .collect()
}

async fn left(db: &SqlitePool) -> Vec<String> {
    sqlx::query_scalar("SELECT ip FROM login_logs ORDER BY id").fetch_all(db).await.unwrap()
}

async fn two_instances_sweep_once_per_interval(kit: Kit) {
    let dir = tempfile::tempdir().unwrap();
    let (url, db) = operator_db(dir.path()).await;
    let text = manifest();
    let path = dir.path().join("gebao.toml");
    std::fs::write(&path, &text).unwrap();
    let a = Server::start(config(&kit, &path, &text, &url)).await;
    let b = Server::start(config(&kit, &path, &text, &url)).await;

    // The logs past 6 months go on the next interval; the recent ones stay.
    let start = Instant::now();
    while left(&db).await.len() > 2 {
        assert!(start.elapsed() < Duration::from_secs(10), "no sweep happened: {:?}", left(&db).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(left(&db).await, ["10.0.0.3", "10.0.0.4"]);

    // Let a few more intervals pass with both instances running.
    tokio::time::sleep(EVERY * 6).await;
    let entries = sweeps(&a).await;
    assert!(entries.len() >= 3, "a sweep per interval: {entries:#?}");
    let first = entries.iter().find(|d| d["rows"] == 2).expect("the sweep that erased the old logs");
    assert_eq!(first["dry_run"], false);
    assert_eq!(first["tables"][0]["table"], "login_logs");
    assert_eq!(first["tables"][0]["rows"], 2);
    assert!(first["rows_per_second"].as_f64().is_some(), "{first:#}");
    assert_eq!(entries.iter().filter(|d| d["rows"] != 0).count(), 1, "erased once: {entries:#?}");

    // One sweep per interval between the two instances.
    let mut seen = HashSet::new();
    for d in &entries {
        let now: chrono::DateTime<chrono::Utc> = serde_json::from_value(d["now"].clone()).unwrap();
        assert!(seen.insert(interval_start(now, EVERY)), "two sweeps in one interval: {entries:#?}");
    }

    let metrics = a.get("/metrics").await.body + &b.get("/metrics").await.body;
    assert!(metrics.contains("gebao_sweep_rows_total 2"), "{metrics}");
    assert!(metrics.contains("gebao_sweep_last_run_seconds"), "{metrics}");
    a.stop().await;
    b.stop().await;
}

/// An operator database that cannot be opened: the failure is recorded, the server keeps
/// serving and tries again next interval.
async fn a_failing_sweep_keeps_the_server_up(kit: Kit) {
    let dir = tempfile::tempdir().unwrap();
    let text = manifest();
    let path = dir.path().join("gebao.toml");
    std::fs::write(&path, &text).unwrap();
    let missing = format!("sqlite://{}?mode=ro", dir.path().join("absent/operator.db").display());
    let s = Server::start(config(&kit, &path, &text, &missing)).await;
    let start = Instant::now();
    loop {
        let rows = s.state.store.audit_after(0, 100_000).await.unwrap();
        let failed = rows.iter().filter(|r| r.entry.action == gebao_store::AuditAction::RetentionSweepFailed).count();
        if failed >= 2 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "no failed sweep recorded twice");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(s.get("/v1/policy").await.status, 200);
    assert!(s.get("/metrics").await.body.contains("gebao_sweep_failures_total"));
    s.stop().await;
}

gebao_testkit::on_both_engines!(crate::common::run; two_instances_sweep_once_per_interval, a_failing_sweep_keeps_the_server_up);
