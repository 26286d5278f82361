//! `Executor::check`: does each dataset's database fit its declaration? Reachable within a
//! short time; every declared table there; every column the manifest names there (key,
//! subject, parent link and the column it refers to, PI columns, `hold.since`,
//! `retention.since`); and each column's type fit for what gebao does with it. Types come
//! from the same introspection the executor uses (a prepared `SELECT`, classified by
//! `Kind::of`), nullability and lengths from the catalogue. Every problem is reported, none
//! is an error: the check is for people fixing a configuration.

mod report;

pub use report::{CheckReport, DatasetCheck, Problem, ProblemCode};

use crate::catalog::ColumnMeta;
use crate::db::Pool;
use crate::executor::Executor;
use crate::model::{column_erasure, deletes_rows, is_root};
use crate::sql::{Kind, Sql};
use gebao_core::manifest::{Dataset, Engine, Erasure, Table, connection_env_var};
use std::collections::BTreeSet;
use std::time::Duration;
use tracing::instrument;

/// How long a database has to answer each step of the check.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// Why gebao touches a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Key,
    Subject,
    Parent,
    /// A child table's `parent.references`.
    References,
    /// A PI column.
    Pi,
    HoldSince,
    RetentionSince,
}

impl Role {
    fn label(self) -> (&'static str, &'static str) {
        match self {
            Role::Key => ("主键列", "the key column"),
            Role::Subject => ("用户标识列（`subject`）", "the subject column (`subject`)"),
            Role::Parent => ("关联上级表的列（`parent.column`）", "the column linking to the parent (`parent.column`)"),
            Role::References => {
                ("下级表引用的列（`parent.references`）", "the column a child table refers to (`parent.references`)")
            }
            Role::Pi => ("个人信息列", "the PI column"),
            Role::HoldSince => ("依法保留起算列（`hold.since`）", "the legal hold's column (`hold.since`)"),
            Role::RetentionSince => {
                ("保存期限起算列（`retention.since`）", "the retention's column (`retention.since`)")
            }
        }
    }
}

/// The columns of `t` the manifest names, with why, in declaration order.
fn wanted(ds: &Dataset, t: &Table) -> Vec<(String, Role)> {
    let mut out = vec![(t.key.clone(), Role::Key)];
    if let Some(s) = &t.subject {
        out.push((s.clone(), Role::Subject));
    }
    if let Some(p) = &t.parent {
        out.push((p.column.clone(), Role::Parent));
    }
    for child in ds.tables.iter().filter_map(|c| c.parent.as_ref()).filter(|p| p.table == t.name) {
        if let Some(r) = &child.references {
            out.push((r.clone(), Role::References));
        }
    }
    out.extend(t.columns.keys().map(|c| (c.clone(), Role::Pi)));
    if let Some(h) = &t.hold {
        out.push((h.since.clone(), Role::HoldSince));
    }
    if let Some(r) = &t.retention {
        out.push((r.since.clone(), Role::RetentionSince));
    }
    out
}

/// Whether an erasure may keep rows of `t` because rows under a legal hold refer to them
/// (their `delete-row` columns are then set to NULL): the subject's own row, and the tables
/// above a table with a hold.
fn may_be_kept_for_reference(ds: &Dataset, t: &Table) -> bool {
    let held: Vec<&Table> = ds.tables.iter().filter(|x| x.hold.is_some()).collect();
    if held.is_empty() {
        return false;
    }
    if is_root(t) {
        return true;
    }
    held.iter().any(|h| {
        let mut cur = *h;
        for _ in 0..ds.tables.len() {
            let Some(p) = cur.parent.as_ref().and_then(|rel| ds.tables.iter().find(|x| x.name == rel.table)) else {
                return false;
            };
            if p.name == t.name {
                return true;
            }
            cur = p;
        }
        false
    })
}

