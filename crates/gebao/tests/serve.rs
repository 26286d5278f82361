//! `gebao serve`, `keys`, `publish` and `audit verify` as an operator runs them: the real
//! binary, a real data directory (SQLite) or a real PostgreSQL database, HTTP calls.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
use common::serve::*;
use common::*;
use predicates::prelude::PredicateBooleanExt;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Clients write consents while the server is killed with SIGKILL; after a restart every
/// consent that got a 2xx answer is in the ledger, and the chains are intact.
fn crash_keeps_acknowledged_consents(b: &Backend) {
    let token = b.key("subjects:write,consents:write,consents:read");
    let server = Server::start(b);
    let subjects: Vec<String> = (0..8).map(|i| format!("crash-{i}")).collect();
    for s in &subjects {
        register(&server.base, &token, s);
    }
    let acked: Arc<Mutex<Vec<(String, i64)>>> = Arc::default();
    let stop = Instant::now() + Duration::from_millis(1500);
    let writers: Vec<_> = subjects
        .iter()
        .cloned()
        .map(|s| {
            let (base, token, acked) = (server.base.clone(), token.clone(), acked.clone());
            std::thread::spawn(move || {
                let mut grant = true;
                while Instant::now() < stop + Duration::from_secs(2) {
                    let action = if grant { "grant" } else { "withdraw" };
                    let body = json!({"subject": s, "scope": {"kind": "purpose", "purpose": "recommend"}, "action": action, "channel": "app"});
                    match post(&base, &token, "/v1/consents", body) {
                        Ok(r) if r.status().is_success() => {
                            let v: Value = r.json().expect("JSON");
                            acked.lock().expect("lock").push((s.clone(), v["seq"].as_i64().expect("seq")));
                        }
                        _ => return, // the server is gone
                    }
                    grant = !grant;
                }
            })
        })
        .collect();
    std::thread::sleep(stop - Instant::now());
    server.kill();
    for w in writers {
        w.join().expect("writer");
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() > 20, "too few consents were acknowledged before the kill: {}", acked.len());

    let server = Server::start(b);
    for s in &subjects {
        let stored = ledger_seqs(&server.base, &token, s);
        for (_, seq) in acked.iter().filter(|(x, _)| x == s) {
            assert!(stored.contains(seq), "acknowledged consent {seq} of {s} is missing after the crash");
        }
    }
    drop(server);
    gebao().args(["audit", "verify"]).args(b.args()).assert().success();
}

#[test]
fn crash_keeps_acknowledged_consents_sqlite() {
    crash_keeps_acknowledged_consents(&Backend::sqlite());
}

#[test]
fn crash_keeps_acknowledged_consents_postgres() {
    if let Some(b) = Backend::postgres() {
        crash_keeps_acknowledged_consents(&b);
    }
}

/// A graceful stop (SIGTERM) exits 0 and leaves the SQLite store in its file beside its
/// snapshot: no write-ahead log whose pages a copy of the file alone would miss, nor old
/// page images lying beside it. The next start answers from it.
#[test]
fn a_graceful_stop_leaves_the_database_in_its_file() {
    let b = Backend::sqlite();
    let token = b.key("subjects:write,consents:write,decisions:read");
    let server = Server::start(&b);
    register(&server.base, &token, "stop-1");
    let consent = json!({"subject": "stop-1", "scope": {"kind": "purpose", "purpose": "recommend"}, "action": "grant", "channel": "app"});
    assert!(post(&server.base, &token, "/v1/consents", consent).expect("consent").status().is_success());
    let status = server.stop();
    assert!(status.success(), "gebao serve exited with {status} on SIGTERM");
    let data = b.dir.path();
    assert!(data.join("gebao.db").exists());
    assert!(data.join("gebao.db.memory").exists(), "no snapshot was written at the stop");
    let wal = std::fs::metadata(data.join("gebao.db-wal")).map_or(0, |m| m.len());
    let logs = server_logs(&b);
    assert_eq!(wal, 0, "the stop left a write-ahead log of {wal} bytes behind; the server said:\n{logs}");
    let server = Server::start(&b);
    let body = json!({"subject": "stop-1", "purpose": "recommend", "fields": ["browsing"]});
    let d: Value = post(&server.base, &token, "/v1/decisions", body).expect("decision").json().expect("JSON");
    assert_eq!(d["allow"], true, "{d}");
}

