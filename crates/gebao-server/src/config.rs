//! How a server is configured. The CLI (`gebao serve`) fills this from its file, environment
//! and flags; tests fill it directly. Defaults are the safe ones: listen on loopback only,
//! `/metrics` behind an API key.

use gebao_store::crypto::Keys;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// File name of the SQLite database inside the data directory.
pub const SQLITE_FILE: &str = "gebao.db";

/// Everything `serve` needs. Secrets never appear in `Debug` output: `Keys` and the egress
/// secrets redact themselves, the database URL is shown without its password, and the
/// webhook URLs without their query strings (they may carry tokens).
#[derive(Clone)]
pub struct ServerConfig {
    /// Where to listen; default `127.0.0.1:7480` (loopback: exposing the API is a choice).
    pub listen: SocketAddr,
    /// `sqlite://…` (or a plain file path) or `postgres://…`.
    pub database_url: String,
    /// The manifest published as policy version 1 when the store has no version yet.
    /// Later versions are published with `POST /v1/policy/versions` or `gebao publish`.
    pub manifest: Option<PathBuf>,
    /// The keys that encrypt contact points and compute their blind index.
    pub keys: Keys,
    /// Largest accepted request body (larger ones get 413).
    pub body_limit: usize,
    /// How often an instance reads the ledger and audit log for writes made by other
    /// instances sharing the database: the bound on how stale a decision can be.
    pub sync_interval: Duration,
    /// The snapshot of the decision state in memory, read at start-up instead of the whole
    /// ledger. `None`: next to the SQLite file (`<file>.memory`); none on PostgreSQL unless
    /// set. [`ServerConfig::snapshot_path`] resolves it.
    pub snapshot: Option<Snapshot>,
    /// How often the snapshot is written while serving (and always at shutdown).
    pub snapshot_interval: Duration,
    /// How long the change feed keeps a change before an instance prunes it.
    pub changes_kept: Duration,
    /// Records per partition of the ledger and the audit log on PostgreSQL, for the
    /// partitions created from now on (`None`: 10,000,000).
    pub partition_rows: Option<std::num::NonZeroU32>,
    /// Most consent records committed in one transaction by the group-commit writer.
    pub batch_max: usize,
    /// Requests waiting for the writer before new ones wait for room (back-pressure).
    pub queue_capacity: usize,
    /// How long a resolved API key is kept before it is looked up again. Revocations do not
    /// wait for it: the change feed empties the cache on every instance within the sync
    /// interval.
    pub key_cache_ttl: Duration,
    /// Serve `/metrics` without an API key. Off by default: the metrics then need a key
    /// with the `audit:read` scope (Prometheus sends it as `authorization.credentials`).
    pub metrics_public: bool,
    /// Rights requests: the notifier, the operator's webhook, the outbox and deadline jobs.
    pub requests: RequestsConfig,
    /// How often the manifest's retention rules are applied to the datasets (the scheduled
    /// `gebao sweep`); `None` (the default) leaves sweeping to the command. Instances
    /// sharing a database sweep once per interval between them.
    pub sweep_interval: Option<Duration>,
    /// Serve (and publish as the first version) a manifest with error-level findings of
    /// `gebao check`. Off by default: such a manifest is refused at start.
    pub allow_findings: bool,
    /// Where gebao may send anything: the allowlist of destinations with their signing
    /// secrets (`gebao-egress`). Empty by default: nothing leaves until it is configured.
    pub egress: gebao_egress::EgressConfig,
    /// The external anchor file the chain heads are appended to (see `gebao audit verify
    /// --anchor`); `None` disables anchoring.
    pub anchor: Option<PathBuf>,
    /// The consent banner for websites: which sites may record their visitors' choices.
    pub banner: BannerConfig,
}

