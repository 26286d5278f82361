//! Test kit: fresh databases per test on PostgreSQL, MariaDB and SQLite (gebao-testkit's),
//! filled with a small shop (see `data.rs`), raw SQL access to look at what is really stored,
//! and cleanup even when a test fails. An unreachable server skips the test with a notice, or
//! fails it under `CI=true`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod data;

/// Runs each named `async fn(Env)` of the test file on PostgreSQL, MariaDB and SQLite, as
/// tests `postgres::name`, `mariadb::name` and `sqlite::name`.
#[macro_export]
macro_rules! engine_suite {
    ($module:ident, $engine:expr, [$($test:ident),* $(,)?]) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    if let Some(env) = super::Env::new($engine).await {
                        super::$test(env).await;
                    }
                }
            )*
        }
    };
}

#[macro_export]
macro_rules! on_every_engine {
    ($($test:ident),* $(,)?) => {
        engine_suite!(postgres, gebao_core::manifest::Engine::Postgres, [$($test),*]);
        engine_suite!(mariadb, gebao_core::manifest::Engine::Mysql, [$($test),*]);
        engine_suite!(sqlite, gebao_core::manifest::Engine::Sqlite, [$($test),*]);
    };
}

use chrono::{DateTime, Utc};
use gebao_connectors::{Connections, Executor};
use gebao_core::Manifest;
use gebao_core::manifest::Engine;
pub use gebao_testkit::Raw;
use gebao_testkit::{DbKind, TestDb};
use std::collections::BTreeMap;

/// The test manifest with both datasets on `engine`.
pub fn manifest(engine: Engine) -> Manifest {
    let mut m = gebao_core::load_manifest(include_str!("../shop.toml")).unwrap();
    for d in &mut m.datasets {
        d.engine = engine;
    }
    m
}

/// One fresh database (gebao-testkit's, removed on drop), with the manifest's engine name.
pub struct Db {
    pub engine: Engine,
    db: TestDb,
}

impl Db {
    /// A fresh database on `engine`, or `None` (with a notice) when its server is
    /// unreachable outside CI; under `CI=true` an unreachable server fails the test.
    pub async fn create(engine: Engine) -> Option<Db> {
        let kind = match engine {
            Engine::Sqlite => DbKind::Sqlite,
            Engine::Postgres => DbKind::Postgres,
            Engine::Mysql => DbKind::Mysql,
        };
        Some(Db { engine, db: TestDb::create(kind, "gebao_conn").await? })
    }
}

impl std::ops::Deref for Db {
    type Target = TestDb;
    fn deref(&self) -> &TestDb {
        &self.db
    }
}

/// Everything in both databases: `db.table` → rows (column → text).
pub type Snapshot = BTreeMap<String, Vec<BTreeMap<String, Option<String>>>>;

/// What a test gets: the shop and CRM databases, filled, and the manifest for them.
pub struct Env {
    pub engine: Engine,
    pub now: DateTime<Utc>,
    pub shop: Db,
    pub crm: Db,
    pub manifest: Manifest,
}

impl Env {
    /// Fresh, filled databases on `engine`; `None` when its server is unreachable (not in CI).
    pub async fn new(engine: Engine) -> Option<Env> {
        let now = Utc::now();
        let (shop, crm) = (Db::create(engine).await?, Db::create(engine).await?);
        data::fill_shop(&shop, now).await;
        data::fill_crm(&crm).await;
        Some(Env { engine, now, shop, crm, manifest: manifest(engine) })
    }

    pub fn connections(&self) -> Connections {
        Connections::new([("shop", self.shop.url.clone()), ("crm", self.crm.url.clone())]).unwrap()
    }

    pub fn executor(&self) -> Executor {
        Executor::new(&self.manifest, self.connections()).unwrap()
    }

    pub async fn snapshot(&self) -> Snapshot {
        let mut out = Snapshot::new();
        for (db, tables) in [(&self.shop, &data::SHOP_TABLES[..]), (&self.crm, &data::CRM_TABLES[..])] {
            let raw = db.raw().await;
            for (table, cols) in tables {
                let rows = raw.rows(table, cols).await;
                let rows = rows
                    .into_iter()
                    .map(|r| cols.iter().map(|c| c.to_string()).zip(r).collect::<BTreeMap<_, _>>())
                    .collect();
                out.insert(format!("{}.{table}", if db.name == self.shop.name { "shop" } else { "crm" }), rows);
            }
            raw.close().await;
        }
        out
    }
}
