//! SQL text per engine: identifiers are quoted, values are always bound parameters. On
//! PostgreSQL every parameter is sent as text and cast to the column's own type
//! (`CAST($1 AS INT8)`), because PostgreSQL does not convert between types implicitly and
//! the operator's columns can be of any type; the cast of a parameter still uses indexes.

use gebao_core::manifest::Engine;
use serde_json::Value;

/// What gebao needs to know about a column's type to read and write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    UInt,
    Float,
    Decimal,
    Bool,
    Text,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Json,
    Bytes,
    /// Anything else (uuid, enum, …): read as text.
    Other,
}

impl Kind {
    /// Classifies a database type name as sqlx reports it.
    pub(crate) fn of(engine: Engine, type_name: &str) -> Kind {
        let t = type_name.to_ascii_uppercase();
        let t = t.as_str();
        match engine {
            Engine::Postgres => match t {
                "INT2" | "INT4" | "INT8" => Kind::Int,
                "FLOAT4" | "FLOAT8" => Kind::Float,
                "NUMERIC" | "MONEY" => Kind::Decimal,
                "BOOL" => Kind::Bool,
                "TEXT" | "VARCHAR" | "BPCHAR" | "CHAR" | "NAME" | "CITEXT" => Kind::Text,
                "DATE" => Kind::Date,
                "TIME" => Kind::Time,
                "TIMESTAMP" => Kind::Timestamp,
                "TIMESTAMPTZ" => Kind::TimestampTz,
                "JSON" | "JSONB" => Kind::Json,
                "BYTEA" => Kind::Bytes,
                _ => Kind::Other,
            },
            Engine::Mysql => match t {
                _ if t.ends_with("UNSIGNED") && t.contains("INT") => Kind::UInt,
                "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" => Kind::Int,
                "BOOLEAN" => Kind::Bool,
                "FLOAT" | "DOUBLE" => Kind::Float,
                "DECIMAL" => Kind::Decimal,
                "VARCHAR" | "CHAR" | "TEXT" | "TINYTEXT" | "MEDIUMTEXT" | "LONGTEXT" | "ENUM" | "SET" => Kind::Text,
                "DATE" => Kind::Date,
                "TIME" => Kind::Time,
                "DATETIME" | "TIMESTAMP" => Kind::Timestamp,
                "JSON" => Kind::Json,
                "BLOB" | "TINYBLOB" | "MEDIUMBLOB" | "LONGBLOB" | "BINARY" | "VARBINARY" => Kind::Bytes,
                _ => Kind::Other,
            },
            // SQLite stores any value in any column; the declared type only guides how gebao
            // writes (an INTEGER timestamp column holds Unix seconds).
            Engine::Sqlite => match t {
                "INTEGER" | "INT" | "BIGINT" => Kind::Int,
                "REAL" | "FLOAT" | "DOUBLE" => Kind::Float,
                "NUMERIC" => Kind::Decimal,
                "BOOLEAN" => Kind::Bool,
                "DATE" => Kind::Date,
                "TIME" => Kind::Time,
                "DATETIME" => Kind::Timestamp,
                "BLOB" => Kind::Bytes,
                _ => Kind::Text,
            },
        }
    }

    /// Text-like columns are the ones `mask` and `hash` can write to.
    pub(crate) fn is_text(self) -> bool {
        matches!(self, Kind::Text | Kind::Other)
    }
}

/// The type of one column of the operator's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColType {
    pub kind: Kind,
    /// The database's own name of the type, used for PostgreSQL casts and in messages.
    pub name: String,
}

/// A value bound to a statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param {
    Null,
    Int(i64),
    UInt(u64),
    Float(f64),
    Text(String),
}

impl Param {
    /// The value as shown in a plan.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Param::Null => Value::Null,
            Param::Int(i) => Value::from(*i),
            Param::UInt(u) => Value::from(*u),
            Param::Float(f) => Value::from(*f),
            Param::Text(s) => Value::from(s.clone()),
        }
    }

    /// The text PostgreSQL receives before casting it (`None` is NULL).
    pub(crate) fn as_pg_text(&self) -> Option<String> {
        match self {
            Param::Null => None,
            Param::Int(i) => Some(i.to_string()),
            Param::UInt(u) => Some(u.to_string()),
            Param::Float(f) => Some(f.to_string()),
            Param::Text(s) => Some(s.clone()),
        }
    }

    /// Converts a JSON value for a column of type `ty`; `None` when it does not fit.
    pub(crate) fn from_json(value: &Value, ty: &ColType) -> Option<Param> {
        let text = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => None,
            other => Some(other.to_string()),
        };
        Some(match (ty.kind, value) {
            (_, Value::Null) => Param::Null,
            (Kind::Int, Value::Number(n)) => Param::Int(n.as_i64()?),
            (Kind::Int, Value::String(s)) => Param::Int(s.trim().parse().ok()?),
            (Kind::Int | Kind::UInt, Value::Bool(b)) => Param::Int(i64::from(*b)),
            (Kind::UInt, Value::Number(n)) => Param::UInt(n.as_u64()?),
            (Kind::UInt, Value::String(s)) => Param::UInt(s.trim().parse().ok()?),
            (Kind::Float, Value::Number(n)) => Param::Float(n.as_f64()?),
            (Kind::Float, Value::String(s)) => Param::Float(s.trim().parse().ok()?),
            (Kind::Decimal, Value::Number(_) | Value::String(_)) => {
                let t = text(value)?;
                t.trim().parse::<f64>().ok()?;
                Param::Text(t)
            }
            (Kind::Bool, Value::Bool(b)) => Param::Int(i64::from(*b)),
            (Kind::Bool, Value::Number(n)) => Param::Int(i64::from(n.as_i64()? != 0)),
            (Kind::Bool, Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "t" | "1" => Param::Int(1),
                "false" | "f" | "0" => Param::Int(0),
                _ => return None,
            },
            (Kind::Int | Kind::UInt | Kind::Float, _) => return None,
            _ => Param::Text(text(value)?),
        })
    }
}

