//! A dry run as staff read it before they approve: per dataset, each statement with the
//! rows it would change, the rows kept under a legal hold (why, until when), the fields
//! erased and kept, and the recipients that would be told to delete.

use gebao_connectors::{DatasetPlan, HeldRow, Op, Plan};
use gebao_core::text::Lang;
use serde_json::Value;
use std::fmt::Write as _;

fn t<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::ZhCn { zh } else { en }
}

/// The plan `POST /v1/requests/{id}/execute?dry_run=true` answered, as text.
pub fn render(plan: &Value, lang: Lang) -> String {
    let mut out = String::new();
    let rows = plan["rows"].as_u64().unwrap_or(0);
    let _ = writeln!(
        out,
        "{}",
        match lang {
            Lang::ZhCn => format!("预演：未做任何更改。执行将涉及 {rows} 行。"),
            Lang::En => format!("Dry run: nothing was changed. Carrying it out touches {rows} row(s)."),
        }
    );
    // A copy or access request: which tables the copy would take rows from.
    for table in plan["tables"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "  {}.{}  {} {}",
            table["dataset"].as_str().unwrap_or_default(),
            table["table"].as_str().unwrap_or_default(),
            table["rows"].as_u64().unwrap_or(0),
            t(lang, "行", "row(s)")
        );
    }
    let plans: Vec<Plan> = serde_json::from_value(plan["plans"].clone()).unwrap_or_default();
    for p in &plans {
        for d in &p.datasets {
            dataset(&mut out, d, lang);
        }
    }
    let recipients = plan["recipients"].as_array().cloned().unwrap_or_default();
    if !recipients.is_empty() {
        let _ = writeln!(out, "{}", t(lang, "将通知删除的接收方：", "Recipients to be told to delete:"));
        for r in &recipients {
            let list = |k: &str| {
                r[k].as_array().into_iter().flatten().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")
            };
            let (fields, held) = (list("fields"), list("held"));
            let via = r["via"].as_str().unwrap_or_default();
            let address = r["address"].as_str().map(|a| format!(" {a}")).unwrap_or_default();
            let _ = write!(
                out,
                "  {} {}（{via}{address}）：{fields}",
                r["recipient"].as_str().unwrap_or_default(),
                r["name"].as_str().unwrap_or_default()
            );
            if !held.is_empty() {
                let _ = write!(out, "；{}{held}", t(lang, "依法保留、不通知：", "kept under a legal hold, not told: "));
            }
            out.push('\n');
        }
    }
    if let Some(g) = plan["gebao"]["subject"].as_str() {
        let _ = writeln!(out, "gebao: {g}");
    }
    out
}

fn dataset(out: &mut String, d: &DatasetPlan, lang: Lang) {
    let engine = serde_json::to_value(d.engine).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let _ = writeln!(out, "{} {}（{engine}）", t(lang, "数据集", "Dataset"), d.dataset);
    if d.statements.is_empty() {
        let _ = writeln!(out, "  {}", t(lang, "无需更改。", "Nothing to change."));
    }
    let width = d.statements.iter().map(|s| s.table.chars().count()).max().unwrap_or(0);
    for s in &d.statements {
        let op = match (s.op, lang) {
            (Op::Delete, Lang::ZhCn) => "删除",
            (Op::Update, Lang::ZhCn) => "改写",
            (Op::Delete, Lang::En) => "delete",
            (Op::Update, Lang::En) => "update",
        };
        let params: Vec<String> = s.params.iter().map(Value::to_string).collect();
        let _ = writeln!(
            out,
            "  {:<width$}  {op:<6} {:>6} {}  {}   [{}]",
            s.table,
            s.rows,
            t(lang, "行", "row(s)"),
            s.sql,
            params.join(", ")
        );
    }
    for h in &d.held {
        held(out, h, lang);
    }
    let names = |f: &std::collections::BTreeSet<gebao_core::ids::FieldId>| {
        f.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    };
    if !d.erased_fields.is_empty() {
        let _ = writeln!(out, "  {}{}", t(lang, "删除的字段：", "Fields erased: "), names(&d.erased_fields));
    }
    if !d.kept_fields.is_empty() {
        let _ = writeln!(out, "  {}{}", t(lang, "保留的字段：", "Fields kept: "), names(&d.kept_fields));
    }
}

fn held(out: &mut String, h: &HeldRow, lang: Lang) {
    let until =
        h.until.map(|u| u.format("%Y-%m-%d").to_string()).unwrap_or_else(|| t(lang, "未知", "unknown").to_owned());
    let _ = writeln!(
        out,
        "  {}{} {} {}，{}{until}：{}",
        t(lang, "保留：", "Kept: "),
        h.table,
        t(lang, "键", "key"),
        h.key,
        t(lang, "至 ", "until "),
        h.reason.label().get(lang)
    );
}

#[cfg(test)]
mod tests {
    use super::render;
    use gebao_core::text::Lang;
    use serde_json::json;

    #[test]
    fn statements_holds_and_recipients_are_listed() {
        let plan = json!({
            "rows": 3,
            "plans": [{
                "subject": "u1",
                "action": { "kind": "erase", "fields": [] },
                "datasets": [{
                    "dataset": "app",
                    "engine": "sqlite",
                    "statements": [
                        { "table": "users", "op": "delete", "sql": "DELETE FROM \"users\" WHERE \"id\" = ?1", "params": ["u1"], "rows": 1 },
                        { "table": "posts", "op": "delete", "sql": "DELETE FROM \"posts\" WHERE \"user_id\" = ?1", "params": ["u1"], "rows": 2 }
                    ],
                    "held": [{ "table": "orders", "key": 42, "reason": { "kind": "parent-held" }, "until": "2029-01-01T00:00:00Z" }],
                    "erased_fields": ["phone"],
                    "kept_fields": ["order_info"]
                }]
            }],
            "recipients": [{ "recipient": "push-sdk", "name": "推送SDK", "via": "webhook", "address": "https://push.example/delete", "fields": ["device_id"], "held": [] }]
        });
        let text = render(&plan, Lang::ZhCn);
        for needle in [
            "未做任何更改",
            "涉及 3 行",
            "数据集 app（sqlite）",
            "users",
            "删除",
            "DELETE FROM \"posts\"",
            "[\"u1\"]",
            "保留：orders 键 42，至 2029-01-01",
            "删除的字段：phone",
            "保留的字段：order_info",
            "push-sdk 推送SDK（webhook https://push.example/delete）：device_id",
        ] {
            assert!(text.contains(needle), "`{needle}` missing:\n{text}");
        }
        let en = render(&plan, Lang::En);
        assert!(en.contains("touches 3 row(s)") && en.contains("Fields kept: order_info"), "{en}");
    }
}
