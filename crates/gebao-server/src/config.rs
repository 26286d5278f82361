//! How a server is configured. The CLI (`gebao serve`) fills this from its file, environment
//! and flags; tests fill it directly. Defaults are the safe ones: listen on loopback only,
//! `/metrics` behind an API key.

use gebao_store::crypto::Keys;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// File name of the SQLite database inside the data directory.
pub const SQLITE_FILE: &str = "gebao.db";

/// Everything `serve` needs. Secrets (`keys`) never appear in `Debug` output: `Keys`
/// redacts itself.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where to listen; default `127.0.0.1:7480` (loopback: exposing the API is a choice).
    pub listen: SocketAddr,
    /// `sqlite://…` (or a plain file path) or `postgres://…`.
    pub database_url: String,
    /// The manifest published as policy version 1 when the store has no version yet.
    /// Later versions are published with `POST /v1/policy/versions` or `gebao publish`.
    pub manifest: Option<PathBuf>,
    /// The keys that encrypt contact points and compute their blind index.
    pub keys: Keys,
    /// Largest accepted request body (larger ones get 413).
    pub body_limit: usize,
    /// How often an instance reads the ledger and audit log for writes made by other
    /// instances sharing the database: the bound on how stale a decision can be.
    pub sync_interval: Duration,
    /// Most consent records committed in one transaction by the group-commit writer.
    pub batch_max: usize,
    /// Requests waiting for the writer before new ones wait for room (back-pressure).
    pub queue_capacity: usize,
    /// How long a resolved API key is trusted before it is looked up again: a key revoked
    /// with `gebao keys revoke` stops working within this time.
    pub key_cache_ttl: Duration,
    /// Serve `/metrics` without an API key. Off by default: the metrics then need a key
    /// with the `audit:read` scope (Prometheus sends it as `authorization.credentials`).
    pub metrics_public: bool,
}

impl ServerConfig {
    /// A configuration with the defaults, for a database URL and keys.
    pub fn new(database_url: impl Into<String>, keys: Keys) -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 7480)),
            database_url: database_url.into(),
            manifest: None,
            keys,
            body_limit: 1024 * 1024,
            sync_interval: Duration::from_millis(250),
            batch_max: 1000,
            queue_capacity: 16 * 1024,
            key_cache_ttl: Duration::from_secs(30),
            metrics_public: false,
        }
    }

    /// The defaults for a data directory: its SQLite file and its master key
    /// (`GEBAO_MASTER_KEY`, else `<dir>/master.key`, created when missing).
    pub fn for_data_dir(dir: &Path) -> Result<Self, gebao_store::StoreError> {
        let keys = Keys::load_or_create(dir)?;
        Ok(ServerConfig::new(sqlite_url(dir), keys))
    }
}

/// The SQLite URL of a data directory.
pub fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join(SQLITE_FILE).display())
}
