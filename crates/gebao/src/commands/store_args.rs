//! Where the store is: `--data-dir` (the SQLite file and the master key) and
//! `--database-url` (PostgreSQL). Shared by `serve`, `keys`, `publish` and `audit`.

use anyhow::{Context, Result};
use gebao_store::Store;
use gebao_store::crypto::Keys;
use std::path::PathBuf;

/// The default data directory.
pub const DEFAULT_DATA_DIR: &str = "gebao-data";
/// The default external anchor file, in the data directory (point `--anchor` elsewhere — a
/// disk the database's writers cannot reach — for it to defend against them).
pub const ANCHOR_FILE: &str = "anchor.jsonl";

#[derive(clap::Args, Clone, Debug)]
pub struct StoreArgs {
    /// Data directory: the SQLite database and the master key (unless GEBAO_MASTER_KEY is set).
    #[arg(long, env = "GEBAO_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user@host/db). Without it, gebao uses SQLite in the data directory.
    #[arg(long, env = "GEBAO_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Records per partition of the ledger and the audit log on PostgreSQL, for the
    /// partitions this command creates (default 10000000).
    #[arg(long, env = "GEBAO_PARTITION_ROWS", global = true)]
    pub partition_rows: Option<std::num::NonZeroU32>,
}

impl StoreArgs {
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR))
    }

    /// The database URL: the flag, else SQLite in the data directory.
    pub fn url(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => gebao_server::sqlite_url(&self.data_dir()),
        }
    }

    /// The master keys: GEBAO_MASTER_KEY, else `<data dir>/master.key` (created when missing).
    pub fn keys(&self) -> Result<Keys> {
        let dir = self.data_dir();
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the data directory `{}`", dir.display()))?;
        Keys::load_or_create(&dir)
            .with_context(|| format!("cannot read or create the master key in `{}`", dir.display()))
    }

    /// Opens the store and applies pending migrations.
    pub async fn open(&self) -> Result<Box<dyn Store>> {
        self.open_tuned(gebao_store::Tuning::Serve).await
    }

    /// [`StoreArgs::open`] for a server's work or for a bulk import.
    pub async fn open_tuned(&self, tuning: gebao_store::Tuning) -> Result<Box<dyn Store>> {
        let keys = self.keys()?;
        let url = self.url();
        let store = gebao_store::open_tuned(&url, keys, self.partition_rows, tuning)
            .await
            .with_context(|| format!("cannot open the store at `{}`", redact(&url)))?;
        store.migrate().await.context("cannot migrate the store")?;
        Ok(store)
    }
}

/// A URL without its password, for messages.
pub fn redact(url: &str) -> String {
    gebao_server::config::redact_url(url)
}

/// Who runs the command, for the audit log.
pub fn cli_actor() -> String {
    let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

pub fn now_ms() -> i64 {
    gebao_server::now_ms()
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(super::redact("postgres://gebao:s3cret@db:5432/gebao"), "postgres://gebao:***@db:5432/gebao");
        assert_eq!(super::redact("postgres://gebao@db/gebao"), "postgres://gebao@db/gebao");
        assert_eq!(super::redact("sqlite://x/gebao.db"), "sqlite://x/gebao.db");
    }
}
