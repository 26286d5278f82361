//! The copy of a subject's data (PIPL 45): JSON for portability, one CSV per table, and a
//! zh-CN HTML page (English under each label) with field names from the manifest.

use crate::outcome::{SubjectData, TableRows};
use crate::text;
use chrono::{DateTime, SecondsFormat, Utc};
use gebao_core::Manifest;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Seek, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

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

    /// The copy as a zip archive written to `w` (a temporary file, say): `data.json`,
    /// `index.html` and `csv/<dataset.table>.csv`, stored uncompressed with ZIP64 headers
    /// (no size limit), the same bytes for the same data. Returns `w`, positioned after the
    /// archive.
    pub fn write_zip<W: Write + Seek>(&self, w: W) -> io::Result<W> {
        Ok(self.write_entries(ZipWriter::new(w))?.finish()?)
    }

    /// Like [`Bundle::write_zip`] to a writer that cannot seek (an HTTP body, a pipe): each
    /// entry's sizes follow its data.
    pub fn write_zip_stream<W: Write>(&self, w: W) -> io::Result<W> {
        Ok(self.write_entries(ZipWriter::new_stream(w))?.finish()?.into_inner())
    }

    fn write_entries<W: Write + Seek>(&self, mut zip: ZipWriter<W>) -> io::Result<ZipWriter<W>> {
        // 1980-01-01 00:00, the earliest DOS date: the archive is the same for the same data.
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644)
            .large_file(true);
        zip.start_file("data.json", options)?;
        serde_json::to_writer_pretty(&mut zip, &self.json)?;
        zip.start_file("index.html", options)?;
        zip.write_all(self.html.as_bytes())?;
        for (name, body) in &self.csv {
            zip.start_file(format!("csv/{}.csv", safe_name(name)), options)?;
            zip.write_all(body.as_bytes())?;
        }
        Ok(zip)
    }
}

/// A file name from a table name: no path separators.
fn safe_name(name: &str) -> String {
    name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() { '_' } else { c }).collect()
}

/// A cell's text. Text that a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'`, so that opening the copy in
/// Excel or WPS runs nothing (CSV injection). Numbers from numeric columns are written as
/// they are: `-5` is a number, not a formula.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => guard(s),
        Value::Number(n) => n.to_string(),
        other => guard(&other.to_string()),
    }
}

fn guard(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() }
}

/// RFC 4180 (CRLF, fields quoted where needed), a header row of column names, UTF-8.
fn csv(t: &TableRows) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(t.columns.iter().map(|c| guard(&c.name)));
    for row in &t.rows {
        let _ = w.write_record(t.columns.iter().map(|c| cell(row.get(&c.name).unwrap_or(&Value::Null))));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// HTML escaping for element content and double-quoted attributes: pulldown-cmark's, the
/// one gebao-policy uses too (`&`, `<`, `>`, `"`, `'`).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing to a `String` cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
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

    use serde_json::json;

    fn table(rows: Vec<Value>) -> TableRows {
        let columns = ["a", "b"]
            .iter()
            .map(|n| crate::outcome::ColumnInfo {
                name: (*n).to_owned(),
                field: None,
                label: (*n).to_owned(),
                label_en: (*n).to_owned(),
            })
            .collect();
        let rows = rows.into_iter().map(|r| serde_json::from_value(r).unwrap()).collect();
        TableRows { table: "t".into(), label: None, label_en: None, columns, rows }
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let t = table(vec![json!({"a": "a,b", "b": "say \"hi\""}), json!({"a": "line\nbreak", "b": null})]);
        assert_eq!(csv(&t), "a,b\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",\r\n");
    }

    #[test]
    fn csv_cells_never_run_as_formulas() {
        for (v, want) in [
            ("=HYPERLINK(\"http://x\",\"点我\")", "'=HYPERLINK"),
            ("+86 138 0013 8000", "'+86"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
        ] {
            let out = csv(&table(vec![json!({"a": v, "b": -5})]));
            let line = out.split("\r\n").nth(1).unwrap();
            assert!(line.starts_with(want) || line.starts_with(&format!("\"{want}")), "{v:?} → {line:?}");
            assert!(line.ends_with(",-5"), "numbers stay numbers: {line:?}");
        }
        let out = csv(&table(vec![json!({"a": "a=b", "b": "1-2"})]));
        assert!(out.ends_with("a=b,1-2\r\n"), "{out:?}");
    }

    #[test]
    fn zip_is_readable_and_zip64() {
        let b = Bundle {
            json: json!({"subject": "3"}),
            csv: [("shop.users".to_owned(), "id\r\n3\r\n".to_owned())].into_iter().collect(),
            html: "<p>您好</p>".into(),
        };
        let seek = b.write_zip(std::io::Cursor::new(Vec::new())).unwrap().into_inner();
        let stream = b.write_zip_stream(Vec::new()).unwrap();
        assert_eq!(seek, b.write_zip(std::io::Cursor::new(Vec::new())).unwrap().into_inner(), "deterministic");
        for bytes in [seek, stream] {
            assert!(bytes.starts_with(b"PK\x03\x04"));
            assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), 45, "ZIP64: version needed to extract 4.5");
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let names: Vec<&str> = zip.file_names().collect();
            assert_eq!(names, ["data.json", "index.html", "csv/shop.users.csv"]);
            let mut html = String::new();
            std::io::Read::read_to_string(&mut zip.by_name("index.html").unwrap(), &mut html).unwrap();
            assert_eq!(html, "<p>您好</p>");
        }
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(esc("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(safe_name("a/b"), "a_b");
    }
}
