//! Rights requests against real databases: the same suite on PostgreSQL, MariaDB and SQLite.
//! Subject 3 of the generated shop is the requester; users 1..20 exist.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;

use common::data::{self, email, phone};
use common::{Env, Snapshot};
use gebao_connectors::{Action, Error, HoldReason, Op};
use gebao_core::ids::{DatasetId, FieldId};
use gebao_core::manifest::Engine;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

on_every_engine!(
    find_follows_parent_relations,
    export_bundle_has_json_csv_html,
    dry_run_lists_statements_and_changes_nothing,
    erase_leaves_nothing_but_legal_holds,
    correction_changes_only_declared_columns,
    resumes_after_a_database_goes_away,
    a_failing_statement_rolls_back_its_dataset,
    reserved_words_are_quoted_identifiers,
    erased_and_kept_fields,
);

const SUBJECT: &str = "3";

/// Whether a snapshot row is subject 3's (directly or through its orders).
fn is_subjects(table: &str, row: &BTreeMap<String, Option<String>>) -> bool {
    let get = |c: &str| row.get(c).cloned().flatten().unwrap_or_default();
    match table {
        "shop.users" | "shop.profiles" => get("id") == SUBJECT,
        "shop.order_items" => ["31", "32", "33", "34"].contains(&get("order_id").as_str()),
        _ => get("user_id") == SUBJECT,
    }
}

fn others(s: &Snapshot) -> Snapshot {
    s.iter().map(|(t, rows)| (t.clone(), rows.iter().filter(|r| !is_subjects(t, r)).cloned().collect())).collect()
}

fn col(s: &Snapshot, table: &str, id: &str, c: &str) -> Option<String> {
    let row = s[table].iter().find(|r| r["id"].as_deref() == Some(id)).unwrap_or_else(|| panic!("{table} {id}"));
    row[c].clone()
}

async fn find_follows_parent_relations(env: Env) {
    let exec = env.executor();
    let data = exec.find(SUBJECT).await.unwrap();
    let n = |t: &str| data.table(if t == "tickets" { "crm" } else { "shop" }, t).unwrap().rows.len();
    assert_eq!(
        [n("users"), n("orders"), n("order_items"), n("login_logs"), n("profiles"), n("tickets")],
        [1, 4, 8, 6, 1, 2]
    );
    let user = &data.table("shop", "users").unwrap().rows[0];
    assert_eq!(user["phone"], json!(phone(3)));
    assert_eq!(user["birthday"], json!("1990-01-03"));
    let items = &data.table("shop", "order_items").unwrap().rows;
    assert!(items.iter().all(|r| (31..=34).contains(&r["order_id"].as_i64().unwrap())), "{items:?}");
    assert_eq!(exec.find("999").await.unwrap().row_count(), 0);
    assert_eq!(exec.find("x' OR '1'='1").await.unwrap().row_count(), 0, "ids are parameters");
}

async fn export_bundle_has_json_csv_html(env: Env) {
    let b = env.executor().export(SUBJECT).await.unwrap();
    assert_eq!(b.json["format"], json!("gebao-export/1"));
    assert_eq!(b.json["subject"], json!(SUBJECT));
    let users = b.json["datasets"][0]["tables"].as_array().unwrap().iter().find(|t| t["table"] == "users").unwrap();
    assert_eq!(users["rows"][0]["email"], json!(email(3)));
    let phone_col = users["columns"].as_array().unwrap().iter().find(|c| c["name"] == "phone").unwrap();
    assert_eq!((phone_col["field"].clone(), phone_col["label"].clone()), (json!("phone"), json!("手机号码")));

    let csv = &b.csv["shop.users"];
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "id,birthday,email,name,phone");
    assert_eq!(lines[1], format!("3,1990-01-03,{},用户3,{}", email(3), phone(3)));
    assert_eq!(b.csv["shop.order_items"].lines().count(), 9);
    assert_eq!(b.csv["crm.tickets"].lines().count(), 3);

    for s in [
        "<html lang=\"zh-CN\">",
        "您的个人信息副本",
        "手机号码",
        "Mobile phone number",
        "订单商品",
        "客服系统",
        &phone(3),
    ] {
        assert!(b.html.contains(s), "HTML lacks {s}");
    }
    // Written to a file (seekable) and streamed: both open with a standard unzip.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.zip");
    b.write_zip(std::fs::File::create(&path).unwrap()).unwrap();
    let streamed = dir.path().join("streamed.zip");
    b.write_zip_stream(std::fs::File::create(&streamed).unwrap()).unwrap();
    assert!(std::fs::read(&path).unwrap().starts_with(b"PK\x03\x04"));
    for p in [&path, &streamed] {
        if let Ok(out) = std::process::Command::new("unzip").arg("-t").arg(p).output() {
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
            assert!(String::from_utf8_lossy(&out.stdout).contains("csv/shop.users.csv"));
        }
    }
}