/// Registers `t1` and records three consents of theirs (grant, withdraw, grant) through the
/// API; the key it used.
fn three_consents_of_t1(b: &Backend, server: &Server) -> String {
    let token = b.key("subjects:write,consents:write");
    register(&server.base, &token, "t1");
    for action in ["grant", "withdraw", "grant"] {
        let body = json!({"subject": "t1", "scope": {"kind": "purpose", "purpose": "recommend"}, "action": action, "channel": "app"});
        assert!(post(&server.base, &token, "/v1/consents", body).expect("consent").status().is_success());
    }
    token
}

/// `gebao audit verify` names the first record someone edited directly in the database.
#[test]
fn audit_verify_detects_a_tampered_ledger_row() {
    let b = Backend::sqlite();
    let server = Server::start(&b);
    three_consents_of_t1(&b, &server);
    drop(server);
    gebao().args(["audit", "verify"]).args(b.args()).assert().success();
    // Turn the withdrawal (record 2) into a grant, as someone with database access might.
    let db = b.dir.path().join("gebao.db");
    tamper_sqlite(&db, "UPDATE consents SET action = 'grant' WHERE seq = 2");
    let out = gebao().args(["--lang", "en", "audit", "verify"]).args(b.args()).assert().code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("consent ledger: chain broken at record 2"), "{stdout}");
    assert!(stdout.contains("audit log") && stdout.contains("chain intact"), "{stdout}");
}

#[test]
fn audit_verify_detects_a_tampered_row_on_postgres() {
    let Some(b) = Backend::postgres() else { return };
    let token = b.key("subjects:write,consents:write");
    let server = Server::start(&b);
    register(&server.base, &token, "t1");
    for action in ["grant", "withdraw"] {
        let body = json!({"subject": "t1", "scope": {"kind": "purpose", "purpose": "recommend"}, "action": action, "channel": "app"});
        assert!(post(&server.base, &token, "/v1/consents", body).expect("consent").status().is_success());
    }
    drop(server);
    let url = b.pg.as_ref().map(|p| p.url.clone()).unwrap_or_default();
    let ok = Command::new("psql")
        .args([url.as_str(), "-qAtc", "UPDATE consents SET channel = 'forged' WHERE seq = 2"])
        .status()
        .expect("psql");
    assert!(ok.success());
    let out = gebao().args(["--lang", "en", "audit", "verify"]).args(b.args()).assert().code(1);
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("chain broken at record 2"));
}

