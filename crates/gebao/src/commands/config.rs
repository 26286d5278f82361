//! `gebao config keys` prints every configuration key of `gebao serve` (the table of
//! `docs/configuration.md`); `gebao config show` prints the configuration the layers give,
//! secrets redacted.

use crate::settings::{Flags, Settings};
use crate::{Outcome, out};
use anyhow::Result;
use gebao_core::text::Lang;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: ConfigCommand,
}

#[derive(clap::Subcommand)]
enum ConfigCommand {
    /// Every key: type, default, environment variable, whether it is secret (Markdown).
    Keys,
    /// The configuration `gebao serve` would run with (defaults < file < environment),
    /// secrets redacted.
    Show {
        /// A configuration file (TOML).
        #[arg(long, env = "GEBAO_CONFIG")]
        config: Option<PathBuf>,
    },
}

pub fn run(args: Args, _lang: Lang) -> Result<Outcome> {
    match args.command {
        ConfigCommand::Keys => out::line(crate::settings::reference())?,
        ConfigCommand::Show { config } => {
            let s = Settings::load(config.as_deref(), &Flags::default())?;
            out::line(format!("{s:#?}"))?;
        }
    }
    Ok(Outcome::Ok)
}
