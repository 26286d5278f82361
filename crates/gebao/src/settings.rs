//! The configuration of `gebao serve`, declared once: each key with its type, default,
//! environment variable, documentation and whether it is a secret ([`KEYS`]; the table in
//! `docs/configuration.md` is generated from it). Layers are merged by `figment`: defaults
//! < the file given by `--config` (TOML) < environment variables < command-line flags.
//! Secrets never appear in `Debug` output or logs.

use anyhow::{Context, Result};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// A configuration key, as documented.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    pub ty: &'static str,
    pub default: &'static str,
    pub env: &'static str,
    pub doc: &'static str,
    pub secret: bool,
}

/// Declares the scalar keys once: the struct, its defaults, the documentation table and
/// the redacting `Debug`.
macro_rules! settings {
    ($( $(#[doc = $doc:literal])* $name:ident : $ty:ty = $default:expr => $shown:literal, $env:literal, secret = $secret:literal; )*) => {
        /// The configuration of `gebao serve` (see [`KEYS`]).
        #[derive(Clone, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct Settings {
            $( $(#[doc = $doc])* pub $name: $ty, )*
            /// Named connections to the operator's databases (`[connections]`, name = URL);
            /// `GEBAO_CONNECTION_<NAME>` overrides one.
            pub connections: BTreeMap<String, String>,
            /// Where gebao may send anything (`[[egress.destinations]]`, docs/webhooks.md).
            /// Never serialised: its secrets leave only towards the destinations.
            #[serde(skip_serializing)]
            pub egress: gebao_egress::EgressConfig,
            /// Where users may have their data sent (`[[portability]]`: `name`, `label`,
            /// `label_en`, `url`); each URL must be allowed by `[[egress.destinations]]`.
            pub portability: Vec<gebao_server::config::PortabilityDestination>,
            /// The consent banner for websites (`[banner]`, docs/banner.md).
            pub banner: BannerSettings,
            /// The SMTP relay for notices by e-mail (`[smtp]`); its password may come from
            /// `GEBAO_SMTP_PASSWORD`. Never serialised with its password.
            pub smtp: Option<gebao_server::config::SmtpConfig>,
        }

        impl Default for Settings {
            fn default() -> Self {
                Settings {
                    $( $name: $default, )*
                    connections: BTreeMap::new(),
                    egress: Default::default(),
                    portability: Vec::new(),
                    banner: BannerSettings::default(),
                    smtp: None,
                }
            }
        }

        /// Every scalar key, for `docs/configuration.md`.
        pub const KEYS: &[Key] = &[$(Key {
            name: stringify!($name),
            ty: stringify!($ty),
            default: $shown,
            env: $env,
            doc: concat!($($doc),*),
            secret: $secret,
        }),*];

        impl std::fmt::Debug for Settings {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut d = f.debug_struct("Settings");
                $(
                    if $secret {
                        d.field(stringify!($name), &"<redacted>");
                    } else {
                        d.field(stringify!($name), &self.$name);
                    }
                )*
                d.field("connections", &self.connections.keys().collect::<Vec<_>>());
                d.field("egress", &self.egress);
                d.field("portability", &self.portability.iter().map(|p| p.name.as_str()).collect::<Vec<_>>());
                d.field("banner", &self.banner);
                d.field("smtp", &self.smtp);
                d.finish()
            }
        }
    };
}

settings! {
    /// Address and port to listen on. Loopback by default: exposing the API is a choice.
    listen: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 7480)) => "127.0.0.1:7480", "GEBAO_LISTEN", secret = false;
    /// Data directory: the SQLite database, the master key (unless GEBAO_MASTER_KEY is set)
    /// and the default anchor file.
    data_dir: PathBuf = PathBuf::from("gebao-data") => "gebao-data", "GEBAO_DATA_DIR", secret = false;
    /// PostgreSQL URL (`postgres://user:password@host/db`); SQLite in the data directory
    /// when absent.
    database_url: Option<String> = None => "SQLite in the data directory", "GEBAO_DATABASE_URL", secret = true;
    /// The manifest, published as policy version 1 when the store has none.
    manifest: Option<PathBuf> = None => "none", "GEBAO_MANIFEST", secret = false;
    /// Serve a manifest with error-level findings of `gebao check` (refused otherwise).
    allow_findings: bool = false => "false", "GEBAO_ALLOW_FINDINGS", secret = false;
    /// Serve `/metrics` without an API key (otherwise a key with `audit:read`).
    metrics_public: bool = false => "false", "GEBAO_METRICS_PUBLIC", secret = false;
    /// A holiday calendar file overriding the built-in one (docs/deadlines.md).
    calendar: Option<PathBuf> = None => "built-in", "GEBAO_CALENDAR", secret = false;
    /// Apply the retention rules this often, e.g. "1 day" or "6 hours" (default: never).
    sweep_every: Option<String> = None => "never", "GEBAO_SWEEP_EVERY", secret = false;
    /// The external anchor file the chain heads are appended to (default
    /// `<data_dir>/anchor.jsonl`; put it where the database's writers cannot reach).
    anchor: Option<PathBuf> = None => "<data_dir>/anchor.jsonl", "GEBAO_ANCHOR", secret = false;
    /// The notifier's webhook (one-time codes, notices to users); must be an egress
    /// destination.
    notifier_url: Option<String> = None => "none", "GEBAO_NOTIFIER_URL", secret = true;
    /// The operator's webhook (cancellation blockers, deadlines); must be an egress
    /// destination.
    operator_webhook: Option<String> = None => "none", "GEBAO_OPERATOR_WEBHOOK", secret = true;
    /// The SMS gateway text messages to users are posted to (incident and termination
    /// notices when the manifest names `sms`); must be an egress destination.
    sms_gateway: Option<String> = None => "none", "GEBAO_SMS_GATEWAY", secret = true;
    /// How often, at most, an instance reads what others sharing the database wrote
    /// (PostgreSQL also wakes it at once).
    sync_interval_ms: u64 = 250 => "250", "GEBAO_SYNC_INTERVAL_MS", secret = false;
    /// The snapshot of the decision state read at start-up instead of the whole ledger: a
    /// file, or `off` (default: `<SQLite file>.memory`; none on PostgreSQL).
    snapshot: Option<String> = None => "<SQLite file>.memory; none on PostgreSQL", "GEBAO_SNAPSHOT", secret = false;
    /// How often the snapshot is written while serving, in seconds (and at shutdown).
    snapshot_every_s: u64 = 600 => "600", "GEBAO_SNAPSHOT_EVERY_S", secret = false;
    /// How many days the change feed keeps a change (at least 1). An instance cut off from
    /// the database for longer, or a snapshot older, cannot catch up and rebuilds from the
    /// database; a longer time keeps more rows (docs/scale.md).
    changes_kept_days: u32 = 7 => "7", "GEBAO_CHANGES_KEPT_DAYS", secret = false;
    /// Records per partition of the ledger and the audit log on PostgreSQL (docs/scale.md),
    /// for the partitions created from now on.
    partition_rows: u32 = 10_000_000 => "10000000", "GEBAO_PARTITION_ROWS", secret = false;
    /// Most consent records committed in one transaction.
    batch_max: usize = 1000 => "1000", "GEBAO_BATCH_MAX", secret = false;
    /// Largest accepted request body, in bytes.
    body_limit: usize = 1024 * 1024 => "1048576", "GEBAO_BODY_LIMIT", secret = false;
    /// How long a resolved API key is kept (revocations reach every instance through the
    /// change feed regardless).
    key_cache_ttl_s: u64 = 300 => "300", "GEBAO_KEY_CACHE_TTL_S", secret = false;
}

