//! Two instances on one store, on SQLite and PostgreSQL: each outbox item is delivered
//! once although both delivery loops run, and a restriction filed on one instance is
//! honoured by the other.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod reqkit;

use common::*;
use reqkit::*;
use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const REQUESTS: usize = 8;

async fn each_notice_delivered_once(kit: Kit) {
    let r = Receiver::start().await;
    let text = manifest(&r);
    let (a, _da) = start(&kit, &r, &text).await;
    let (b, _db) = start(&kit, &r, &text).await;
    for i in 0..REQUESTS {
        let s = if i % 2 == 0 { &a } else { &b };
        let user = format!("u{i}");
        s.register(&user, json!({})).await;
        let v = file(s, json!({ "kind": "deletion", "subject": user, "details": { "fields": ["device_id"] } })).await;
        let id = v["id"].as_str().unwrap();
        vouch(s, id, &user).await;
        act(s, id, "approve", json!({})).await;
        act(s, id, "execute", json!({})).await;
    }
    let calls = r.wait_calls("recipient/push", REQUESTS).await;
    // Both loops had time to deliver anything twice.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for c in r.calls("recipient/push") {
        *seen.entry(c.outbox_id).or_default() += 1;
    }
    assert_eq!(seen.len(), REQUESTS, "{calls:?}");
    assert!(seen.values().all(|n| *n == 1), "an item was delivered twice: {seen:?}");

    // A restriction filed on A is honoured by B (through the shared audit log).
    a.register("w", json!({ "age": 30 })).await;
    a.consent("w", "grant", purpose("recommend"), json!({})).await;
    let v = file(&a, json!({ "kind": "restriction", "subject": "w" })).await;
    vouch(&a, v["id"].as_str().unwrap(), "w").await;
    let start = Instant::now();
    let q = json!({ "subject": "w", "purpose": "recommend", "fields": ["browsing"] });
    // B may not know `w` yet (404) until it has read A's writes.
    while b.post("/v1/decisions", &q).await.json()["reason"] != "subject-restricted" {
        assert!(start.elapsed() < Duration::from_secs(2), "instance B still allows");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.stop().await;
    b.stop().await;
}

gebao_testkit::on_both_engines!(crate::common::run; each_notice_delivered_once);
