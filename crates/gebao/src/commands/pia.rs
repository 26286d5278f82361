//! `gebao pia [FILE]`: the impact assessments the manifest's processing needs (PIPL 55) —
//! sensitive personal information, automated decisions, recipients, flows abroad — each
//! drafted with the three items of PIPL 56 from what the manifest says, and the `[[pia]]`
//! record that covers it, if any. Markdown (zh-CN, or English with `--lang en`) or JSON.
//!
//! Through a running server (`--server`, `--token`; docs/records.md): `record FILE.json`
//! records an assessment (a new version, kept three years), `list` shows the triggers and
//! the records, `export ID` writes one as Markdown or HTML.

use super::client::{Api, Remote, segment};
use crate::{Outcome, input, out};
use anyhow::{Context, Result};
use gebao_core::text::Lang;
use reqwest::Method;
use serde_json::Value;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<PiaCommand>,
    /// The manifest (default: gebao.toml).
    file: Option<PathBuf>,
    /// `markdown` (default) or `json`.
    #[arg(long, default_value = "markdown", value_parser = ["markdown", "json"])]
    format: String,
    /// Exit 1 when a processing that needs an assessment has no `[[pia]]` record.
    #[arg(long)]
    require_records: bool,
}

#[derive(clap::Subcommand)]
enum PiaCommand {
    /// Record an assessment from a JSON file (`-` for stdin): id, trigger, assessed, risk,
    /// assessor, conclusions {lawfulness, impact, measures}, summary.
    Record {
        file: PathBuf,
        #[command(flatten)]
        remote: Remote,
    },
    /// The triggers of the manifest in force, which are assessed, and the latest records.
    List {
        #[command(flatten)]
        remote: Remote,
    },
    /// One assessment as a document.
    Export {
        id: String,
        /// The version number of the record (`--revision 1`); the latest by default.
        #[arg(long, value_name = "N")]
        revision: Option<i64>,
        /// `md` (default) or `html`.
        #[arg(long, default_value = "md", value_parser = ["md", "html"])]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        remote: Remote,
    },
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    match args.command {
        None => drafts(args, lang),
        Some(c) => remote(c, lang),
    }
}

fn drafts(args: Args, lang: Lang) -> Result<Outcome> {
    let Some(loaded) = input::load_or_report(args.file.as_deref(), lang) else {
        return Ok(Outcome::BadInput);
    };
    let m = &loaded.manifest;
    let drafts = gebao_core::pia::drafts(m, lang);
    if args.format == "json" {
        out::line(serde_json::to_string_pretty(&drafts)?)?;
    } else {
        out::line(gebao_core::pia::markdown(m, &drafts, lang).trim_end())?;
    }
    let missing = drafts.iter().any(|d| d.recorded.is_none());
    Ok(if args.require_records && missing { Outcome::Flagged } else { Outcome::Ok })
}

fn api(r: &Remote, lang: Lang) -> Result<Api> {
    r.api("pia:read,pia:write", lang)
}

fn remote(c: PiaCommand, lang: Lang) -> Result<Outcome> {
    let zh = lang == Lang::ZhCn;
    let none = None::<&()>;
    match c {
        PiaCommand::Record { file, remote } => {
            let text = if file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?
            };
            let body: Value = serde_json::from_str(&text).with_context(|| {
                if zh {
                    format!("{} 不是 JSON：请按 docs/records.md 的示例填写", file.display())
                } else {
                    format!("{} is not JSON: see the example in docs/records.md", file.display())
                }
            })?;
            let v: Value = api(&remote, lang)?.call(Method::POST, "/v1/pia", none, Some(&body))?;
            out::line(if zh {
                format!(
                    "已记录 {} 第 {} 版（风险 {}），至少保存至 {}",
                    v["id"].as_str().unwrap_or_default(),
                    v["version"],
                    v["risk"].as_str().unwrap_or_default(),
                    v["keep_until"].as_str().unwrap_or_default()
                )
            } else {
                format!(
                    "Recorded {} version {} (risk {}), kept at least until {}",
                    v["id"].as_str().unwrap_or_default(),
                    v["version"],
                    v["risk"].as_str().unwrap_or_default(),
                    v["keep_until"].as_str().unwrap_or_default()
                )
            })?;
            for w in v["warnings"].as_array().into_iter().flatten() {
                out::line(format!("! {}", w[if zh { "zh" } else { "en" }].as_str().unwrap_or_default()))?;
            }
        }
        PiaCommand::List { remote } => {
            let v: Value = api(&remote, lang)?.call(Method::GET, "/v1/pia", none, none)?;
            if remote.json {
                out::line(serde_json::to_string_pretty(&v)?)?;
                return Ok(Outcome::Ok);
            }
            for d in v["drafts"].as_array().into_iter().flatten() {
                let title = d[if zh { "title" } else { "title_en" }].as_str().unwrap_or_default();
                let by = d["assessed_by"].as_str();
                out::line(match (by, zh) {
                    (Some(r), true) => {
                        format!("✓ {title}（{}）：已评估 {r}", d["trigger"].as_str().unwrap_or_default())
                    }
                    (Some(r), false) => {
                        format!("✓ {title} ({}): assessed in {r}", d["trigger"].as_str().unwrap_or_default())
                    }
                    (None, true) => format!("✗ {title}（{}）：尚未评估", d["trigger"].as_str().unwrap_or_default()),
                    (None, false) => format!("✗ {title} ({}): not assessed", d["trigger"].as_str().unwrap_or_default()),
                })?;
            }
            let open = v["unassessed"].as_array().map_or(0, Vec::len);
            if open > 0 {
                return Ok(Outcome::Flagged);
            }
        }
        PiaCommand::Export { id, revision, format, output, remote } => {
            let mut query = vec![("format", format)];
            if let Some(v) = revision {
                query.push(("version", v.to_string()));
            }
            query.push(("lang", lang.code().to_owned()));
            let bytes = api(&remote, lang)?.send(
                Method::GET,
                &format!("/v1/pia/{}/export", segment(&id)),
                Some(&query),
                none,
            )?;
            match output {
                Some(path) => {
                    std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?
                }
                None => out::line(String::from_utf8_lossy(&bytes).trim_end())?,
            }
        }
    }
    Ok(Outcome::Ok)
}