/// Forgeries by someone who can write the database and knows the chain format, as the
/// security review tried them: each is found by `gebao audit verify` (exit 1), naming what
/// was forged. Before the chains were keyed, all of these verified clean.
#[test]
fn audit_verify_finds_forgeries_made_by_a_database_writer() {
    let b = Backend::sqlite();
    let server = Server::start(&b);
    three_consents_of_t1(&b, &server);
    let revoked = b.key("decisions:read");
    let id = revoked.split('_').nth(1).expect("key id").to_owned();
    gebao().args(["keys", "revoke", &id]).args(b.args()).assert().success();
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(server);
    gebao().args(["audit", "verify"]).args(b.args()).assert().success();

    // Each forgery on its own copy of the data directory.
    let forge = |sql: &str, expect: &str| {
        let copy = tempfile::tempdir().expect("temp dir");
        for f in std::fs::read_dir(b.dir.path()).expect("dir").flatten() {
            if f.path().is_file() {
                std::fs::copy(f.path(), copy.path().join(f.file_name())).expect("copy");
            }
        }
        tamper_sqlite(&copy.path().join("gebao.db"), sql);
        let out = gebao().args(["--lang", "en", "audit", "verify", "--data-dir"]).arg(copy.path()).assert().code(1);
        let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(stdout.contains(expect), "forgery `{sql}` not reported as `{expect}`:\n{stdout}");
    };
    // The last consent edited, its hash and the chain head rewritten to match (without the
    // master key, whatever hash a forger computes is not the keyed one).
    forge(
        "UPDATE consents SET action = 'withdraw', hash = lower(hex(randomblob(32))) WHERE seq = 3; \
         UPDATE chain_heads SET hash = (SELECT hash FROM consents WHERE seq = 3) WHERE chain = 'consents'",
        "consent ledger: chain broken",
    );
    // The last consent deleted and the head moved back to the one before it.
    forge(
        "DELETE FROM consents WHERE seq = 3; \
         UPDATE chain_heads SET seq = 2, hash = (SELECT hash FROM consents WHERE seq = 2) WHERE chain = 'consents'",
        "consent ledger: chain broken",
    );
    // A revoked key un-revoked; another given every scope; a subject's status changed; an
    // archived policy rewritten.
    forge(&format!("UPDATE api_keys SET revoked_ms = NULL WHERE id = '{id}'"), &format!("key:{id}"));
    forge(
        "UPDATE api_keys SET scopes = '[\"keys:admin\",\"audit:read\"]' WHERE revoked_ms IS NULL",
        "do not match their audit records",
    );
    forge("UPDATE subjects SET status = 'restricted'", "subject:p_");
    forge("UPDATE policy_versions SET manifest = manifest || ' ' WHERE version = 1", "policy:1");
}

fn tamper_sqlite(db: &Path, sql: &str) {
    // The sqlite3 shell is not everywhere; Python's sqlite3 module is on every CI image we use.
    let status = Command::new("python3")
        .args([
            "-c",
            &format!(
                "import sqlite3; c = sqlite3.connect({:?}); c.executescript({sql:?}); c.commit()",
                db.display().to_string()
            ),
        ])
        .status()
        .expect("python3");
    assert!(status.success());
}

#[test]
fn keys_are_least_privilege_and_revocable() {
    let b = Backend::sqlite();
    let reader = b.key("decisions:read");
    let server = Server::start(&b);
    let r = post(&server.base, &reader, "/v1/subjects", json!({"id": "x"})).expect("call");
    assert_eq!(r.status().as_u16(), 403, "a decisions:read key cannot register subjects");
    let r = client().post(format!("{}/v1/subjects", server.base)).json(&json!({"id": "x"})).send().expect("call");
    assert_eq!(r.status().as_u16(), 401);
    let out = gebao().args(["keys", "list", "--json"]).args(b.args()).assert().success();
    let keys: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert!(!String::from_utf8_lossy(&out.get_output().stdout).contains(&reader), "list never shows secrets");
    let id = keys[0]["id"].as_str().expect("id").to_owned();
    gebao().args(["keys", "revoke", &id, "--reason", "test"]).args(b.args()).assert().success();
    gebao().args(["keys", "revoke", &id]).args(b.args()).assert().code(2);
}