async fn dry_run_lists_statements_and_changes_nothing(env: Env) {
    let exec = env.executor();
    let before = env.snapshot().await;
    let plan = exec.plan(SUBJECT, &Action::Erase).await.unwrap();
    assert_eq!(env.snapshot().await, before, "a dry run changes nothing");

    let shop = &plan.datasets[0];
    let find =
        |table: &str, op: Op| shop.statements.iter().filter(|s| s.table == table && s.op == op).collect::<Vec<_>>();
    let logs = find("login_logs", Op::Delete);
    assert_eq!((logs.len(), logs[0].rows, logs[0].params.len()), (1, 6, 6));
    let q = if env.engine == Engine::Mysql { "`login_logs`" } else { "\"login_logs\"" };
    assert!(logs[0].sql.starts_with(&format!("DELETE FROM {q} WHERE")), "{}", logs[0].sql);
    assert_eq!(find("order_items", Op::Delete)[0].rows, 4, "items of the two old orders");
    assert_eq!(find("orders", Op::Delete)[0].rows, 2, "orders past the three-year minimum");
    assert_eq!(find("profiles", Op::Update).len(), 1);
    assert_eq!(find("users", Op::Update).len(), 1, "the account row is kept with its PI erased");
    let pos = |t: &str, op: Op| shop.statements.iter().position(|s| s.table == t && s.op == op).unwrap();
    assert!(pos("order_items", Op::Delete) < pos("orders", Op::Delete), "children first");
    assert!(pos("orders", Op::Delete) < pos("users", Op::Update));
    for s in plan.datasets.iter().flat_map(|d| &d.statements) {
        assert!(!s.sql.contains(&phone(3)) && !s.sql.contains("'"), "values are parameters: {}", s.sql);
    }
    let held = |t: &str| shop.held.iter().filter(|h| h.table == t).collect::<Vec<_>>();
    assert_eq!(held("orders").len(), 2);
    assert!(
        held("orders").iter().all(|h| matches!(&h.reason, HoldReason::LegalMinimum { .. }) && h.until > Some(env.now))
    );
    assert!(held("order_items").iter().all(|h| h.reason == HoldReason::ParentHeld));
    assert_eq!(held("order_items").len(), 4);
    assert_eq!(held("users")[0].reason, HoldReason::ReferencedByHeld);
    assert_eq!(plan.datasets[1].statements[0].rows, 2, "the two tickets");
    assert_eq!(plan.rows(), 6 + 4 + 2 + 1 + 1 + 2);

    let restrict = exec.plan(SUBJECT, &Action::Restrict).await.unwrap();
    assert_eq!(restrict.rows(), 0);
    assert_eq!(env.snapshot().await, before);
}

async fn erase_leaves_nothing_but_legal_holds(env: Env) {
    let exec = env.executor();
    let before = env.snapshot().await;
    let out = exec.execute(SUBJECT, &Action::Erase, &BTreeSet::new()).await.unwrap();
    assert_eq!(out.completed.iter().map(|d| d.rows).sum::<u64>(), 16);
    let after = env.snapshot().await;

    for (table, rows) in &after {
        for row in rows {
            for v in row.values().flatten() {
                assert!(!v.contains(&phone(3)) && !v.contains(&email(3)) && v != "用户3", "{table}: {row:?}");
            }
            if is_subjects(table, row) {
                let held_order = table == "shop.orders" && ["33", "34"].contains(&row["id"].as_deref().unwrap());
                let held_item =
                    table == "shop.order_items" && ["33", "34"].contains(&row["order_id"].as_deref().unwrap());
                let account = table == "shop.users";
                let unlinked_profile = table == "shop.profiles" && row["user_id"].is_none();
                assert!(held_order || held_item || account || unlinked_profile, "{table} keeps {row:?}");
            }
        }
    }
    for c in ["phone", "email", "name", "birthday"] {
        assert_eq!(col(&after, "shop.users", "3", c), None, "users.{c}");
    }
    assert_eq!(col(&after, "shop.profiles", "3", "user_id"), None);
    assert_eq!(col(&after, "shop.profiles", "3", "nickname").as_deref(), Some("小**号"));
    let avatar = col(&after, "shop.profiles", "3", "avatar").unwrap();
    assert!(avatar.len() == 64 && avatar.bytes().all(|b| b.is_ascii_hexdigit()), "{avatar}");
    assert_eq!(col(&after, "shop.profiles", "3", "city").as_deref(), Some("杭"));
    assert_eq!(col(&after, "shop.profiles", "3", "age").as_deref(), Some("30"));
    assert_eq!(col(&after, "shop.profiles", "3", "bio"), None);
    assert_eq!(col(&after, "shop.profiles", "3", "language").as_deref(), Some("zh-CN"), "keep");
    assert_eq!(others(&after), others(&before), "other users untouched");

    let again = exec.execute(SUBJECT, &Action::Erase, &BTreeSet::new()).await.unwrap();
    assert_eq!(again.completed.iter().map(|d| d.rows).sum::<u64>(), 0, "idempotent: {again:?}");
    assert_eq!(env.snapshot().await, after);
}

