//! The two database drivers behind one small interface, so that every query of the store is
//! written once. SQL uses `$N` placeholders, which both SQLite and PostgreSQL accept;
//! parameters are a closed set of typed values ([`Param`]) bound per driver; rows are read by
//! column name ([`Row::get`]). What truly differs between the engines lives here and in
//! [`Dialect`]: how a write transaction starts, row locks, skip-locked claims, wake-ups, and
//! scrubbing erased bytes from the files.

use super::deferred::Deferred;
use super::partitions::Partitions;
use super::unnest::Columns;
use crate::chain::Chain;
use crate::{Result, StoreError};
use chrono::NaiveDate;
use sqlx::postgres::{PgListener, PgPool, PgRow, Postgres};
use sqlx::query::Query;
use sqlx::sqlite::{Sqlite, SqlitePool, SqliteRow};
use sqlx::{Decode, Transaction, Type};
use std::sync::Arc;

/// Which SQL dialect a statement is for, where the text must differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// Appended to a `SELECT` that must hold its rows until the transaction ends. SQLite
    /// needs none: its write transactions are exclusive from `BEGIN IMMEDIATE` on.
    pub(crate) fn for_update(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE",
        }
    }

    /// Appended to a claim's `SELECT`: rows another instance is claiming are passed over.
    pub(crate) fn skip_locked(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// How many rows one multi-row `INSERT` carries. On SQLite each statement is a round
    /// trip to the connection's thread; with [`sqlite_sql`]'s anonymous parameters (binding
    /// `$N` costs their number squared) and [`Tx::insert_built`] building the next chunk
    /// meanwhile, 256 rows imported subjects 1.11× and consents 1.08× as fast as 64 (half
    /// the thread hand-offs), and 1,024 no faster than 256 (docs/benchmarks.md). At most
    /// 13 columns × 256 rows = 3,328 parameters, far below SQLite's 32,766. On PostgreSQL
    /// each statement is a network round trip, so more rows are better.
    pub(crate) fn rows_per_insert(self) -> usize {
        match self {
            Dialect::Sqlite => 256,
            Dialect::Postgres => 500,
        }
    }

    /// A byte-wise collation for `ORDER BY` on text, the same on both engines.
    pub(crate) fn bytewise(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " COLLATE \"C\"",
        }
    }
}

/// A bound value. Typed even when absent: PostgreSQL must know the type of a `NULL`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param {
    I64(Option<i64>),
    I16(Option<i16>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
    Bool(Option<bool>),
    Date(Option<NaiveDate>),
}

macro_rules! param_from {
    ($($t:ty => $v:ident $(, $conv:expr)?);* $(;)?) => {$(
        impl From<$t> for Param {
            fn from(x: $t) -> Param { Param::$v(Some(param_from!(@conv x $(, $conv)?))) }
        }
        impl From<Option<$t>> for Param {
            fn from(x: Option<$t>) -> Param { Param::$v(x.map(|x| param_from!(@conv x $(, $conv)?))) }
        }
    )*};
    (@conv $x:ident) => { $x };
    (@conv $x:ident, $conv:expr) => { ($conv)($x) };
}

param_from! {
    i64 => I64;
    i16 => I16;
    String => Text;
    &str => Text, |s: &str| s.to_owned();
    &String => Text, |s: &String| s.clone();
    Vec<u8> => Bytes;
    &[u8] => Bytes, |b: &[u8]| b.to_vec();
    bool => Bool;
    NaiveDate => Date;
}

/// Builds a `Vec<Param>`: `params![a, b, c]`.
macro_rules! params {
    ($($x:expr),* $(,)?) => { vec![$($crate::engine::db::Param::from($x)),*] };
}
pub(crate) use params;