/// `[banner]`: the public route the consent banner records visitors' choices through
/// (`POST /v1/banner/consents`). No origin by default: the script is served, but nothing is
/// recorded until the operator names its sites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BannerConfig {
    /// The sites allowed to record choices, as exact origins (`https://www.example.cn`):
    /// a request from any other origin, or with none, is refused (403), and only these get
    /// an answer to a CORS preflight.
    pub origins: Vec<String>,
    /// Records accepted per client address and minute (each request records at most one
    /// choice per cookie category); more get 429.
    pub per_minute: u32,
}

impl Default for BannerConfig {
    fn default() -> Self {
        BannerConfig { origins: Vec::new(), per_minute: 20 }
    }
}

/// Environment variable: the notifier's webhook (one-time codes, notices to users).
pub const NOTIFIER_URL_ENV: &str = "GEBAO_NOTIFIER_URL";
/// Environment variable: the operator's webhook (cancellation blockers, deadline notices).
pub const OPERATOR_WEBHOOK_ENV: &str = "GEBAO_OPERATOR_WEBHOOK";
pub const SMS_GATEWAY_ENV: &str = "GEBAO_SMS_GATEWAY";

/// How rights requests reach people and systems outside gebao, and how often the
/// background jobs run. `Debug` redacts the webhook URLs.
#[derive(Clone)]
pub struct RequestsConfig {
    /// Webhook that delivers messages to users (one-time codes, notices): it receives
    /// `{"kind", "to": {"phone"|"email"}, "message": {"zh-CN", "en"}, …}` as JSON.
    pub notifier_url: Option<String>,
    /// The operator's backend: asked for cancellation blockers (PIPL 47; seed 002's paid
    /// plan) and told of deadlines.
    pub operator_webhook: Option<String>,
    /// The SMS gateway (docs/incidents.md): each text message to a user is posted to it as
    /// `{"kind": "sms", "purpose", "to", "text", "params"}`, signed like every delivery; the
    /// operator's adapter sends it through its SMS provider.
    pub sms_gateway: Option<String>,
    /// How often the outbox is polled for due deliveries.
    pub outbox_interval: Duration,
    /// How long a claimed delivery is held before another instance may retry it.
    pub outbox_lease: Duration,
    /// First retry delay; doubles per attempt up to `outbox_backoff_cap`.
    pub outbox_backoff: Duration,
    pub outbox_backoff_cap: Duration,
    /// Attempts before an item is given up (and shown as failed on its request).
    pub outbox_max_attempts: u32,
    /// Timeout of one webhook call.
    pub webhook_timeout: Duration,
    /// How often the deadline monitor looks for requests due soon or overdue.
    pub deadline_interval: Duration,
    /// How long a one-time code stays valid.
    pub otp_ttl: Duration,
    /// An operator calendar file (TOML) overriding the built-in holidays (next year's
    /// State Council notice before a new release has it).
    pub calendar: Option<PathBuf>,
    /// The URLs of the connections the datasets name (the server's configuration, never the
    /// manifest); when `None`, the environment's
    /// `GEBAO_CONNECTION_<NAME>` variables. `Debug` shows no URL.
    pub connections: Option<gebao_connectors::Connections>,
    /// Where users may have their data sent (PIPL 45): the destinations the privacy
    /// centre's portability form offers by name. Each URL must be allowed by the egress
    /// allowlist (checked at start). Empty by default: the form is not offered.
    pub portability: Vec<PortabilityDestination>,
    /// The SMTP relay notices to individuals go through by e-mail (`[smtp]`); none by
    /// default (then only the notifier tells people).
    pub smtp: Option<SmtpConfig>,
}

