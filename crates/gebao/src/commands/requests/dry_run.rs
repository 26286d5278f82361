//! A dry run as staff read it before they approve, printed from the server's readable
//! model (`gebao_server::api::dry_run`, the one the console shows): per dataset, each
//! statement with the rows it would change, the rows kept under a legal hold (why, until
//! when), the fields erased and kept, and the recipients that would be told to delete.

use gebao_core::text::Lang;
use gebao_server::api::dry_run::readable;
use serde_json::Value;
use std::fmt::Write as _;

fn t<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::ZhCn { zh } else { en }
}

/// The plan `POST /v1/requests/{id}/execute?dry_run=true` answered, as text.
pub fn render(plan: &Value, lang: Lang) -> String {
    let r = readable(plan, lang);
    let mut out = String::new();
    let _ = writeln!(out, "{}", r.summary);
    for table in &r.tables {
        let _ = writeln!(out, "  {}.{}  {} {}", table.dataset, table.table, table.rows, t(lang, "行", "row(s)"));
    }
    for d in &r.datasets {
        let _ = writeln!(out, "{} {}（{}）", t(lang, "数据集", "Dataset"), d.dataset, d.engine);
        if d.statements.is_empty() {
            let _ = writeln!(out, "  {}", t(lang, "无需更改。", "Nothing to change."));
        }
        let width = d.statements.iter().map(|s| s.table.chars().count()).max().unwrap_or(0);
        for s in &d.statements {
            let _ = writeln!(
                out,
                "  {:<width$}  {:<6} {:>6} {}  {}   [{}]",
                s.table,
                s.op,
                s.rows,
                t(lang, "行", "row(s)"),
                s.sql,
                s.params
            );
        }
        for h in &d.held {
            let _ = writeln!(
                out,
                "  {}{} {} {}，{}{}：{}",
                t(lang, "保留：", "Kept: "),
                h.table,
                t(lang, "键", "key"),
                h.key,
                t(lang, "至 ", "until "),
                h.until,
                h.reason
            );
        }
        if !d.erased_fields.is_empty() {
            let _ = writeln!(out, "  {}{}", t(lang, "删除的字段：", "Fields erased: "), d.erased_fields);
        }
        if !d.kept_fields.is_empty() {
            let _ = writeln!(out, "  {}{}", t(lang, "保留的字段：", "Fields kept: "), d.kept_fields);
        }
    }
    if !r.recipients.is_empty() {
        let _ = writeln!(out, "{}", t(lang, "将通知删除的接收方：", "Recipients to be told to delete:"));
        for rc in &r.recipients {
            let address = rc.address.as_ref().map(|a| format!(" {a}")).unwrap_or_default();
            let _ = write!(out, "  {} {}（{}{address}）：{}", rc.recipient, rc.name, rc.via, rc.fields);
            if !rc.held.is_empty() {
                let _ = write!(
                    out,
                    "；{}{}",
                    t(lang, "依法保留、不通知：", "kept under a legal hold, not told: "),
                    rc.held
                );
            }
            out.push('\n');
        }
    }
    if let Some(g) = &r.gebao {
        let _ = writeln!(out, "gebao: {g}");
    }
    out
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