#[test]
fn publish_a_major_change_forces_reconsent() {
    let b = Backend::sqlite();
    let token = b.key("subjects:write,consents:write,decisions:read");
    let server = Server::start(&b);
    register(&server.base, &token, "r1");
    let consent = json!({"subject": "r1", "scope": {"kind": "purpose", "purpose": "recommend"}, "action": "grant", "channel": "app"});
    assert!(post(&server.base, &token, "/v1/consents", consent.clone()).expect("consent").status().is_success());
    let decide = |base: &str| -> Value {
        post(base, &token, "/v1/decisions", json!({"subject": "r1", "purpose": "recommend", "fields": ["browsing"]}))
            .expect("decide")
            .json()
            .expect("JSON")
    };
    assert_eq!(decide(&server.base)["allow"], true);
    drop(server);

    let v2 = b.dir.path().join("v2.toml");
    std::fs::write(
        &v2,
        clean_with(
            "fields = [\"browsing\", \"device_id\"]",
            "fields = [\"browsing\", \"device_id\", \"precise_location\"]",
        ),
    )
    .expect("write");
    // The new version has an error-level finding (SEN-01): refused, nothing published…
    gebao()
        .args(["--lang", "en", "publish", "--effective", "2026-01-01", "--manifest"])
        .arg(&v2)
        .args(b.args())
        .assert()
        .code(1)
        .stdout(predicates::str::contains("SEN-01").and(predicates::str::contains("not published")));
    // …unless the operator says so.
    gebao()
        .args(["--lang", "en", "publish", "--allow-findings", "--effective", "2026-01-01", "--manifest"])
        .arg(&v2)
        .args(b.args())
        .assert()
        .success()
        .stdout(
            predicates::str::contains("published version 2")
                .and(predicates::str::contains("major change, consent asked again for: recommend")),
        );

    let server = Server::start(&b);
    let d = decide(&server.base);
    assert_eq!(d["allow"], false);
    assert_eq!(d["reason"], "reconsent-required");
    assert!(post(&server.base, &token, "/v1/consents", consent).expect("consent").status().is_success());
    assert_eq!(decide(&server.base)["allow"], true);
}

#[test]
fn serve_reports_a_missing_manifest() {
    let dir = tempfile::tempdir().expect("temp dir");
    gebao()
        .args(["serve", "--manifest", "nowhere.toml", "--data-dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("nowhere.toml"));
}

#[test]
fn serve_refuses_a_change_feed_kept_no_day() {
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("gebao.toml");
    std::fs::write(&manifest, CLEAN).expect("write manifest");
    let serve = || {
        let mut c = gebao();
        c.args(["--lang", "en", "serve", "--manifest"]).arg(&manifest).arg("--data-dir").arg(dir.path());
        c
    };
    serve()
        .env("GEBAO_CHANGES_KEPT_DAYS", "0")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("changes_kept_days cannot be 0").and(predicates::str::contains("default 7")));
    serve()
        .env("GEBAO_CHANGES_KEPT_DAYS", "a week")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("CHANGES_KEPT_DAYS").and(predicates::str::contains("u32")));
}

#[test]
fn serve_rejects_an_unknown_config_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cfg = dir.path().join("serve.toml");
    std::fs::write(&cfg, "listen = \"127.0.0.1:0\"\nlisen = 1\n").expect("write");
    gebao().args(["serve", "--config"]).arg(&cfg).assert().code(2).stderr(predicates::str::contains("lisen"));
}

#[test]
fn serve_checks_the_calendar_file_and_the_sweep_schedule() {
    let dir = tempfile::tempdir().expect("temp dir");
    gebao()
        .args(["serve", "--calendar", "no-calendar.toml", "--data-dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no-calendar.toml"));
    gebao()
        .args(["serve", "--sweep-every", "3 months", "--data-dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("hours, days or weeks"));
}

/// A manifest with error-level findings is not served (nor published as the first version)
/// unless the operator says so; the refusal lists the findings and the way past them.
#[test]
fn serve_refuses_a_manifest_with_check_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let seed = examples_dir().join("004-liaoliao.toml");
    gebao()
        .args(["--lang", "en", "serve", "--listen", "127.0.0.1:0", "--manifest"])
        .arg(&seed)
        .arg("--data-dir")
        .arg(dir.path())
        .assert()
        .failure()
        .stderr(predicates::str::contains("error-level finding").and(predicates::str::contains("--allow-findings")));
    // Nothing was published.
    gebao().args(["audit", "verify", "--data-dir"]).arg(dir.path()).assert().success();
}
