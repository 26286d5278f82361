//! The three engines behind one small interface: connect, look at a query's column types,
//! and inside a transaction fetch rows as JSON values or execute a statement.

use crate::sql::{Kind, Param, Sql};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};
use gebao_core::manifest::Engine;
use serde_json::Value;
use sqlx::mysql::{MySql, MySqlConnectOptions, MySqlPoolOptions, MySqlRow};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow, Postgres};
use sqlx::sqlite::{Sqlite, SqliteConnectOptions, SqlitePoolOptions, SqliteRow};
use sqlx::{Column, Executor, Row, Statement, Transaction, TypeInfo, ValueRef};
use std::str::FromStr;
use std::time::Duration;

type SqlResult<T> = Result<T, sqlx::Error>;

/// A pool of connections to one dataset's database.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Pg(sqlx::PgPool),
    My(sqlx::MySqlPool),
    Lite(sqlx::SqlitePool),
}

/// An open transaction on one dataset's database.
pub(crate) enum Tx {
    Pg(Transaction<'static, Postgres>),
    My(Transaction<'static, MySql>),
    Lite(Transaction<'static, Sqlite>),
}

/// How long to wait for a connection: a database that is gone must fail the request soon,
/// so that the caller records progress and retries later.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_CONNECTIONS: u32 = 4;
/// How long a SQLite statement waits for another connection's lock before SQLITE_BUSY:
/// concurrent erasures queue instead of failing.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The checkpoint after an erasure waits this long per attempt for readers to move on…
const CHECKPOINT_WAIT: Duration = Duration::from_millis(200);
/// …and tries this many times, pausing in between, before reporting the WAL as not emptied.
const CHECKPOINT_ATTEMPTS: u32 = 10;
const CHECKPOINT_PAUSE: Duration = Duration::from_millis(100);

/// Whether the write-ahead log of a SQLite file was emptied after an erasure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Checkpoint {
    /// Every page went into the database file and the WAL was truncated to zero bytes: no
    /// earlier image of an erased page is left in it.
    Truncated,
    /// Readers kept the WAL in use: old page images, erased values among them, stay in the
    /// `-wal` file until the next checkpoint (SQLite makes one on its own as the WAL grows and
    /// when the last connection closes).
    Busy { attempts: u32 },
    /// The checkpoint failed; the erasure itself is committed.
    Failed { error: String },
}

impl Checkpoint {
    /// The sentence shown to the operator, zh-CN then English.
    pub fn label(&self) -> gebao_core::text::Text {
        match self {
            Checkpoint::Truncated => crate::text::WAL_TRUNCATED,
            Checkpoint::Busy { .. } | Checkpoint::Failed { .. } => crate::text::WAL_NOT_TRUNCATED,
        }
    }
}

impl Pool {
    pub(crate) async fn connect(engine: Engine, url: &str) -> SqlResult<Pool> {
        Ok(match engine {
            Engine::Postgres => Pool::Pg(
                PgPoolOptions::new()
                    .max_connections(MAX_CONNECTIONS)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(PgConnectOptions::from_str(url)?)
                    .await?,
            ),
            Engine::Mysql => Pool::My(
                MySqlPoolOptions::new()
                    .max_connections(MAX_CONNECTIONS)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(MySqlConnectOptions::from_str(url)?)
                    .await?,
            ),
            // The operator's database must exist: never create an empty one by mistake.
            // `secure_delete` overwrites deleted content with zeros, so that an erased value
            // does not stay readable in free pages.
            Engine::Sqlite => Pool::Lite(
                SqlitePoolOptions::new()
                    .max_connections(MAX_CONNECTIONS)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(
                        SqliteConnectOptions::from_str(url)?
                            .create_if_missing(false)
                            .pragma("secure_delete", "ON")
                            .busy_timeout(SQLITE_BUSY_TIMEOUT),
                    )
                    .await?,
            ),
        })
    }

    pub(crate) async fn begin(&self) -> SqlResult<Tx> {
        Ok(match self {
            Pool::Pg(p) => Tx::Pg(p.begin().await?),
            Pool::My(p) => Tx::My(p.begin().await?),
            Pool::Lite(p) => Tx::Lite(p.begin().await?),
        })
    }

    /// A transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads, then writes, fails with
    /// SQLITE_BUSY at once when another connection wrote in between, whatever the busy
    /// timeout; an immediate one waits its turn.
    pub(crate) async fn begin_write(&self) -> SqlResult<Tx> {
        Ok(match self {
            Pool::Lite(p) => Tx::Lite(p.begin_with("BEGIN IMMEDIATE").await?),
            other => other.begin().await?,
        })
    }

    /// After an erasure on a SQLite file in WAL mode: moves every page into the database file
    /// and truncates the WAL (`wal_checkpoint(TRUNCATE)`), retrying briefly while readers
    /// hold it. `None` for other engines and other journal modes. Never fails: a checkpoint
    /// that cannot be made is reported.
    pub(crate) async fn checkpoint(&self) -> Option<Checkpoint> {
        let Pool::Lite(p) = self else { return None };
        let mut conn = match p.acquire().await {
            Ok(c) => c,
            Err(e) => return Some(Checkpoint::Failed { error: e.to_string() }),
        };
        let wait = format!("PRAGMA busy_timeout = {}", CHECKPOINT_WAIT.as_millis());
        let mut result = Some(Checkpoint::Busy { attempts: CHECKPOINT_ATTEMPTS });
        if let Err(e) = sqlx::query(&wait).execute(&mut *conn).await {
            result = Some(Checkpoint::Failed { error: e.to_string() });
        } else {
            for attempt in 1..=CHECKPOINT_ATTEMPTS {
                let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(&mut *conn).await;
                let done = row.and_then(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)?)));
                match done {
                    // Not in WAL mode: nothing to checkpoint.
                    Ok((_, -1)) => {
                        result = None;
                        break;
                    }
                    Ok((0, _)) => {
                        result = Some(Checkpoint::Truncated);
                        break;
                    }
                    Ok(_) => result = Some(Checkpoint::Busy { attempts: attempt }),
                    Err(e) => result = Some(Checkpoint::Failed { error: e.to_string() }),
                }
                tokio::time::sleep(CHECKPOINT_PAUSE).await;
            }
        }
        let restore = format!("PRAGMA busy_timeout = {}", SQLITE_BUSY_TIMEOUT.as_millis());
        if sqlx::query(&restore).execute(&mut *conn).await.is_err() {
            conn.close_on_drop();
        }
        result
    }

    /// The names and database type names of the columns `sql` would return.
    pub(crate) async fn describe(&self, sql: &str) -> SqlResult<Vec<(String, String)>> {
        fn cols<C: Column>(cols: &[C]) -> Vec<(String, String)> {
            cols.iter().map(|c| (c.name().to_owned(), c.type_info().name().to_owned())).collect()
        }
        Ok(match self {
            Pool::Pg(p) => cols(p.prepare(sql).await?.columns()),
            Pool::My(p) => cols(p.prepare(sql).await?.columns()),
            Pool::Lite(p) => cols(p.prepare(sql).await?.columns()),
        })
    }
}

