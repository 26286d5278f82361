//! Versioned migrations, one text for both engines, compiled into the binary so that a
//! single `gebao` executable can create and upgrade its database anywhere.
//!
//! A migration names the column types that differ between the engines as `{int}`,
//! `{bytes}`, `{date}`, `{bool}`, `{small}` and `{serial}`, and the byte-wise collation of
//! an indexed text column (the order lists are sorted in) as `{bytewise}`; [`Dialect`]
//! fills them. They run
//! through `sqlx`'s migrator: applied versions and checksums (of the filled text) are
//! recorded in `_sqlx_migrations`, an edited migration is refused, and on PostgreSQL the
//! migrator holds an advisory lock, so several instances starting at once apply each
//! migration once.
//!
//! A migration marked [`On::Postgres`] is PostgreSQL's alone (the partitioning of the ledger
//! and the audit log); SQLite records it as applied with a text that does nothing.

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

/// Which engines a migration is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum On {
    Both,
    Postgres,
}

/// What SQLite runs for a migration that is PostgreSQL's alone.
const NOTHING_ON_SQLITE: &str = "-- PostgreSQL only: nothing to do on SQLite.\nSELECT 1;\n";

/// Every migration, `(version, description, text, engines)`, in order
/// (`migrations/NNNN_name.sql`).
const MIGRATIONS: &[(i64, &str, &str, On)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql"), On::Both),
    (2, "portal_links", include_str!("../migrations/0002_portal_links.sql"), On::Both),
    (3, "staff", include_str!("../migrations/0003_staff.sql"), On::Both),
    (4, "portal_codes", include_str!("../migrations/0004_portal_codes.sql"), On::Both),
    (5, "staff_sign_out", include_str!("../migrations/0005_staff_sign_out.sql"), On::Both),
    (6, "incidents", include_str!("../migrations/0006_incidents.sql"), On::Both),
    (7, "outbox_email", include_str!("../migrations/0007_outbox_email.sql"), On::Both),
    (8, "terminations", include_str!("../migrations/0008_terminations.sql"), On::Both),
    (9, "abroad", include_str!("../migrations/0009_abroad.sql"), On::Both),
    (10, "provisions", include_str!("../migrations/0010_provisions.sql"), On::Both),
    (11, "pia_records", include_str!("../migrations/0011_pia_records.sql"), On::Both),
    (12, "partitions", include_str!("../migrations/0012_partitions.sql"), On::Postgres),
    (13, "requests_by_due", include_str!("../migrations/0013_requests_by_due.sql"), On::Both),
];

/// The engine a migration is filled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// What each slot stands for on this engine.
    fn slots(self) -> [(&'static str, &'static str); 7] {
        match self {
            Dialect::Sqlite => [
                ("{int}", "INTEGER"),
                ("{bytes}", "BLOB"),
                ("{date}", "TEXT"),
                ("{bool}", "INTEGER"),
                ("{small}", "INTEGER"),
                ("{serial}", "INTEGER PRIMARY KEY AUTOINCREMENT"),
                ("{bytewise}", ""),
            ],
            Dialect::Postgres => [
                ("{int}", "BIGINT"),
                ("{bytes}", "BYTEA"),
                ("{date}", "DATE"),
                ("{bool}", "BOOLEAN"),
                ("{small}", "SMALLINT"),
                ("{serial}", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"),
                ("{bytewise}", " COLLATE \"C\""),
            ],
        }
    }

    /// `sql` with every slot filled for this engine.
    fn fill(self, sql: &str) -> String {
        self.slots().iter().fold(sql.to_owned(), |sql, (slot, ty)| sql.replace(slot, ty))
    }

    /// The migrator for this engine.
    pub(crate) async fn migrator(self) -> crate::Result<Migrator> {
        Ok(Migrator::new(Upto(self, i64::MAX)).await?)
    }

    /// The migrator for this engine that stops after `version` (tests of upgrades).
    pub(crate) async fn migrator_until(self, version: i64) -> crate::Result<Migrator> {
        Ok(Migrator::new(Upto(self, version)).await?)
    }
}

/// The migrations of an engine up to a version.
#[derive(Debug, Clone, Copy)]
struct Upto(Dialect, i64);

impl<'s> MigrationSource<'s> for Upto {
    fn resolve(self) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        let Upto(dialect, last) = self;
        Box::pin(async move {
            Ok(MIGRATIONS
                .iter()
                .filter(|(v, ..)| *v <= last)
                .map(|(v, d, sql, on)| {
                    let sql = match (on, dialect) {
                        (On::Postgres, Dialect::Sqlite) => NOTHING_ON_SQLITE.to_owned(),
                        _ => dialect.fill(sql),
                    };
                    Migration::new(*v, Cow::Borrowed(*d), MigrationType::Simple, Cow::Owned(sql), false)
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Every file in the migrations folder is embedded, in order, with the version of its name.
    #[test]
    fn every_migration_file_is_embedded() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        assert_eq!(files.len(), MIGRATIONS.len(), "a migration file is not listed in migrations.rs");
        for (f, (v, d, _, _)) in files.iter().zip(MIGRATIONS) {
            assert_eq!(f, &format!("{v:04}_{d}.sql"));
        }
    }

    /// Every slot is filled on both engines: nothing of the form `{name}` is left.
    #[test]
    fn every_slot_is_filled() {
        let slot = |s: &str| {
            s.match_indices('{').any(|(i, _)| {
                let rest = &s[i + 1..];
                let name: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
                !name.is_empty() && rest[name.len()..].starts_with('}')
            })
        };
        for (_, _, sql, _) in MIGRATIONS {
            assert!(slot(sql), "the migration names its types as slots");
            for d in [Dialect::Sqlite, Dialect::Postgres] {
                assert!(!slot(&d.fill(sql)), "{d:?}: a slot is left unfilled");
            }
        }
    }
}
