//! A first figure for durable consent writes (not a benchmark suite: those live in
//! `benches/`). Run once with
//! `cargo test -p gebao-store --test bench -- --ignored --nocapture`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use gebao_store::RequestFilter;
use std::time::{Duration, Instant};

const SUBJECTS: usize = 100;
const BATCH: usize = 1000;
const ROUNDS: usize = 5;
const SINGLES: usize = 100;

async fn measure(env: Env) {
    let s = &env.store;
    register(s.as_ref(), SUBJECTS).await;
    let mut times = Vec::new();
    for r in 0..ROUNDS {
        let batch = grants(BATCH, SUBJECTS, T0 + (r * BATCH) as i64);
        let t = Instant::now();
        s.append_consents(batch).await.unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    let median = times[ROUNDS / 2];
    let t = Instant::now();
    for i in 0..SINGLES {
        s.append_consents(grants(1, SUBJECTS, T0 + i as i64)).await.unwrap();
    }
    let single = t.elapsed() / SINGLES as u32;
    let t = Instant::now();
    let report = s.verify(None).await.unwrap();
    let verify = t.elapsed();
    assert!(report.is_intact());
    println!(
        "{:?}: batch of {BATCH} consents: median {:.1} ms (min {:.1}, max {:.1}) = {:.0} consents/s; \
         one consent per transaction: {:.2} ms each; verify of {} consents + {} audit entries: {:.0} ms",
        env.kind,
        ms(median),
        ms(times[0]),
        ms(times[ROUNDS - 1]),
        BATCH as f64 / median.as_secs_f64(),
        ms(single),
        report.consents.records,
        report.audit.records,
        ms(verify),
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::test]
#[ignore = "timing; run by hand"]
async fn append_1000_sqlite() {
    run(Kind::Sqlite, measure).await;
}

#[tokio::test]
#[ignore = "timing; run by hand"]
async fn append_1000_postgres() {
    run(Kind::Postgres, measure).await;
}

/// Bytes per row on PostgreSQL, for sizing (docs/scale.md): `GEBAO_BENCH_SUBJECTS` subjects
/// (20,000 by default) with a phone number and an e-mail address, five consents each
/// (granted through the store, so every one also writes its audit entry), then
/// `VACUUM ANALYZE` and `pg_total_relation_size` (heap, TOAST and indexes) of each table,
/// summed over the partitions. Run with
/// `cargo test -p gebao-store --test bench -- --ignored --nocapture bytes_per_row`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "measurement; run by hand"]
async fn bytes_per_row_postgres() {
    let subjects: usize = std::env::var("GEBAO_BENCH_SUBJECTS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    run(Kind::Postgres, |env| async move {
        let s = &env.store;
        let started = Instant::now();
        for chunk in (0..subjects).collect::<Vec<_>>().chunks(1000) {
            let batch = chunk
                .iter()
                .map(|i| {
                    let id = format!("user-{i:09}");
                    let subject = gebao_store::NewSubject {
                        phone: Some(format!("+86139{i:08}")),
                        email: Some(format!("user{i}@mail.example.cn")),
                        age: Some(30),
                        ..subject(&id)
                    };
                    (subject, audit("subject.register", &format!("subject:{id}")))
                })
                .collect();
            s.put_subjects(batch).await.unwrap();
        }
        let purposes = ["recommend", "ads", "analytics", "push", "location"];
        let evidence = serde_json::json!({
            "ui": "consent-sheet-v3", "shown": "隐私政策 v1 第3节", "app": "5.2.1", "locale": "zh-CN"
        });
        let mut n = 0;
        for chunk in (0..subjects).collect::<Vec<_>>().chunks(200) {
            let batch: Vec<_> = chunk
                .iter()
                .flat_map(|i| {
                    let evidence = evidence.clone();
                    purposes.iter().map(move |p| gebao_store::NewConsent {
                        evidence: evidence.clone(),
                        ..consent(&format!("user-{i:09}"), p, gebao_core::decision::ConsentAction::Grant, T0)
                    })
                })
                .collect();
            n += batch.len();
            s.append_consents(batch).await.unwrap();
        }
        let took = started.elapsed();
        env.raw.exec("VACUUM ANALYZE").await;
        let size = |table: &str| {
            format!(
                "SELECT (CASE WHEN c.relkind = 'p' \
                   THEN (SELECT SUM(pg_total_relation_size(t.relid)) FROM pg_partition_tree(c.oid) t WHERE t.isleaf) \
                   ELSE pg_total_relation_size(c.oid) END)::bigint FROM pg_class c WHERE c.relname = '{table}'"
            )
        };
        let rows = |table: &str| format!("SELECT COUNT(*) FROM {table}");
        println!("{subjects} subjects, {n} consents written in {:.1} s", took.as_secs_f64());
        for table in ["consents", "audit_log", "subjects", "changes"] {
            let (bytes, count) = (env.raw.int(&size(table)).await, env.raw.int(&rows(table)).await);
            println!(
                "{table}: {count} rows, {bytes} bytes = {:.0} bytes per row, {:.0} bytes per subject",
                bytes as f64 / count as f64,
                bytes as f64 / subjects as f64
            );
        }
    })
    .await;
}

/// A page of the officer's request list among many requests (docs/benchmarks.md): one
/// request created through the store, copied by SQL into `GEBAO_BENCH_REQUESTS` (1,000,000
/// by default) with 500 due a day and one in ten open, then pages read through the store,
/// each the median of 21 reads. Run with
/// `cargo test -p gebao-store --test bench -- --ignored --nocapture request_list`.
async fn request_list(env: Env) {
    let n: i64 = std::env::var("GEBAO_BENCH_REQUESTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let s = &env.store;
    register(s.as_ref(), 1).await;
    let first = new_request("r", "s0", gebao_core::requests::RequestKind::Access, T0, T0);
    let received = event("received", None, gebao_core::requests::RequestState::Received);
    s.create_request(first, received, audit("request.received", "r"), vec![]).await.unwrap();
    // The numbers 1..=n and each one's id (`req_` and 24 hex digits), in each engine's SQL.
    let (series, hex_id) = match env.kind {
        Kind::Postgres => {
            (format!("WITH n AS (SELECT generate_series(1::bigint, {n}) AS i) "), "'req_' || lpad(to_hex(i), 24, '0')")
        }
        _ => (
            format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) "),
            "printf('req_%024x', i)",
        ),
    };
    // Copies of the row: ids in hex, due a day later every 500, closed but for one in ten
    // (no details: they are sealed to their own id).
    let copies = format!(
        "SELECT {hex_id} AS id, subject, kind, state, requester, requester_id, channel, \
         received_ms, received_ms + (i / 500) * 86400000 AS due_ms, due_date, due_estimated, progress, result, \
         created_ms, updated_ms, CASE WHEN i % 10 = 0 THEN NULL ELSE received_ms END AS closed_ms, version \
         FROM requests, n WHERE requests.id = 'r'"
    );
    let cols = "id, subject, kind, state, requester, requester_id, channel, received_ms, due_ms, due_date, \
         due_estimated, progress, result, created_ms, updated_ms, closed_ms, version";
    let started = Instant::now();
    env.raw.exec(&format!("INSERT INTO requests ({cols}) {series}{copies}")).await;
    env.raw.exec("ANALYZE").await;
    println!("{:?}: {n} requests copied in {:.1} s", env.kind, started.elapsed().as_secs_f64());

    let middle = T0 + (n / 2 / 500) * 86_400_000;
    let all = RequestFilter { limit: 50, ..Default::default() };
    let pages = [
        ("first page of all", all.clone()),
        ("a page of all, halfway", RequestFilter { after: Some((middle, "req_".into())), ..all.clone() }),
        (
            "a page of the open ones, halfway",
            RequestFilter { open: true, after: Some((middle, "req_".into())), ..all.clone() },
        ),
        (
            "a page of one state, halfway",
            RequestFilter {
                states: vec![gebao_core::requests::RequestState::Received],
                after: Some((middle, "req_".into())),
                ..all.clone()
            },
        ),
    ];
    for (what, filter) in pages {
        let mut times = Vec::new();
        for _ in 0..21 {
            let t = Instant::now();
            let page = s.list_requests(&filter).await.unwrap();
            times.push(t.elapsed());
            assert_eq!(page.len(), 50, "{what}");
        }
        times.sort();
        println!(
            "{:?}: {what}: median {:.2} ms (min {:.2}, max {:.2})",
            env.kind,
            ms(times[10]),
            ms(times[0]),
            ms(times[20])
        );
    }
}

#[tokio::test]
#[ignore = "timing; run by hand"]
async fn request_list_sqlite() {
    run(Kind::Sqlite, request_list).await;
}

#[tokio::test]
#[ignore = "timing; run by hand"]
async fn request_list_postgres() {
    run(Kind::Postgres, request_list).await;
}
