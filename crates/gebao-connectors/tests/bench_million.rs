//! Benchmark, run by hand (ignored by `cargo test`): export and erasure of one subject in a
//! shop of 1,000,000 users (3,000,000 orders and items, 5,000,000 sign-in logs, 1,000,000
//! profiles, indexes on every user id column), then a full retention sweep.
//!
//! ```text
//! cargo test -p gebao-connectors --test bench_million -- --ignored --nocapture postgres
//! cargo test -p gebao-connectors --test bench_million -- --ignored --nocapture mariadb
//! ```
//! `GEBAO_BENCH_USERS` changes the number of users (default 1,000,000).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::Utc;
use common::{Db, data};
use gebao_connectors::{Action, Connections, Executor};
use gebao_core::manifest::Engine;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const SAMPLES: i64 = 21;

fn users() -> i64 {
    std::env::var("GEBAO_BENCH_USERS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000)
}

/// Fills the shop with set-based statements: the database generates the rows.
fn generate(engine: Engine, n: i64) -> Vec<String> {
    let (series, seq3, seq5, cat, days) = match engine {
        Engine::Postgres => (
            format!("generate_series(1, {n}) AS s(u)"),
            "generate_series(1, 3) AS j(j)",
            "generate_series(1, 5) AS j(j)",
            "||",
            "now() - make_interval(days => CAST(({d}) AS INT))",
        ),
        Engine::Mysql => (
            format!("(SELECT seq AS u FROM seq_1_to_{n}) s"),
            "(SELECT seq AS j FROM seq_1_to_3) j",
            "(SELECT seq AS j FROM seq_1_to_5) j",
            ",",
            "UTC_TIMESTAMP() - INTERVAL ({d}) DAY",
        ),
        Engine::Sqlite => unreachable!("the benchmark runs on server engines"),
    };
    let concat = |parts: &[&str]| match engine {
        Engine::Postgres => parts.join(&format!(" {cat} ")),
        _ => format!("CONCAT({})", parts.join(", ")),
    };
    let lpad = if engine == Engine::Postgres { "lpad(CAST(u AS TEXT), 8, '0')" } else { "LPAD(u, 8, '0')" };
    let ago = |d: &str| days.replace("{d}", d);
    vec![
        format!(
            "INSERT INTO users SELECT u, {}, {}, {}, DATE '1980-01-01' + {}, {} FROM {series}",
            concat(&["'138'", lpad]),
            concat(&["'user'", "u", "'@example.com'"]),
            concat(&["'用户'", "u"]),
            if engine == Engine::Postgres { "(u % 10000)" } else { "INTERVAL (u % 10000) DAY" },
            ago("2000")
        ),
        // Orders 400-700, 800-1100 and 1200-1500 days old: the last past three years.
        format!(
            "INSERT INTO orders SELECT u * 10 + j, u, (u % 1000) + 0.5, {}, {} FROM {series} CROSS JOIN {seq3}",
            concat(&["'北京市朝阳区'", "u", "'号'"]),
            ago("j * 400 + u % 300")
        ),
        format!("INSERT INTO order_items SELECT id * 10 + 1, id, 'item', amount FROM orders"),
        // Logs 60-110, 120-170, …, 300-350 days old: about half past six months.
        format!(
            "INSERT INTO login_logs SELECT u * 10 + j, u, {}, {} FROM {series} CROSS JOIN {seq5}",
            concat(&["'192.0.2.'", "u % 250"]),
            ago("j * 60 + u % 50")
        ),
        format!(
            "INSERT INTO profiles SELECT u, u, {}, {}, 'hangzhou', 20 + u % 50, 'bio', 'zh-CN' FROM {series}",
            concat(&["'nick'", "u"]),
            concat(&["'https://img.example.cn/a/'", "u", "'.png'"])
        ),
        "CREATE INDEX logs_at ON login_logs (at)".into(),
        "CREATE INDEX orders_created ON orders (created_at)".into(),
    ]
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn bench(engine: Engine) {
    let n = users();
    let Some(shop) = Db::create(engine).await else { return }; // notice printed
    let Some(crm) = Db::create(engine).await else { return };
    data::fill_crm(&crm).await;
    let raw = data::create_shop_schema(&shop).await;
    let started = Instant::now();
    for stmt in generate(engine, n) {
        let t = Instant::now();
        raw.exec(&stmt).await;
        eprintln!("  {:>6.1}s  {}", t.elapsed().as_secs_f64(), &stmt[..stmt.len().min(60)]);
    }
    raw.exec(if engine == Engine::Postgres {
        "ANALYZE"
    } else {
        "ANALYZE TABLE users, orders, order_items, login_logs, profiles"
    })
    .await;
    raw.close().await;
    eprintln!("generated {n} users in {:.1}s", started.elapsed().as_secs_f64());

    let m = common::manifest(engine);
    let exec =
        Executor::new(&m, Connections::new([("shop", shop.url.clone()), ("crm", crm.url.clone())]).unwrap()).unwrap();
    exec.find("1").await.unwrap(); // connect and look up the schema once
    let subjects: Vec<String> = (0..SAMPLES).map(|i| (1 + i * (n / SAMPLES)).to_string()).collect();

    let mut export = Vec::new();
    for s in &subjects {
        let t = Instant::now();
        let b = exec.export(s).await.unwrap();
        export.push(t.elapsed());
        assert_eq!(b.csv["shop.orders"].lines().count(), 4);
    }
    let mut plan = Vec::new();
    for s in &subjects {
        let t = Instant::now();
        exec.plan(s, &Action::Erase).await.unwrap();
        plan.push(t.elapsed());
    }
    let mut erase = Vec::new();
    for s in &subjects {
        let t = Instant::now();
        let out = exec.execute(s, &Action::Erase, &BTreeSet::new()).await.unwrap();
        erase.push(t.elapsed());
        assert!(out.completed.iter().map(|d| d.rows).sum::<u64>() > 0);
    }
    eprintln!("engine {engine:?}, {n} users, {SAMPLES} subjects each:");
    eprintln!(
        "  export  median {:?}  (min {:?}, max {:?})",
        median(export.clone()),
        export.iter().min().unwrap(),
        export.iter().max().unwrap()
    );
    eprintln!("  plan    median {:?}", median(plan));
    eprintln!(
        "  erase   median {:?}  (min {:?}, max {:?})",
        median(erase.clone()),
        erase.iter().min().unwrap(),
        erase.iter().max().unwrap()
    );

    let dry = exec.sweep(Utc::now(), true).await.unwrap();
    eprintln!("  sweep dry run: {} rows in {:.1}s", dry.rows, dry.seconds);
    let report = exec.sweep(Utc::now(), false).await.unwrap();
    for t in &report.tables {
        eprintln!(
            "  sweep {}: {} rows (+{:?}) in {:.1}s, {} protected",
            t.table, t.rows, t.cascaded, t.seconds, t.protected
        );
    }
    eprintln!("  sweep: {} rows in {:.1}s = {:.0} rows/s", report.rows, report.seconds, report.rows_per_second);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: builds a million-user database (minutes); run by hand"]
async fn postgres() {
    bench(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: builds a million-user database (minutes); run by hand"]
async fn mariadb() {
    bench(Engine::Mysql).await;
}