/// `[banner]`: the sites whose pages may record visitors' choices through the consent
/// banner, and how many records one client address may make per minute.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BannerSettings {
    /// Exact origins, e.g. `["https://www.example.cn"]`; none by default.
    pub origins: Vec<String>,
    /// Records per client address and minute (default 20).
    pub per_minute: u32,
}

impl Default for BannerSettings {
    fn default() -> Self {
        let d = gebao_server::config::BannerConfig::default();
        BannerSettings { origins: d.origins, per_minute: d.per_minute }
    }
}

impl Settings {
    /// Merges defaults < `file` < the environment < `flags` (only the flags given).
    pub fn load(file: Option<&Path>, flags: &Flags) -> Result<Settings> {
        let mut fig = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = file {
            if !path.exists() {
                anyhow::bail!("the configuration file `{}` does not exist", path.display());
            }
            fig = fig.merge(Toml::file_exact(path));
        }
        let names: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
        fig = fig.merge(Env::prefixed("GEBAO_").only(&names)).merge(Serialized::defaults(flags));
        let what =
            file.map_or_else(|| "the environment".to_owned(), |p| format!("`{}` or the environment", p.display()));
        let mut settings: Settings = fig.extract().with_context(|| format!("invalid configuration in {what}"))?;
        if let (Some(smtp), Ok(pw)) = (settings.smtp.as_mut(), std::env::var("GEBAO_SMTP_PASSWORD")) {
            smtp.password = Some(pw);
        }
        Ok(settings)
    }
}

