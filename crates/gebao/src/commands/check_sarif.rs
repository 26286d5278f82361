//! SARIF 2.1.0 output of `gebao check`, for code-scanning dashboards in CI.

use crate::input::{Loaded, Unreadable};
use crate::report::region;
use gebao_core::rules::{self, Finding, Severity};
use gebao_core::text::Lang;
use serde_json::{Value, json};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn driver(lang: Lang) -> Value {
    let rules: Vec<Value> = rules::catalogue()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": {"text": r.title.get(lang)},
                "help": {"text": r.hint.get(lang)},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"source": r.source, "binding": r.binding, "force": r.force, "title_zh": r.title.zh, "title_en": r.title.en},
            })
        })
        .collect();
    json!({
        "name": "gebao",
        "informationUri": env!("CARGO_PKG_REPOSITORY"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    })
}

fn location(uri: &str, region: Option<Value>) -> Value {
    let mut phys = json!({"artifactLocation": {"uri": uri}});
    if let Some(r) = region {
        phys["region"] = json!({
            "startLine": r["line"], "startColumn": r["column"], "endLine": r["end_line"], "endColumn": r["end_column"],
        });
    }
    json!({"physicalLocation": phys})
}

/// The findings of one manifest as a SARIF log.
pub fn report(loaded: &Loaded, findings: &[Finding], lang: Lang) -> Value {
    let uri = loaded.path.display().to_string();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            json!({
                "ruleId": f.rule,
                "ruleIndex": f.rule.index(),
                "level": level(f.severity),
                "message": {"text": format!("{} ({})", f.message(lang), f.hint(lang))},
                "locations": [location(&uri, region(f.span.as_ref(), &loaded.text))],
                "properties": {"path": f.path, "source": f.source},
            })
        })
        .collect();
    json!({"$schema": SCHEMA, "version": "2.1.0", "runs": [{"tool": {"driver": driver(lang)}, "results": results}]})
}

/// A SARIF log of a run with nothing to report (a scan without a manifest to compare).
pub fn empty(lang: Lang) -> Value {
    json!({"$schema": SCHEMA, "version": "2.1.0", "runs": [{"tool": {"driver": driver(lang)}, "results": []}]})
}

/// An unreadable manifest as a SARIF log with a failed invocation.
pub fn unreadable(bad: &Unreadable, lang: Lang) -> Value {
    let uri = bad.path.display().to_string();
    let text = bad.text.as_deref().unwrap_or("");
    let notes: Vec<Value> = bad
        .errors
        .iter()
        .map(|d| {
            json!({
                "level": "error",
                "message": {"text": d.message(lang)},
                "locations": [location(&uri, region(d.span.as_ref(), text))],
                "descriptor": {"id": d.code},
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver(lang)},
            "invocations": [{"executionSuccessful": false, "toolExecutionNotifications": notes}],
            "results": [],
        }],
    })
}