macro_rules! bind_all {
    ($q:expr, $params:expr, pg) => {{
        let mut q = $q;
        for p in $params {
            q = q.bind(p.as_pg_text());
        }
        q
    }};
    ($q:expr, $params:expr, typed) => {{
        let mut q = $q;
        for p in $params {
            q = match p {
                Param::Null => q.bind(None::<String>),
                Param::Int(i) => q.bind(*i),
                Param::UInt(u) => match i64::try_from(*u) {
                    Ok(i) => q.bind(i),
                    Err(_) => q.bind(u.to_string()),
                },
                Param::Float(f) => q.bind(*f),
                Param::Text(s) => q.bind(s.clone()),
            };
        }
        q
    }};
}

impl Tx {
    /// Runs a query; each row as JSON values, decoded by the expected `kinds` of its columns.
    pub(crate) async fn fetch(&mut self, sql: &Sql, kinds: &[Kind]) -> SqlResult<Vec<Vec<Value>>> {
        match self {
            Tx::Pg(tx) => {
                let q = bind_all!(sqlx::query(&sql.text), &sql.params, pg);
                let rows = q.fetch_all(&mut **tx).await?;
                rows.iter().map(|r| decode_row(r, kinds, pg_value)).collect()
            }
            Tx::My(tx) => {
                let q = bind_all!(sqlx::query(&sql.text), &sql.params, typed);
                let rows = q.fetch_all(&mut **tx).await?;
                rows.iter().map(|r| decode_row(r, kinds, my_value)).collect()
            }
            Tx::Lite(tx) => {
                let q = bind_all!(sqlx::query(&sql.text), &sql.params, typed);
                let rows = q.fetch_all(&mut **tx).await?;
                rows.iter().map(|r| decode_row(r, kinds, lite_value)).collect()
            }
        }
    }