/// Binds `ps` in order, on either driver. By value: a borrowed text or blob would be copied
/// again for the SQLite worker thread (`into_static`), an allocation and a copy for each of
/// the tens of thousands of values a bulk import's transaction binds.
fn bind<'q, DB: sqlx::Database>(
    mut q: Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    ps: Vec<Param>,
) -> Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    Option<i64>: sqlx::Encode<'q, DB> + Type<DB>,
    Option<i16>: sqlx::Encode<'q, DB> + Type<DB>,
    Option<bool>: sqlx::Encode<'q, DB> + Type<DB>,
    Option<NaiveDate>: sqlx::Encode<'q, DB> + Type<DB>,
    Option<String>: sqlx::Encode<'q, DB> + Type<DB>,
    Option<Vec<u8>>: sqlx::Encode<'q, DB> + Type<DB>,
{
    for p in ps {
        q = match p {
            Param::I64(v) => q.bind(v),
            Param::I16(v) => q.bind(v),
            Param::Text(v) => q.bind(v),
            Param::Bytes(v) => q.bind(v),
            Param::Bool(v) => q.bind(v),
            Param::Date(v) => q.bind(v),
        };
    }
    q
}

/// A row of either engine.
pub(crate) enum Row {
    Lite(SqliteRow),
    Pg(PgRow),
}

/// A type both drivers decode.
pub(crate) trait Col:
    for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>
{
}
impl<T> Col for T where T: for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres> {}

impl Row {
    /// The value of column `name`.
    pub(crate) fn get<T: Col>(&self, name: &str) -> Result<T> {
        use sqlx::Row as _;
        let r = match self {
            Row::Lite(r) => r.try_get(name),
            Row::Pg(r) => r.try_get(name),
        };
        r.map_err(|e| StoreError::Corrupt(format!("column `{name}`: {e}")))
    }
}

/// Where reads and writes go.
pub(crate) enum Pools {
    /// One writer connection (SQLite has one writer; `BEGIN IMMEDIATE` queues writers in
    /// process and waits on other processes for the busy timeout) and a few readers.
    /// `checkpointer` copies a server's WAL back (`checkpoint.rs`); it stops with the store.
    Sqlite { writer: SqlitePool, reader: SqlitePool, checkpointer: Option<super::checkpoint::Checkpointer> },
    /// One pool; `listener` is the lazily opened `LISTEN` connection for wake-ups; `parts`
    /// makes the partitions of the ledger and the audit log as they fill.
    Postgres {
        pool: PgPool,
        listener: tokio::sync::Mutex<Option<PgListener>>,
        parts: Arc<Partitions>,
        /// This store's name in its wake-ups (random): it does not wake itself.
        origin: Arc<str>,
    },
}

/// An open transaction of either engine, with what it writes only at commit or on its next
/// statement: the chain heads it moved, whether to wake other instances, and the appends
/// it holds back (`deferred.rs`). Deferring them saves round trips on PostgreSQL: a consent
/// batch inserts its records and audit entries, moves two heads and wakes others in one
/// statement, not five.
pub(crate) struct Tx {
    conn: Conn,
    /// Chain heads this transaction has locked (see `heads.rs`).
    pub(super) heads: Vec<Held>,
    /// Whether the commit tells listening instances that something changed.
    pub(super) wake: bool,
    /// Inserts held back until the next statement or the commit (PostgreSQL).
    deferred: Deferred,
    /// The payload of its wake-up: the writing store's origin (PostgreSQL).
    pub(super) origin: Arc<str>,
}

enum Conn {
    Lite(Transaction<'static, Sqlite>),
    /// With, for a write, the partitions to grow after the commit when an append made it due.
    Pg(Transaction<'static, Postgres>, Option<Grow>),
}

/// A chain head locked by a transaction, and where the transaction has moved it.
pub(super) struct Held {
    pub chain: Chain,
    pub seq: i64,
    pub hash: String,
    /// The MAC of the moved head; `None` while it has not moved.
    pub mac: Option<String>,
}

/// A PostgreSQL write's view of the partitions.
pub(crate) struct Grow {
    parts: Arc<Partitions>,
    due: bool,
}

/// The PostgreSQL channel on which writes announce themselves to other instances.
pub(crate) const WAKE_CHANNEL: &str = "gebao_changes";

impl Pools {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Pools::Sqlite { .. } => Dialect::Sqlite,
            Pools::Postgres { .. } => Dialect::Postgres,
        }
    }

