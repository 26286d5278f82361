//! The generated shop: 20 users with orders (some older than the three-year e-commerce
//! minimum, some newer), two items per order, sign-in logs from 1 to 800 days old, profiles,
//! and two support tickets each in the CRM database. Values derive from the user number so
//! that tests know what to look for.

use super::{Db, Raw};
use chrono::{DateTime, Months, TimeDelta, Utc};
use gebao_core::manifest::Engine;

pub const USERS: i64 = 20;
/// Ages of each user's orders: two past three years, two within.
pub const ORDER_AGES: [(u32, i64); 4] = [(60, 10), (48, 0), (24, 0), (0, 10)];
/// Ages in days of each user's sign-in logs.
pub const LOG_AGES: [i64; 6] = [1, 45, 100, 200, 400, 800];

pub const SHOP_TABLES: [(&str, &[&str]); 5] = [
    ("users", &["id", "phone", "email", "name", "birthday", "created_at"]),
    ("orders", &["id", "user_id", "amount", "address", "created_at"]),
    ("order_items", &["id", "order_id", "product", "price"]),
    ("login_logs", &["id", "user_id", "ip", "at"]),
    ("profiles", &["id", "user_id", "nickname", "avatar", "city", "age", "bio", "language"]),
];
pub const CRM_TABLES: [(&str, &[&str]); 1] = [("tickets", &["id", "user_id", "phone", "body"])];

pub fn phone(k: i64) -> String {
    format!("138{k:08}")
}

pub fn email(k: i64) -> String {
    format!("user{k}@example.com")
}

const SHOP_DDL: &str = "
CREATE TABLE users (id {ID} PRIMARY KEY, phone {TEXT}, email {TEXT}, name {TEXT}, birthday DATE, created_at {TS});
CREATE TABLE orders (id {ID} PRIMARY KEY, user_id {ID} NOT NULL, amount {MONEY}, address {TEXT}, created_at {TS} NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id));
CREATE INDEX orders_user ON orders (user_id);
CREATE TABLE order_items (id {ID} PRIMARY KEY, order_id {ID} NOT NULL, product {TEXT}, price {MONEY},
  FOREIGN KEY (order_id) REFERENCES orders (id));
CREATE INDEX items_order ON order_items (order_id);
CREATE TABLE login_logs (id {ID} PRIMARY KEY, user_id {ID} NOT NULL, ip {TEXT}, at {TS} NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id));
CREATE INDEX logs_user ON login_logs (user_id);
CREATE TABLE profiles (id {ID} PRIMARY KEY, user_id {ID}, nickname {TEXT}, avatar {TEXT}, city {TEXT}, age {INT},
  bio {TEXT}, language {TEXT}, FOREIGN KEY (user_id) REFERENCES users (id));
CREATE INDEX profiles_user ON profiles (user_id);
";

const CRM_DDL: &str = "
CREATE TABLE tickets (id {ID} PRIMARY KEY, user_id {ID} NOT NULL, phone {TEXT}, body {TEXT});
CREATE INDEX tickets_user ON tickets (user_id);
";

fn ddl(engine: Engine, text: &str) -> Vec<String> {
    let (id, txt, ts, money, int) = match engine {
        Engine::Postgres => ("BIGINT", "TEXT", "TIMESTAMPTZ", "NUMERIC(12,2)", "INT"),
        Engine::Mysql => ("BIGINT", "VARCHAR(255)", "DATETIME", "DECIMAL(12,2)", "INT"),
        Engine::Sqlite => ("INTEGER", "TEXT", "DATETIME", "NUMERIC", "INTEGER"),
    };
    let text = text.replace("{ID}", id).replace("{TEXT}", txt).replace("{TS}", ts);
    let text = text.replace("{MONEY}", money).replace("{INT}", int);
    text.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// A timestamp literal for the engine (UTC).
pub fn ts(engine: Engine, at: DateTime<Utc>) -> String {
    let base = at.format("%Y-%m-%d %H:%M:%S").to_string();
    if engine == Engine::Postgres { format!("'{base}+00'") } else { format!("'{base}'") }
}

pub fn order_time(now: DateTime<Utc>, j: usize) -> DateTime<Utc> {
    let (months, days) = ORDER_AGES[j];
    now.checked_sub_months(Months::new(months)).unwrap() - TimeDelta::days(days)
}

async fn insert(raw: &Raw, table: &str, rows: Vec<String>) {
    for chunk in rows.chunks(200) {
        raw.exec(&format!("INSERT INTO {table} VALUES {}", chunk.join(", "))).await;
    }
}

pub async fn create_shop_schema(db: &Db) -> Raw {
    let raw = db.raw().await;
    for stmt in ddl(db.engine, SHOP_DDL) {
        raw.exec(&stmt).await;
    }
    raw
}

pub async fn fill_shop(db: &Db, now: DateTime<Utc>) {
    let raw = create_shop_schema(db).await;
    let e = db.engine;
    let (mut users, mut orders, mut items, mut logs, mut profiles) = (vec![], vec![], vec![], vec![], vec![]);
    for k in 1..=USERS {
        let created = ts(e, now - TimeDelta::days(2000));
        users.push(format!("({k}, '{}', '{}', '用户{k}', '1990-01-{k:02}', {created})", phone(k), email(k)));
        for j in 0..ORDER_AGES.len() {
            let id = k * 10 + j as i64 + 1;
            let at = ts(e, order_time(now, j));
            orders.push(format!("({id}, {k}, {k}{j}.50, '北京市朝阳区{k}号', {at})"));
            for m in 1..=2 {
                items.push(format!("({}, {id}, '商品{m}', 9.90)", id * 10 + m));
            }
        }
        for (j, days) in LOG_AGES.iter().enumerate() {
            let at = ts(e, now - TimeDelta::days(*days));
            logs.push(format!("({}, {k}, '192.0.2.{k}', {at})", k * 10 + j as i64 + 1));
        }
        let avatar = format!("https://img.example.cn/a/{k}.png");
        profiles.push(format!("({k}, {k}, '小明{k}号', '{avatar}', '杭州市', {}, '我是用户{k}', 'zh-CN')", 30 + k));
    }
    insert(&raw, "users", users).await;
    insert(&raw, "orders", orders).await;
    insert(&raw, "order_items", items).await;
    insert(&raw, "login_logs", logs).await;
    insert(&raw, "profiles", profiles).await;
    raw.close().await;
}

pub async fn fill_crm(db: &Db) {
    let raw = db.raw().await;
    for stmt in ddl(db.engine, CRM_DDL) {
        raw.exec(&stmt).await;
    }
    let mut tickets = vec![];
    for k in 1..=USERS {
        for j in 1..=2 {
            tickets.push(format!("({}, {k}, '{}', '工单{k}-{j}：无法登录')", k * 10 + j, phone(k)));
        }
    }
    insert(&raw, "tickets", tickets).await;
    raw.close().await;
}
