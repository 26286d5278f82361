//! Several instances on one store, group commit, and shutdown without losing an
//! acknowledged write, on SQLite and on PostgreSQL; three instances on one PostgreSQL and
//! how soon a withdrawal on one is honoured by the others.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Kind, Kit, Server, purpose};
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

/// Three instances on one PostgreSQL: every withdrawal made on A is denied on B and on C,
/// 200 withdrawals over 40 subjects. The delay from sending the withdrawal to A until B
/// denies is printed (p50, p99); the bound asserted is generous, for shared CI machines
/// (the target, p99 ≤ 300 ms, is measured by the benchmark below, docs/benchmarks.md).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_deny_a_withdrawal_made_on_one() {
    common::run(Kind::Postgres, |k| async move {
        let f = fanout(&k, 40, 200, 0).await;
        assert!(f.b.p99 < Duration::from_secs(2), "{f:?}");
        assert!(f.c.p99 < Duration::from_secs(2), "{f:?}");
    })
    .await;
}

/// The benchmark of the same (docs/benchmarks.md): `GEBAO_BENCH_WITHDRAWALS` withdrawals
/// (2,000 by default) over 200 subjects, with `GEBAO_BENCH_LOAD` tasks (0 by default)
/// granting consents on B and C all along. `scripts/bench-fanout` runs it.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: scripts/bench-fanout"]
async fn bench_withdrawal_fanout() {
    let env = |name: &str, default: usize| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let (n, load) = (env("GEBAO_BENCH_WITHDRAWALS", 2000), env("GEBAO_BENCH_LOAD", 0));
    common::run(Kind::Postgres, |k| async move {
        let f = fanout(&k, 200, n, load).await;
        println!("bench-fanout withdrawals={n} load={load} {f:?}");
    })
    .await;
}

/// Delays measured over many withdrawals.
#[derive(Debug)]
#[allow(dead_code)] // `ack` is read through Debug
struct Fanout {
    /// Until A answered 201 (committed).
    ack: Percentiles,
    /// Until B denied.
    b: Percentiles,
    /// Until C denied.
    c: Percentiles,
}

#[derive(Debug)]
#[allow(dead_code)] // read through Debug
struct Percentiles {
    p50: Duration,
    p99: Duration,
    max: Duration,
}

fn percentiles(mut v: Vec<Duration>) -> Percentiles {
    v.sort();
    let at = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    Percentiles { p50: at(0.50), p99: at(0.99), max: at(1.0) }
}

/// Polls `s` until it decides `allow` for `subject`, as fast as it answers; how long that took.
async fn until_decided(s: &Server, subject: &str, allow: bool) -> Duration {
    let started = Instant::now();
    loop {
        let (ok, reason) = s.decide(subject, "recommend", &["browsing"]).await;
        if ok == allow && (allow || reason.as_deref() == Some("consent-withdrawn")) {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{subject}: not {allow} on an instance within 10 s");
    }
}

/// Three instances on `k`; `withdrawals` withdrawals on A over `subjects` subjects, each
/// granted again (and seen granted on B and C) before its next withdrawal; `load` tasks
/// granting consents to other subjects on B and C meanwhile.
async fn fanout(k: &Kit, subjects: usize, withdrawals: usize, load: usize) -> Fanout {
    let (a, b, c) = (Arc::new(k.start().await), Arc::new(k.start().await), Arc::new(k.start().await));
    let ids: Vec<String> = (0..subjects).map(|i| format!("u{i}")).collect();
    for id in &ids {
        a.register(id, json!({ "age": 30 })).await;
    }
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut busy = Vec::new();
    for t in 0..load {
        let (s, stop) = (Arc::clone(if t % 2 == 0 { &b } else { &c }), Arc::clone(&stop));
        let id = format!("load{t}");
        s.register(&id, json!({ "age": 30 })).await;
        busy.push(tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                s.consent(&id, "grant", purpose("recommend"), json!({})).await;
            }
        }));
    }
    let (mut ack, mut on_b, mut on_c) = (Vec::new(), Vec::new(), Vec::new());
    let mut done = 0;
    while done < withdrawals {
        let round = &ids[..subjects.min(withdrawals - done)];
        for id in round {
            a.consent(id, "grant", purpose("recommend"), json!({})).await;
        }
        for id in round {
            until_decided(&b, id, true).await;
            until_decided(&c, id, true).await;
        }
        for id in round {
            let started = Instant::now();
            let w = a.post("/v1/consents/withdraw", &json!({ "subject": id, "scope": purpose("recommend") })).await;
            assert_eq!(w.status, 201, "{}", w.body);
            ack.push(started.elapsed());
            // Both polled at once, each timed from the moment the withdrawal was sent.
            let (tb, tc) = tokio::join!(until_decided(&b, id, false), until_decided(&c, id, false));
            let since = started.elapsed() - tb.max(tc);
            on_b.push(since + tb);
            on_c.push(since + tc);
        }
        done += round.len();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in busy {
        t.await.unwrap();
    }
    let f = Fanout { ack: percentiles(ack), b: percentiles(on_b), c: percentiles(on_c) };
    eprintln!("withdraw on A -> deny on B and C, {withdrawals} withdrawals: {f:?}");
    for s in [a, b, c] {
        Arc::into_inner(s).unwrap().stop().await;
    }
    f
}
