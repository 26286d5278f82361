//! The catalogue of an operator database: which columns accept NULL, how long they may
//! be, and (SQLite) their declared types; for `Executor::check`.

use crate::db::Pool;
use crate::sql::quote;
use gebao_core::manifest::Engine;
use sqlx::Row;

type SqlResult<T> = Result<T, sqlx::Error>;

/// A column as the database's catalogue describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnMeta {
    pub name: String,
    pub nullable: bool,
    pub max_chars: Option<i64>,
    /// The type as declared (SQLite only).
    pub declared: Option<String>,
}

impl Pool {
    /// What the catalogue says about the columns of `table` (`schema.table` allowed): name,
    /// whether it accepts NULL, and the most characters it holds (`None`: no limit known).
    pub(crate) async fn column_meta(&self, table: &str) -> SqlResult<Vec<ColumnMeta>> {
        let (schema, name) = match table.split_once('.') {
            Some((s, n)) => (Some(s.to_owned()), n.to_owned()),
            None => (None, table.to_owned()),
        };
        fn meta<R: Row>(r: &R) -> SqlResult<ColumnMeta>
        where
            usize: sqlx::ColumnIndex<R>,
            for<'a> String: sqlx::Decode<'a, R::Database>,
            for<'a> i64: sqlx::Decode<'a, R::Database>,
            for<'a> Option<i64>: sqlx::Decode<'a, R::Database>,
            for<'a> Option<String>: sqlx::Decode<'a, R::Database>,
        {
            Ok(ColumnMeta {
                name: r.try_get_unchecked(0)?,
                nullable: r.try_get_unchecked::<i64, _>(1)? != 0,
                max_chars: r.try_get_unchecked(2)?,
                declared: r.try_get_unchecked(3)?,
            })
        }
        Ok(match self {
            Pool::Pg(p) => {
                let sql = "SELECT CAST(a.attname AS TEXT), CAST(CASE WHEN a.attnotnull THEN 0 ELSE 1 END AS INT8), \
                           CAST(CASE WHEN a.atttypmod > 4 AND t.typname IN ('varchar', 'bpchar') \
                           THEN a.atttypmod - 4 END AS INT8), CAST(NULL AS TEXT) \
                           FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
                           WHERE a.attrelid = CAST($1 AS regclass) AND a.attnum > 0 AND NOT a.attisdropped";
                let quoted = quote(Engine::Postgres, table);
                let rows = sqlx::query(sql).bind(quoted).fetch_all(p).await?;
                rows.iter().map(meta).collect::<SqlResult<_>>()?
            }
            Pool::My(p) => {
                let sql = "SELECT CAST(COLUMN_NAME AS CHAR), CAST(IS_NULLABLE = 'YES' AS SIGNED), \
                           CAST(CHARACTER_MAXIMUM_LENGTH AS SIGNED), CAST(NULL AS CHAR) FROM information_schema.COLUMNS \
                           WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?";
                let rows = sqlx::query(sql).bind(schema).bind(name).fetch_all(p).await?;
                rows.iter().map(meta).collect::<SqlResult<_>>()?
            }
            // SQLite does not enforce declared lengths; the declared type is what sqlx does
            // not always report (`NUMERIC`).
            Pool::Lite(p) => {
                let sql = "SELECT name, \"notnull\" = 0, NULL, type FROM pragma_table_info(?, ?)";
                let schema = schema.unwrap_or_else(|| "main".to_owned());
                let rows = sqlx::query(sql).bind(name).bind(schema).fetch_all(p).await?;
                rows.iter().map(meta).collect::<SqlResult<_>>()?
            }
        })
    }
}
