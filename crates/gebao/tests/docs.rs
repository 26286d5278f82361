//! The reference documents generated from code stay true: `docs/manifest-reference.md`
//! (from the manifest's JSON Schema) and `docs/rules.md` (from the rule catalogue).
//! After changing the model or a rule, run `GEBAO_UPDATE_DOCS=1 cargo test -p gebao --test docs`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests and benches fail by panicking

mod common;
use common::*;
use serde_json::Value;
use std::collections::{BTreeSet, VecDeque};
use std::fmt::Write;
use std::path::Path;

fn compare_or_update(rel: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel);
    if std::env::var_os("GEBAO_UPDATE_DOCS").is_some() {
        std::fs::write(&path, generated).expect("write doc");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(current == generated, "{rel} is out of date: run `GEBAO_UPDATE_DOCS=1 cargo test -p gebao --test docs`");
}

fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/"))
}

/// A short type for a property schema, e.g. `string`, `[Purpose](#purpose)[]`.
fn type_of(v: &Value) -> String {
    if let Some(r) = ref_name(v) {
        return format!("[{r}](#{})", r.to_lowercase());
    }
    if let Some(any) = v.get("anyOf").and_then(Value::as_array) {
        let parts: Vec<String> =
            any.iter().filter(|x| x.get("type") != Some(&Value::from("null"))).map(type_of).collect();
        return parts.join(" or ");
    }
    match v.get("type") {
        Some(Value::String(t)) if t == "array" => format!("{}[]", v.get("items").map(type_of).unwrap_or_default()),
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => {
            ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect::<Vec<_>>().join(" or ")
        }
        _ => "any".into(),
    }
}

fn refs_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = ref_name(v) {
                out.push(r.to_owned());
            }
            m.values().for_each(|x| refs_in(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs_in(x, out)),
        _ => {}
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

fn manifest_reference(schema: &Value) -> String {
    let defs = &schema["$defs"];
    let mut s = String::from(
        "# Manifest reference (generated)\n\nGenerated from the code by `cargo test -p gebao --test docs`; do not edit by hand. The\nguide with examples is [manifest.md](manifest.md). Every table rejects keys it does not know.\n\n",
    );
    // Sections in the order they are reached from the root.
    let mut order = vec!["Manifest".to_owned()];
    let mut seen: BTreeSet<String> = order.iter().cloned().collect();
    let mut queue: VecDeque<Value> = VecDeque::from([schema.clone()]);
    while let Some(v) = queue.pop_front() {
        let mut found = Vec::new();
        refs_in(&v["properties"], &mut found);
        refs_in(&v["items"], &mut found);
        for r in found {
            if seen.insert(r.clone()) {
                order.push(r.clone());
                queue.push_back(defs[&r].clone());
            }
        }
    }
    for name in order {
        let v = if name == "Manifest" { schema } else { &defs[&name] };
        let _ = writeln!(s, "## {name}\n");
        if let Some(d) = v.get("description").and_then(Value::as_str) {
            let _ = writeln!(s, "{}\n", one_line(d));
        }
        if let Some(props) = v.get("properties").and_then(Value::as_object) {
            let required: BTreeSet<&str> = v
                .get("required")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let _ = writeln!(s, "| key | type | required | default | meaning |\n|---|---|---|---|---|");
            for (k, p) in props {
                let default = p
                    .get("default")
                    .filter(|d| !d.is_null() && !d.is_object())
                    .map(|d| format!("`{d}`"))
                    .unwrap_or_default();
                let req = if required.contains(k.as_str()) { "yes" } else { "" };
                let desc = p.get("description").and_then(Value::as_str).map(one_line).unwrap_or_default();
                let _ = writeln!(s, "| `{k}` | {} | {req} | {default} | {desc} |", type_of(p));
            }
            let _ = writeln!(s);
        } else if let Some(values) = v.get("enum").and_then(Value::as_array) {
            let list: Vec<String> = values.iter().map(|x| format!("`{}`", x.as_str().unwrap_or_default())).collect();
            let _ = writeln!(s, "One of: {}\n", list.join(", "));
        } else if let Some(variants) = v.get("oneOf").and_then(Value::as_array) {
            let _ = writeln!(s, "| value | meaning |\n|---|---|");
            for x in variants {
                let values: Vec<String> = x
                    .get("enum")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).map(|v| format!("`{v}`")).collect())
                    .or_else(|| x.get("const").and_then(Value::as_str).map(|c| vec![format!("`{c}`")]))
                    .unwrap_or_default();
                let desc = x.get("description").and_then(Value::as_str).map(one_line).unwrap_or_default();
                let _ = writeln!(s, "| {} | {desc} |", values.join(", "));
            }
            let _ = writeln!(s);
        } else if let Some(t) = v.get("type").and_then(Value::as_str) {
            let _ = writeln!(s, "Type: `{t}`.\n");
        }
    }
    s
}