async fn correction_changes_only_declared_columns(env: Env) {
    let exec = env.executor();
    let before = env.snapshot().await;
    let fix = Action::Correct { field: "phone".into(), value: json!("13999999999") };
    let out = exec.execute(SUBJECT, &fix, &BTreeSet::new()).await.unwrap();
    assert_eq!(out.completed.iter().map(|d| d.rows).sum::<u64>(), 3, "users.phone and two tickets");
    let after = env.snapshot().await;
    let mut expected = before.clone();
    for (table, rows) in expected.iter_mut() {
        for row in rows.iter_mut().filter(|r| r.get("user_id").cloned().flatten().as_deref() == Some(SUBJECT)) {
            if table == "crm.tickets" {
                row.insert("phone".into(), Some("13999999999".into()));
            }
        }
        if table == "shop.users" {
            for row in rows.iter_mut().filter(|r| r["id"].as_deref() == Some(SUBJECT)) {
                row.insert("phone".into(), Some("13999999999".into()));
            }
        }
    }
    assert_eq!(after, expected);

    let unknown = exec.plan(SUBJECT, &Action::Correct { field: "shoe_size".into(), value: json!(42) }).await;
    assert!(matches!(unknown, Err(Error::UnknownField(_))), "{unknown:?}");
    let locked = exec
        .execute(SUBJECT, &Action::Correct { field: "birthday".into(), value: json!("1990-02-02") }, &BTreeSet::new())
        .await;
    assert!(matches!(locked, Err(Error::NotCorrectable(_))), "{locked:?}");
    let bad =
        exec.execute(SUBJECT, &Action::Correct { field: "age".into(), value: json!("old") }, &BTreeSet::new()).await;
    assert!(
        matches!(&bad, Err(Error::Incomplete { source, .. }) if matches!(**source, Error::BadValue { .. })),
        "{bad:?}"
    );
    assert_eq!(env.snapshot().await, after, "failed corrections change nothing");
}

async fn resumes_after_a_database_goes_away(env: Env) {
    let exec = env.executor();
    env.crm.drop_now().await;
    let err = exec.execute(SUBJECT, &Action::Erase, &BTreeSet::new()).await.unwrap_err();
    let Error::Incomplete { completed, failed, .. } = &err else { panic!("{err:?}") };
    assert_eq!(failed.as_str(), "crm");
    assert_eq!(completed.iter().map(|d| d.dataset.as_str()).collect::<Vec<_>>(), ["shop"]);
    assert!(env.executor().find(SUBJECT).await.is_err(), "crm is still gone");

    // The database comes back; the caller resumes with what it recorded as done.
    env.crm.recreate().await;
    data::fill_crm(&env.crm).await;
    let done: BTreeSet<DatasetId> = err.completed().iter().map(|d| d.dataset.clone()).collect();
    let out = exec.execute(SUBJECT, &Action::Erase, &done).await.unwrap();
    assert_eq!(out.skipped, vec![DatasetId::from("shop")]);
    assert_eq!((out.completed.len(), out.completed[0].rows), (1, 2));
    let after = env.snapshot().await;
    assert_eq!(after["crm.tickets"].len(), 38);
    assert_eq!(after["shop.login_logs"].len(), 114, "shop was erased by the first call");
}

async fn a_failing_statement_rolls_back_its_dataset(env: Env) {
    // An undeclared table referring to an old order makes its deletion fail half-way.
    let raw = env.shop.raw().await;
    let fk = "CREATE TABLE payments (id INTEGER PRIMARY KEY, order_id BIGINT NOT NULL, FOREIGN KEY (order_id) REFERENCES orders (id))";
    raw.exec(fk).await;
    raw.exec("INSERT INTO payments VALUES (1, 31)").await;
    raw.close().await;
    let before = env.snapshot().await;
    let err = env.executor().execute(SUBJECT, &Action::Erase, &BTreeSet::new()).await.unwrap_err();
    let Error::Incomplete { completed, failed, .. } = &err else { panic!("{err:?}") };
    assert!(completed.is_empty() && failed.as_str() == "shop", "{err}");
    assert_eq!(env.snapshot().await, before, "the shop's transaction was rolled back, crm not started");
}

