//! `gebao sweep`: applies the manifest's retention rules to the operator's databases (the
//! `[[datasets]]` tables with a `retention`), never below a legal minimum and never touching
//! rows under a legal hold. `--dry-run` reports what would be erased and changes nothing.

use crate::{Outcome, input, out};
use anyhow::{Context, Result};
use gebao_connectors::Executor;
use gebao_core::text::Lang;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The manifest (default: gebao.toml).
    #[arg(long, env = "GEBAO_MANIFEST")]
    manifest: Option<PathBuf>,
    /// The server's configuration file, for `[connections]` (docs/configuration.md);
    /// `GEBAO_CONNECTION_<NAME>` works too.
    #[arg(long, env = "GEBAO_CONFIG")]
    config: Option<PathBuf>,
    /// Report what would be erased; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let Some(loaded) = input::load_or_report(args.manifest.as_deref(), lang) else {
        return Ok(Outcome::BadInput);
    };
    let settings = crate::settings::Settings::load(args.config.as_deref(), &crate::settings::Flags::default())?;
    let executor = Executor::new(&loaded.manifest, settings.connections(lang)?)
        .map_err(|e| anyhow::anyhow!(e.message(lang)))
        .context("cannot prepare the datasets")?
        .with_calendar(std::sync::Arc::new(settings.calendar()?));
    let report = super::block_on(executor.sweep(chrono::Utc::now(), args.dry_run))?.context("the sweep failed")?;
    if args.json {
        out::line(serde_json::to_string_pretty(&report)?)?;
        return Ok(Outcome::Ok);
    }
    for t in &report.tables {
        let cutoff = t.cutoff.map(|c| c.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into());
        out::line(match lang {
            Lang::ZhCn => format!(
                "{}.{}（{}）：早于 {cutoff} 的 {} 行{}，受法定保存期限保护 {} 行",
                t.dataset,
                t.table,
                t.purpose,
                t.rows,
                if report.dry_run { "将被清除" } else { "已清除" },
                t.protected
            ),
            Lang::En => format!(
                "{}.{} ({}): {} row(s) older than {cutoff} {}, {} protected by a legal minimum",
                t.dataset,
                t.table,
                t.purpose,
                t.rows,
                if report.dry_run { "would be erased" } else { "erased" },
                t.protected
            ),
        })?;
    }
    out::line(match lang {
        Lang::ZhCn => format!(
            "共 {} 行，用时 {:.2} 秒（{:.0} 行/秒）{}",
            report.rows,
            report.seconds,
            report.rows_per_second,
            if report.dry_run { "；试运行，未做任何修改" } else { "" }
        ),
        Lang::En => format!(
            "{} row(s) in {:.2} s ({:.0} rows/s){}",
            report.rows,
            report.seconds,
            report.rows_per_second,
            if report.dry_run { "; dry run, nothing changed" } else { "" }
        ),
    })?;
    Ok(Outcome::Ok)
}