    /// A write transaction. SQLite: `BEGIN IMMEDIATE` on the writer, so the write lock is
    /// taken at once rather than on the first write (no upgrade deadlock).
    pub(crate) async fn write(&self) -> Result<Tx> {
        Ok(match self {
            Pools::Sqlite { writer, .. } => Tx::new(Conn::Lite(writer.begin_with("BEGIN IMMEDIATE").await?)),
            Pools::Postgres { pool, parts, origin, .. } => {
                let mut tx =
                    Tx::new(Conn::Pg(pool.begin().await?, Some(Grow { parts: Arc::clone(parts), due: false })));
                tx.origin = Arc::clone(origin);
                tx
            }
        })
    }

    /// A read-only snapshot: every statement in it sees the same committed state (WAL
    /// snapshot on SQLite, `REPEATABLE READ` on PostgreSQL).
    pub(crate) async fn snapshot(&self) -> Result<Tx> {
        Ok(match self {
            Pools::Sqlite { reader, .. } => Tx::new(Conn::Lite(reader.begin().await?)),
            Pools::Postgres { pool, .. } => {
                Tx::new(Conn::Pg(pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?, None))
            }
        })
    }

    /// Runs a read outside any transaction.
    pub(crate) async fn all(&self, sql: &str, ps: Vec<Param>) -> Result<Vec<Row>> {
        Ok(match self {
            Pools::Sqlite { reader, .. } => {
                bind(sqlx::query(&sqlite_sql(sql)), ps).fetch_all(reader).await?.into_iter().map(Row::Lite).collect()
            }
            Pools::Postgres { pool, .. } => {
                bind(sqlx::query(sql), ps).fetch_all(pool).await?.into_iter().map(Row::Pg).collect()
            }
        })
    }

    pub(crate) async fn opt(&self, sql: &str, ps: Vec<Param>) -> Result<Option<Row>> {
        Ok(self.all(sql, ps).await?.into_iter().next())
    }

    pub(crate) async fn ping(&self) -> Result<()> {
        self.all("SELECT 1", Vec::new()).await.map(|_| ())
    }

    /// Waits for a wake-up from another instance's write, or `timeout`; `true` when woken.
    /// A wake-up of this store's own writes is passed over: what it writes it has applied
    /// already, and re-reading after each of its commits cost a busy writer a third of its
    /// database time. SQLite (one file, usually one process) only sleeps: callers poll.
    pub(crate) async fn wait(&self, timeout: std::time::Duration) -> Result<bool> {
        let Pools::Postgres { pool, listener, origin, .. } = self else {
            tokio::time::sleep(timeout).await;
            return Ok(false);
        };
        let mut guard = listener.lock().await;
        if guard.is_none() {
            let mut l = PgListener::connect_with(pool).await?;
            l.listen(WAKE_CHANNEL).await?;
            *guard = Some(l);
        }
        let Some(l) = guard.as_mut() else { return Ok(false) };
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            match tokio::time::timeout_at(deadline, l.recv()).await {
                Err(_) => return Ok(false),
                Ok(Ok(n)) if n.payload() == &**origin => continue,
                Ok(Ok(_)) => return Ok(true),
                Ok(Err(e)) => {
                    // Reconnect on the next call; wake-ups missed meanwhile are covered by
                    // the callers' polling.
                    *guard = None;
                    return Err(e.into());
                }
            }
        }
    }

    /// After an erasure: SQLite writes the WAL back into the main file and truncates it, so
    /// that old page images holding erased values leave the disk (`secure_delete` has
    /// already zeroed them in the main file). Best effort: a reader holding an old snapshot
    /// can keep the WAL from being truncated; the next erasure or the next checkpoint does
    /// it then.
    pub(crate) async fn scrub(&self) {
        if let Pools::Sqlite { writer, .. } = self {
            truncate_wal(writer, std::time::Duration::ZERO).await;
        }
    }

    pub(crate) async fn close(&self) {
        match self {
            Pools::Sqlite { writer, reader, checkpointer } => {
                if let Some(c) = checkpointer {
                    c.stop().await;
                }
                // Readers first, so that none holds a snapshot that keeps the log from being
                // truncated; then the log is copied back and truncated here rather than left
                // to the last connection's close, which SQLite skips when it cannot take the
                // file's lock at that moment and which this process may not live to finish.
                reader.close().await;
                // The store's last checkpoint, so that the file alone holds the database.
                truncate_wal(writer, LAST_CHECKPOINT_WAIT).await;
                writer.close().await;
            }
            Pools::Postgres { pool, listener, .. } => {
                *listener.lock().await = None;
                pool.close().await;
            }
        }
    }
}

