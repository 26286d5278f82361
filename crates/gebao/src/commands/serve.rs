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
    /// sync_interval_ms, batch_max, body_limit, key_cache_ttl_s.
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
    batch_max: Option<usize>,
    body_limit: Option<usize>,
    key_cache_ttl_s: Option<u64>,
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
    gebao_server::init_logging();
    tracing::info!(listen = %config.listen, database = %redact(&config.database_url), "starting gebao serve");
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(gebao_server::serve(config, gebao_server::shutdown_signal()))
        .context("the server stopped with an error")?;
    Ok(Outcome::Ok)
}
