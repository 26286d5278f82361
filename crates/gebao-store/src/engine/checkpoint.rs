//! SQLite: a server's WAL is copied back into the database file by a task of its own, not
//! by the commit that finds it past SQLite's threshold. That commit (the automatic
//! checkpoint) held the one writer for the whole copy and the database's fsync, and every
//! consent queued behind it waited: at two million users the p99 of a durable consent
//! write was 154–203 ms against a median of 6 ms (docs/benchmarks.md).
//!
//! Four times a second the task runs a passive checkpoint on a reader connection: it copies
//! what is committed, beside the writer, waiting for no one. Once the WAL is long and all
//! of it was copied, the task copies again what was committed while it copied, until that
//! is a few commits ([`shorten`]), then runs one more checkpoint on the writer's connection,
//! between two transactions: it copies those few pages, and the next transaction starts
//! the WAL again from its beginning — which only the writer can do, and only with nothing
//! left to copy. The writer's own automatic checkpoint (`writer_options`) stays as the
//! bound on the WAL should the task fall behind.

use sqlx::SqlitePool;
use std::time::Duration;

/// How often the task copies the WAL back.
const EVERY: Duration = Duration::from_millis(250);

/// WAL pages (16 MB) past which a WAL copied back whole is started again. The writer's
/// automatic checkpoint is at 10,000.
const RESTART_AT: i64 = 4_000;

/// `PRAGMA wal_checkpoint(mode)`: whether it was blocked, the WAL's pages, those copied.
pub(super) async fn checkpoint(conn: &SqlitePool, mode: &str) -> Result<(i64, i64, i64), sqlx::Error> {
    sqlx::query_as(&format!("PRAGMA wal_checkpoint({mode})")).fetch_one(conn).await
}

