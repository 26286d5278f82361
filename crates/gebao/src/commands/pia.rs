//! `gebao pia [FILE]`: the impact assessments the manifest's processing needs (PIPL 55) —
//! sensitive personal information, automated decisions, recipients, flows abroad — each
//! drafted with the three items of PIPL 56 from what the manifest says, and the `[[pia]]`
//! record that covers it, if any. Markdown (zh-CN, or English with `--lang en`) or JSON.

use crate::{Outcome, input, out};
use anyhow::Result;
use gebao_core::text::Lang;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The manifest (default: gebao.toml).
    file: Option<PathBuf>,
    /// `markdown` (default) or `json`.
    #[arg(long, default_value = "markdown", value_parser = ["markdown", "json"])]
    format: String,
    /// Exit 1 when a processing that needs an assessment has no `[[pia]]` record.
    #[arg(long)]
    require_records: bool,
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
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
