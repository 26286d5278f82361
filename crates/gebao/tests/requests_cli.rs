//! The staff's verbs of `gebao requests` against a running `gebao serve` with an operator
//! database (SQLite): a deletion received by phone is filed, the requester verified, the
//! dry run read as a table, approved and carried out, and the recipient's confirmation by
//! email recorded.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
use common::serve::*;
use common::*;
use serde_json::Value;

const SCOPES: &str = "subjects:write,requests:read,requests:write";

#[test]
fn staff_file_verify_dry_run_approve_execute_and_acknowledge() {
    let opdir = tempfile::tempdir().expect("temp dir");
    let db = opdir.path().join("app.db");
    let conn = rusqlite_free_setup(&db);
    let manifest = CLEAN.replace(
        r#"deletion = { via = "api", address = "https://cloud.example.cn/api/delete" }"#,
        r#"deletion = { via = "email", address = "dpo@cloud.example.cn" }"#,
    ) + "\n[[datasets]]\nid = \"app\"\nengine = \"sqlite\"\nconnection = \"app\"\n\n[[datasets.tables]]\nname = \"users\"\nsubject = \"id\"\nerase = \"delete-row\"\ncolumns.phone = { field = \"phone\" }\ncolumns.nickname = { field = \"nickname\" }\n";
    let mut backend = Backend::sqlite_with(&manifest);
    backend.serve_env.push(("GEBAO_CONNECTION_APP".into(), conn));
    let token = backend.key(SCOPES);
    let server = Server::start(&backend);
    register(&server.base, &token, "u1");
    let cli = |args: &[&str]| {
        let mut c = gebao();
        c.args(["requests"]).args(args).args(["--server", &server.base, "--token", &token]);
        c
    };
    let json_of = |args: &[&str]| -> Value {
        let out = cli(args).arg("--json").assert().success();
        serde_json::from_slice(&out.get_output().stdout).expect("JSON")
    };

    // Filed as received by phone yesterday: the deadline runs from then.
    let filed = json_of(&[
        "file",
        "--kind",
        "deletion",
        "--subject",
        "u1",
        "--channel",
        "phone",
        "--received-at",
        "2026-12-02T10:00:00+08:00",
        "--reason",
        "不再使用",
    ]);
    let id = filed["id"].as_str().unwrap().to_owned();
    assert_eq!((filed["channel"].as_str(), filed["state"].as_str()), (Some("phone"), Some("received")), "{filed:#}");
    assert_eq!(filed["details"]["reason"], "不再使用");
    // Bad input is named before any call.
    cli(&["file", "--kind", "erase", "--subject", "u1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown kind `erase`"));
    cli(&["file", "--kind", "correction", "--subject", "u1", "--correct", "nickname"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("field=new value"));

    let verified = json_of(&["verify", &id, "--user", "u1"]);
    assert_eq!(verified["verification"]["method"], "operator-asserted", "{verified:#}");

    // The dry run as a table: the statement, its rows, the fields, the recipient to tell.
    let out = cli(&["--lang", "zh-CN", "execute", &id, "--dry-run"]).assert().success();
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for needle in [
        "预演：未做任何更改",
        "数据集 app（sqlite）",
        "users",
        "删除",
        "1 行",
        "DELETE FROM",
        "删除的字段：",
        "phone",
        "dpo@cloud.example.cn",
    ] {
        assert!(table.contains(needle), "`{needle}` missing from the dry run:\n{table}");
    }
    assert_eq!(sqlite_count(&db), 1, "the dry run changed nothing");

    json_of(&["approve", &id]);
    let done = json_of(&["execute", &id]);
    assert_eq!(done["state"], "completed", "{done:#}");
    assert_eq!(sqlite_count(&db), 0, "the user's row is gone");
    let notice = done["deliveries"].as_array().unwrap().iter().find(|d| d["target"] == "dpo@cloud.example.cn").cloned();
    let notice = notice.unwrap_or_else(|| panic!("no deletion notice to the cloud recipient: {done:#}"));

    // The recipient answered by email: staff record it.
    let ack = json_of(&["ack", notice["id"].as_str().unwrap(), "--reference", "邮件 2026-12-03"]);
    assert_eq!(ack["state"], "delivered", "{ack:#}");
    let shown = json_of(&["show", &id]);
    let d = shown["deliveries"].as_array().unwrap().iter().find(|d| d["id"] == notice["id"]).cloned().unwrap();
    assert!(d.to_string().contains("邮件 2026-12-03"), "{d:#}");
}

/// Creates the operator's SQLite database with one user; its connection URL.
fn rusqlite_free_setup(db: &std::path::Path) -> String {
    let script = "CREATE TABLE users (id TEXT PRIMARY KEY, phone TEXT, nickname TEXT); INSERT INTO users VALUES ('u1', '13912345678', '小张'), ('u2', '13800000000', '别人');";
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            &format!(
                "import sqlite3; c=sqlite3.connect({:?}); c.executescript({script:?}); c.commit()",
                db.display().to_string()
            ),
        ])
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    format!("sqlite://{}", db.display())
}

fn sqlite_count(db: &std::path::Path) -> u64 {
    let out = std::process::Command::new("python3")
        .args(["-c", &format!("import sqlite3; print(sqlite3.connect({:?}).execute(\"SELECT count(*) FROM users WHERE id = 'u1'\").fetchone()[0])", db.display().to_string())])
        .output()
        .expect("python3");
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("a count")
}