impl Executor {
    /// Checks every dataset against its database; never fails (each problem is in the report).
    #[instrument(skip_all)]
    pub async fn check(&self) -> CheckReport {
        let mut datasets = Vec::with_capacity(self.manifest.datasets.len());
        for (i, ds) in self.manifest.datasets.iter().enumerate() {
            let (reachable, problems) = match tokio::time::timeout(CHECK_TIMEOUT, self.pool(i)).await {
                Ok(Ok(pool)) => (true, check_dataset(ds, pool).await),
                Ok(Err(e)) => (false, vec![unreachable(ds, &source_text(&e))]),
                Err(_) => (false, vec![unreachable(ds, &timed_out())]),
            };
            datasets.push(DatasetCheck::new(
                ds.id.clone(),
                ds.name.clone(),
                ds.engine,
                ds.connection.clone(),
                reachable,
                problems,
            ));
        }
        CheckReport::new(datasets)
    }
}

/// The database's own words for an error (never a URL: sqlx does not print one).
fn source_text(e: &crate::Error) -> String {
    match e {
        crate::Error::Database { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}

fn timed_out() -> String {
    format!("no answer within {} s", CHECK_TIMEOUT.as_secs())
}

async fn check_dataset(ds: &Dataset, pool: &Pool) -> Vec<Problem> {
    let mut problems = Vec::new();
    // Each table's columns as the database describes them; `None` when it cannot be read.
    let mut described = Vec::with_capacity(ds.tables.len());
    for t in &ds.tables {
        let mut sql = Sql::new(ds.engine);
        sql.push("SELECT * FROM ").ident(&t.name).push(" WHERE 1 = 0");
        match tokio::time::timeout(CHECK_TIMEOUT, pool.describe(&sql.text)).await {
            Ok(Ok(cols)) => {
                let meta = match tokio::time::timeout(CHECK_TIMEOUT, pool.column_meta(&t.name)).await {
                    Ok(Ok(m)) => m,
                    _ => Vec::new(), // no catalogue access: nullability and lengths unchecked
                };
                described.push(Some((cols, meta)));
            }
            Ok(Err(e)) => {
                problems.push(missing_table(t, &e.to_string()));
                described.push(None);
            }
            Err(_) => {
                problems.push(unreachable(ds, &timed_out()));
                return problems;
            }
        }
    }
    for (t, d) in ds.tables.iter().zip(&described) {
        let Some((cols, meta)) = d else { continue };
        let same = |a: &str, b: &str| if ds.engine == Engine::Postgres { a == b } else { a.eq_ignore_ascii_case(b) };
        let mut reported = BTreeSet::new();
        for (col, role) in wanted(ds, t) {
            let Some((_, ty)) = cols.iter().find(|(name, _)| same(name, &col)) else {
                if reported.insert(col.clone()) {
                    problems.push(missing_column(t, &col, role));
                }
                continue;
            };
            let meta = meta.iter().find(|m| same(&m.name, &col));
            let declared = meta.and_then(|m| m.declared.as_deref()).filter(|d| !d.is_empty());
            let ty = declared.unwrap_or(ty);
            if let Some(p) = fit(ds, t, &col, role, ty, meta)
                && reported.insert(col.clone())
            {
                problems.push(p);
            }
        }
    }
    problems
}

/// Whether a column's type fits its role; the first problem found.
fn fit(ds: &Dataset, t: &Table, col: &str, role: Role, ty: &str, meta: Option<&ColumnMeta>) -> Option<Problem> {
    let kind = if ds.engine == Engine::Sqlite { affinity(ty) } else { Kind::of(ds.engine, ty) };
    match role {
        Role::HoldSince | Role::RetentionSince => {
            let time = matches!(kind, Kind::Date | Kind::Timestamp | Kind::TimestampTz | Kind::Int | Kind::UInt)
                // SQLite keeps dates as text (`YYYY-MM-DD HH:MM:SS`).
                || (ds.engine == Engine::Sqlite && kind == Kind::Text);
            (!time).then(|| mismatch(t, col, ty, Mismatch::Since(role)))
        }
        Role::Pi => {
            // Column strategies run on rows an erasure keeps: in a table that deletes its rows,
            // only rows kept for reference (then `delete-row` means NULL).
            let kept_ref = may_be_kept_for_reference(ds, t);
            if deletes_rows(t) && !kept_ref {
                return None;
            }
            let strategy = match column_erasure(t, col) {
                Erasure::DeleteRow => Erasure::Null,
                s => s,
            };
            let nullable = meta.is_none_or(|m| m.nullable);
            match strategy {
                Erasure::Keep | Erasure::DeleteRow => None,
                Erasure::Null if !nullable => Some(not_nullable(t, col, column_erasure(t, col) == Erasure::DeleteRow)),
                Erasure::Null => None,
                Erasure::Mask | Erasure::Hash if kind != Kind::Text => {
                    Some(mismatch(t, col, ty, Mismatch::Text(strategy)))
                }
                Erasure::Hash => meta.and_then(|m| m.max_chars).filter(|n| *n < 64).map(|n| too_short(t, col, n)),
                Erasure::Mask => None,
                Erasure::Generalise => {
                    let ok = matches!(
                        kind,
                        Kind::Date
                            | Kind::Timestamp
                            | Kind::TimestampTz
                            | Kind::Int
                            | Kind::UInt
                            | Kind::Float
                            | Kind::Decimal
                            | Kind::Text
                    );
                    (!ok).then(|| mismatch(t, col, ty, Mismatch::Generalise))
                }
            }
        }
        Role::Key | Role::Subject | Role::Parent | Role::References => None,
    }
}

/// What a SQLite column holds, from its declared type by SQLite's affinity rules
/// (datatype3.html 3.1), with the date and time names of NUMERIC affinity told apart.
fn affinity(declared: &str) -> Kind {
    let t = declared.to_ascii_uppercase();
    let has = |s: &str| t.contains(s);
    if has("INT") {
        Kind::Int
    } else if has("CHAR") || has("CLOB") || has("TEXT") {
        Kind::Text
    } else if has("BLOB") || t.trim().is_empty() {
        Kind::Bytes
    } else if has("REAL") || has("FLOA") || has("DOUB") {
        Kind::Float
    } else if t.starts_with("DATETIME") || t.starts_with("TIMESTAMP") {
        Kind::Timestamp
    } else if t.starts_with("DATE") {
        Kind::Date
    } else if t.starts_with("TIME") {
        Kind::Time
    } else if t.starts_with("BOOL") {
        Kind::Bool
    } else {
        Kind::Decimal
    }
}

fn unreachable(ds: &Dataset, error: &str) -> Problem {
    let (c, var) = (&ds.connection, connection_env_var(&ds.connection));
    Problem {
        code: ProblemCode::Unreachable,
        table: None,
        column: None,
        message_zh: format!("无法连接数据集 `{}` 的数据库：{error}", ds.id),
        message_en: format!("cannot reach the database of dataset `{}`: {error}", ds.id),
        fix_zh: format!(
            "检查连接 `{c}` 的地址（服务器配置的 [connections] 或环境变量 `{var}`）、网络、账号和权限，以及数据库是否存在"
        ),
        fix_en: format!(
            "check the URL of connection `{c}` ([connections] in the server configuration, or `{var}`), the network, the credentials, and that the database exists"
        ),
    }
}

fn missing_table(t: &Table, error: &str) -> Problem {
    let n = &t.name;
    Problem {
        code: ProblemCode::MissingTable,
        table: Some(n.clone()),
        column: None,
        message_zh: format!("表 `{n}` 不存在或无法读取：{error}"),
        message_en: format!("table `{n}` does not exist or cannot be read: {error}"),
        fix_zh: format!("创建表 `{n}`，或更正清单中该表的 `name`，或授予读取它的权限"),
        fix_en: format!("create table `{n}`, correct the table's `name` in the manifest, or grant access to it"),
    }
}

fn missing_column(t: &Table, col: &str, role: Role) -> Problem {
    let (zh, en) = role.label();
    let n = &t.name;
    Problem {
        code: ProblemCode::MissingColumn,
        table: Some(n.clone()),
        column: Some(col.to_owned()),
        message_zh: format!("表 `{n}` 中没有列 `{col}`（{zh}）"),
        message_en: format!("table `{n}` has no column `{col}` ({en})"),
        fix_zh: format!("在表 `{n}` 中添加列 `{col}`，或更正清单中的列名"),
        fix_en: format!("add column `{col}` to table `{n}`, or correct the column's name in the manifest"),
    }
}

enum Mismatch {
    Text(Erasure),
    Generalise,
    Since(Role),
}

fn mismatch(t: &Table, col: &str, ty: &str, m: Mismatch) -> Problem {
    let n = &t.name;
    let (why_zh, why_en, fix_zh, fix_en) = match m {
        Mismatch::Text(s) => {
            let s = if s == Erasure::Hash { "hash" } else { "mask" };
            (
                format!("`{s}` 写入的是文本"),
                format!("`{s}` writes text"),
                "将该列改为文本类型，或改用 `null` 或 `delete-row`".to_owned(),
                "make the column a text column, or erase it with `null` or `delete-row`".to_owned(),
            )
        }
        Mismatch::Generalise => (
            "`generalise` 只能用于日期、数字或文本列".to_owned(),
            "`generalise` needs a date, number or text column".to_owned(),
            "对该列改用 `null` 或 `delete-row`".to_owned(),
            "erase the column with `null` or `delete-row`".to_owned(),
        ),
        Mismatch::Since(role) => {
            let key = if role == Role::HoldSince { "hold.since" } else { "retention.since" };
            (
                format!("`{key}` 须是日期、时间戳或整数（Unix 秒）列"),
                format!("`{key}` must be a date, timestamp or integer (Unix seconds) column"),
                format!("让 `{key}` 指向记录产生时间的列（DATE、TIMESTAMP 或整数类型）"),
                format!("point `{key}` at the column holding when the record was made (DATE, TIMESTAMP or integer)"),
            )
        }
    };
    Problem {
        code: ProblemCode::TypeMismatch,
        table: Some(n.clone()),
        column: Some(col.to_owned()),
        message_zh: format!("列 `{n}.{col}` 的类型是 {ty}，但{why_zh}"),
        message_en: format!("column `{n}.{col}` is {ty}, but {why_en}"),
        fix_zh,
        fix_en,
    }
}

fn not_nullable(t: &Table, col: &str, delete_row: bool) -> Problem {
    let n = &t.name;
    let (why_zh, why_en) = if delete_row {
        (
            "被依法保留的记录引用的行会保留下来，其 `delete-row` 列会被置为 NULL",
            "a row kept because rows under a legal hold refer to it has its `delete-row` columns set to NULL",
        )
    } else {
        ("删除策略 `null` 会将它置为 NULL", "the `null` strategy sets it to NULL")
    };
    Problem {
        code: ProblemCode::NotNullable,
        table: Some(n.clone()),
        column: Some(col.to_owned()),
        message_zh: format!("列 `{n}.{col}` 不允许 NULL，但{why_zh}"),
        message_en: format!("column `{n}.{col}` is NOT NULL, but {why_en}"),
        fix_zh: "允许该列为 NULL，或改用 `mask`、`hash` 或 `generalise`".to_owned(),
        fix_en: "allow NULL in the column, or erase it with `mask`, `hash` or `generalise`".to_owned(),
    }
}

fn too_short(t: &Table, col: &str, max: i64) -> Problem {
    let n = &t.name;
    Problem {
        code: ProblemCode::TooShort,
        table: Some(n.clone()),
        column: Some(col.to_owned()),
        message_zh: format!("列 `{n}.{col}` 最多容纳 {max} 个字符，但 `hash` 写入 64 个"),
        message_en: format!("column `{n}.{col}` holds at most {max} characters, but `hash` writes 64"),
        fix_zh: "将该列加长到至少 64 个字符，或改用 `mask` 或 `null`".to_owned(),
        fix_en: "widen the column to at least 64 characters, or erase it with `mask` or `null`".to_owned(),
    }
}
