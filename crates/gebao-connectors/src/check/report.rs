//! What `gebao datasets check` reports: per dataset, whether its database answers and every
//! problem found, each with where it is (table, column), what is wrong and the fix, zh-CN
//! and English. Serialises to JSON (`--format json`); [`CheckReport::render`] is the text
//! the CLI prints.

use gebao_core::ids::DatasetId;
use gebao_core::manifest::Engine;
use gebao_core::text::Lang;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// The check of every dataset of a manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// No dataset has a problem.
    pub ok: bool,
    pub datasets: Vec<DatasetCheck>,
}

/// One dataset's check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetCheck {
    pub dataset: DatasetId,
    pub name: Option<String>,
    pub engine: Engine,
    /// The connection name (never its URL).
    pub connection: String,
    /// The database answered within the time limit.
    pub reachable: bool,
    /// No problem was found.
    pub ok: bool,
    pub problems: Vec<Problem>,
}

/// What kind of problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemCode {
    /// The database did not answer (or not in time).
    Unreachable,
    /// A declared table does not exist or cannot be read.
    MissingTable,
    /// A declared column does not exist.
    MissingColumn,
    /// A column's type does not fit what gebao writes to or reads from it.
    TypeMismatch,
    /// A column gebao may set to NULL does not accept NULL.
    NotNullable,
    /// A column is too short for what gebao writes (`hash`: 64 characters).
    TooShort,
}

/// One problem, placed and explained, with its fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub code: ProblemCode,
    pub table: Option<String>,
    pub column: Option<String>,
    pub message_zh: String,
    pub message_en: String,
    pub fix_zh: String,
    pub fix_en: String,
}

impl Problem {
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.message_zh,
            Lang::En => &self.message_en,
        }
    }

    pub fn fix(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.fix_zh,
            Lang::En => &self.fix_en,
        }
    }
}

impl DatasetCheck {
    pub(crate) fn new(
        dataset: DatasetId,
        name: Option<String>,
        engine: Engine,
        connection: String,
        reachable: bool,
        problems: Vec<Problem>,
    ) -> Self {
        let ok = problems.is_empty();
        DatasetCheck { dataset, name, engine, connection, reachable, ok, problems }
    }
}

impl CheckReport {
    pub(crate) fn new(datasets: Vec<DatasetCheck>) -> Self {
        CheckReport { ok: datasets.iter().all(|d| d.ok), datasets }
    }

    /// Whether every dataset is reachable and fits the manifest.
    pub fn ok(&self) -> bool {
        self.ok
    }

    /// Every problem, with its dataset.
    pub fn problems(&self) -> impl Iterator<Item = (&DatasetId, &Problem)> {
        self.datasets.iter().flat_map(|d| d.problems.iter().map(move |p| (&d.dataset, p)))
    }

    /// The report as the CLI prints it: one line per dataset, each problem under it with
    /// its fix, and a last line with the totals.
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhCn;
        let mut out = String::new();
        for d in &self.datasets {
            let engine = match d.engine {
                Engine::Postgres => "postgres",
                Engine::Mysql => "mysql",
                Engine::Sqlite => "sqlite",
            };
            let name = d.name.as_deref().map(|n| format!("{n}, ")).unwrap_or_default();
            let state = match (zh, d.ok) {
                (true, true) => "正常".to_owned(),
                (true, false) => format!("{} 个问题", d.problems.len()),
                (false, true) => "ok".to_owned(),
                (false, false) => format!("{} problem(s)", d.problems.len()),
            };
            let _ = if zh {
                writeln!(out, "数据集 `{}`（{name}{engine}，连接 `{}`）：{state}", d.dataset, d.connection)
            } else {
                writeln!(out, "dataset `{}` ({name}{engine}, connection `{}`): {state}", d.dataset, d.connection)
            };
            for p in &d.problems {
                let code = serde_json::to_value(p.code).ok().and_then(|v| v.as_str().map(str::to_owned));
                let _ = writeln!(out, "  - [{}] {}", code.unwrap_or_default(), p.message(lang));
                let _ = writeln!(out, "    {}{}", if zh { "修正：" } else { "fix: " }, p.fix(lang));
            }
        }
        let bad = self.datasets.iter().filter(|d| !d.ok).count();
        let n = self.datasets.len();
        let _ = match (zh, bad) {
            (true, 0) => writeln!(out, "共 {n} 个数据集，全部正常"),
            (true, _) => writeln!(out, "共 {n} 个数据集，{bad} 个有问题"),
            (false, 0) => writeln!(out, "{n} dataset(s), all ok"),
            (false, _) => writeln!(out, "{n} dataset(s), {bad} with problems"),
        };
        out
    }
}
