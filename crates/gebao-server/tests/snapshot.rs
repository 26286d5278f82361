//! The snapshot of the decision state: a restart reads it and the ledger's tail, answers as
//! before, and never trusts a snapshot that is damaged or not of its database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Kit, Server, purpose};
use gebao_server::config::Snapshot;
use gebao_server::memory::snapshot::Refused;
use gebao_server::memory::start::Source;
use serde_json::json;

gebao_testkit::on_both_engines!(crate::common::run;
    a_restart_reads_the_snapshot_and_never_trusts_a_damaged_one,
    a_snapshot_older_than_the_kept_feed_is_rebuilt,
    an_instance_behind_the_pruned_feed_rebuilds_its_state,
    an_instance_prunes_the_feed_to_the_time_it_keeps,
);

/// A snapshot whose changes after it were pruned from the feed cannot be caught up: it is
/// refused and the state rebuilt from the database, which answers with the changes made
/// after the snapshot.
async fn a_snapshot_older_than_the_kept_feed_is_rebuilt(k: Kit) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.memory");
    let s = start(&k, &file).await;
    s.register("early", json!({ "age": 30 })).await;
    s.consent("early", "grant", purpose("recommend"), json!({})).await;
    s.stop().await;
    assert!(file.exists());

    let mut other = k.config();
    other.snapshot = Some(Snapshot::Off);
    let o = Server::start(other).await;
    assert_eq!(o.post("/v1/subjects/early/restrict", &json!({})).await.status, 200);
    o.register("late", json!({ "age": 30 })).await;
    o.register("later", json!({ "age": 30 })).await;
    // Everything but the newest change goes, as a week later.
    assert!(o.state.store.prune_changes(i64::MAX).await.unwrap() >= 2);
    o.stop().await;

    let s = start(&k, &file).await;
    assert!(matches!(s.state.filled_from, Source::Database(Refused::Stale(_))), "{:?}", s.state.filled_from);
    assert_eq!(s.decide("early", "recommend", &["browsing"]).await.1.as_deref(), Some("subject-restricted"));
    assert_eq!(s.decide("late", "recommend", &["browsing"]).await.1.as_deref(), Some("consent-missing"));
    s.stop().await;
}

/// A running instance that finds the change feed pruned past what it had read (it was cut
/// off from the database for longer than the feed is kept) may have missed a restriction
/// or an erasure: it leaves service (`/readyz` 503), says why, rebuilds its state from the
/// database — which holds what it missed — and returns to service by itself. It follows
/// the ledger throughout, so a withdrawal made elsewhere is honoured.
async fn an_instance_behind_the_pruned_feed_rebuilds_its_state(k: Kit) {
    let mut cfg = k.config();
    cfg.snapshot = Some(Snapshot::Off);
    cfg.sync_interval = std::time::Duration::from_millis(50);
    let s = Server::start(cfg).await;
    for u in ["u", "v"] {
        s.register(u, json!({ "age": 30 })).await;
        s.consent(u, "grant", purpose("recommend"), json!({})).await;
    }
    assert_eq!(s.get("/readyz").await.status, 200);
    assert_eq!(s.decide("v", "recommend", &["browsing"]).await, (true, None));
    // A restriction whose change was pruned unread, then four changes pruned too: the feed
    // resumes past what the instance read.
    let raw = gebao_testkit::Raw::connect(&k.url).await;
    raw.exec("UPDATE subjects SET status = 'restricted' WHERE id = 'v'").await;
    raw.exec("INSERT INTO changes (seq, kind, key, at_ms) SELECT MAX(seq) + 5, 'api-key', 'gap', 0 FROM changes").await;
    raw.close().await;
    let mut other = k.config();
    other.snapshot = Some(Snapshot::Off);
    let o = Server::start(other).await;
    o.consent("u", "withdraw", purpose("recommend"), json!({})).await;
    o.stop().await;
    gebao_testkit::within(std::time::Duration::from_secs(10), || async {
        s.decide("v", "recommend", &["browsing"]).await.1.as_deref() == Some("subject-restricted")
    })
    .await;
    gebao_testkit::within(std::time::Duration::from_secs(10), || async { s.get("/readyz").await.status == 200 }).await;
    gebao_testkit::within(std::time::Duration::from_secs(5), || async {
        s.decide("u", "recommend", &["browsing"]).await.1.as_deref() == Some("consent-withdrawn")
    })
    .await;
    // It goes on following the feed and the ledger from the rebuilt state.
    s.register("w", json!({ "age": 30 })).await;
    s.consent("w", "grant", purpose("recommend"), json!({})).await;
    assert_eq!(s.decide("w", "recommend", &["browsing"]).await, (true, None));
    s.stop().await;
}

