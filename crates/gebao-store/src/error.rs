//! Store errors. Callers map `NotFound`/`Conflict` to 4xx and everything else to 5xx; a
//! `Tampered` row is refused (and logged), never used.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database unreachable or failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("encryption: {0}")]
    Crypto(String),
    /// A row covered by the audit chain no longer matches what its audit entry recorded:
    /// someone changed the database outside gebao.
    #[error("tampering detected: {0}")]
    Tampered(String),
    /// The external anchor file cannot be read or written, or a checkpoint in it is forged.
    #[error("anchor: {0}")]
    Anchor(String),
}
