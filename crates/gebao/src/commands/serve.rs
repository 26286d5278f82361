//! `gebao serve`: the run-time server. Configuration is declared once (`crate::settings`)
//! and layered: defaults < the file given by `--config` < environment variables (GEBAO_*) <
//! flags. Defaults are safe: listen on 127.0.0.1 only, SQLite in `./gebao-data`, `/metrics`
//! behind an API key, nothing sent anywhere until egress destinations are configured.

use super::store_args::{StoreArgs, redact};
use crate::Outcome;
use crate::settings::{Flags, Settings};
use anyhow::{Context, Result, bail};
use gebao_core::text::Lang;
use gebao_server::ServerConfig;
use gebao_store::crypto::Keys;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// A configuration file (TOML; every key in docs/configuration.md).
    #[arg(long, env = "GEBAO_CONFIG")]
    config: Option<PathBuf>,
    /// The manifest, published as policy version 1 when the store has none yet.
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// Address and port to listen on (default 127.0.0.1:7480).
    #[arg(long)]
    listen: Option<SocketAddr>,
    #[command(flatten)]
    store: StoreArgs,
    /// Serve /metrics without an API key (default: a key with audit:read is required).
    #[arg(long)]
    metrics_public: Option<bool>,
    /// A holiday calendar file (TOML) whose years replace or add to the built-in ones
    /// (docs/deadlines.md).
    #[arg(long)]
    calendar: Option<PathBuf>,
    /// Apply the manifest's retention rules to the datasets this often, e.g. "1 day" or
    /// "6 hours" (default: never; run `gebao sweep` instead).
    #[arg(long)]
    sweep_every: Option<String>,
    /// Serve a manifest even though `gebao check` reports error-level findings in it (it is
    /// refused otherwise).
    #[arg(long)]
    allow_findings: bool,
    /// The external anchor file the chain heads are appended to (default:
    /// `<data-dir>/anchor.jsonl`; put it where the database's writers cannot reach).
    #[arg(long)]
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

/// The server's configuration from the settings.
fn server_config(s: &Settings, lang: Lang) -> Result<ServerConfig> {
    if let Some(m) = &s.manifest
        && !m.exists()
    {
        bail!(if lang == Lang::ZhCn {
            format!("找不到清单文件 `{}`：请用 --manifest 指定，或运行 `gebao init`", m.display())
        } else {
            format!("manifest `{}` not found: pass --manifest, or run `gebao init`", m.display())
        });
    }
    std::fs::create_dir_all(&s.data_dir)
        .with_context(|| format!("cannot create the data directory `{}` (set --data-dir)", s.data_dir.display()))?;
    let keys = Keys::load_or_create(&s.data_dir)
        .with_context(|| format!("cannot read or create the master key in `{}`", s.data_dir.display()))?;
    let url = s.store_url();
    let mut config = ServerConfig::new(url.clone(), keys);
    config.manifest = s.manifest.clone();
    config.listen = s.listen;
    config.metrics_public = s.metrics_public;
    config.sync_interval = Duration::from_millis(s.sync_interval_ms.max(10));
    config.batch_max = s.batch_max.clamp(1, 10_000);
    config.snapshot = s.snapshot.as_deref().map(|v| match v.trim() {
        "off" | "none" | "" => gebao_server::config::Snapshot::Off,
        path => gebao_server::config::Snapshot::File(path.into()),
    });
    config.snapshot_interval = Duration::from_secs(s.snapshot_every_s.max(1));
    if s.changes_kept_days == 0 {
        bail!(if lang == Lang::ZhCn {
            "changes_kept_days 不能为 0：变更记录至少保留 1 天，否则其他实例来不及读取（默认 7）"
        } else {
            "changes_kept_days cannot be 0: the change feed must keep a change at least 1 day for the other instances to read it (default 7)"
        });
    }
    config.changes_kept = Duration::from_secs(u64::from(s.changes_kept_days) * 24 * 3600);
    config.partition_rows = std::num::NonZeroU32::new(s.partition_rows);
    config.body_limit = s.body_limit;
    config.key_cache_ttl = Duration::from_secs(s.key_cache_ttl_s);
    config.sweep_interval = s.sweep_every.as_deref().map(parse_every).transpose().map_err(anyhow::Error::msg)?;
    config.allow_findings = s.allow_findings;
    config.anchor = Some(s.anchor.clone().unwrap_or_else(|| s.data_dir.join(super::store_args::ANCHOR_FILE)));
    config.egress = s.egress.clone();
    config.banner = gebao_server::config::BannerConfig {
        origins: s.banner.origins.iter().map(|o| o.trim_end_matches('/').to_owned()).collect(),
        per_minute: s.banner.per_minute.max(1),
    };
    config.requests.notifier_url = s.notifier_url.clone();
    config.requests.operator_webhook = s.operator_webhook.clone();
    config.requests.sms_gateway = s.sms_gateway.clone();
    config.requests.portability = s.portability.clone();
    config.requests.smtp = s.smtp.clone();
    // Connections come from this configuration only, never from a published manifest; the
    // environment overrides the file; gebao's own store is never one of them.
    config.requests.connections = Some(s.connections(lang)?);
    if let Some(path) = &s.calendar {
        if !path.exists() {
            bail!(if lang == Lang::ZhCn {
                format!("找不到日历文件 `{}`", path.display())
            } else {
                format!("calendar file `{}` not found", path.display())
            });
        }
        config.requests.calendar = Some(path.clone());
    }
    Ok(config)
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let flags = Flags {
        listen: args.listen,
        data_dir: args.store.data_dir.clone(),
        database_url: args.store.database_url.clone(),
        manifest: args.manifest.clone(),
        allow_findings: args.allow_findings.then_some(true),
        metrics_public: args.metrics_public,
        calendar: args.calendar.clone(),
        sweep_every: args.sweep_every.clone(),
        anchor: args.anchor.clone(),
    };
    let settings = Settings::load(args.config.as_deref(), &flags)?;
    let config = server_config(&settings, lang)?;
    gebao_server::init_logging();
    tracing::info!(listen = %config.listen, database = %redact(&config.database_url), "starting gebao serve");
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(gebao_server::serve(config, gebao_server::shutdown_signal()))
        .context("the server stopped with an error")?;
    Ok(Outcome::Ok)
}