/// How long the store's last checkpoint is retried while SQLite finds the WAL busy.
const LAST_CHECKPOINT_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Copies the WAL into the database file and truncates it, asking again for up to
/// `patience` while SQLite answers busy. A connection still finishing what a cancelled task
/// left on it (a read, a checkpoint) makes SQLite answer busy at once, whatever its busy
/// timeout.
async fn truncate_wal(writer: &SqlitePool, patience: std::time::Duration) {
    let started = std::time::Instant::now();
    let mut pause = std::time::Duration::from_millis(5);
    loop {
        match super::checkpoint::checkpoint(writer, "TRUNCATE").await {
            Ok((0, _, _)) => return,
            Ok((busy, log, done)) if started.elapsed() >= patience => {
                return tracing::warn!(
                    busy,
                    log,
                    done,
                    "the WAL could not be truncated; the next checkpoint copies it back (until then it belongs with the database file)"
                );
            }
            Ok(_) => {}
            Err(e) => return tracing::warn!(error = %e, "WAL checkpoint failed"),
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(std::time::Duration::from_millis(200));
    }
}

/// How [`Tx::insert_built`] writes each chunk.
pub(crate) enum Insert {
    /// Rows that nothing in the transaction reads again ([`Tx::append_rows`]), `what`
    /// naming them in a constraint error.
    Append { what: &'static str, table: &'static str, cols: &'static str },
    /// A statement of its own for a number of rows of `cols` parameters each (an upsert),
    /// `what` naming it (and its text in the statement cache).
    Statement { what: &'static str, sql: fn(usize) -> String, cols: usize },
}

impl Tx {
    fn new(conn: Conn) -> Self {
        Tx { conn, heads: Vec::new(), wake: false, deferred: Deferred::default(), origin: Arc::from("") }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        match self.conn {
            Conn::Lite(_) => Dialect::Sqlite,
            Conn::Pg(..) => Dialect::Postgres,
        }
    }

    /// Runs a statement; the rows it changed.
    pub(crate) async fn exec(&mut self, sql: &str, ps: Vec<Param>) -> Result<u64> {
        self.flush().await?;
        Ok(self.run(sql, ps).await?)
    }

    /// Like [`Tx::exec`], mapping a constraint violation on `what` to `Conflict`/`NotFound`.
    pub(crate) async fn exec_on(&mut self, what: &str, sql: &str, ps: Vec<Param>) -> Result<u64> {
        self.flush().await?;
        self.run(sql, ps).await.map_err(|e| constraint(e, what))
    }

    /// Appends `ps.len() / cols` rows to `table`, which nothing in this transaction reads
    /// again: at once on SQLite, with the next statement or the commit on PostgreSQL (see
    /// `deferred.rs`). A constraint they break is reported like [`Tx::exec_on`]'s, then.
    pub(crate) async fn append_rows(
        &mut self,
        what: &str,
        table: &'static str,
        cols: &'static str,
        ps: Vec<Param>,
    ) -> Result<()> {
        match self.conn {
            Conn::Lite(_) => self.insert_rows(what, table, cols, ps).await,
            Conn::Pg(..) => {
                if !self.deferred.has_room(ps.len()) {
                    self.flush().await?;
                }
                self.deferred.push(what, table, cols, ps);
                Ok(())
            }
        }
    }

    /// Inserts `ps.len() / cols` rows into `table` now, in a statement of their own: on
    /// PostgreSQL one array a column (`unnest.rs`).
    async fn insert_rows(&mut self, what: &str, table: &'static str, cols: &'static str, ps: Vec<Param>) -> Result<()> {
        let ncols = cols.split(',').count();
        let text = |rows| format!("INSERT INTO {table} ({cols}) VALUES {}", values(rows, ncols));
        let columns = match self.dialect() {
            Dialect::Sqlite => {
                let sql = sqlite_text((table, cols), ps.len() / ncols, text);
                return self.exec_on(what, &sql, ps).await.map(drop);
            }
            Dialect::Postgres => match Columns::of(ps, ncols) {
                Ok(columns) => columns,
                Err(ps) => return self.exec_on(what, &text(ps.len() / ncols), ps).await.map(drop),
            },
        };
        self.flush().await?;
        let Conn::Pg(tx, _) = &mut self.conn else { unreachable!("the dialect is the connection's") };
        let sql = columns.insert_sql(table, cols);
        columns.bind(sqlx::query(&sql)).execute(&mut **tx).await.map_err(|e| constraint(e, what))?;
        Ok(())
    }

    /// Inserts `items`, one statement a chunk of [`Dialect::rows_per_insert`], building
    /// each chunk's parameters with `build` while the database runs the statement before it.
    /// On SQLite a statement runs on the connection's own thread, which would otherwise wait
    /// while this one hashes and encodes the next rows (a bulk import spends about half of
    /// its time on each side). `build` sees the chunks in order, so it can carry a chain.
    pub(crate) async fn insert_built<T>(
        &mut self,
        insert: Insert,
        items: Vec<T>,
        mut build: impl FnMut(Vec<T>) -> Result<Vec<Param>>,
    ) -> Result<()> {
        let per = self.dialect().rows_per_insert();
        let mut items = items.into_iter();
        let mut next_chunk = move || Some(items.by_ref().take(per).collect::<Vec<T>>()).filter(|c| !c.is_empty());
        let Some(first) = next_chunk() else { return Ok(()) };
        let mut ps = build(first)?;
        let mut bulk = false;
        while let Some(chunk) = next_chunk() {
            bulk = true;
            let (done, built) = tokio::join!(self.insert(&insert, ps, bulk), async { build(chunk) });
            done?;
            ps = built?;
        }
        self.insert(&insert, ps, bulk).await
    }

    /// One chunk of [`Tx::insert_built`]. Appends of several chunks (`bulk`) are sent at
    /// once, each its own statement, also on PostgreSQL, for the next chunk to be built while
    /// the server inserts this one; held back, they were all built first and then all
    /// inserted (a bulk import's client and server taking turns, one core idle).
    async fn insert(&mut self, insert: &Insert, ps: Vec<Param>, bulk: bool) -> Result<()> {
        match *insert {
            Insert::Append { what, table, cols } if bulk => self.insert_rows(what, table, cols, ps).await,
            Insert::Append { what, table, cols } => self.append_rows(what, table, cols, ps).await,
            Insert::Statement { what, sql, cols } => {
                let rows = ps.len() / cols;
                let sql = match self.dialect() {
                    Dialect::Sqlite => sqlite_text((what, ""), rows, sql),
                    Dialect::Postgres => Arc::from(sql(rows)),
                };
                self.exec_on(what, &sql, ps).await.map(drop)
            }
        }
    }

    /// Sends the held appends on their own, before a statement that may read them.
    pub(super) async fn flush(&mut self) -> Result<()> {
        if let Some(mut t) = self.deferred.take(1) {
            let ps = std::mem::take(&mut t.ps);
            self.run(&t.before("SELECT 1"), ps).await.map_err(|e| t.error(e))?;
        }
        Ok(())
    }

    /// Runs `sql` after the held appends, in one statement; `sql` must not read them (the
    /// commit's head update).
    pub(super) async fn all_after_appends(&mut self, sql: &str, mut ps: Vec<Param>) -> Result<Vec<Row>> {
        let Some(mut t) = self.deferred.take(ps.len() + 1) else { return self.all(sql, ps).await };
        let sql = t.before(sql);
        ps.append(&mut t.ps);
        self.fetch(&sql, ps).await.map_err(|e| t.error(e))
    }

    pub(crate) async fn all(&mut self, sql: &str, ps: Vec<Param>) -> Result<Vec<Row>> {
        self.flush().await?;
        Ok(self.fetch(sql, ps).await?)
    }

    pub(crate) async fn opt(&mut self, sql: &str, ps: Vec<Param>) -> Result<Option<Row>> {
        Ok(self.all(sql, ps).await?.into_iter().next())
    }

    async fn run(&mut self, sql: &str, ps: Vec<Param>) -> std::result::Result<u64, sqlx::Error> {
        Ok(match &mut self.conn {
            Conn::Lite(tx) => bind(sqlx::query(&sqlite_sql(sql)), ps).execute(&mut **tx).await?.rows_affected(),
            Conn::Pg(tx, _) => bind(sqlx::query(sql), ps).execute(&mut **tx).await?.rows_affected(),
        })
    }

    async fn fetch(&mut self, sql: &str, ps: Vec<Param>) -> std::result::Result<Vec<Row>, sqlx::Error> {
        Ok(match &mut self.conn {
            Conn::Lite(tx) => {
                bind(sqlx::query(&sqlite_sql(sql)), ps).fetch_all(&mut **tx).await?.into_iter().map(Row::Lite).collect()
            }
            Conn::Pg(tx, _) => {
                bind(sqlx::query(sql), ps).fetch_all(&mut **tx).await?.into_iter().map(Row::Pg).collect()
            }
        })
    }

    /// Tells listening instances that something changed, when and if the transaction
    /// commits (PostgreSQL `NOTIFY`, sent with the commit's head update; nothing on SQLite).
    pub(crate) fn wake_others(&mut self) {
        self.wake = true;
    }

    /// Notes that this transaction moves `chain`'s head to `seq`: if that leaves the
    /// newest partition less than a partition of room, the partitions grow after the commit.
    pub(crate) fn appended(&mut self, chain: Chain, seq: i64) {
        if let Conn::Pg(_, Some(g)) = &mut self.conn {
            g.due |= g.parts.is_due(chain, seq);
        }
    }

    /// Before appending records up to `last` to `chain`: makes sure a partition holds them
    /// (PostgreSQL; see `partitions.rs`).
    pub(crate) async fn make_room(&self, chain: Chain, last: i64) -> Result<()> {
        match &self.conn {
            Conn::Pg(_, Some(g)) => g.parts.make_room(chain, last).await,
            _ => Ok(()),
        }
    }

    /// Writes the moved chain heads (and the wake-up), then commits.
    pub(crate) async fn commit(mut self) -> Result<()> {
        super::heads::write_moved(&mut self).await?;
        match self.conn {
            Conn::Lite(tx) => tx.commit().await?,
            Conn::Pg(tx, grow) => {
                tx.commit().await?;
                if let Some(g) = grow.filter(|g| g.due) {
                    g.parts.grow().await;
                }
            }
        }
        Ok(())
    }
}

/// Maps a constraint violation to the errors callers answer with a 4xx.
pub(crate) fn constraint(e: sqlx::Error, what: &str) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        if d.is_unique_violation() {
            return StoreError::Conflict(format!("{what} already exists"));
        }
        if d.is_foreign_key_violation() {
            return StoreError::NotFound(format!("{what} refers to something that does not exist"));
        }
    }
    StoreError::Database(e)
}

/// The statement as SQLite binds it fast: `$1, $2, …`, each once and in order, become `?`.
/// SQLite finds a parameter's name by a linear scan and sqlx asks for every parameter's
/// name, so binding `$N` parameters costs their number squared (a 16-row insert of 13
/// columns: 15% of a bulk import's time); anonymous `?` parameters have no name to find.
/// A statement that repeats or reorders a number keeps its `$N`; quoted text is skipped.
pub(crate) fn sqlite_sql(sql: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    let b = sql.as_bytes();
    let (mut out, mut copied, mut next) = (String::new(), 0, 1u64);
    let (mut i, mut quote) = (0, None);
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'\'' || c == b'"' => quote = Some(c),
            None if c == b'$' && b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let end = (i + 1..b.len()).find(|&j| !b[j].is_ascii_digit()).unwrap_or(b.len());
                if sql[i + 1..end].parse::<u64>().ok() != Some(next) {
                    return Cow::Borrowed(sql);
                }
                next += 1;
                out.push_str(&sql[copied..i]);
                out.push('?');
                copied = end;
                i = end;
                continue;
            }
            None => {}
        }
        i += 1;
    }
    if next == 1 {
        return Cow::Borrowed(sql);
    }
    out.push_str(&sql[copied..]);
    Cow::Owned(out)
}

