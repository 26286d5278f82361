//! `gebao import`: an operator's existing users and consents brought into the store from
//! JSON-lines files — on SQLite and PostgreSQL — checked first as the API checks them (one
//! bad line and nothing is written, each problem named by line and field), then written in
//! batches into the hash-chained ledger; a running server answers decisions from them.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
use common::serve::*;
use common::*;
use predicates::prelude::PredicateBooleanExt;
use serde_json::{Value, json};

fn import_users_and_consents(backend: &Backend) {
    // The first version is published when the server starts.
    let token = backend.key("decisions:read,consents:read");
    let lookup = backend.key("subjects:read");
    drop(Server::start(backend));
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, lines: &[Value]| {
        let p = dir.path().join(name);
        std::fs::write(&p, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let import = |args: &[&str]| {
        let mut c = gebao();
        c.args(["--lang", "zh-CN", "import"]).args(args).args(backend.args());
        c
    };

    // Bad lines are named, by line and field, and nothing is written.
    let bad = file(
        "bad.jsonl",
        &[
            json!({ "id": "p1", "phone": "13800000001" }),
            json!({ "id": "p2", "birth_date": "2999-01-01" }),
            json!({ "id": "p3", "guardian": "nobody" }),
            json!({ "id": "p4", "colour": "blue" }),
            // A guardian must come earlier in the file, not later.
            json!({ "id": "p5", "birth_date": "2016-05-01", "guardian": "p6" }),
            json!({ "id": "p6", "birth_date": "1990-05-01" }),
        ],
    );
    import(&["subjects", &bad]).assert().code(2).stderr(
        predicates::str::contains("bad.jsonl:2: `birth_date`")
            .and(predicates::str::contains("bad.jsonl:3: `guardian`"))
            .and(predicates::str::contains("bad.jsonl:4:"))
            .and(predicates::str::contains("bad.jsonl:5: `guardian` 监护人 `p6` 未登记"))
            .and(predicates::str::contains("4 行有问题，未写入任何记录")),
    );
    // Many bad lines: the first 20 are shown, the rest counted.
    let many: Vec<Value> = (0..25).map(|i| json!({ "id": format!("m{i}"), "birth_date": "1990-13-01" })).collect();
    import(&["subjects", &file("many.jsonl", &many)]).assert().code(2).stderr(
        predicates::str::contains("many.jsonl:20:")
            .and(predicates::str::contains("many.jsonl:21:").not())
            .and(predicates::str::contains("另有 5 处问题"))
            .and(predicates::str::contains("25 行有问题")),
    );
    // Standard input is read like a file.
    import(&["subjects", "-", "--dry-run"])
        .write_stdin("{\"id\": \"x1\"}\n\n{\"id\": \"x2\", \"guardian\": \"x1\"}\n")
        .assert()
        .success()
        .stdout(predicates::str::contains("2 行全部有效"));

    // 1,200 users (a child whose guardian comes first), in batches of 1,000: more than one
    // multi-row insert a batch on either engine (256 rows on SQLite, 500 on PostgreSQL).
    let mut users: Vec<Value> =
        (0..1199).map(|i| json!({ "id": format!("u{i}"), "birth_date": "1990-05-01" })).collect();
    users.push(json!({ "id": "kid", "birth_date": "2016-05-01", "guardian": "u0" }));
    let subjects = file("subjects.jsonl", &users);
    import(&["subjects", &subjects, "--dry-run"])
        .assert()
        .success()
        .stdout(predicates::str::contains("1200 行全部有效"));
    // A batch of up to a million lines (a store no server uses), not more.
    import(&["subjects", &subjects, "--dry-run", "--batch", "1000000"]).assert().success();
    import(&["subjects", &subjects, "--dry-run", "--batch", "1000001"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--batch").and(predicates::str::contains("1..=1000000")));
    import(&["subjects", &subjects, "--batch", "1000"])
        .assert()
        .success()
        .stdout(predicates::str::contains("已导入 1200 条"));
    if backend.pg.is_none() {
        // What was imported is in the database file itself: no write-ahead log is left for
        // the next process to copy back.
        let wal = std::fs::metadata(backend.dir.path().join("gebao.db-wal")).map_or(0, |m| m.len());
        assert_eq!(wal, 0, "the import left a write-ahead log of {wal} bytes behind");
    }
    // Importing them again updates them (a phone added), registering no one twice.
    users[5] = json!({ "id": "u5", "birth_date": "1990-05-01", "phone": "13800000005" });
    let again = file("again.jsonl", &users);
    import(&["subjects", &again]).assert().success().stdout(predicates::str::contains("已导入 1200 条"));

    // Consents given last year, as the API takes them, with when they were given.
    let at = (chrono::Utc::now() - chrono::TimeDelta::days(200)).timestamp_millis();
    let mut consents: Vec<Value> = (0..1199)
        .map(|i| json!({ "subject": format!("u{i}"), "action": "grant", "scope": { "kind": "purpose", "purpose": "recommend" }, "channel": "app", "at_ms": at }))
        .collect();
    consents.push(json!({ "subject": "u1", "action": "withdraw", "scope": { "kind": "purpose", "purpose": "recommend" }, "at_ms": at + 1 }));
    let bad_consents = file(
        "bad-consents.jsonl",
        &[
            json!({ "subject": "u0", "action": "grant", "scope": { "kind": "purpose", "purpose": "mind-reading" } }),
            json!({ "subject": "u0", "action": "grant", "scope": { "kind": "purpose", "purpose": "recommend" }, "at_ms": 1_700_000_000 }),
        ],
    );
    import(&["consents", &bad_consents]).assert().code(2).stderr(
        predicates::str::contains("bad-consents.jsonl:1: `scope.purpose`")
            .and(predicates::str::contains("bad-consents.jsonl:2: `at_ms`")),
    );
    let unknown = file(
        "unknown.jsonl",
        &[json!({ "subject": "ghost", "action": "grant", "scope": { "kind": "purpose", "purpose": "recommend" } })],
    );
    import(&["consents", &unknown])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("第 1 行").and(predicates::str::contains("ghost")));
    let ledger = file("consents.jsonl", &consents);
    import(&["consents", &ledger]).assert().success().stdout(predicates::str::contains("已导入 1200 条"));

    // The chains verify; a server answers from what was imported.
    gebao().args(["audit", "verify"]).args(backend.args()).assert().success();
    let server = Server::start(backend);
    let decide = |s: &str| -> Value {
        post(
            &server.base,
            &token,
            "/v1/decisions",
            json!({ "subject": s, "purpose": "recommend", "fields": ["browsing"] }),
        )
        .unwrap()
        .json()
        .unwrap()
    };
    assert_eq!(decide("u7")["allow"], true);
    assert_eq!(decide("u1")["reason"], "consent-withdrawn");
    let u5: Value = client()
        .get(format!("{}/v1/subjects?phone=13800000005", server.base))
        .bearer_auth(&lookup)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(u5[0]["id"], "u5", "the re-imported phone is found by its blind index: {u5}");
    // The import is one act in the audit log: one `consent.import` entry per batch, naming
    // the records it appended (each of which the ledger holds with its actor and time).
    let audit = backend.key("audit:read");
    let mut imports = Vec::new();
    let mut after = 0;
    loop {
        let page: Value = client()
            .get(format!("{}/v1/audit?after={after}&limit=500", server.base))
            .bearer_auth(&audit)
            .send()
            .unwrap()
            .json()
            .unwrap();
        imports.extend(page["items"].as_array().unwrap().iter().filter(|e| e["action"] == "consent.import").cloned());
        match page["next_after"].as_i64() {
            Some(a) => after = a,
            None => break,
        }
    }
    assert_eq!(imports.len(), 1, "1,200 records in one batch: {imports:?}");
    assert_eq!(imports[0]["detail"]["records"], 1200, "{imports:?}");
    assert_eq!(imports[0]["detail"]["lines"], json!([1, 1200]), "{imports:?}");
    let history: Value = client()
        .get(format!("{}/v1/subjects/u7/consents", server.base))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(history["history"][0]["at_ms"], at, "the time it was given: {history}");

    // A subject the store does not know, in the second batch: the first stays committed and
    // the command names the line to import again from.
    let late = file(
        "late.jsonl",
        &[
            json!({ "subject": "u2", "action": "grant", "scope": { "kind": "purpose", "purpose": "push" } }),
            json!({ "subject": "u3", "action": "grant", "scope": { "kind": "purpose", "purpose": "push" } }),
            json!({ "subject": "u4", "action": "grant", "scope": { "kind": "purpose", "purpose": "push" } }),
            json!({ "subject": "ghost", "action": "grant", "scope": { "kind": "purpose", "purpose": "push" } }),
        ],
    );
    import(&["consents", &late, "--batch", "2"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("第 4 行").and(predicates::str::contains("此前已提交 2 条")));
    gebao().args(["audit", "verify"]).args(backend.args()).assert().success();
}

#[test]
fn import_on_sqlite() {
    import_users_and_consents(&Backend::sqlite());
}

#[test]
fn import_on_postgres() {
    if let Some(b) = Backend::postgres() {
        import_users_and_consents(&b);
    }
}

/// `partition_rows` (GEBAO_PARTITION_ROWS) sizes the partitions of the ledger and the audit
/// log that the server and the import create on PostgreSQL.
#[test]
fn partitions_have_the_configured_size_on_postgres() {
    let Some(mut backend) = Backend::postgres() else { return };
    backend.serve_env.push(("GEBAO_PARTITION_ROWS".into(), "100".into()));
    drop(Server::start(&backend));
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, lines: Vec<String>| {
        let p = dir.path().join(name);
        std::fs::write(&p, lines.join("\n")).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let users = write("users.jsonl", (0..250).map(|i| json!({ "id": format!("u{i}") }).to_string()).collect());
    let consents = write(
        "consents.jsonl",
        (0..250)
            .map(|i| json!({ "subject": format!("u{i}"), "action": "grant", "scope": { "kind": "purpose", "purpose": "recommend" } }).to_string())
            .collect(),
    );
    for (what, file) in [("subjects", &users), ("consents", &consents)] {
        gebao().env("GEBAO_PARTITION_ROWS", "100").args(["import", what, file]).args(backend.args()).assert().success();
    }
    let url = &backend.pg.as_ref().unwrap().url;
    let out = std::process::Command::new("psql")
        .args([url.as_str(), "-qAtc"])
        .arg(
            "SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''(-?[0-9]+)''\\)'))[1]::bigint \
                  - (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''(-?[0-9]+)''\\)'))[1]::bigint \
             FROM pg_partition_tree('consents') t JOIN pg_class c ON c.oid = t.relid WHERE t.isleaf",
        )
        .output()
        .expect("psql");
    let sizes: Vec<i64> = String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.trim().parse().ok()).collect();
    assert!(sizes.len() >= 4, "250 records and two partitions of room: {sizes:?}");
    assert!(sizes.iter().all(|s| *s == 100), "every partition holds 100 records: {sizes:?}");
    gebao().args(["audit", "verify"]).args(backend.args()).assert().success();
}
