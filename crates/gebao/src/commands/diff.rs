//! `gebao diff OLD NEW`: the changes between two manifests and whether any is major
//! (exit 1), by the six major-change triggers.

use crate::{Outcome, input, out};
use anyhow::Result;
use gebao_core::diff::{ChangeKind, diff};
use gebao_core::text::Lang;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The earlier manifest.
    old: PathBuf,
    /// The later manifest.
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let (old, new) = match (input::load(Some(&args.old)), input::load(Some(&args.new))) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            for bad in [o.err(), n.err()].into_iter().flatten() {
                match args.format {
                    Format::Human => bad.print(lang),
                    Format::Json => out::line(format!("{:#}", bad.to_json()))?,
                }
            }
            return Ok(Outcome::BadInput);
        }
    };
    let d = diff(&old.manifest, &new.manifest);
    let reconsent = d.purposes_needing_reconsent(&new.manifest);
    match args.format {
        Format::Json => {
            let v = serde_json::json!({
                "old": old.path.display().to_string(),
                "new": new.path.display().to_string(),
                "major": d.is_major(),
                "triggers": d.triggers(),
                "reconsent": reconsent,
                "changes": d.changes,
            });
            out::line(format!("{v:#}"))?;
        }
        Format::Human => {
            for c in &d.changes {
                let sign = match c.kind {
                    ChangeKind::Added => "+",
                    ChangeKind::Removed => "-",
                    ChangeKind::Modified => "~",
                };
                let summary = if lang == Lang::ZhCn { &c.summary_zh } else { &c.summary_en };
                let tag = match c.trigger {
                    Some(t) => {
                        let label = if lang == Lang::ZhCn { "重大变更" } else { "MAJOR" };
                        format!("[{label}: {}] ", t.label().get(lang))
                    }
                    None => String::new(),
                };
                out::line(format!("{sign} {tag}{summary}  ({})", c.path))?;
            }
            let n = d.changes.len();
            let major = d.major().count();
            let line = match lang {
                Lang::ZhCn if n == 0 => "两份清单没有差异".to_owned(),
                Lang::En if n == 0 => "the manifests do not differ".to_owned(),
                Lang::ZhCn => format!("共 {n} 处变更，其中重大变更 {major} 处"),
                Lang::En => format!("{n} change(s), {major} major"),
            };
            out::line(line)?;
            if !reconsent.is_empty() {
                let ids: Vec<&str> = reconsent.iter().map(|p| p.as_str()).collect();
                out::line(match lang {
                    Lang::ZhCn => format!("以下基于同意的处理目的需要重新取得同意：{}", ids.join("、")),
                    Lang::En => format!("consent must be asked again for: {}", ids.join(", ")),
                })?;
            }
        }
    }
    Ok(if d.is_major() { Outcome::Flagged } else { Outcome::Ok })
}