/// The SQLite text of the multi-row insert `name` (a table and its columns, or a statement's
/// name) for `rows` rows, made by `make` and rewritten by [`sqlite_sql`] once per process:
/// a bulk import runs the same few statements tens of thousands of times, and building and
/// rewriting their text each time cost 4% of it.
///
/// The insert becomes `INSERT OR FAIL`: a constraint it breaks still fails it, but SQLite
/// no longer keeps a statement journal to undo the rows before the failing one (7–9% of an
/// import's time). Those rows are never committed: no caller goes on with a transaction
/// after a failed statement, the error rolls the whole transaction back.
fn sqlite_text(name: (&'static str, &'static str), rows: usize, make: impl Fn(usize) -> String) -> Arc<str> {
    type Texts = std::collections::HashMap<((&'static str, &'static str), usize), Arc<str>>;
    static TEXTS: std::sync::LazyLock<std::sync::Mutex<Texts>> = std::sync::LazyLock::new(Default::default);
    let rewrite = |sql: String| -> Arc<str> {
        let sql = match sql.strip_prefix("INSERT INTO ") {
            Some(rest) => format!("INSERT OR FAIL INTO {rest}"),
            None => sql,
        };
        Arc::from(sqlite_sql(&sql).as_ref())
    };
    let mut texts = TEXTS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let text = texts.entry((name, rows)).or_insert_with(|| rewrite(make(rows))).clone();
    // Two statements given the same name would share a text: the tests would see it here.
    debug_assert_eq!(text, rewrite(make(rows)), "two statements are named {name:?}");
    text
}

