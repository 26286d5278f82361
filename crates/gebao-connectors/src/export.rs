//! The copy of a subject's data (PIPL 45): JSON for portability, one CSV per table, and a
//! zh-CN HTML page (English under each label) with field names from the manifest.

use crate::outcome::{SubjectData, TableRows};
use crate::text;
use chrono::{DateTime, SecondsFormat, Utc};
use gebao_core::Manifest;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The copy, ready to hand over.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    /// Machine-readable: `{format, subject, generated_at, datasets: [{id, tables: [{table,
    /// columns: [{name, field, label, label_en}], rows: [{column: value}]}]}]}`.
    pub json: Value,
    /// `dataset.table` → CSV (RFC 4180, header row of column names, UTF-8).
    pub csv: BTreeMap<String, String>,
    /// A zh-CN page for people.
    pub html: String,
}

impl Bundle {
    pub(crate) fn build(manifest: &Manifest, data: &SubjectData, now: DateTime<Utc>) -> Bundle {
        let generated_at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
        let datasets: Vec<Value> =
            data.datasets.iter().map(|d| json!({ "id": d.dataset, "name": d.name, "tables": d.tables })).collect();
        let json = json!({
            "format": "gebao-export/1",
            "subject": data.subject,
            "controller": manifest.controller.name,
            "generated_at": generated_at,
            "datasets": datasets,
        });
        let mut csv_files = BTreeMap::new();
        for d in &data.datasets {
            for t in &d.tables {
                csv_files.insert(format!("{}.{}", d.dataset, t.table), csv(t));
            }
        }
        let html = html(manifest, data, &generated_at);
        Bundle { json, csv: csv_files, html }
    }

    /// A zip archive: `data.json`, `index.html` and `csv/<dataset.table>.csv`.
    pub fn to_zip(&self) -> Vec<u8> {
        let json = serde_json::to_vec_pretty(&self.json).unwrap_or_default();
        let mut files: Vec<(String, &[u8])> =
            vec![("data.json".into(), &json), ("index.html".into(), self.html.as_bytes())];
        for (name, body) in &self.csv {
            files.push((format!("csv/{}.csv", safe_name(name)), body.as_bytes()));
        }
        crate::zip::stored(&files)
    }
}

/// A file name from a table name: no path separators.
fn safe_name(name: &str) -> String {
    name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() { '_' } else { c }).collect()
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

fn csv(t: &TableRows) -> String {
    let mut out = String::new();
    let header: Vec<String> = t.columns.iter().map(|c| csv_field(&c.name)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in &t.rows {
        let line: Vec<String> =
            t.columns.iter().map(|c| csv_field(&cell(row.get(&c.name).unwrap_or(&Value::Null)))).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn label(zh: &str, en: &str) -> String {
    if zh == en { esc(zh) } else { format!("{}<br><span lang=\"en\">{}</span>", esc(zh), esc(en)) }
}

fn html(manifest: &Manifest, data: &SubjectData, generated_at: &str) -> String {
    let mut h = String::new();
    let title = text::EXPORT_TITLE;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} / {}</title>\n\
         <style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;margin-bottom:1.5em}}\
         th,td{{border:1px solid #999;padding:.3em .6em;text-align:left;vertical-align:top}}\
         th span,h2 span,h3 span,p span{{color:#555;font-weight:normal}}</style>\n</head>\n<body>\n",
        esc(title.zh),
        esc(title.en)
    );
    let _ = writeln!(h, "<h1>{}</h1>", label(title.zh, title.en));
    let _ =
        writeln!(h, "<p>{}<br><span lang=\"en\">{}</span></p>", esc(text::EXPORT_INTRO.zh), esc(text::EXPORT_INTRO.en));
    let _ = writeln!(
        h,
        "<p>{}<br>{} / {}: {}<br>{} / {}: {}</p>",
        esc(&manifest.controller.name),
        esc(text::SUBJECT.zh),
        esc(text::SUBJECT.en),
        esc(&data.subject),
        esc(text::GENERATED_AT.zh),
        esc(text::GENERATED_AT.en),
        esc(generated_at)
    );
    for d in &data.datasets {
        let name = d.name.clone().unwrap_or_else(|| d.dataset.to_string());
        let _ = writeln!(h, "<h2>{}</h2>", esc(&name));
        for t in &d.tables {
            let zh = t.label.clone().unwrap_or_else(|| t.table.clone());
            let en = t.label_en.clone().unwrap_or_else(|| t.table.clone());
            let _ = writeln!(h, "<h3>{}</h3>", label(&zh, &en));
            if t.rows.is_empty() {
                let _ = writeln!(
                    h,
                    "<p>{} / <span lang=\"en\">{}</span></p>",
                    esc(text::NO_ROWS.zh),
                    esc(text::NO_ROWS.en)
                );
                continue;
            }
            h.push_str("<table>\n<tr>");
            for c in &t.columns {
                let _ = write!(h, "<th>{}</th>", label(&c.label, &c.label_en));
            }
            h.push_str("</tr>\n");
            for row in &t.rows {
                h.push_str("<tr>");
                for c in &t.columns {
                    let _ = write!(h, "<td>{}</td>", esc(&cell(row.get(&c.name).unwrap_or(&Value::Null))));
                }
                h.push_str("</tr>\n");
            }
            h.push_str("</table>\n");
        }
    }
    h.push_str("</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(esc("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(safe_name("a/b"), "a_b");
    }
}
