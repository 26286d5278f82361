//! SQL straight to a test database, bypassing gebao: to look at what is really stored and
//! to tamper with it. Every call panics on an error (it is a test's assertion).

use sqlx::{ColumnIndex, Decode, Row, Type};

/// A pool on one of the three engines.
pub enum Raw {
    Sqlite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
    My(sqlx::MySqlPool),
}

/// Runs one sqlx call on whichever pool `$raw` holds.
macro_rules! on_pool {
    ($raw:expr, $p:ident => $body:expr) => {
        match $raw {
            Raw::Sqlite($p) => $body,
            Raw::Pg($p) => $body,
            Raw::My($p) => $body,
        }
    };
}

impl Raw {
    /// Connects to `url` (`sqlite://`, `postgres://` or `mysql://`).
    pub async fn connect(url: &str) -> Raw {
        if url.starts_with("sqlite:") {
            Raw::Sqlite(sqlx::SqlitePool::connect(url).await.unwrap())
        } else if url.starts_with("mysql:") || url.starts_with("mariadb:") {
            Raw::My(sqlx::MySqlPool::connect(url).await.unwrap())
        } else {
            Raw::Pg(sqlx::PgPool::connect(url).await.unwrap())
        }
    }

    /// Runs a statement; rows affected.
    pub async fn exec(&self, sql: &str) -> u64 {
        on_pool!(self, p => sqlx::query(sql).execute(p).await.unwrap().rows_affected())
    }

    /// The single bytes column of the single row `sql` selects.
    pub async fn bytes(&self, sql: &str) -> Option<Vec<u8>> {
        on_pool!(self, p => sqlx::query_scalar(sql).fetch_one(p).await.unwrap())
    }

    /// The single text `sql` selects.
    pub async fn text(&self, sql: &str) -> String {
        on_pool!(self, p => sqlx::query_scalar(sql).fetch_one(p).await.unwrap())
    }

    /// The single integer `sql` selects.
    pub async fn int(&self, sql: &str) -> i64 {
        on_pool!(self, p => sqlx::query_scalar(sql).fetch_one(p).await.unwrap())
    }

    /// The given columns of every row of `table`, as text, in the order of the first column.
    pub async fn rows(&self, table: &str, cols: &[&str]) -> Vec<Vec<Option<String>>> {
        let cast = if matches!(self, Raw::My(_)) { "CHAR" } else { "TEXT" };
        let list: Vec<String> = cols.iter().map(|c| format!("CAST({c} AS {cast})")).collect();
        let sql = format!("SELECT {} FROM {table} ORDER BY 1", list.join(", "));
        fn text<R: Row>(r: &R, n: usize) -> Vec<Option<String>>
        where
            usize: ColumnIndex<R>,
            for<'a> Option<String>: Decode<'a, R::Database> + Type<R::Database>,
        {
            (0..n).map(|i| r.try_get_unchecked::<Option<String>, _>(i).unwrap()).collect()
        }
        on_pool!(self, p => sqlx::query(&sql).fetch_all(p).await.unwrap().iter().map(|r| text(r, cols.len())).collect())
    }

    pub async fn close(&self) {
        on_pool!(self, p => p.close().await)
    }
}
