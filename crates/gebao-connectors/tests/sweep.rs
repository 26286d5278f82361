//! The retention sweeper against real databases, on PostgreSQL, MariaDB and SQLite.
//! Each of the 20 users has orders 5 years, 4 years, 2 years and 10 days old (two items
//! each) and sign-in logs 1, 45, 100, 200, 400 and 800 days old.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;

use common::Env;
use common::data::USERS;
use gebao_connectors::{Action, Executor, HoldReason, SweepReport, TableSweep};
use gebao_core::Manifest;
use gebao_core::duration::Duration;
use gebao_core::manifest::{LegalMinimum, Purpose, Retention};
use std::collections::BTreeSet;

on_every_engine!(sweep_erases_only_expired_rows, sweep_never_goes_below_legal_minimums, holds_outlast_retention,);

fn table<'a>(r: &'a SweepReport, name: &str) -> &'a TableSweep {
    r.tables.iter().find(|t| t.table == name).unwrap_or_else(|| panic!("{name} not swept: {r:?}"))
}

fn purpose<'a>(m: &'a mut Manifest, id: &str) -> &'a mut Purpose {
    m.purposes.iter_mut().find(|p| p.id.as_str() == id).unwrap()
}

fn period(m: &mut Manifest, id: &str, d: Duration) {
    purpose(m, id).retention.as_mut().unwrap().period = Some(d);
}

async fn sweep_erases_only_expired_rows(env: Env) {
    let exec = env.executor();
    let before = env.snapshot().await;
    let dry = exec.sweep(env.now, true).await.unwrap();
    assert_eq!(env.snapshot().await, before, "a dry run changes nothing");
    let (orders, logs) = (table(&dry, "orders"), table(&dry, "login_logs"));
    assert_eq!(
        (orders.rows, orders.cascaded["order_items"], orders.protected),
        (2 * USERS as u64, 4 * USERS as u64, 0)
    );
    assert_eq!((logs.rows, logs.protected), (3 * USERS as u64, 0), "logs older than six months");
    assert!(dry.dry_run);

    let real = exec.sweep(env.now, false).await.unwrap();
    assert_eq!(real.rows, dry.rows);
    assert_eq!(real.rows, (2 + 4 + 3) * USERS as u64);
    assert!(real.rows_per_second > 0.0);
    let after = env.snapshot().await;
    assert_eq!(after["shop.orders"].len(), 2 * USERS as usize);
    assert_eq!(after["shop.order_items"].len(), 4 * USERS as usize);
    assert_eq!(after["shop.login_logs"].len(), 3 * USERS as usize);
    assert_eq!(after["shop.users"], before["shop.users"]);
    assert_eq!(after["shop.profiles"], before["shop.profiles"]);
    let kept_orders: Vec<String> = after["shop.orders"].iter().map(|r| r["id"].clone().unwrap()).collect();
    assert!(kept_orders.iter().all(|id| id.ends_with('3') || id.ends_with('4')), "{kept_orders:?}");

    let again = exec.sweep(env.now, false).await.unwrap();
    assert_eq!(again.rows, 0, "nothing left to sweep");
}

async fn sweep_never_goes_below_legal_minimums(env: Env) {
    // Periods shorter than the law allows: the legal minimums win.
    let mut m = env.manifest.clone();
    period(&mut m, "security", Duration::months(1));
    period(&mut m, "ecommerce", Duration::years(1));
    let exec = Executor::new(&m, env.connections()).unwrap();
    let report = exec.sweep(env.now, false).await.unwrap();
    let (orders, logs) = (table(&report, "orders"), table(&report, "login_logs"));
    assert_eq!(
        (logs.rows, logs.protected),
        (3 * USERS as u64, 2 * USERS as u64),
        "45- and 100-day logs kept six months"
    );
    assert_eq!((orders.rows, orders.protected), (2 * USERS as u64, USERS as u64), "2-year-old orders kept three years");
    let after = env.snapshot().await;
    assert_eq!(after["shop.login_logs"].len(), 3 * USERS as usize);
    assert_eq!(after["shop.orders"].len(), 2 * USERS as usize);
}

async fn holds_outlast_retention(env: Env) {
    // Orders held for anti-money-laundering (ten years): neither the sweep nor an erasure
    // may touch any of them, however old.
    let mut m = env.manifest.clone();
    let mut aml = purpose(&mut m, "ecommerce").clone();
    aml.id = "aml".into();
    aml.retention = Some(Retention {
        period: Some(Duration::years(10)),
        at_least: false,
        from: Default::default(),
        method: None,
        method_en: None,
        legal_minimum: Some(LegalMinimum::AmlTransactions),
        then: None,
    });
    m.purposes.push(aml);
    let orders = m.datasets[0].tables.iter_mut().find(|t| t.name == "orders").unwrap();
    orders.hold.as_mut().unwrap().purpose = "aml".into();
    let exec = Executor::new(&m, env.connections()).unwrap();
    let before = env.snapshot().await;

    let report = exec.sweep(env.now, false).await.unwrap();
    let o = table(&report, "orders");
    assert_eq!((o.rows, o.protected), (0, 2 * USERS as u64));
    assert_eq!(env.snapshot().await["shop.orders"], before["shop.orders"]);

    let plan = exec.plan("3", &Action::Erase).await.unwrap();
    let held: Vec<_> = plan.datasets[0].held.iter().filter(|h| h.table == "orders").collect();
    assert_eq!(held.len(), 4, "all four orders of the subject");
    assert!(
        held.iter().all(|h| matches!(
            &h.reason,
            HoldReason::LegalMinimum { minimum: Some(LegalMinimum::AmlTransactions), .. }
        ))
    );
    exec.execute("3", &Action::Erase, &BTreeSet::new()).await.unwrap();
    let after = env.snapshot().await;
    assert_eq!(after["shop.orders"], before["shop.orders"]);
    assert_eq!(after["shop.order_items"].len(), before["shop.order_items"].len());
}
