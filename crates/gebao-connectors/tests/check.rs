//! `Executor::check` on PostgreSQL, MariaDB and SQLite: a database that fits its
//! declaration is ok; a missing table, a missing column, a type that does not fit the
//! strategy, a NOT NULL column gebao would empty, a column too short for a hash and an
//! unreachable database are each reported with the table, the column and the fix.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;

use common::Env;
use gebao_connectors::{CheckReport, Connections, Executor, ProblemCode};
use gebao_core::manifest::{Column, Engine, Erasure, Table};
use gebao_core::text::Lang;

on_every_engine!(a_fitting_schema_is_ok, every_misfit_is_reported);

async fn a_fitting_schema_is_ok(env: Env) {
    let report = env.executor().check().await;
    assert!(report.ok(), "{}", report.render(Lang::En));
    assert!(report.datasets.iter().all(|d| d.reachable && d.problems.is_empty()));
    assert!(report.render(Lang::ZhCn).contains("全部正常"));
    assert!(report.render(Lang::En).contains("2 dataset(s), all ok"));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["datasets"][0]["connection"], "shop");
}

fn column(field: &str, erase: Option<Erasure>) -> Column {
    Column { field: field.into(), erase, correctable: true }
}

fn codes(report: &CheckReport, dataset: &str) -> Vec<(ProblemCode, Option<String>, Option<String>)> {
    let d = report.datasets.iter().find(|d| d.dataset.as_str() == dataset).unwrap();
    d.problems.iter().map(|p| (p.code, p.table.clone(), p.column.clone())).collect()
}

async fn every_misfit_is_reported(env: Env) {
    let raw = env.shop.raw().await;
    raw.exec(
        "CREATE TABLE badges (id INTEGER PRIMARY KEY, user_id BIGINT NOT NULL, label VARCHAR(50) NOT NULL, \
         score INTEGER, note VARCHAR(20))",
    )
    .await;
    raw.close().await;
    env.crm.drop_now().await;

    let mut m = env.manifest.clone();
    let shop = &mut m.datasets[0];
    let users = shop.tables.iter_mut().find(|t| t.name == "users").unwrap();
    users.columns.insert("wechat".into(), column("name", None));
    let profiles = shop.tables.iter_mut().find(|t| t.name == "profiles").unwrap();
    profiles.columns.get_mut("age").unwrap().erase = Some(Erasure::Mask);
    let orders = shop.tables.iter_mut().find(|t| t.name == "orders").unwrap();
    orders.hold.as_mut().unwrap().since = "amount".into();
    let mut coupons = shop.tables.iter().find(|t| t.name == "login_logs").unwrap().clone();
    coupons.name = "coupons".into();
    coupons.retention = None;
    let mut badges: Table = coupons.clone();
    badges.name = "badges".into();
    badges.erase = None;
    badges.columns = [
        ("label".to_owned(), column("nickname", Some(Erasure::Null))),
        ("score".to_owned(), column("age", Some(Erasure::Hash))),
        ("note".to_owned(), column("bio", Some(Erasure::Hash))),
    ]
    .into_iter()
    .collect();
    shop.tables.push(coupons);
    shop.tables.push(badges);

    let report = Executor::new(&m, env.connections()).unwrap().check().await;
    assert!(!report.ok());
    let s = |x: &str| Some(x.to_owned());
    let mut want = vec![
        (ProblemCode::MissingColumn, s("users"), s("wechat")),
        (ProblemCode::TypeMismatch, s("orders"), s("amount")),
        (ProblemCode::TypeMismatch, s("profiles"), s("age")),
        (ProblemCode::MissingTable, s("coupons"), None),
        (ProblemCode::NotNullable, s("badges"), s("label")),
    ];
    if env.engine != Engine::Sqlite {
        want.push((ProblemCode::TooShort, s("badges"), s("note"))); // SQLite has no lengths
    }
    want.push((ProblemCode::TypeMismatch, s("badges"), s("score")));
    let mut got = codes(&report, "shop");
    got.sort_by_key(|x| format!("{x:?}"));
    want.sort_by_key(|x| format!("{x:?}"));
    assert_eq!(got, want, "{}", report.render(Lang::En));
    let crm = report.datasets.iter().find(|d| d.dataset.as_str() == "crm").unwrap();
    assert!(!crm.reachable && !crm.ok);
    assert_eq!(codes(&report, "crm"), vec![(ProblemCode::Unreachable, None, None)]);

    let en = report.render(Lang::En);
    for line in [
        "table `users` has no column `wechat`",
        "column `profiles.age` is ",
        "but `mask` writes text",
        "`hold.since` must be a date",
        "column `badges.label` is NOT NULL",
        "cannot reach the database of dataset `crm`",
        "GEBAO_CONNECTION_CRM",
        "fix: create table `coupons`",
        "2 dataset(s), 2 with problems",
    ] {
        assert!(en.contains(line), "{line}:\n{en}");
    }
    assert!(!en.contains(&env.crm.url) && !en.contains("postgres://") && !en.contains("mysql://"), "{en}");
    let zh = report.render(Lang::ZhCn);
    for line in ["表 `users` 中没有列 `wechat`", "修正：", "数据集 `crm`", "2 个有问题"] {
        assert!(zh.contains(line), "{line}:\n{zh}");
    }
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["ok"], false);
    assert!(json["datasets"][0]["problems"].as_array().unwrap().iter().any(|p| p["code"] == "missing-table"));
}

#[tokio::test]
async fn an_unreachable_server_is_reported_in_time() {
    let mut m = common::manifest(Engine::Postgres);
    m.datasets.truncate(1);
    // Port 1 on the loopback: nothing listens there.
    let c = Connections::new([("shop", "postgres://postgres@127.0.0.1:1/shop")]).unwrap();
    let started = std::time::Instant::now();
    let report = Executor::new(&m, c).unwrap().check().await;
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(!report.ok() && !report.datasets[0].reachable);
    assert_eq!(report.datasets[0].problems[0].code, ProblemCode::Unreachable);
}