/// How the SMTP relay is reached (`[smtp]`). Its password is a secret, never shown.
#[derive(Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// The relay's host name.
    pub host: String,
    /// Its port (default 587).
    #[serde(default = "SmtpConfig::default_port")]
    pub port: u16,
    /// `starttls` (default), `tls` (implicit, port 465) or `none` — only to a relay on this
    /// machine (loopback): personal information never crosses a network in clear.
    #[serde(default = "SmtpConfig::default_tls")]
    pub tls: String,
    /// The sender, e.g. `"示例社区 <privacy@example.cn>"`.
    pub from: String,
    #[serde(default)]
    pub username: Option<String>,
    /// The password (or `GEBAO_SMTP_PASSWORD`).
    #[serde(default)]
    pub password: Option<String>,
}

impl SmtpConfig {
    fn default_port() -> u16 {
        587
    }
    fn default_tls() -> String {
        "starttls".into()
    }
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A destination for portability requests (PIPL 45), offered to users by its label; the
/// form posts its `name`, never a URL.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PortabilityDestination {
    /// A short name, unique in the list: what the form posts.
    pub name: String,
    /// What the user reads, in Chinese.
    pub label: String,
    /// What the user reads, in English (the Chinese label when absent).
    #[serde(default)]
    pub label_en: Option<String>,
    /// Where the copy is sent: an egress destination must allow it.
    pub url: String,
}

impl RequestsConfig {
    /// The defaults, with the webhooks from `GEBAO_NOTIFIER_URL` and
    /// `GEBAO_OPERATOR_WEBHOOK` when set.
    pub fn from_env() -> Self {
        let env = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        RequestsConfig {
            notifier_url: env(NOTIFIER_URL_ENV),
            operator_webhook: env(OPERATOR_WEBHOOK_ENV),
            sms_gateway: env(SMS_GATEWAY_ENV),
            outbox_interval: Duration::from_millis(500),
            outbox_lease: Duration::from_secs(60),
            outbox_backoff: Duration::from_secs(5),
            outbox_backoff_cap: Duration::from_secs(3600),
            outbox_max_attempts: 10,
            webhook_timeout: Duration::from_secs(10),
            deadline_interval: Duration::from_secs(60),
            otp_ttl: Duration::from_secs(600),
            calendar: None,
            connections: None,
            portability: Vec::new(),
            smtp: None,
        }
    }
}

impl ServerConfig {
    /// A configuration with the defaults, for a database URL and keys.
    pub fn new(database_url: impl Into<String>, keys: Keys) -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 7480)),
            database_url: database_url.into(),
            manifest: None,
            keys,
            body_limit: 1024 * 1024,
            sync_interval: Duration::from_millis(250),
            snapshot: None,
            snapshot_interval: Duration::from_secs(600),
            changes_kept: crate::sync::CHANGES_KEPT,
            partition_rows: None,
            batch_max: 1000,
            queue_capacity: 16 * 1024,
            key_cache_ttl: Duration::from_secs(300),
            metrics_public: false,
            requests: RequestsConfig::from_env(),
            sweep_interval: None,
            allow_findings: false,
            egress: gebao_egress::EgressConfig::default(),
            anchor: None,
            banner: BannerConfig::default(),
        }
    }

    /// The defaults for a data directory: its SQLite file and its master key
    /// (`GEBAO_MASTER_KEY`, else `<dir>/master.key`, created when missing).
    pub fn for_data_dir(dir: &Path) -> Result<Self, gebao_store::StoreError> {
        let keys = Keys::load_or_create(dir)?;
        Ok(ServerConfig::new(sqlite_url(dir), keys))
    }
}

/// Where the snapshot of the decision state is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Snapshot {
    /// This file.
    File(PathBuf),
    /// None: every start reads the database.
    Off,
}

impl ServerConfig {
    /// The snapshot file: the configured one, else `<SQLite file>.memory`; none on
    /// PostgreSQL unless configured (each instance keeps its own, on its own disk), nor for
    /// an in-memory SQLite database.
    pub fn snapshot_path(&self) -> Option<PathBuf> {
        match &self.snapshot {
            Some(Snapshot::File(p)) => Some(p.clone()),
            Some(Snapshot::Off) => None,
            None => gebao_store::sqlite_file(&self.database_url).map(|file| {
                let mut name = file.into_os_string();
                name.push(".memory");
                PathBuf::from(name)
            }),
        }
    }
}

