//! `gebao datasets check`: whether the manifest's datasets can be used — each connection
//! configured and reachable, each declared table and column there, each column's type fit
//! for its erasure strategy, legal hold and retention — with the fix for every problem. The
//! server runs the same check at start. Exit 0 when all is well, 1 on problems, 2 when the
//! manifest or the configuration cannot be read.

use crate::settings::{Flags, Settings};
use crate::{Outcome, input, out};
use anyhow::Result;
use gebao_connectors::Executor;
use gebao_core::text::Lang;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: DatasetsCommand,
}

#[derive(clap::Subcommand)]
enum DatasetsCommand {
    /// Check the datasets against the databases.
    Check {
        /// The manifest (default: gebao.toml).
        #[arg(long, env = "GEBAO_MANIFEST")]
        manifest: Option<PathBuf>,
        /// The server's configuration file, for `[connections]` (docs/configuration.md);
        /// `GEBAO_CONNECTION_<NAME>` works too.
        #[arg(long, env = "GEBAO_CONFIG")]
        config: Option<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let DatasetsCommand::Check { manifest, config, json } = args.command;
    let Some(loaded) = input::load_or_report(manifest.as_deref(), lang) else {
        return Ok(Outcome::BadInput);
    };
    let settings = Settings::load(config.as_deref(), &Flags::default())?;
    let executor = match Executor::new(&loaded.manifest, settings.connections(lang)?) {
        Ok(e) => e,
        Err(e) => {
            out::err(e.message(lang))?;
            return Ok(Outcome::BadInput);
        }
    };
    let report = super::block_on(executor.check())?;
    if json {
        out::line(serde_json::to_string_pretty(&report)?)?;
    } else {
        out::line(report.render(lang))?;
    }
    Ok(if report.ok() { Outcome::Ok } else { Outcome::Flagged })
}
