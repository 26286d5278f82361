//! `gebao serve`: the run-time server. Configuration is layered: defaults < the file given
//! by `--config` < environment variables (GEBAO_*) < flags. Defaults are safe: listen on
//! 127.0.0.1 only, SQLite in `./gebao-data`, `/metrics` behind an API key.

use super::store_args::{StoreArgs, redact};
use crate::Outcome;
use anyhow::{Context, Result, bail};
use gebao_core::text::Lang;
use gebao_server::ServerConfig;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// A configuration file (TOML): listen, data_dir, database_url, manifest, metrics_public,
    /// calendar, sweep_every, sync_interval_ms, batch_max, body_limit, key_cache_ttl_s.
    #[arg(long, env = "GEBAO_CONFIG")]
    config: Option<PathBuf>,
    /// The manifest, published as policy version 1 when the store has none yet.
    #[arg(long, env = "GEBAO_MANIFEST")]
    manifest: Option<PathBuf>,
    /// Address and port to listen on (default 127.0.0.1:7480).
    #[arg(long, env = "GEBAO_LISTEN")]
    listen: Option<SocketAddr>,
    #[command(flatten)]
    store: StoreArgs,
    /// Serve /metrics without an API key (default: a key with audit:read is required).
    #[arg(long, env = "GEBAO_METRICS_PUBLIC")]
    metrics_public: Option<bool>,
    /// A holiday calendar file (TOML) whose years replace or add to the built-in ones
    /// (docs/deadlines.md).
    #[arg(long, env = "GEBAO_CALENDAR")]
    calendar: Option<PathBuf>,
    /// Apply the manifest's retention rules to the datasets this often, e.g. "1 day" or
    /// "6 hours" (default: never; run `gebao sweep` instead).
    #[arg(long, env = "GEBAO_SWEEP_EVERY", value_parser = parse_every)]
    sweep_every: Option<Duration>,
    /// Serve a manifest even though `gebao check` reports error-level findings in it (it is
    /// refused otherwise).
    #[arg(long, env = "GEBAO_ALLOW_FINDINGS")]
    allow_findings: bool,
    /// The external anchor file the chain heads are appended to (default:
    /// `<data-dir>/anchor.jsonl`; put it where the database's writers cannot reach).
    #[arg(long, env = "GEBAO_ANCHOR")]
    anchor: Option<PathBuf>,
}

/// A schedule in hours, days or weeks, written as in the manifest ("6 hours", "1 day").
fn parse_every(s: &str) -> Result<Duration, String> {
    use gebao_core::duration::{Duration as D, Unit};
    match D::parse(s).map_err(|e| e.to_string())? {
        D::Finite { amount, unit: Unit::Hours } => Ok(Duration::from_secs(u64::from(amount) * 3600)),
        D::Finite { amount, unit: Unit::Days } => Ok(Duration::from_secs(u64::from(amount) * 86_400)),
        D::Finite { amount, unit: Unit::Weeks } => Ok(Duration::from_secs(u64::from(amount) * 7 * 86_400)),
        _ => Err(format!("`{s}`: give the schedule in hours, days or weeks, e.g. \"6 hours\" or \"1 day\"")),
    }
}

/// The configuration file. Every key is optional; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    manifest: Option<PathBuf>,
    metrics_public: Option<bool>,
    sync_interval_ms: Option<u64>,
    calendar: Option<PathBuf>,
    #[serde(default, deserialize_with = "every_from_file")]
    sweep_every: Option<Duration>,
    batch_max: Option<usize>,
    body_limit: Option<usize>,
    key_cache_ttl_s: Option<u64>,
    allow_findings: Option<bool>,
    anchor: Option<PathBuf>,
    /// Where gebao may send anything (`[[egress.destinations]]`, docs/webhooks.md).
    egress: Option<gebao_egress::EgressConfig>,
}

fn every_from_file<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    Option::<String>::deserialize(d)?.map(|s| parse_every(&s).map_err(serde::de::Error::custom)).transpose()
}

fn read_file(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file `{}`", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid configuration file `{}`", path.display()))
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let file = match &args.config {
        Some(p) => read_file(p)?,
        None => FileConfig::default(),
    };
    let store = StoreArgs {
        data_dir: args.store.data_dir.clone().or(file.data_dir.clone()),
        database_url: args.store.database_url.clone().or(file.database_url.clone()),
    };
    let manifest = args.manifest.clone().or(file.manifest.clone());
    if let Some(m) = &manifest
        && !m.exists()
    {
        bail!(if lang == Lang::ZhCn {
            format!("找不到清单文件 `{}`：请用 --manifest 指定，或运行 `gebao init`", m.display())
        } else {
            format!("manifest `{}` not found: pass --manifest, or run `gebao init`", m.display())
        });
    }
    let mut config = ServerConfig::new(store.url(), store.keys()?);
    config.manifest = manifest;
    if let Some(l) = args.listen.or(file.listen) {
        config.listen = l;
    }
    if let Some(p) = args.metrics_public.or(file.metrics_public) {
        config.metrics_public = p;
    }
    if let Some(ms) = file.sync_interval_ms {
        config.sync_interval = Duration::from_millis(ms.max(10));
    }
    if let Some(n) = file.batch_max {
        config.batch_max = n.clamp(1, 10_000);
    }
    if let Some(n) = file.body_limit {
        config.body_limit = n;
    }
    if let Some(s) = file.key_cache_ttl_s {
        config.key_cache_ttl = Duration::from_secs(s);
    }
    config.sweep_interval = args.sweep_every.or(file.sweep_every);
    config.allow_findings = args.allow_findings || file.allow_findings.unwrap_or(false);
    config.anchor =
        Some(args.anchor.or(file.anchor).unwrap_or_else(|| store.data_dir().join(super::store_args::ANCHOR_FILE)));
    if let Some(e) = file.egress {
        config.egress = e;
    }
    if let Some(path) = args.calendar.or(file.calendar) {
        if !path.exists() {
            bail!(if lang == Lang::ZhCn {
                format!("找不到日历文件 `{}`", path.display())
            } else {
                format!("calendar file `{}` not found", path.display())
            });
        }
        config.requests.calendar = Some(path);
    }
    gebao_server::init_logging();
    tracing::info!(listen = %config.listen, database = %redact(&config.database_url), "starting gebao serve");
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(gebao_server::serve(config, gebao_server::shutdown_signal()))
        .context("the server stopped with an error")?;
    Ok(Outcome::Ok)
}