#[test]
fn manifest_reference_is_up_to_date() {
    let out = gebao().arg("schema").assert().success();
    let schema: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    compare_or_update("docs/manifest-reference.md", &manifest_reference(&schema));
}

#[test]
fn rules_doc_is_up_to_date() {
    let out = gebao().args(["check", "--list-rules", "--format", "json"]).assert().success();
    let rules: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    let mut s = String::from(
        "# Rules of `gebao check` (generated)\n\nGenerated from the rule catalogue by `cargo test -p gebao --test docs`; do not edit by hand.\nIds follow the project's rules catalogue. Severity: **error** = a law, regulation or departmental\nrule is not met; **warning** = a recommended national standard or a likely gap; **info** = advice\nor a fact to confirm (a rule's severity is the most serious its findings can be). **Binding** is\nthe text among the sources that makes the rule binding, and **force** whether that text is\nmandatory (law, administrative regulation, departmental rule, normative document, mandatory\nstandard) or not (a recommended GB/T standard, or practice with no legal text).\n`gebao check --list-rules` prints the same list.\n\n| id | severity | source | binding | force | rule | 规则 | fix |\n|---|---|---|---|---|---|---|---|\n",
    );
    for r in rules.as_array().expect("array") {
        let f = |k: &str| one_line(r[k].as_str().unwrap_or_default());
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            f("id"),
            f("severity"),
            f("source"),
            f("binding"),
            f("force_label_en"),
            f("title_en"),
            f("title"),
            f("hint_en")
        );
    }
    compare_or_update("docs/rules.md", &s);
}

#[test]
fn openapi_document_is_up_to_date() {
    let mut doc = gebao_server::openapi_json();
    doc.push('\n');
    compare_or_update("docs/openapi.json", &doc);
}

/// The key table of docs/configuration.md is the one `gebao config keys` prints.
#[test]
fn configuration_doc_is_up_to_date() {
    let out = gebao().args(["config", "keys"]).assert().success();
    let table = String::from_utf8_lossy(&out.get_output().stdout).trim_end().to_owned();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/configuration.md");
    let doc = std::fs::read_to_string(&path).expect("docs/configuration.md");
    let (head, rest) = doc.split_once("<!-- keys:begin -->\n").expect("keys:begin marker");
    let (_, tail) = rest.split_once("\n<!-- keys:end -->").expect("keys:end marker");
    let want = format!("{head}<!-- keys:begin -->\n{table}\n<!-- keys:end -->{tail}");
    if std::env::var_os("GEBAO_UPDATE_DOCS").is_some() {
        std::fs::write(&path, want).expect("write doc");
        return;
    }
    assert!(
        doc == want,
        "docs/configuration.md is out of date: run `GEBAO_UPDATE_DOCS=1 cargo test -p gebao --test docs`"
    );
}

/// docs/manifest.md states how many rows of the necessary-PI table are confirmed and names
/// those that are not: the same as the table gebao ships.
#[test]
fn necessary_pi_confirmation_in_the_guide_is_true() {
    use gebao_core::app_types::{AppType, Confirmation};
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/manifest.md");
    let doc = std::fs::read_to_string(&path).expect("docs/manifest.md");
    let doc = one_line(&doc);
    let rows: Vec<_> = AppType::NEC.iter().filter_map(|t| t.necessary_pi()).collect();
    let unconfirmed: Vec<_> =
        rows.iter().filter(|e| matches!(e.confirmation, Confirmation::Unconfirmed(_))).map(|e| e.app_type).collect();
    let sentence = format!(
        "{} rows are confirmed against the regulation's text and {} are not yet",
        rows.len() - unconfirmed.len(),
        unconfirmed.len()
    );
    assert!(doc.contains(&sentence), "docs/manifest.md should say: {sentence}");
    let names: Vec<&str> = unconfirmed.iter().map(|t| t.name_zh()).collect();
    assert!(doc.contains(&format!("({})", names.join(", "))), "docs/manifest.md should list: {names:?}");
}
