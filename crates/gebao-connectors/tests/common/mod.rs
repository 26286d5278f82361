//! Test kit: fresh databases per test on PostgreSQL, MariaDB and SQLite, filled with a small
//! shop (see `data.rs`), raw SQL access to look at what is really stored, and cleanup even
//! when a test fails. An unreachable server skips the test with a notice, or fails it under
//! `CI=true`.
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
use sqlx::{Connection, MySqlConnection, PgConnection, Row};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";
pub const MY_ADMIN: &str = "mysql://root@127.0.0.1:3306/mysql";

/// The test manifest with both datasets on `engine`.
pub fn manifest(engine: Engine) -> Manifest {
    let mut m = gebao_core::load_manifest(include_str!("../shop.toml")).unwrap();
    for d in &mut m.datasets {
        d.engine = engine;
    }
    m
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn unique_name() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = Utc::now().timestamp_subsec_nanos();
    format!("gebao_conn_{}_{}_{}", std::process::id(), nanos, N.fetch_add(1, Ordering::Relaxed))
}

/// Whether the server for `engine` answers; skips (or fails under CI) when not.
pub async fn reachable(engine: Engine) -> bool {
    let (url, res) = match engine {
        Engine::Sqlite => return true,
        Engine::Postgres => {
            let r = tokio::time::timeout(Duration::from_secs(5), PgConnection::connect(PG_ADMIN)).await;
            (PG_ADMIN, r.map(|c| c.map(|_| ())))
        }
        Engine::Mysql => {
            let r = tokio::time::timeout(Duration::from_secs(5), MySqlConnection::connect(MY_ADMIN)).await;
            (MY_ADMIN, r.map(|c| c.map(|_| ())))
        }
    };
    let err = match res {
        Ok(Ok(())) => return true,
        Ok(Err(e)) => e.to_string(),
        Err(_) => "timed out".to_owned(),
    };
    if ci() {
        panic!("{url} is required under CI=true but cannot be reached: {err}");
    }
    eprintln!("skipping: cannot reach {url} ({err}); start the server, or set CI=true to fail instead");
    false
}

/// One fresh database.
pub struct Db {
    pub engine: Engine,
    pub name: String,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    pub async fn create(engine: Engine) -> Db {
        let name = unique_name();
        match engine {
            Engine::Postgres => {
                let mut admin = PgConnection::connect(PG_ADMIN).await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
                let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
                Db { engine, name, url, _dir: None }
            }
            Engine::Mysql => {
                let mut admin = MySqlConnection::connect(MY_ADMIN).await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
                let url = format!("mysql://root@127.0.0.1:3306/{name}");
                Db { engine, name, url, _dir: None }
            }
            Engine::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join(format!("{name}.db"));
                std::fs::File::create(&path).unwrap();
                let url = format!("sqlite://{}", path.display());
                Db { engine, name, url, _dir: Some(dir) }
            }
        }
    }

    /// Removes the database (a SQLite file is deleted).
    pub async fn drop_now(&self) {
        drop_db(self.engine, &self.name, &self.url).await;
    }

    /// Creates the database again, empty, under the same name.
    pub async fn recreate(&self) {
        self.drop_now().await;
        match self.engine {
            Engine::Postgres => {
                let mut admin = PgConnection::connect(PG_ADMIN).await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {}", self.name)).execute(&mut admin).await.unwrap();
            }
            Engine::Mysql => {
                let mut admin = MySqlConnection::connect(MY_ADMIN).await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {}", self.name)).execute(&mut admin).await.unwrap();
            }
            Engine::Sqlite => {
                std::fs::File::create(self.url.trim_start_matches("sqlite://")).unwrap();
            }
        }
    }

    pub async fn raw(&self) -> Raw {
        match self.engine {
            Engine::Postgres => Raw::Pg(sqlx::PgPool::connect(&self.url).await.unwrap()),
            Engine::Mysql => Raw::My(sqlx::MySqlPool::connect(&self.url).await.unwrap()),
            Engine::Sqlite => Raw::Lite(sqlx::SqlitePool::connect(&self.url).await.unwrap()),
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if self.engine == Engine::Sqlite {
            return; // the temporary directory goes with `_dir`
        }
        let (engine, name, url) = (self.engine, self.name.clone(), self.url.clone());
        // Async cleanup from a destructor: a thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(drop_db(engine, &name, &url));
        })
        .join();
    }
}

async fn drop_db(engine: Engine, name: &str, url: &str) {
    match engine {
        Engine::Postgres => {
            if let Ok(mut admin) = PgConnection::connect(PG_ADMIN).await {
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                let _ = sqlx::query(&sql).execute(&mut admin).await;
            }
        }
        Engine::Mysql => {
            if let Ok(mut admin) = MySqlConnection::connect(MY_ADMIN).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin).await;
            }
        }
        Engine::Sqlite => {
            let _ = std::fs::remove_file(url.trim_start_matches("sqlite://"));
        }
    }
}

/// Direct SQL access to a test database, bypassing the connectors.
pub enum Raw {
    Pg(sqlx::PgPool),
    My(sqlx::MySqlPool),
    Lite(sqlx::SqlitePool),
}

impl Raw {
    pub async fn exec(&self, sql: &str) -> u64 {
        match self {
            Raw::Pg(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
            Raw::My(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
            Raw::Lite(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
        }
    }

    /// The given columns of every row of `table`, as text, in the order of the first column.
    pub async fn rows(&self, table: &str, cols: &[&str]) -> Vec<Vec<Option<String>>> {
        let cast = if matches!(self, Raw::My(_)) { "CHAR" } else { "TEXT" };
        let list: Vec<String> = cols.iter().map(|c| format!("CAST({c} AS {cast})")).collect();
        let sql = format!("SELECT {} FROM {table} ORDER BY 1", list.join(", "));
        fn text<R: Row>(r: &R, n: usize) -> Vec<Option<String>>
        where
            usize: sqlx::ColumnIndex<R>,
            for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
        {
            (0..n).map(|i| r.try_get_unchecked::<Option<String>, _>(i).unwrap()).collect()
        }
        match self {
            Raw::Pg(p) => sqlx::query(&sql).fetch_all(p).await.unwrap().iter().map(|r| text(r, cols.len())).collect(),
            Raw::My(p) => sqlx::query(&sql).fetch_all(p).await.unwrap().iter().map(|r| text(r, cols.len())).collect(),
            Raw::Lite(p) => sqlx::query(&sql).fetch_all(p).await.unwrap().iter().map(|r| text(r, cols.len())).collect(),
        }
    }

    pub async fn close(&self) {
        match self {
            Raw::Pg(p) => p.close().await,
            Raw::My(p) => p.close().await,
            Raw::Lite(p) => p.close().await,
        }
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
        if !reachable(engine).await {
            return None;
        }
        let now = Utc::now();
        let (shop, crm) = (Db::create(engine).await, Db::create(engine).await);
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
