//! `gebao check [FILE]`: runs the rules and prints findings (human, JSON or SARIF).

use crate::input::{self, Loaded};
use crate::{Outcome, out, report};
use anyhow::Result;
use gebao_core::rules::{self, Finding, Severity};
use gebao_core::text::Lang;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The manifest (default: gebao.toml).
    file: Option<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
    /// Print every rule (id, severity, legal source, title) and exit.
    #[arg(long)]
    list_rules: bool,
}

/// How findings are reported: shared by `check` and `scan`.
#[derive(clap::Args)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = Level::Error)]
    fail_on: Level,
    /// Show only findings at or above this severity.
    #[arg(long, value_enum, default_value_t = Level::Info)]
    severity: Level,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Level {
    Error,
    Warning,
    Info,
}

impl From<Level> for Severity {
    fn from(l: Level) -> Self {
        match l {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Info,
        }
    }
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let format = args.report.format;
    if args.list_rules {
        list_rules(format, lang)?;
        return Ok(Outcome::Ok);
    }
    let loaded = match load_or_report(args.file.as_deref(), format, lang)? {
        Some(loaded) => loaded,
        None => return Ok(Outcome::BadInput),
    };
    let findings = rules::check(&loaded.manifest, Some(&loaded.text));
    report(&loaded, findings, &args.report, lang, None)
}

/// Loads a manifest, or prints why it could not be read (in `format`) and returns `None`.
pub(crate) fn load_or_report(file: Option<&Path>, format: Format, lang: Lang) -> Result<Option<Loaded>> {
    match input::load(file) {
        Ok(l) => Ok(Some(l)),
        Err(bad) => {
            match format {
                Format::Human => bad.print(lang),
                Format::Json => out::line(format!("{:#}", bad.to_json()))?,
                Format::Sarif => out::line(format!("{:#}", super::check_sarif::unreadable(&bad, lang)))?,
            }
            Ok(None)
        }
    }
}

/// Prints the findings about a manifest as `opts` asks and gives the exit outcome: flagged
/// when a finding is at or above `--fail-on`. `extra` is one more member of the JSON
/// object (what `scan` found).
pub(crate) fn report(
    loaded: &Loaded,
    findings: Vec<Finding>,
    opts: &ReportArgs,
    lang: Lang,
    extra: Option<(&str, serde_json::Value)>,
) -> Result<Outcome> {
    let shown: Severity = opts.severity.into();
    let findings: Vec<Finding> = findings.into_iter().filter(|f| f.severity >= shown).collect();
    let fail: Severity = opts.fail_on.into();
    // `ok` in the JSON and the exit code say the same: no finding at or above --fail-on.
    let ok = !findings.iter().any(|f| f.severity >= fail);
    match opts.format {
        Format::Human => print_human(loaded, &findings, lang)?,
        Format::Json => {
            let mut v = json(loaded, &findings, ok);
            if let Some((key, value)) = extra {
                v[key] = value;
            }
            out::line(format!("{v:#}"))?
        }
        Format::Sarif => out::line(format!("{:#}", super::check_sarif::report(loaded, &findings, lang)))?,
    }
    Ok(if ok { Outcome::Ok } else { Outcome::Flagged })
}

fn print_human(loaded: &Loaded, findings: &[Finding], lang: Lang) -> std::io::Result<()> {
    for f in findings {
        out::line(format!("{}\n", report::finding(f, &loaded.path, &loaded.text, lang)))?;
    }
    let count = |s| findings.iter().filter(|f| f.severity == s).count();
    let (e, w, i) = (count(Severity::Error), count(Severity::Warning), count(Severity::Info));
    let file = loaded.path.display();
    let line = match (lang, findings.is_empty()) {
        (Lang::ZhCn, true) => format!("{file}：未发现问题"),
        (Lang::En, true) => format!("{file}: no findings"),
        (Lang::ZhCn, false) => format!("{file}：{e} 个错误，{w} 个警告，{i} 个提示"),
        (Lang::En, false) => format!("{file}: {e} error(s), {w} warning(s), {i} info"),
    };
    out::line(line)
}

fn json(loaded: &Loaded, findings: &[Finding], ok: bool) -> serde_json::Value {
    let count = |s| findings.iter().filter(|f| f.severity == s).count();
    serde_json::json!({
        "file": loaded.path.display().to_string(),
        "ok": ok,
        "summary": {
            "error": count(Severity::Error),
            "warning": count(Severity::Warning),
            "info": count(Severity::Info),
        },
        "findings": findings.iter().map(|f| serde_json::json!({
            "rule": f.rule,
            "severity": f.severity,
            "source": f.source,
            "message": f.message_zh,
            "message_en": f.message_en,
            "hint": f.hint_zh,
            "hint_en": f.hint_en,
            "path": f.path,
            "also": f.also,
            "location": report::region(f.span.as_ref(), &loaded.text),
        })).collect::<Vec<_>>(),
    })
}

fn list_rules(format: Format, lang: Lang) -> std::io::Result<()> {
    let all: Vec<_> = rules::catalogue().collect();
    match format {
        Format::Human => {
            for r in &all {
                let force = format!("{} {}", r.binding, r.force.label().get(lang));
                out::line(format!(
                    "{:<7} {:<8} {:<28} {:<36} {}",
                    r.id,
                    r.severity.as_str(),
                    r.source,
                    force,
                    r.title.get(lang)
                ))?;
            }
            let n = all.len();
            out::line(if lang == Lang::ZhCn { format!("共 {n} 条规则") } else { format!("{n} rules") })
        }
        Format::Json | Format::Sarif => {
            let rules: Vec<_> = all
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "severity": r.severity,
                        "source": r.source,
                        "binding": r.binding,
                        "force": r.force,
                        "mandatory": r.force.is_mandatory(),
                        "force_label": r.force.label().zh,
                        "force_label_en": r.force.label().en,
                        "title": r.title.zh,
                        "title_en": r.title.en,
                        "hint": r.hint.zh,
                        "hint_en": r.hint.en,
                    })
                })
                .collect();
            out::line(format!("{:#}", serde_json::Value::Array(rules)))
        }
    }
}