/// The running task. [`Checkpointer::stop`] ends it between two checkpoints and waits for
/// it; dropping the store aborts it (its clones of the pools would otherwise keep them open).
pub(crate) struct Checkpointer {
    stop: tokio::sync::watch::Sender<bool>,
    task: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Checkpointer {
    /// Ends the task once its checkpoint in progress, if any, is done, and waits for that.
    /// Aborting it instead left that checkpoint running on its connection's thread, holding
    /// the checkpoint lock, while the store's last checkpoint ran: that one then found the
    /// WAL busy and left it behind at a graceful stop.
    pub(crate) async fn stop(&self) {
        let _ = self.stop.send(true);
        let task = self.task.lock().map(|mut t| t.take()).unwrap_or(None);
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Stopping a checkpoint half way is safe: SQLite records what it copied only once
        // the database file is synced.
        if let Some(task) = self.task.get_mut().ok().and_then(Option::take) {
            task.abort();
        }
    }
}

/// Copies, beside the writer, what was committed while the last checkpoint ran, and again,
/// until that is at most [`TAIL`] pages: what the writer then copies itself (the p99 at two
/// million users: 88–124 ms when the writer copied what came during one checkpoint, 57–97
/// with a tail of 256 pages, 33–42 with 64). `true` when all of the WAL was copied.
async fn shorten(reader: &SqlitePool, mut log: i64) -> bool {
    for _ in 0..6 {
        match checkpoint(reader, "PASSIVE").await {
            Ok((_, now, copied)) if copied == now => {
                let grew = now - log;
                log = now;
                if grew <= TAIL {
                    return true;
                }
            }
            _ => return false,
        }
    }
    true
}

/// WAL pages few enough for the writer to copy itself between two transactions.
const TAIL: i64 = 64;

/// Starts the task; it ends when the store is stopped, closed or dropped.
pub(super) fn spawn(reader: SqlitePool, writer: SqlitePool) -> Checkpointer {
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stopped.wait_for(|s| *s) => break,
            }
            if reader.is_closed() || writer.is_closed() {
                break;
            }
            let copied = match checkpoint(&reader, "PASSIVE").await {
                Ok((_, log, copied)) if log >= RESTART_AT && copied == log => shorten(&reader, log).await,
                Ok(_) => false,
                Err(sqlx::Error::PoolClosed) => break,
                // The writer's automatic checkpoint copies it instead.
                Err(e) => {
                    tracing::debug!(error = %e, "background WAL checkpoint failed");
                    false
                }
            };
            if copied && let Err(e) = checkpoint(&writer, "PASSIVE").await {
                tracing::debug!(error = %e, "WAL checkpoint on the writer failed");
            }
        }
    });
    Checkpointer { stop, task: std::sync::Mutex::new(Some(task)) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

    /// A database in WAL mode with a table `t`, SQLite's own checkpoint off: its directory,
    /// a writer and two readers.
    async fn database(sync: SqliteSynchronous) -> (tempfile::TempDir, SqlitePool, SqlitePool) {
        let dir = tempfile::tempdir().unwrap();
        let opts = SqliteConnectOptions::new()
            .filename(dir.path().join("t.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(sync)
            .pragma("wal_autocheckpoint", "0");
        let writer = SqlitePoolOptions::new().max_connections(1).connect_with(opts.clone()).await.unwrap();
        let reader = SqlitePoolOptions::new().max_connections(2).connect_with(opts).await.unwrap();
        sqlx::query("CREATE TABLE t (v BLOB)").execute(&writer).await.unwrap();
        (dir, writer, reader)
    }

    /// A server that keeps writing never has its WAL reach the writer's own checkpoint: the
    /// task copies it back and has it started again first.
    #[tokio::test]
    async fn a_long_wal_is_copied_back_and_started_again_by_the_task() {
        let (dir, writer, reader) = database(SqliteSynchronous::Off).await;
        let wal = dir.path().join("t.db-wal");
        let blob = vec![7u8; 3000];
        // Each row fills a page of its own: RESTART_AT pages and more.
        let write = async |n: usize| {
            for _ in 0..n {
                sqlx::query("INSERT INTO t (v) VALUES (?)").bind(&blob).execute(&writer).await.unwrap();
            }
        };
        write(RESTART_AT as usize + 500).await;
        let long = std::fs::metadata(&wal).unwrap().len();
        let task = spawn(reader.clone(), writer.clone());
        // Once the task has run, the next writes go to the WAL's beginning: its frames are
        // overwritten, so the file stops growing although writes go on.
        tokio::time::sleep(EVERY * 3).await;
        write(1000).await;
        assert_eq!(std::fs::metadata(&wal).unwrap().len(), long, "the WAL was started again, not extended");
        let frames = (long - 32) / (4096 + 24);
        let (_, log, _) = checkpoint(&reader, "PASSIVE").await.unwrap();
        assert!(log * 2 < frames as i64, "only the writes after the restart are in the WAL: {log} of {frames} pages");
        drop(task);
        reader.close().await;
        writer.close().await;
    }

    /// A stop in the middle of a checkpoint returns once that checkpoint is over, so that
    /// the store's last checkpoint, right after, finds the WAL free and truncates it.
    #[tokio::test]
    async fn a_stop_waits_for_the_checkpoint_in_progress() {
        let (dir, writer, reader) = database(SqliteSynchronous::Full).await;
        // A WAL of 20,000 pages, in one transaction: its copy back takes a while.
        let blob = vec![7u8; 3000];
        let mut tx = writer.begin().await.unwrap();
        for _ in 0..20_000 {
            sqlx::query("INSERT INTO t (v) VALUES (?)").bind(&blob).execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
        // The task checkpoints at once; it is stopped while it copies.
        let task = spawn(reader.clone(), writer.clone());
        tokio::time::sleep(Duration::from_millis(10)).await;
        task.stop().await;
        let (busy, _, _) = checkpoint(&writer, "TRUNCATE").await.unwrap();
        assert_eq!(busy, 0, "the task's checkpoint was still running after the stop");
        assert_eq!(std::fs::metadata(dir.path().join("t.db-wal")).unwrap().len(), 0);
        reader.close().await;
        writer.close().await;
    }
}