/// Builds one statement: text with placeholders, and the parameters in order.
#[derive(Debug, Clone)]
pub(crate) struct Sql {
    pub engine: Engine,
    pub text: String,
    pub params: Vec<Param>,
}

impl Sql {
    pub(crate) fn new(engine: Engine) -> Self {
        Self { engine, text: String::new(), params: Vec::new() }
    }

    /// Appends SQL text written by gebao itself (never data).
    pub(crate) fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    /// Appends a quoted identifier.
    pub(crate) fn ident(&mut self, name: &str) -> &mut Self {
        let q = quote(self.engine, name);
        self.text.push_str(&q);
        self
    }

    /// Appends a placeholder for `param`, cast on PostgreSQL to the column type `ty`.
    pub(crate) fn param(&mut self, param: Param, ty: &ColType) -> &mut Self {
        self.params.push(param);
        match self.engine {
            Engine::Postgres => {
                let n = self.params.len();
                // Bool on PostgreSQL: gebao binds 0/1 for MySQL and SQLite; PostgreSQL wants
                // true/false, which `CAST('1' AS BOOL)` accepts too.
                self.text.push_str(&format!("CAST(${n} AS {})", pg_type(&ty.name)));
            }
            Engine::Mysql | Engine::Sqlite => self.text.push('?'),
        }
        self
    }

    /// Appends `col IN (p1, p2, …)` for a non-empty list.
    pub(crate) fn in_list(&mut self, col: &str, values: &[Param], ty: &ColType) -> &mut Self {
        self.ident(col).push(" IN (");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.param(v.clone(), ty);
        }
        self.push(")")
    }
}

/// A PostgreSQL type name for a cast: built-in names as sqlx reports them (`INT8`,
/// `TIMESTAMPTZ`, `TEXT[]`) stay bare; other types (enums, domains, extensions) are quoted.
fn pg_type(name: &str) -> String {
    let builtin =
        name.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'[' || b == b']');
    if builtin { name.to_owned() } else { quote(Engine::Postgres, name) }
}

/// Quotes an identifier for the engine; `schema.table` is quoted part by part.
pub(crate) fn quote(engine: Engine, name: &str) -> String {
    let (open, close) = match engine {
        Engine::Mysql => ('`', '`'),
        Engine::Postgres | Engine::Sqlite => ('"', '"'),
    };
    name.split('.')
        .map(|part| {
            let escaped = part.replace(close, &format!("{close}{close}"));
            format!("{open}{escaped}{close}")
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identifiers_are_quoted_per_engine() {
        assert_eq!(quote(Engine::Postgres, "users"), "\"users\"");
        assert_eq!(quote(Engine::Postgres, "shop.users"), "\"shop\".\"users\"");
        assert_eq!(quote(Engine::Postgres, "we\"ird"), "\"we\"\"ird\"");
        assert_eq!(quote(Engine::Mysql, "us`ers"), "`us``ers`");
    }

    #[test]
    fn placeholders_per_engine() {
        let ty = ColType { kind: Kind::Int, name: "INT8".into() };
        let mut pg = Sql::new(Engine::Postgres);
        pg.push("SELECT 1 WHERE ").ident("id").push(" = ").param(Param::Int(7), &ty);
        assert_eq!(pg.text, "SELECT 1 WHERE \"id\" = CAST($1 AS INT8)");
        let mut my = Sql::new(Engine::Mysql);
        my.in_list("id", &[Param::Int(1), Param::Int(2)], &ty);
        assert_eq!(my.text, "`id` IN (?, ?)");
    }

    #[test]
    fn json_values_fit_column_types() {
        let int = ColType { kind: Kind::Int, name: "INT8".into() };
        assert_eq!(Param::from_json(&json!("42"), &int), Some(Param::Int(42)));
        assert_eq!(Param::from_json(&json!("abc"), &int), None);
        let text = ColType { kind: Kind::Text, name: "TEXT".into() };
        assert_eq!(Param::from_json(&json!(5), &text), Some(Param::Text("5".into())));
        let dec = ColType { kind: Kind::Decimal, name: "NUMERIC".into() };
        assert_eq!(Param::from_json(&json!("12.30"), &dec), Some(Param::Text("12.30".into())));
    }
}