async fn reserved_words_are_quoted_identifiers(env: Env) {
    // A table and columns named by SQL keywords only work when every identifier is quoted.
    let q = |s: &str| if env.engine == Engine::Mysql { format!("`{s}`") } else { format!("\"{s}\"") };
    let raw = env.crm.raw().await;
    let ddl = format!(
        "CREATE TABLE {} ({} INTEGER PRIMARY KEY, {} INTEGER NOT NULL, {} VARCHAR(100))",
        q("order"),
        q("key"),
        q("user"),
        q("select")
    );
    raw.exec(&ddl).await;
    raw.exec(&format!("INSERT INTO {} VALUES (1, 3, 'mine'), (2, 4, 'theirs')", q("order"))).await;
    let mut m = env.manifest.clone();
    let mut t = m.datasets[1].tables[0].clone();
    t.name = "order".into();
    t.key = "key".into();
    t.subject = Some("user".into());
    t.columns = [("select".to_owned(), t.columns["body"].clone())].into_iter().collect();
    m.datasets[1].tables.push(t);
    let exec = gebao_connectors::Executor::new(&m, env.connections()).unwrap();
    let found = exec.find(SUBJECT).await.unwrap();
    assert_eq!(found.table("crm", "order").unwrap().rows[0]["select"], json!("mine"));
    exec.execute(SUBJECT, &Action::Erase, &BTreeSet::new()).await.unwrap();
    let left = raw.rows(&q("order"), &[&q("key")]).await;
    raw.close().await;
    assert_eq!(left, vec![vec![Some("2".to_owned())]]);
}

fn fields(names: &[&str]) -> BTreeSet<FieldId> {
    names.iter().map(|n| FieldId::from(*n)).collect()
}

async fn erased_and_kept_fields(env: Env) {
    // The held orders keep `order_info` and `address`; `language` is erased by `keep`.
    let kept = fields(&["address", "language", "order_info"]);
    let erased = fields(&[
        "age", "avatar", "bio", "birthday", "city", "email", "ip", "name", "nickname", "phone", "ticket", "user_id",
    ]);
    let plan = env.executor().plan(SUBJECT, &Action::Erase).await.unwrap();
    assert_eq!((plan.erased_fields(), plan.kept_fields()), (erased.clone(), kept.clone()));

    // A held order holding the phone number too: erased from `users`, kept in `orders`, so
    // it counts as kept (recipients of the phone number are not told it is gone).
    let raw = env.shop.raw().await;
    let text = if env.engine == Engine::Mysql { "VARCHAR(255)" } else { "TEXT" };
    raw.exec(&format!("ALTER TABLE orders ADD COLUMN phone {text}")).await;
    raw.exec(&format!("UPDATE orders SET phone = '{}' WHERE user_id = 3", phone(3))).await;
    raw.close().await;
    let mut m = env.manifest.clone();
    let orders = m.datasets[0].tables.iter_mut().find(|t| t.name == "orders").unwrap();
    let mut phone_col = orders.columns["address"].clone();
    phone_col.field = "phone".into();
    orders.columns.insert("phone".into(), phone_col);
    let exec = gebao_connectors::Executor::new(&m, env.connections()).unwrap();
    let out = exec.execute(SUBJECT, &Action::Erase, &BTreeSet::new()).await.unwrap();
    let shop = &out.completed[0];
    assert!(shop.erased_fields.contains("phone") && shop.kept_fields.contains("phone"), "{shop:?}");
    let erased_now: BTreeSet<FieldId> = erased.iter().filter(|f| f.as_str() != "phone").cloned().collect();
    let kept_now: BTreeSet<FieldId> = kept.iter().cloned().chain([FieldId::from("phone")]).collect();
    assert_eq!((out.erased_fields(), out.kept_fields()), (erased_now, kept_now));
    assert!(out.erased_fields().is_disjoint(&out.kept_fields()));
    assert_eq!(col(&env.snapshot().await, "shop.users", "3", "phone"), None, "users.phone is erased all the same");

    // Nothing left to erase: the held rows still keep their fields.
    let again = exec.execute(SUBJECT, &Action::Erase, &BTreeSet::new()).await.unwrap();
    assert!(again.kept_fields().contains("phone") && !again.erased_fields().contains("phone"));
    let fix = Action::Correct { field: "email".into(), value: json!("x@example.com") };
    let out = exec.execute("4", &fix, &BTreeSet::new()).await.unwrap();
    assert!(out.erased_fields().is_empty() && out.kept_fields().is_empty(), "a correction erases nothing");
}
