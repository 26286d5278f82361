//! The `gebao` command line. Exit codes (documented in docs/cli.md):
//! 0 success / clean; 1 findings at or above `--fail-on` (check) or a major change (diff);
//! 2 the input could not be read (missing file, not UTF-8, invalid manifest, bad flag).
#![forbid(unsafe_code)]

mod commands;
mod input;
mod out;
mod report;
mod settings;

use clap::{Parser, Subcommand};
use gebao_core::text::Lang;
use std::process::ExitCode;

/// gebao (个保): describe your personal-information practices once, in a manifest; check
/// them against PIPL and the national standards; render the privacy policy from them.
#[derive(Parser)]
#[command(name = "gebao", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// Language of messages: zh-CN (default) or en.
    #[arg(long, global = true, env = "GEBAO_LANG", default_value = "zh-CN", value_parser = parse_lang)]
    lang: Lang,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a manifest against the rules (PIPL, GB/T 35273, necessary-PI rules, …).
    Check(commands::check::Args),
    /// Render the privacy policy or one of its lists from a manifest.
    Render(commands::render::Args),
    /// List the changes between two manifests and whether any is a major change.
    Diff(commands::diff::Args),
    /// Write a starter manifest for an app type.
    Init(commands::init::Args),
    /// Run the server: consent ledger, decisions, policy versions (SQLite or PostgreSQL).
    Serve(commands::serve::Args),
    /// Manage operator API keys (create, list, revoke).
    Keys(commands::keys::Args),
    /// Manage the console's staff accounts (add, list, disable, reset).
    Staff(commands::staff::Args),
    /// Publish the manifest as a new policy version.
    Publish(commands::publish::Args),
    /// Verify the hash chains of the consent ledger and the audit log.
    Audit(commands::audit::Args),
    /// Work users' rights requests through the running server (list, show, approve, refuse, execute).
    Requests(commands::requests::Args),
    /// Personal-information incidents through the running server (open, report, notify, close).
    Incident(commands::incident::Args),
    /// End the service through the running server: notice, end of collection, disposal (TRM-01).
    Terminate(commands::terminate::Args),
    /// Personal information sent abroad this year: counts, thresholds, reports (docs/abroad.md).
    Abroad(commands::abroad::Args),
    /// Import existing subjects or consents from a JSON-lines file into the store (docs/import.md).
    Import(commands::import::Args),
    /// The year's summary for the PI protection officer: requests, consents, incidents, PIAs, transfers.
    Report(commands::report::Args),
    /// Draft the impact assessments the manifest's processing needs (PIPL 55-56).
    Pia(commands::pia::Args),
    /// Apply the retention rules to the operator's databases (`--dry-run` changes nothing).
    Sweep(commands::sweep::Args),
    /// What the app really contains: scan an Android package (APK) or a web page and compare it with the manifest.
    Scan(commands::scan::Args),
    /// Check the manifest's datasets against the operator's databases.
    Datasets(commands::datasets::Args),
    /// Print the manifest's JSON Schema (for editor completion).
    Schema(commands::schema::Args),
    /// The configuration of `gebao serve`: every key, or the configuration in effect.
    Config(commands::config::Args),
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

/// The outcome of a command, turned into the process exit code.
pub enum Outcome {
    Ok,
    /// Findings or a major change: exit 1.
    Flagged,
    /// Unreadable input: exit 2.
    BadInput,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let lang = cli.lang;
    let result = match cli.command {
        Command::Check(args) => commands::check::run(args, lang),
        Command::Config(args) => commands::config::run(args, lang),
        Command::Datasets(args) => commands::datasets::run(args, lang),
        Command::Render(args) => commands::render::run(args, lang),
        Command::Diff(args) => commands::diff::run(args, lang),
        Command::Init(args) => commands::init::run(args, lang),
        Command::Serve(args) => commands::serve::run(args, lang),
        Command::Keys(args) => commands::keys::run(args, lang),
        Command::Staff(args) => commands::staff::run(args, lang),
        Command::Publish(args) => commands::publish::run(args, lang),
        Command::Audit(args) => commands::audit::run(args, lang),
        Command::Requests(args) => commands::requests::run(args, lang),
        Command::Incident(args) => commands::incident::run(args, lang),
        Command::Report(args) => commands::report::run(args, lang),
        Command::Terminate(args) => commands::terminate::run(args, lang),
        Command::Abroad(args) => commands::abroad::run(args, lang),
        Command::Import(args) => commands::import::run(args, lang),
        Command::Pia(args) => commands::pia::run(args, lang),
        Command::Sweep(args) => commands::sweep::run(args, lang),
        Command::Scan(args) => commands::scan::run(args, lang),
        Command::Schema(args) => commands::schema::run(args),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Flagged) => ExitCode::from(1),
        Ok(Outcome::BadInput) => ExitCode::from(2),
        Err(e) if out::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let prefix = if lang == Lang::ZhCn { "错误" } else { "error" };
            anstream::eprintln!("{prefix}: {e:#}");
            ExitCode::from(2)
        }
    }
}
