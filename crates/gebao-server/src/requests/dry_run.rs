//! A dry run as staff read it before they approve: per dataset, each statement with the
//! rows it would change, the rows kept under a legal hold (why, until when), the fields
//! erased and kept, and the recipients that would be told to delete. One model, in the
//! reader's language: the console shows it as tables, `gebao requests dry-run` prints it.

use gebao_connectors::{DatasetPlan, Op, Plan};
use gebao_core::text::Lang;
use serde_json::Value;

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::ZhCn { zh } else { en }
}

/// The plan `POST /v1/requests/{id}/execute?dry_run=true` answers, readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readable {
    /// "Dry run: nothing was changed. Carrying it out touches N row(s)."
    pub summary: String,
    /// A copy or access request: the tables the copy would take rows from.
    pub tables: Vec<CopyTable>,
    pub datasets: Vec<DatasetRows>,
    pub recipients: Vec<RecipientRow>,
    /// What happens to gebao's own record of the subject, when anything.
    pub gebao: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyTable {
    pub dataset: String,
    pub table: String,
    pub rows: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetRows {
    pub dataset: String,
    pub engine: String,
    pub statements: Vec<StatementRow>,
    pub held: Vec<HeldRowText>,
    /// Comma-separated field ids; empty when none.
    pub erased_fields: String,
    pub kept_fields: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    pub table: String,
    /// "删除" / "delete", "改写" / "update".
    pub op: &'static str,
    pub rows: u64,
    pub sql: String,
    /// The bound values, as JSON, comma-separated.
    pub params: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldRowText {
    pub table: String,
    pub key: String,
    /// The day the legal minimum ends, or "未知" / "unknown".
    pub until: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientRow {
    pub recipient: String,
    pub name: String,
    pub via: String,
    pub address: Option<String>,
    pub fields: String,
    /// Fields kept under a legal hold, which the recipient is not told to delete.
    pub held: String,
}

/// Reads a plan in `lang`. Parts that are missing are left out.
pub fn readable(plan: &Value, lang: Lang) -> Readable {
    let rows = plan["rows"].as_u64().unwrap_or(0);
    let summary = match lang {
        Lang::ZhCn => format!("预演：未做任何更改。执行将涉及 {rows} 行。"),
        Lang::En => format!("Dry run: nothing was changed. Carrying it out touches {rows} row(s)."),
    };
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let tables = plan["tables"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| CopyTable { dataset: s(&t["dataset"]), table: s(&t["table"]), rows: t["rows"].as_u64().unwrap_or(0) })
        .collect();
    let plans: Vec<Plan> = serde_json::from_value(plan["plans"].clone()).unwrap_or_default();
    let datasets = plans.iter().flat_map(|p| &p.datasets).map(|d| dataset(d, lang)).collect();
    let recipients = plan["recipients"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let list = |k: &str| {
                r[k].as_array().into_iter().flatten().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")
            };
            RecipientRow {
                recipient: s(&r["recipient"]),
                name: s(&r["name"]),
                via: s(&r["via"]),
                address: r["address"].as_str().map(str::to_owned),
                fields: list("fields"),
                held: list("held"),
            }
        })
        .collect();
    Readable { summary, tables, datasets, recipients, gebao: plan["gebao"]["subject"].as_str().map(str::to_owned) }
}

fn dataset(d: &DatasetPlan, lang: Lang) -> DatasetRows {
    let engine = gebao_core::wire_name(d.engine);
    let names = |f: &std::collections::BTreeSet<gebao_core::ids::FieldId>| {
        f.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    };
    DatasetRows {
        dataset: d.dataset.to_string(),
        engine,
        statements: d
            .statements
            .iter()
            .map(|s| StatementRow {
                table: s.table.clone(),
                op: match s.op {
                    Op::Delete => t(lang, "删除", "delete"),
                    Op::Update => t(lang, "改写", "update"),
                },
                rows: s.rows,
                sql: s.sql.clone(),
                params: s.params.iter().map(Value::to_string).collect::<Vec<_>>().join(", "),
            })
            .collect(),
        held: d
            .held
            .iter()
            .map(|h| HeldRowText {
                table: h.table.clone(),
                key: h.key.to_string(),
                until: h
                    .until
                    .map(|u| u.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| t(lang, "未知", "unknown").to_owned()),
                reason: h.reason.label().get(lang).to_owned(),
            })
            .collect(),
        erased_fields: names(&d.erased_fields),
        kept_fields: names(&d.kept_fields),
    }
}
