//! Several instances on one store, group commit, and shutdown without losing an
//! acknowledged write, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Kit, purpose};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

gebao_testkit::on_both_engines!(crate::common::run; second_instance_sees_a_withdrawal_within_a_second, concurrent_writes_are_batched_and_survive_shutdown);

use gebao_testkit::within;

async fn second_instance_sees_a_withdrawal_within_a_second(k: Kit) {
    let a = k.start().await;
    let b = k.start().await;
    // A subject registered on A becomes known to B (through the shared audit log).
    a.register("u1", json!({ "age": 30 })).await;
    let q = json!({ "subject": "u1", "purpose": "recommend", "fields": ["browsing"] });
    within(Duration::from_secs(1), || async { b.post("/v1/decisions", &q).await.status == 200 }).await;
    a.consent("u1", "grant", purpose("recommend"), json!({})).await;
    within(Duration::from_secs(1), || async { b.decide("u1", "recommend", &["browsing"]).await.0 }).await;
    // PIPL 15: a withdrawal made on A is honoured by B within a bounded delay.
    let w = a.post("/v1/consents/withdraw", &json!({ "subject": "u1", "scope": purpose("recommend") })).await;
    assert_eq!(w.status, 201, "{}", w.body);
    let took = within(Duration::from_secs(1), || async {
        b.decide("u1", "recommend", &["browsing"]).await.1.as_deref() == Some("consent-withdrawn")
    })
    .await;
    eprintln!("withdrawal on A seen by B after {took:?}");
    // Status changes and policy versions travel too.
    a.post("/v1/subjects/u1/restrict", &json!({})).await;
    within(Duration::from_secs(1), || async {
        b.decide("u1", "register", &["phone"]).await.1.as_deref() == Some("subject-restricted")
    })
    .await;
    let v2 = common::clean_text().replacen(
        r#"fields = ["browsing", "device_id"]"#,
        r#"fields = ["browsing", "device_id", "nickname"]"#,
        1,
    );
    let r = a.post("/v1/policy/versions", &json!({ "manifest": v2, "effective": "2026-01-01" })).await;
    assert_eq!(r.status, 201, "{}", r.body);
    within(Duration::from_secs(1), || async { b.state.policies.current().version == 2 }).await;
    // A consent given on B for a subject B learnt of from A is accepted.
    b.post("/v1/subjects/u1/unrestrict", &json!({})).await;
    b.consent("u1", "grant", purpose("recommend"), json!({})).await;
    within(Duration::from_secs(1), || async { a.decide("u1", "recommend", &["nickname"]).await.0 }).await;
    a.stop().await;
    b.stop().await;
}

async fn concurrent_writes_are_batched_and_survive_shutdown(k: Kit) {
    let s = Arc::new(k.start().await);
    let subjects = 20;
    for i in 0..subjects {
        s.register(&format!("s{i}"), json!({})).await;
    }
    let n = 400;
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let s = Arc::clone(&s);
            tokio::spawn(async move {
                let action = if i % 3 == 0 { "withdraw" } else { "grant" };
                let body =
                    json!({ "subject": format!("s{}", i % subjects), "action": action, "scope": purpose("recommend") });
                s.post("/v1/consents", &body).await.status
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap() == 201 {
            ok += 1;
        }
    }
    assert_eq!(ok, n);
    // Group commit: fewer transactions than records.
    let m = s.get("/metrics").await.body;
    let batches: f64 = m
        .lines()
        .find_map(|l| l.strip_prefix("gebao_consent_batch_size_count "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    eprintln!("{n} consent records in {batches} transactions");
    assert!(batches < n as f64, "no batching: {batches} transactions for {n} records");
    let s = Arc::into_inner(s).unwrap();
    s.stop().await;
    // After a restart every acknowledged record is there, and the memory rebuilt from the
    // ledger answers as before.
    let s = k.start().await;
    let mut total = 0;
    for i in 0..subjects {
        total += s.get(&format!("/v1/subjects/s{i}/consents")).await.json()["history"].as_array().unwrap().len();
    }
    assert_eq!(total, n);
    let started = Instant::now();
    let r = s.get_as("/readyz", None).await;
    assert_eq!(r.status, 200);
    assert!(started.elapsed() < Duration::from_secs(1));
    s.stop().await;
}
