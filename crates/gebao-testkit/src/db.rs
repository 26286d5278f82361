//! Throw-away databases.

use sqlx::{Connection, MySqlConnection, PgConnection};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Which server a test database lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
    /// MariaDB (or MySQL).
    Mysql,
}

impl DbKind {
    /// The admin URL of the server (none for SQLite).
    pub fn admin_url(self) -> Option<String> {
        let (var, default) = match self {
            DbKind::Sqlite => return None,
            DbKind::Postgres => ("GEBAO_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
            DbKind::Mysql => ("GEBAO_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql"),
        };
        Some(std::env::var(var).unwrap_or_else(|_| default.to_owned()))
    }

    fn env_var(self) -> &'static str {
        match self {
            DbKind::Postgres => "GEBAO_TEST_PG_URL",
            _ => "GEBAO_TEST_MYSQL_URL",
        }
    }
}

/// `url` pointing at database `name` instead, its query string kept.
pub fn with_db(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// A name no other test of any process uses (lowercase, a valid SQL identifier).
fn unique_name(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{prefix}_{}_{nanos}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// One statement on the admin connection of `kind`'s server.
async fn admin(kind: DbKind, sql: &str) -> Result<(), String> {
    let url = kind.admin_url().unwrap_or_default();
    let run = async {
        match kind {
            DbKind::Postgres => {
                let mut c = PgConnection::connect(&url).await?;
                sqlx::query(sql).execute(&mut c).await.map(drop)
            }
            DbKind::Mysql => {
                let mut c = MySqlConnection::connect(&url).await?;
                sqlx::query(sql).execute(&mut c).await.map(drop)
            }
            DbKind::Sqlite => Ok(()),
        }
    };
    match tokio::time::timeout(Duration::from_secs(10), run).await {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(_) => Err("timed out".to_owned()),
    }
}

/// How a test database is created. A PostgreSQL one sorts and compares text as most
/// deployments' databases do, linguistically (ICU's `en-US`: `ra` < `rA`, `r_a` < `rA`),
/// not byte-wise like this server's default: a query that orders or pages by text without
/// the byte-wise collation the store promises gives a wrong answer here, not only in
/// production. Needs PostgreSQL 15 or later.
fn create_sql(kind: DbKind, name: &str) -> String {
    match kind {
        DbKind::Postgres => {
            format!("CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
        }
        _ => format!("CREATE DATABASE {name}"),
    }
}

/// A fresh, empty database, removed on drop (a SQLite file goes with its directory).
pub struct TestDb {
    pub kind: DbKind,
    /// The database name (the file stem for SQLite).
    pub name: String,
    pub url: String,
    dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh database named `prefix_…`, or `None` (with a notice) when its server cannot be
    /// reached outside CI; under `CI=true` an unreachable server fails the test.
    pub async fn create(kind: DbKind, prefix: &str) -> Option<TestDb> {
        let name = unique_name(prefix);
        let Some(admin_url) = kind.admin_url() else {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(format!("{name}.db"));
            std::fs::File::create(&path).unwrap();
            let url = format!("sqlite://{}", path.display());
            return Some(TestDb { kind, name, url, dir: Some(dir) });
        };
        if let Err(err) = admin(kind, &create_sql(kind, &name)).await {
            if crate::ci() {
                panic!("{admin_url} is required under CI=true but cannot be reached: {err}");
            }
            eprintln!(
                "skipping: cannot reach {admin_url} ({err}); start the server or set {}, or CI=true to fail instead",
                kind.env_var()
            );
            return None;
        }
        Some(TestDb { kind, url: with_db(&admin_url, &name), name, dir: None })
    }

    /// [`TestDb::create`] for tests that are not async.
    pub fn create_blocking(kind: DbKind, prefix: &str) -> Option<TestDb> {
        let prefix = prefix.to_owned();
        std::thread::spawn(move || runtime().block_on(TestDb::create(kind, &prefix))).join().unwrap()
    }

    /// The temporary directory of a SQLite database.
    pub fn dir(&self) -> Option<&std::path::Path> {
        self.dir.as_ref().map(tempfile::TempDir::path)
    }

    /// Removes the database now (a SQLite file is deleted).
    pub async fn drop_now(&self) {
        remove(self.kind, &self.name, &self.url).await;
    }

    /// Creates the database again, empty, under the same name.
    pub async fn recreate(&self) {
        self.drop_now().await;
        match self.kind {
            DbKind::Sqlite => drop(std::fs::File::create(self.url.trim_start_matches("sqlite://")).unwrap()),
            _ => admin(self.kind, &create_sql(self.kind, &self.name)).await.unwrap(),
        }
    }

    /// SQL straight to this database.
    pub async fn raw(&self) -> crate::Raw {
        crate::Raw::connect(&self.url).await
    }
}

async fn remove(kind: DbKind, name: &str, url: &str) {
    match kind {
        DbKind::Sqlite => {
            let _ = std::fs::remove_file(url.trim_start_matches("sqlite://"));
        }
        DbKind::Postgres => {
            let _ = admin(kind, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
        DbKind::Mysql => {
            let _ = admin(kind, &format!("DROP DATABASE IF EXISTS {name}")).await;
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if self.kind == DbKind::Sqlite {
            return; // the temporary directory goes with `dir`
        }
        let (kind, name, url) = (self.kind, self.name.clone(), self.url.clone());
        // Async cleanup from a destructor, in or out of a runtime: a thread with its own.
        let _ = std::thread::spawn(move || runtime().block_on(remove(kind, &name, &url))).join();
    }
}

#[cfg(test)]
mod tests {
    use super::with_db;

    #[test]
    fn with_db_swaps_the_database_and_keeps_the_query() {
        assert_eq!(with_db("postgres://u@h:5432/postgres", "t1"), "postgres://u@h:5432/t1");
        assert_eq!(with_db("postgres://u@h/postgres?sslmode=disable", "t1"), "postgres://u@h/t1?sslmode=disable");
        assert_eq!(with_db("mysql://root@127.0.0.1:3306", "t1"), "mysql://root@127.0.0.1:3306/t1");
    }
}
