//! A first figure for durable consent writes (not a benchmark suite: those live in
//! `benches/`). Run once with
//! `cargo test -p gebao-store --test bench -- --ignored --nocapture`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
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
