//! PostgreSQL bulk inserts as one array a column: `INSERT … SELECT * FROM unnest($1::bytea[],
//! $2::text[], …)`. A `VALUES` list of 500 rows binds 6,500 parameters, each parsed and
//! planned on its own; thirteen arrays are one short statement whose text and plan stay the
//! same whatever the number of rows (docs/benchmarks.md).

use super::db::Param;
use chrono::NaiveDate;
use sqlx::postgres::{PgArguments, Postgres};
use sqlx::query::Query;

/// One column of a chunk of rows, as the array bound for it.
enum Column {
    I64(Vec<Option<i64>>),
    I16(Vec<Option<i16>>),
    Text(Vec<Option<String>>),
    Bytes(Vec<Option<Vec<u8>>>),
    Bool(Vec<Option<bool>>),
    Date(Vec<Option<NaiveDate>>),
}

impl Column {
    /// An empty column of `p`'s type, with room for `rows`.
    fn like(p: &Param, rows: usize) -> Column {
        match p {
            Param::I64(_) => Column::I64(Vec::with_capacity(rows)),
            Param::I16(_) => Column::I16(Vec::with_capacity(rows)),
            Param::Text(_) => Column::Text(Vec::with_capacity(rows)),
            Param::Bytes(_) => Column::Bytes(Vec::with_capacity(rows)),
            Param::Bool(_) => Column::Bool(Vec::with_capacity(rows)),
            Param::Date(_) => Column::Date(Vec::with_capacity(rows)),
        }
    }

    fn sql_type(&self) -> &'static str {
        match self {
            Column::I64(_) => "int8[]",
            Column::I16(_) => "int2[]",
            Column::Text(_) => "text[]",
            Column::Bytes(_) => "bytea[]",
            Column::Bool(_) => "bool[]",
            Column::Date(_) => "date[]",
        }
    }

    /// Adds `p`, of the column's type ([`Columns::of`] checked).
    fn push(&mut self, p: Param) {
        match (self, p) {
            (Column::I64(c), Param::I64(v)) => c.push(v),
            (Column::I16(c), Param::I16(v)) => c.push(v),
            (Column::Text(c), Param::Text(v)) => c.push(v),
            (Column::Bytes(c), Param::Bytes(v)) => c.push(v),
            (Column::Bool(c), Param::Bool(v)) => c.push(v),
            (Column::Date(c), Param::Date(v)) => c.push(v),
            _ => unreachable!("Columns::of checks each value's type"),
        }
    }

    fn bind<'q>(self, q: Query<'q, Postgres, PgArguments>) -> Query<'q, Postgres, PgArguments> {
        match self {
            Column::I64(c) => q.bind(c),
            Column::I16(c) => q.bind(c),
            Column::Text(c) => q.bind(c),
            Column::Bytes(c) => q.bind(c),
            Column::Bool(c) => q.bind(c),
            Column::Date(c) => q.bind(c),
        }
    }
}

/// Rows of `ncols` parameters each, row after row, as the columns of one insert.
pub(super) struct Columns {
    columns: Vec<Column>,
}

impl Columns {
    /// `ps` as columns; given back when it is not whole rows of one type a column, for the
    /// caller to insert as a `VALUES` list.
    pub(super) fn of(ps: Vec<Param>, ncols: usize) -> std::result::Result<Columns, Vec<Param>> {
        let whole = ncols > 0 && !ps.is_empty() && ps.len().is_multiple_of(ncols);
        let same = |(i, p): (usize, &Param)| std::mem::discriminant(p) == std::mem::discriminant(&ps[i % ncols]);
        if !whole || !ps.iter().enumerate().all(same) {
            return Err(ps);
        }
        let rows = ps.len() / ncols;
        let mut columns: Vec<Column> = ps[..ncols].iter().map(|p| Column::like(p, rows)).collect();
        for (i, p) in ps.into_iter().enumerate() {
            columns[i % ncols].push(p);
        }
        Ok(Columns { columns })
    }

    /// `INSERT INTO table (cols) SELECT * FROM unnest($1::type[], …)`.
    pub(super) fn insert_sql(&self, table: &str, cols: &str) -> String {
        let arrays: Vec<String> =
            self.columns.iter().enumerate().map(|(i, c)| format!("${}::{}", i + 1, c.sql_type())).collect();
        format!("INSERT INTO {table} ({cols}) SELECT * FROM unnest({})", arrays.join(", "))
    }

    pub(super) fn bind<'q>(self, mut q: Query<'q, Postgres, PgArguments>) -> Query<'q, Postgres, PgArguments> {
        for c in self.columns {
            q = c.bind(q);
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_typed_columns() {
        let ps = vec![
            Param::Bytes(Some(vec![1])),
            Param::Text(None),
            Param::I64(Some(3)),
            Param::Bytes(None),
            Param::Text(Some("b".into())),
            Param::I64(Some(4)),
        ];
        let Ok(c) = Columns::of(ps, 3) else { panic!("two whole rows") };
        assert_eq!(
            c.insert_sql("t", "a, b, c"),
            "INSERT INTO t (a, b, c) SELECT * FROM unnest($1::bytea[], $2::text[], $3::int8[])"
        );
        match &c.columns[1] {
            Column::Text(v) => assert_eq!(v, &vec![None, Some("b".to_owned())]),
            _ => panic!("second column is text"),
        }
    }

    #[test]
    fn ragged_or_mixed_rows_are_refused() {
        let ragged = vec![Param::I64(Some(1)), Param::I64(Some(2)), Param::I64(Some(3))];
        assert_eq!(Columns::of(ragged.clone(), 2).err(), Some(ragged));
        let mixed = vec![Param::I64(Some(1)), Param::Text(Some("x".into()))];
        assert_eq!(Columns::of(mixed.clone(), 1).err(), Some(mixed));
        assert!(Columns::of(Vec::new(), 2).is_err());
    }
}
