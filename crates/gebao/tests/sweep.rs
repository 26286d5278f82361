//! `gebao sweep` on a real SQLite operator database: a dry run changes nothing; the sweep
//! erases what is past its retention and keeps what a legal minimum still protects.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
use common::*;
use std::process::Command;

const MANIFEST: &str = r#"
[policy]
[controller]
name = "甲公司"
product = "甲"
app_type = "other"

[[fields]]
id = "ip"
name = "IP地址"
category = "network-identity"
source = "automatic"

[[fields]]
id = "page"
name = "访问页面"
category = "usage-records"
source = "automatic"

[[purposes]]
id = "security"
name = "网络安全日志"
function = "basic"
basis = "legal-obligation"
fields = ["ip"]
retention = { period = "6 months", legal_minimum = "network-logs", then = "delete" }

[[purposes]]
id = "analytics"
name = "访问统计"
function = "additional"
basis = "consent"
fields = ["page"]
retention = { period = "30 days", then = "delete" }

[[datasets]]
id = "app"
engine = "sqlite"
connection = "app"

[[datasets.tables]]
name = "login_logs"
subject = "user_id"
erase = "delete-row"
retention = { purpose = "security", since = "at" }
columns.ip = { field = "ip" }

[[datasets.tables]]
name = "visits"
subject = "user_id"
erase = "delete-row"
retention = { purpose = "analytics", since = "at" }
columns.page = { field = "page" }
"#;

fn sql(db: &std::path::Path, script: &str) -> String {
    let out = Command::new("python3")
        .args(["-c", &format!("import sqlite3,sys; c=sqlite3.connect({:?}); r=c.executescript({script:?}) if ';' in {script:?}.strip()[:-1] else c.execute({script:?}); print(r.fetchone()[0] if hasattr(r,'fetchone') and r.description else ''); c.commit()", db.display().to_string())])
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn count(db: &std::path::Path, table: &str) -> u64 {
    sql(db, &format!("SELECT count(*) FROM {table}")).parse().expect("a count")
}

#[test]
fn dry_run_changes_nothing_and_the_sweep_respects_legal_minimums() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("app.db");
    let manifest = dir.path().join("gebao.toml");
    std::fs::write(&manifest, MANIFEST).expect("write");
    let now = chrono::Utc::now();
    let ago = |days: i64| (now - chrono::Duration::days(days)).format("%Y-%m-%d %H:%M:%S").to_string();
    sql(
        &db,
        &format!(
            "CREATE TABLE login_logs (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, ip TEXT, at TEXT NOT NULL);
             CREATE TABLE visits (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, page TEXT, at TEXT NOT NULL);
             INSERT INTO login_logs (user_id, ip, at) VALUES ('u1', '10.0.0.1', '{}'), ('u1', '10.0.0.2', '{}'), ('u2', '10.0.0.3', '{}');
             INSERT INTO visits (user_id, page, at) VALUES ('u1', '/a', '{}'), ('u1', '/b', '{}'), ('u2', '/c', '{}');",
            ago(400),
            ago(100),
            ago(10),
            ago(45),
            ago(5),
            ago(31)
        ),
    );
    let url = format!("sqlite://{}", db.display());

    let out = gebao()
        .args(["sweep", "--dry-run", "--json", "--manifest"])
        .arg(&manifest)
        .env("GEBAO_CONNECTION_APP", &url)
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["rows"], 3, "{report:#}");
    assert_eq!((count(&db, "login_logs"), count(&db, "visits")), (3, 3), "a dry run changes nothing");

    gebao()
        .args(["--lang", "en", "sweep", "--manifest"])
        .arg(&manifest)
        .env("GEBAO_CONNECTION_APP", &url)
        .assert()
        .success()
        .stdout(predicates::str::contains("3 row(s)"));
    assert_eq!(count(&db, "login_logs"), 2, "only the log older than the 6-month minimum goes");
    assert_eq!(count(&db, "visits"), 1, "visits older than 30 days go");
    assert_eq!(sql(&db, "SELECT page FROM visits"), "/b");
}

#[test]
fn sweep_without_a_connection_says_which_variable_to_set() {
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("gebao.toml");
    std::fs::write(&manifest, MANIFEST).expect("write");
    gebao()
        .args(["sweep", "--dry-run", "--manifest"])
        .arg(&manifest)
        .env_remove("GEBAO_CONNECTION_APP")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("GEBAO_CONNECTION_APP"));
}

/// `gebao datasets check`: a database that matches the manifest passes; a declared column
/// that is not there is named with the fix (exit 1); a connection given in the server's
/// configuration file works like the variable; gebao's own store is refused as a dataset.
#[test]
fn datasets_check_reports_what_does_not_match() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("app.db");
    let manifest = dir.path().join("gebao.toml");
    std::fs::write(&manifest, MANIFEST).expect("write");
    sql(
        &db,
        "CREATE TABLE login_logs (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, ip TEXT, at TEXT NOT NULL);
         CREATE TABLE visits (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, page TEXT, at TEXT NOT NULL);",
    );
    let config = dir.path().join("gebao-server.toml");
    std::fs::write(&config, format!("[connections]\napp = \"sqlite://{}\"\n", db.display())).expect("write");
    gebao()
        .args(["--lang", "en", "datasets", "check", "--manifest"])
        .arg(&manifest)
        .arg("--config")
        .arg(&config)
        .env_remove("GEBAO_CONNECTION_APP")
        .assert()
        .success();

    // The page column goes away: named, with the fix.
    let broken = dir.path().join("broken.db");
    sql(
        &broken,
        "CREATE TABLE login_logs (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, ip TEXT, at TEXT NOT NULL);
         CREATE TABLE visits (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, at TEXT NOT NULL);",
    );
    let out = gebao()
        .args(["--lang", "en", "datasets", "check", "--json", "--manifest"])
        .arg(&manifest)
        .env("GEBAO_CONNECTION_APP", format!("sqlite://{}", broken.display()))
        .assert()
        .code(1);
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    let text = report.to_string();
    assert!(text.contains("visits") && text.contains("page"), "{report:#}");

    // gebao's own store is never a dataset.
    let data = dir.path().join("data");
    gebao().args(["keys", "list", "--data-dir"]).arg(&data).assert().success();
    gebao()
        .args(["--lang", "en", "datasets", "check", "--manifest"])
        .arg(&manifest)
        .arg("--config")
        .arg(&config)
        .env("GEBAO_DATA_DIR", &data)
        .env("GEBAO_CONNECTION_APP", format!("sqlite://{}", data.join("gebao.db").display()))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("points at gebao's own database"));
}