impl Settings {
    /// The database URL of gebao's own store.
    pub fn store_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| gebao_server::sqlite_url(&self.data_dir))
    }

    /// The working-day calendar: the built-in one, with the operator's file over it.
    pub fn calendar(&self) -> Result<gebao_core::calendar::Calendar> {
        let builtin = gebao_core::calendar::Calendar::builtin();
        let Some(path) = &self.calendar else { return Ok(builtin) };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the calendar file `{}`", path.display()))?;
        let file = gebao_core::calendar::Calendar::from_toml(&text)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("the calendar file `{}` is invalid", path.display()))?;
        Ok(builtin.with_override(file))
    }

    /// The connections to the operator's databases: the file's `[connections]`, overridden
    /// by `GEBAO_CONNECTION_<NAME>`; gebao's own store is refused as one of them.
    pub fn connections(&self, lang: gebao_core::text::Lang) -> Result<gebao_connectors::Connections> {
        Ok(gebao_connectors::Connections::new(self.connections.clone())
            .map_err(|e| anyhow::anyhow!(e.message(lang)))
            .context("invalid [connections]")?
            .overlay(gebao_connectors::Connections::from_env_vars())
            .forbid_store(&self.store_url()))
    }
}

/// Values given on the command line; `None` leaves the lower layers' value.
#[derive(Debug, Default, Serialize)]
pub struct Flags {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_findings: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_public: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep_every: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<PathBuf>,
}

/// The reference table of every key, for `docs/configuration.md`.
pub fn reference() -> String {
    let mut out = String::from("| key | type | default | environment | secret | what |\n|---|---|---|---|---|---|\n");
    for k in KEYS {
        let ty = k.ty.replace(' ', "");
        let default = k.default.replace('|', "\\|");
        let doc = k.doc.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&format!(
            "| `{}` | `{ty}` | {default} | `{}` | {} | {doc} |\n",
            k.name,
            k.env,
            if k.secret { "yes" } else { "" },
        ));
    }
    out.push_str("| `[connections]` | table: name = URL | — | `GEBAO_CONNECTION_<NAME>` | yes | The operator's databases the manifest's `[[datasets]]` name by `connection`. |\n");
    out.push_str("| `[[egress.destinations]]` | `name`, `url`, `secret`, `allow_private` | none | — | `secret` | Where gebao may send anything, each with its signing secret (docs/webhooks.md). |\n");
    out.push_str("| `[[portability]]` | `name`, `label`, `label_en`, `url` | none | — | | The destinations the privacy centre offers for portability requests (PIPL 45), by label; each `url` must be allowed by an egress destination. |\n");
    out.push_str("| `[smtp]` | `host`, `port`, `tls` (`starttls`, `tls`, `none`), `from`, `username`, `password` | none; 587, `starttls` | `GEBAO_SMTP_PASSWORD` | `password` | The SMTP relay incident notices go through by e-mail (docs/incidents.md); `tls = \"none\"` only to a relay on loopback. |\n");
    out.push_str("| `[banner]` | `origins` (exact origins), `per_minute` | none, 20 | — |  | The sites whose pages may record visitors' cookie choices through the consent banner, and the records one client address may make per minute (docs/banner.md). |\n");
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order_and_secrets_stay_hidden() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("gebao.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\nbatch_max = 50\ndatabase_url = \"postgres://gebao:s3cret@db/gebao\"\n\
             [connections]\nshop = \"postgres://app:pw@db/shop\"\n",
        )
        .unwrap();
        let flags = Flags { listen: Some("127.0.0.1:9100".parse().unwrap()), ..Flags::default() };
        let s = Settings::load(Some(&file), &flags).unwrap();
        assert_eq!(s.listen.to_string(), "127.0.0.1:9100", "a flag beats the file");
        assert_eq!(s.batch_max, 50, "the file beats the default");
        assert_eq!(s.sync_interval_ms, 250);
        assert_eq!(s.connections.get("shop").map(String::as_str), Some("postgres://app:pw@db/shop"));
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cret") && !shown.contains("pw@"), "{shown}");
    }

    #[test]
    fn unknown_keys_are_refused_with_their_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("gebao.toml");
        std::fs::write(&file, "listn = \"0.0.0.0:9000\"\n").unwrap();
        let e = format!("{:#}", Settings::load(Some(&file), &Flags::default()).unwrap_err());
        assert!(e.contains("listn"), "{e}");
    }
}
