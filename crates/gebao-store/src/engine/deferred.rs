//! Appends a PostgreSQL write holds back: multi-row inserts of records that nothing in the
//! transaction reads again before it commits (ledger, audit log, change feed). They travel
//! as data-modifying `WITH` items of the transaction's next statement that needs them gone
//! (a standalone flush before any other statement, or the commit's chain-head update), so a
//! consent batch costs one round trip for its inserts and heads instead of three. SQLite
//! runs them at once: it has no round trips to save.

use super::db::{Param, constraint, placeholders};
use crate::StoreError;

/// PostgreSQL binds at most 65,535 parameters per statement; held inserts are flushed
/// before they would pass this, leaving room for the statement they ride with.
const MAX_PARAMS: usize = 30_000;

/// An insert held back.
struct Held {
    /// What the rows are, for errors ("consent record").
    what: String,
    table: &'static str,
    cols: &'static str,
    ncols: usize,
    ps: Vec<Param>,
}

/// The held inserts of one transaction, oldest first.
#[derive(Default)]
pub(super) struct Deferred(Vec<Held>);

/// Held inserts taken out to be sent: `WITH` items and their parameters, and how to name
/// a constraint they break.
pub(super) struct Taken {
    pub ctes: String,
    pub ps: Vec<Param>,
    whats: Vec<(&'static str, String)>,
}

impl Deferred {
    /// Whether `more` parameters can join without a flush first.
    pub(super) fn has_room(&self, more: usize) -> bool {
        self.0.iter().map(|h| h.ps.len()).sum::<usize>() + more <= MAX_PARAMS
    }

    /// Holds `INSERT INTO table (cols) VALUES …` of `ps.len() / cols` rows.
    pub(super) fn push(&mut self, what: &str, table: &'static str, cols: &'static str, ps: Vec<Param>) {
        let ncols = cols.split(',').count();
        debug_assert!(ps.len().is_multiple_of(ncols), "{table}: {} parameters for {ncols} columns", ps.len());
        self.0.push(Held { what: what.to_owned(), table, cols, ncols, ps });
    }

    /// Takes every held insert out, as `WITH` items whose parameters are numbered from
    /// `$first`; `None` when nothing is held.
    pub(super) fn take(&mut self, first: usize) -> Option<Taken> {
        if self.0.is_empty() {
            return None;
        }
        let mut next = first;
        let mut items = Vec::with_capacity(self.0.len());
        let mut ps = Vec::new();
        let mut whats = Vec::with_capacity(self.0.len());
        for (i, h) in std::mem::take(&mut self.0).into_iter().enumerate() {
            let rows = (0..h.ps.len() / h.ncols)
                .map(|r| format!("({})", placeholders(next + r * h.ncols, h.ncols)))
                .collect::<Vec<_>>()
                .join(", ");
            next += h.ps.len();
            items.push(format!("held{i} AS (INSERT INTO {} ({}) VALUES {rows})", h.table, h.cols));
            ps.extend(h.ps);
            whats.push((h.table, h.what));
        }
        Some(Taken { ctes: items.join(", "), ps, whats })
    }
}

impl Taken {
    /// `sql` with the held inserts in front, in one statement. `sql` must not read what
    /// they insert: every part of a statement sees the same snapshot.
    pub(super) fn before(&self, sql: &str) -> String {
        match sql.strip_prefix("WITH ") {
            Some(rest) => format!("WITH {}, {rest}", self.ctes),
            None => format!("WITH {} {sql}", self.ctes),
        }
    }

    /// A failure of the statement that carried them: a constraint broken in one of their
    /// tables is named after its records, as if they had been inserted alone.
    pub(super) fn error(&self, e: sqlx::Error) -> StoreError {
        let table = match &e {
            sqlx::Error::Database(d) => d.table().map(str::to_owned),
            _ => None,
        };
        // A partition's name starts with its table's (`consents_p3`).
        let what = table.and_then(|t| self.whats.iter().find(|(tb, _)| t.starts_with(tb)).map(|(_, w)| w.as_str()));
        match what {
            Some(w) => constraint(e, w),
            None => StoreError::Database(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::db::params;

    #[test]
    fn held_inserts_are_numbered_after_the_statement_they_ride_with() {
        let mut d = Deferred::default();
        assert!(d.take(1).is_none());
        d.push("consent record", "consents", "seq, subject", params![1i64, "a", 2i64, "b"]);
        d.push("audit entry", "audit_log", "seq", params![7i64]);
        let t = d.take(3).expect("held");
        assert!(d.take(1).is_none(), "taken once");
        assert_eq!(
            t.ctes,
            "held0 AS (INSERT INTO consents (seq, subject) VALUES ($3, $4), ($5, $6)), \
             held1 AS (INSERT INTO audit_log (seq) VALUES ($7))"
        );
        assert_eq!(t.ps.len(), 5);
        assert_eq!(t.before("SELECT 1"), format!("WITH {} SELECT 1", t.ctes));
        assert_eq!(
            t.before("WITH m AS (UPDATE x SET a = 1) SELECT 1"),
            format!("WITH {}, m AS (UPDATE x SET a = 1) SELECT 1", t.ctes)
        );
    }

    #[test]
    fn room_is_counted_in_parameters() {
        let mut d = Deferred::default();
        assert!(d.has_room(MAX_PARAMS));
        d.push("x", "t", "a", params![1i64]);
        assert!(!d.has_room(MAX_PARAMS));
        assert!(d.has_room(MAX_PARAMS - 1));
    }
}
