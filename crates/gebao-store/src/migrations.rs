//! Versioned migrations, one folder per engine, compiled into the binary so that a single
//! `gebao` executable can create and upgrade its database anywhere.
//!
//! They run through `sqlx`'s migrator: applied versions and checksums are recorded in
//! `_sqlx_migrations`, an edited migration is refused, and on PostgreSQL the migrator holds
//! an advisory lock, so several instances starting at once apply each migration once.

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

/// A list of `(version, description, sql)` embedded at compile time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Embedded(&'static [(i64, &'static str, &'static str)]);

/// SQLite migrations (`migrations/sqlite`).
pub(crate) const SQLITE: Embedded = Embedded(&[(1, "init", include_str!("../migrations/sqlite/0001_init.sql"))]);

/// PostgreSQL migrations (`migrations/postgres`).
pub(crate) const POSTGRES: Embedded = Embedded(&[(1, "init", include_str!("../migrations/postgres/0001_init.sql"))]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(v, d, sql)| {
                    Migration::new(*v, Cow::Borrowed(*d), MigrationType::Simple, Cow::Borrowed(*sql), false)
                })
                .collect())
        })
    }
}

/// A migration error, explained: a database created by a pre-release of gebao (whose
/// schema had unkeyed chains and user ids in the ledger) cannot be upgraded in place.
pub(crate) fn explain(e: sqlx::migrate::MigrateError) -> crate::StoreError {
    use sqlx::migrate::MigrateError as M;
    match e {
        M::VersionMismatch(_) | M::VersionMissing(_) => crate::StoreError::Corrupt(format!(
            "this database was created by an earlier, incompatible gebao schema ({e}); \
             gebao 0.2 keys its chains and keeps user ids out of the ledger, which cannot be done in place: \
             start with a new data directory or database and re-import"
        )),
        other => crate::StoreError::Migrate(other),
    }
}

impl Embedded {
    /// The migrator for this list.
    pub(crate) async fn migrator(self) -> crate::Result<Migrator> {
        Ok(Migrator::new(self).await?)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Every file in a migrations folder is embedded, in order, with the version of its name.
    #[test]
    fn every_migration_file_is_embedded() {
        for (dir, list) in [("sqlite", SQLITE), ("postgres", POSTGRES)] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(dir);
            let mut files: Vec<String> = std::fs::read_dir(path)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sql"))
                .collect();
            files.sort();
            assert_eq!(files.len(), list.0.len(), "{dir}: a migration file is not listed in migrations.rs");
            for (f, (v, d, _)) in files.iter().zip(list.0) {
                assert_eq!(f, &format!("{v:04}_{d}.sql"), "{dir}");
            }
        }
    }
}