    /// Runs a query returning one integer (a count).
    pub(crate) async fn count(&mut self, sql: &Sql) -> SqlResult<u64> {
        let rows = self.fetch(sql, &[Kind::Int]).await?;
        let n = rows.first().and_then(|r| r.first()).and_then(Value::as_i64).unwrap_or(0);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Executes a statement; the number of rows it changed.
    pub(crate) async fn exec(&mut self, sql: &Sql) -> SqlResult<u64> {
        Ok(match self {
            Tx::Pg(tx) => bind_all!(sqlx::query(&sql.text), &sql.params, pg).execute(&mut **tx).await?.rows_affected(),
            Tx::My(tx) => {
                bind_all!(sqlx::query(&sql.text), &sql.params, typed).execute(&mut **tx).await?.rows_affected()
            }
            Tx::Lite(tx) => {
                bind_all!(sqlx::query(&sql.text), &sql.params, typed).execute(&mut **tx).await?.rows_affected()
            }
        })
    }

    pub(crate) async fn commit(self) -> SqlResult<()> {
        match self {
            Tx::Pg(tx) => tx.commit().await,
            Tx::My(tx) => tx.commit().await,
            Tx::Lite(tx) => tx.commit().await,
        }
    }

    pub(crate) async fn rollback(self) -> SqlResult<()> {
        match self {
            Tx::Pg(tx) => tx.rollback().await,
            Tx::My(tx) => tx.rollback().await,
            Tx::Lite(tx) => tx.rollback().await,
        }
    }
}

fn decode_row<R: Row>(
    row: &R,
    kinds: &[Kind],
    value: fn(&R, usize, Kind) -> SqlResult<Value>,
) -> SqlResult<Vec<Value>> {
    (0..row.len()).map(|i| value(row, i, kinds.get(i).copied().unwrap_or(Kind::Text))).collect()
}

fn is_null<R: Row>(row: &R, i: usize) -> SqlResult<bool>
where
    usize: sqlx::ColumnIndex<R>,
{
    Ok(row.try_get_raw(i)?.is_null())
}

fn naive(ts: NaiveDateTime) -> Value {
    Value::from(ts.format("%Y-%m-%d %H:%M:%S%.f").to_string())
}

fn pg_value(row: &PgRow, i: usize, kind: Kind) -> SqlResult<Value> {
    if is_null(row, i)? {
        return Ok(Value::Null);
    }
    let ty = row.column(i).type_info().name().to_owned();
    Ok(match kind {
        Kind::Int | Kind::UInt => match ty.as_str() {
            "INT2" => Value::from(row.try_get::<i16, _>(i)?),
            "INT4" => Value::from(row.try_get::<i32, _>(i)?),
            _ => Value::from(row.try_get::<i64, _>(i)?),
        },
        Kind::Float => match ty.as_str() {
            "FLOAT4" => Value::from(f64::from(row.try_get::<f32, _>(i)?)),
            _ => Value::from(row.try_get::<f64, _>(i)?),
        },
        Kind::Bool => Value::from(row.try_get::<bool, _>(i)?),
        Kind::Date => Value::from(row.try_get::<NaiveDate, _>(i)?.to_string()),
        Kind::Time => Value::from(row.try_get::<NaiveTime, _>(i)?.to_string()),
        Kind::Timestamp => naive(row.try_get::<NaiveDateTime, _>(i)?),
        Kind::TimestampTz => {
            Value::from(row.try_get::<DateTime<Utc>, _>(i)?.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        }
        Kind::Json => row.try_get::<Value, _>(i)?,
        Kind::Bytes => Value::from(hex::encode(row.try_get::<Vec<u8>, _>(i)?)),
        // Selected as `CAST(… AS TEXT)`.
        Kind::Text | Kind::Decimal | Kind::Other => Value::from(row.try_get::<String, _>(i)?),
    })
}

fn my_value(row: &MySqlRow, i: usize, kind: Kind) -> SqlResult<Value> {
    if is_null(row, i)? {
        return Ok(Value::Null);
    }
    // Types are checked by gebao's own classification of the column, so unchecked decoding
    // avoids sqlx's narrower notion of which Rust type fits which MySQL type.
    Ok(match kind {
        Kind::Int => Value::from(row.try_get_unchecked::<i64, _>(i)?),
        Kind::UInt => Value::from(row.try_get_unchecked::<u64, _>(i)?),
        Kind::Bool => Value::from(row.try_get_unchecked::<i64, _>(i)? != 0),
        Kind::Float => match row.column(i).type_info().name() {
            "FLOAT" => Value::from(f64::from(row.try_get_unchecked::<f32, _>(i)?)),
            _ => Value::from(row.try_get_unchecked::<f64, _>(i)?),
        },
        Kind::Date => Value::from(row.try_get_unchecked::<NaiveDate, _>(i)?.to_string()),
        Kind::Timestamp | Kind::TimestampTz => naive(row.try_get_unchecked::<NaiveDateTime, _>(i)?),
        Kind::Json => {
            let text = row.try_get_unchecked::<String, _>(i)?;
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        }
        Kind::Bytes => Value::from(hex::encode(row.try_get_unchecked::<Vec<u8>, _>(i)?)),
        // Selected as `CAST(… AS CHAR)` where needed.
        Kind::Text | Kind::Decimal | Kind::Time | Kind::Other => Value::from(row.try_get_unchecked::<String, _>(i)?),
    })
}

fn lite_value(row: &SqliteRow, i: usize, _kind: Kind) -> SqlResult<Value> {
    // SQLite values carry their own storage class, whatever the column declares.
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let class = raw.type_info().name().to_owned();
    Ok(match class.as_str() {
        "NULL" => Value::Null,
        "INTEGER" => Value::from(row.try_get_unchecked::<i64, _>(i)?),
        "REAL" => Value::from(row.try_get_unchecked::<f64, _>(i)?),
        "BLOB" => Value::from(hex::encode(row.try_get_unchecked::<Vec<u8>, _>(i)?)),
        _ => Value::from(row.try_get_unchecked::<String, _>(i)?),
    })
}

/// The expression that selects a column so that [`Tx::fetch`] can decode it.
pub(crate) fn select_expr(engine: Engine, col: &str, kind: Kind) -> String {
    let q = crate::sql::quote(engine, col);
    match (engine, kind) {
        (Engine::Postgres, Kind::Text | Kind::Decimal | Kind::Other) => format!("CAST({q} AS TEXT) AS {q}"),
        (Engine::Mysql, Kind::Decimal | Kind::Time | Kind::Other) => format!("CAST({q} AS CHAR) AS {q}"),
        _ => q,
    }
}