/// The SQLite URL of a data directory.
pub fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join(SQLITE_FILE).display())
}

/// A URL without its password, query string or fragment, for logs and `Debug`.
pub fn redact_url(url: &str) -> String {
    let no_query = url.split(['?', '#']).next().unwrap_or_default();
    match (no_query.find("://"), no_query.rfind('@')) {
        (Some(s), Some(at)) if at > s => match no_query[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &no_query[..s + 3], &no_query[at..]),
            None => no_query.to_owned(),
        },
        _ => no_query.to_owned(),
    }
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("manifest", &self.manifest)
            .field("keys", &self.keys)
            .field("body_limit", &self.body_limit)
            .field("sync_interval", &self.sync_interval)
            .field("snapshot", &self.snapshot)
            .field("snapshot_interval", &self.snapshot_interval)
            .field("changes_kept", &self.changes_kept)
            .field("partition_rows", &self.partition_rows)
            .field("batch_max", &self.batch_max)
            .field("queue_capacity", &self.queue_capacity)
            .field("key_cache_ttl", &self.key_cache_ttl)
            .field("metrics_public", &self.metrics_public)
            .field("requests", &self.requests)
            .field("sweep_interval", &self.sweep_interval)
            .field("allow_findings", &self.allow_findings)
            .field("egress", &self.egress)
            .field("anchor", &self.anchor)
            .finish()
    }
}

impl std::fmt::Debug for RequestsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestsConfig")
            .field("notifier_url", &self.notifier_url.as_deref().map(redact_url))
            .field("operator_webhook", &self.operator_webhook.as_deref().map(redact_url))
            .field("sms_gateway", &self.sms_gateway.as_deref().map(redact_url))
            .field("outbox_interval", &self.outbox_interval)
            .field("otp_ttl", &self.otp_ttl)
            .field("calendar", &self.calendar)
            .field("connections", &self.connections)
            .field("portability", &self.portability.iter().map(|d| d.name.as_str()).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snapshot_lies_beside_the_sqlite_file_the_store_opens() {
        let at = |url: &str| ServerConfig::new(url, Keys::from_master(&[1; 32])).snapshot_path();
        let beside = Some(PathBuf::from("/var/lib/gebao/gebao.db.memory"));
        assert_eq!(at("sqlite:///var/lib/gebao/gebao.db"), beside);
        assert_eq!(at("sqlite:///var/lib/gebao/gebao.db?mode=rwc"), beside);
        assert_eq!(at("/var/lib/gebao/gebao.db"), beside);
        assert_eq!(at("postgres://gebao@db/gebao"), None, "PostgreSQL: only when configured");
        assert_eq!(at("postgresql://gebao@db/gebao"), None);
        assert_eq!(at("sqlite::memory:"), None);
        let mut c = ServerConfig::new("postgres://gebao@db/gebao", Keys::from_master(&[1; 32]));
        c.snapshot = Some(Snapshot::File("/srv/state.memory".into()));
        assert_eq!(c.snapshot_path(), Some(PathBuf::from("/srv/state.memory")));
        c.database_url = "sqlite:///var/lib/gebao/gebao.db".into();
        c.snapshot = Some(Snapshot::Off);
        assert_eq!(c.snapshot_path(), None);
    }

    #[test]
    fn debug_shows_no_secret() {
        let mut c = ServerConfig::new("postgres://gebao:s3cret@db:5432/gebao", Keys::from_master(&[1; 32]));
        c.requests.notifier_url = Some("https://notify.example.cn/hook?token=abc123".into());
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret") && !shown.contains("abc123"), "{shown}");
        assert!(shown.contains("postgres://gebao:***@db:5432/gebao"), "{shown}");
    }
}