/// `$from, $from+1, …` for `n` parameters, for `IN (…)` lists.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    let mut out = String::with_capacity(n * 6);
    push_placeholders(&mut out, from, n);
    out
}

fn push_placeholders(out: &mut String, from: usize, n: usize) {
    use std::fmt::Write;
    for i in from..from + n {
        if i > from {
            out.push_str(", ");
        }
        let _ = write!(out, "${i}");
    }
}

/// `($1, …, $cols), ($cols+1, …), …` for a multi-row `VALUES` of `rows` rows.
pub(crate) fn values(rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * (cols * 7 + 4));
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        push_placeholders(&mut out, 1 + r * cols, cols);
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbered_parameters_in_order_become_anonymous_for_sqlite() {
        use super::sqlite_sql;
        assert_eq!(sqlite_sql("SELECT a FROM t WHERE a = $1 AND b > $2"), "SELECT a FROM t WHERE a = ? AND b > ?");
        assert_eq!(sqlite_sql("INSERT INTO t VALUES ($1, $2), ($3, $4)"), "INSERT INTO t VALUES (?, ?), (?, ?)");
        assert_eq!(sqlite_sql("SELECT $10"), "SELECT $10", "not from 1");
        // Repeated or out of order: `?` would bind other values; kept as they are.
        for kept in ["SELECT $1, $1", "SELECT $2, $1", "SELECT $1, $3"] {
            assert!(matches!(sqlite_sql(kept), std::borrow::Cow::Borrowed(_)), "{kept}");
        }
        // Quoted text is not a parameter.
        assert_eq!(
            sqlite_sql("SELECT json_extract(x, '$.a$1'), \"$2\" FROM t WHERE y = $1"),
            "SELECT json_extract(x, '$.a$1'), \"$2\" FROM t WHERE y = ?"
        );
        assert_eq!(sqlite_sql("SELECT 'it''s $1' WHERE a = $1 AND b = $2"), "SELECT 'it''s $1' WHERE a = ? AND b = ?");
        assert!(matches!(sqlite_sql("SELECT 1"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(sqlite_sql("SELECT '价' || $1"), "SELECT '价' || ?");
    }

    use super::*;

    #[test]
    fn placeholder_lists() {
        assert_eq!(placeholders(3, 2), "$3, $4");
        assert_eq!(values(2, 2), "($1, $2), ($3, $4)");
        assert_eq!(
            params![1_i64, "a", None::<String>],
            vec![Param::I64(Some(1)), Param::Text(Some("a".into())), Param::Text(None)]
        );
    }
}