async fn start(k: &Kit, file: &std::path::Path) -> Server {
    let mut cfg = k.config();
    cfg.snapshot = Some(Snapshot::File(file.to_owned()));
    cfg.snapshot_interval = std::time::Duration::from_millis(100);
    Server::start(cfg).await
}

/// What the decisions of the test's users are: the same before and after each restart.
async fn answers(s: &Server) -> Vec<(bool, Option<String>)> {
    let mut out = Vec::new();
    for u in ["granted", "withdrawn", "restricted", "child", "cancelled"] {
        out.push(s.decide(u, "recommend", &["browsing"]).await);
    }
    out
}

async fn a_restart_reads_the_snapshot_and_never_trusts_a_damaged_one(k: Kit) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.memory");
    let s = start(&k, &file).await;
    assert!(matches!(s.state.filled_from, Source::Database(Refused::Missing)), "{:?}", s.state.filled_from);
    for u in ["granted", "withdrawn", "restricted", "cancelled"] {
        s.register(u, json!({ "age": 30 })).await;
        s.consent(u, "grant", purpose("recommend"), json!({})).await;
    }
    s.register("child", json!({ "age": 10 })).await;
    s.consent("child", "grant", purpose("recommend"), json!({})).await;
    s.consent("withdrawn", "withdraw", purpose("recommend"), json!({})).await;
    assert_eq!(s.post("/v1/subjects/restricted/restrict", &json!({})).await.status, 200);
    let r = s.post("/v1/subjects/cancelled/cancel", &json!({})).await;
    assert!(r.status < 300, "{}", r.body);
    let before = answers(&s).await;
    assert_eq!(before[0], (true, None));
    assert_eq!(before[1].1.as_deref(), Some("consent-withdrawn"));
    assert_eq!(before[2].1.as_deref(), Some("subject-restricted"));
    assert_eq!(before[3].1.as_deref(), Some("guardian-consent-missing"), "the age survives");
    assert_eq!(before[4].1.as_deref(), Some("subject-cancelled"));
    // Written while serving, every `snapshot_interval` once something changed.
    gebao_testkit::within(std::time::Duration::from_secs(5), || async { file.exists() }).await;
    std::fs::remove_file(&file).unwrap();
    s.stop().await;
    assert!(file.exists(), "the snapshot is written at shutdown");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "readable by gebao's user only");
    }

    // Written while no instance with the snapshot runs: the ledger's tail.
    let mut other = k.config();
    other.snapshot = Some(Snapshot::Off);
    let o = Server::start(other).await;
    o.consent("granted", "withdraw", purpose("recommend"), json!({})).await;
    o.register("late", json!({ "age": 30 })).await;
    o.consent("late", "grant", purpose("recommend"), json!({})).await;
    // And a bulk import: more changed subjects than one page of the change feed, which the
    // restart reads a page at a time.
    let now = gebao_server::now_ms();
    let bulk = (0..1500)
        .map(|i| {
            let s = gebao_server::import::subject(&format!(r#"{{"id":"bulk-{i}","age":30}}"#), now).unwrap();
            let audit = gebao_store::NewAudit {
                actor: "import".into(),
                action: gebao_store::AuditAction::SubjectRegister,
                target: String::new(),
                reason: None,
                detail: json!({ "import": true }),
                at_ms: now,
            };
            (s, audit)
        })
        .collect();
    assert_eq!(o.state.store.put_subjects(bulk).await.unwrap(), 1500);
    o.consent("bulk-1499", "grant", purpose("recommend"), json!({})).await;
    o.stop().await;

    let s = start(&k, &file).await;
    assert!(matches!(s.state.filled_from, Source::Snapshot), "{:?}", s.state.filled_from);
    let mut expected = before.clone();
    expected[0] = (false, Some("consent-withdrawn".into()));
    assert_eq!(answers(&s).await, expected, "the snapshot and the tail, applied before ready");
    assert_eq!(s.decide("late", "recommend", &["browsing"]).await, (true, None));
    assert_eq!(s.decide("bulk-1499", "recommend", &["browsing"]).await, (true, None));
    let (allow, reason) = s.decide("bulk-8", "recommend", &["browsing"]).await;
    assert!(!allow && reason.as_deref() == Some("consent-missing"), "registered, held, no consent: {reason:?}");
    assert_eq!(s.state.subjects.len(), 6 + 1500, "every subject of the tail is held (the cancelled one is erased)");
    s.stop().await;

    // One byte changed anywhere: refused, rebuilt from the database, answers the same.
    let mut bytes = std::fs::read(&file).unwrap();
    for at in [bytes.len() / 2, 20, bytes.len() - 10] {
        bytes[at] ^= 0x01;
        std::fs::write(&file, &bytes).unwrap();
        let s = start(&k, &file).await;
        assert!(
            matches!(s.state.filled_from, Source::Database(Refused::Damaged(_))),
            "byte {at}: {:?}",
            s.state.filled_from
        );
        assert_eq!(answers(&s).await, expected);
        s.stop().await;
        let s = start(&k, &file).await;
        assert!(matches!(s.state.filled_from, Source::Snapshot), "rewritten at shutdown");
        s.stop().await;
        bytes = std::fs::read(&file).unwrap();
    }

    // A snapshot of another database (same master key) is not of this ledger: refused.
    let fresh = tempfile::tempdir().unwrap();
    let mut cfg = common::Kit { kind: common::Kind::Sqlite, url: gebao_server::sqlite_url(fresh.path()) }.config();
    cfg.snapshot = Some(Snapshot::File(file.clone()));
    let s = Server::start(cfg).await;
    assert!(matches!(s.state.filled_from, Source::Database(Refused::Stale(_))), "{:?}", s.state.filled_from);
    let q = json!({ "subject": "granted", "purpose": "recommend", "fields": ["browsing"] });
    assert_eq!(s.post("/v1/decisions", &q).await.status, 404, "none of the other database's users");
    s.stop().await;
}

/// Each instance prunes the change feed to `changes_kept` from its first read on (not an
/// hour after it starts, so an instance restarted more often still prunes): a week keeps
/// today's changes, a millisecond keeps only the newest, from which numbering goes on.
async fn an_instance_prunes_the_feed_to_the_time_it_keeps(k: Kit) {
    let mut cfg = k.config();
    cfg.snapshot = Some(Snapshot::Off);
    cfg.sync_interval = std::time::Duration::from_millis(50);
    let s = Server::start(cfg.clone()).await;
    for id in ["p1", "p2", "p3"] {
        s.register(id, json!({ "age": 30 })).await;
    }
    let store = s.state.store.clone();
    let kept = || async { store.changes_after(0, 1000).await.unwrap().iter().map(|c| c.seq).collect::<Vec<_>>() };
    let before = kept().await;
    assert!(before.len() >= 3, "three registrations, {before:?} changes");
    // The default week: the first prunings (this instance's and the next's) keep them all.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    s.stop().await;
    let s = Server::start(cfg.clone()).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // (The restart's own API key is one more change.)
    let after = kept().await;
    assert_eq!(after[..before.len()], before[..], "a week's feed lost today's changes");
    s.stop().await;
    // A millisecond: the next instance's first pruning leaves only the newest.
    cfg.changes_kept = std::time::Duration::from_millis(1);
    let s = Server::start(cfg).await;
    gebao_testkit::within(std::time::Duration::from_secs(5), || async { kept().await.len() == 1 }).await;
    assert_eq!(s.get("/readyz").await.status, 200, "pruning what it had read does not take it out of service");
    s.stop().await;
}
