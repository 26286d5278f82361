//! The state shared by every request, and how a server fills it at start-up: begin reading
//! the snapshot, open the store, migrate, make sure a policy version exists, compile the
//! engine of the version in force, fill the subjects in memory (from the snapshot once it
//! is checked against the database, else from the database), then start the writer, the
//! sync task and the background jobs.

use crate::auth::KeyCache;
use crate::config::{RequestsConfig, ServerConfig};
use crate::memory::Subjects;
use crate::metrics::Metrics;
use crate::requests::datasets::Datasets;
use crate::versions::{self, Current, Policies, PublishError, RefreshError};
use crate::writer::{self, Writer};
use crate::{anchor, deadlines, now_ms, outbox, sweeper, sync};
use gebao_core::calendar::Calendar;
use gebao_store::crypto::Keys;
use gebao_store::{AuditAction, NewAudit, Store, StoreError};
use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("the store has no policy version and no manifest was given: pass --manifest")]
    NoManifest,
    #[error("cannot read the manifest {path}: {source}")]
    ReadManifest { path: String, source: std::io::Error },
    #[error("the manifest {path} is invalid:\n{detail}")]
    InvalidManifest { path: String, detail: String },
    #[error("policy: {0}")]
    Policy(#[from] RefreshError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    #[error("the calendar file {path} is invalid: {detail}")]
    Calendar { path: String, detail: String },
    #[error("outbound destinations: {0}")]
    Egress(String),
    #[error("{0}")]
    Smtp(String),
    #[error(
        "the manifest's datasets name connections this server does not have: {0}; add them to [connections] in the configuration file, or set the variables"
    )]
    Connections(String),
    #[error(
        "the manifest {path} has {count} error-level finding(s) of `gebao check`:\n{detail}\nfix them, or start with --allow-findings to publish it anyway"
    )]
    ManifestFindings { path: String, count: usize, detail: String },
}

/// Everything a request needs. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// The shared state behind [`AppState`].
pub struct Inner {
    pub store: Arc<dyn Store>,
    pub crypto: Keys,
    pub policies: Policies,
    pub subjects: Subjects,
    pub writer: Writer,
    pub keys: KeyCache,
    pub metrics: Metrics,
    pub metrics_public: bool,
    pub body_limit: usize,
    /// Rights requests: webhooks, outbox and deadline settings.
    pub requests: RequestsConfig,
    /// The mainland-China working-day calendar deadlines are counted on.
    pub calendar: Calendar,
    /// Every outbound delivery goes through it: allowlisted destinations only, signed.
    pub egress: Arc<gebao_egress::Egress>,
    /// The operator's databases (the manifest's datasets).
    pub datasets: Datasets,
    /// The consent banner: its sites, its per-address limit, its script.
    pub banner: crate::banner::Banner,
    /// The SMTP relay for notices by e-mail, when `[smtp]` is configured.
    pub mailer: Option<crate::mail::Mailer>,
    /// The end of the service, when announced: decisions and writes read it.
    pub ending: crate::termination::Ending,
    /// Where decisions hand the individuals whose information goes abroad, to be counted.
    pub abroad: crate::abroad::Counter,
    /// The day's provisions to recipients, not yet written.
    pub provisions: crate::provisions::Provisions,
    /// Whether the subjects in memory came from the snapshot or the database (and why).
    pub filled_from: crate::memory::start::Source,
    ready: AtomicBool,
    /// The change feed was pruned past what this instance had read (`sync.rs`).
    behind_feed: AtomicBool,
    stop: watch::Sender<bool>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Whether start-up has finished and shutdown has not begun.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire) && !self.behind_feed.load(Ordering::Acquire)
    }

    /// Takes the instance out of service (`/readyz` answers 503) because the change feed
    /// lacks changes it had not read (pruned past it): it may have missed a registration, a
    /// restriction or an erasure. The sync task then rebuilds its state from the database
    /// and puts it back in service ([`AppState::back_in_step`]). Logged once.
    pub fn fell_behind_the_feed(&self, read_to: i64, first_kept: i64) {
        if !self.behind_feed.swap(true, Ordering::AcqRel) {
            tracing::error!(
                read_to,
                first_kept,
                "the change feed lacks changes this instance had not read (pruned while it was cut off from the \
                 database for longer than the feed is kept, or deleted): it leaves service (/readyz 503) and \
                 rebuilds its state from the database"
            );
        }
    }

    /// Whether the instance fell behind the change feed and has not yet rebuilt its state.
    pub fn is_behind_the_feed(&self) -> bool {
        self.behind_feed.load(Ordering::Acquire)
    }

    /// The state was rebuilt from the database and has caught up: back in service.
    pub fn back_in_step(&self) {
        self.behind_feed.store(false, Ordering::Release);
    }

    /// Stops the background tasks: the writer commits what is queued, then both end.
    /// Call after the HTTP server has drained its requests.
    pub async fn shutdown(&self) {
        self.ready.store(false, Ordering::Release);
        let _ = self.stop.send(true);
        let tasks = std::mem::take(&mut *self.tasks.lock().await);
        for t in tasks {
            if let Err(e) = t.await {
                tracing::error!(error = %e, "background task failed");
            }
        }
    }
}

/// Opens the store and fills the state; see the module doc for the steps.
pub async fn build(config: &ServerConfig) -> Result<AppState, ServerError> {
    let started = Instant::now();
    // The snapshot is read from now on, while the store opens, migrates and compiles the
    // policy; it is used only once found to be of this database as it is.
    let snapshot = crate::memory::start::Reading::begin(&config.keys, config.snapshot_path().as_deref());
    let store: Arc<dyn Store> =
        Arc::from(gebao_store::open_with(&config.database_url, config.keys.clone(), config.partition_rows).await?);
    store.migrate().await?;
    ensure_first_version(store.as_ref(), config).await?;
    let metas = store.policy_versions().await?;
    let version = versions::in_force(&metas, versions::today()).ok_or(RefreshError::NoVersion)?;
    let stored = store.policy_version(version).await?.ok_or(RefreshError::NoVersion)?;
    let calendar = load_calendar(config)?;
    let current = Current::compile(&stored, &metas, &calendar).map_err(RefreshError::from)?;
    warn_if_manifest_differs(config, &current);
    // The positions of the ledger and the change feed come from the same snapshot as the
    // subjects: what is written after it is read by the sync task, nothing is lost.
    let (subjects, cursors, filled_from) = crate::memory::start::fill(store.as_ref(), snapshot).await?;
    match &filled_from {
        crate::memory::start::Source::Snapshot => {
            tracing::info!(subjects = subjects.len(), "decision state read from the snapshot")
        }
        crate::memory::start::Source::Database(why) => {
            tracing::info!(reason = %why, subjects = subjects.len(), "decision state read from the database")
        }
    }
    let egress = build_egress(config)?;
    let mailer = match &config.requests.smtp {
        Some(c) => Some(crate::mail::Mailer::new(c).map_err(ServerError::Smtp)?),
        None => None,
    };
    let (stop, stop_rx) = watch::channel(false);
    let (writer, writer_rx) = Writer::channel(config.queue_capacity);
    let (abroad, abroad_rx) = crate::abroad::Counter::channel();
    let state = AppState(Arc::new(Inner {
        store,
        crypto: config.keys.clone(),
        policies: Policies::new(current, metas, calendar.clone()),
        subjects,
        writer,
        keys: KeyCache::new(config.key_cache_ttl),
        metrics: Metrics::new(),
        metrics_public: config.metrics_public,
        body_limit: config.body_limit,
        requests: config.requests.clone(),
        calendar,
        egress,
        datasets: Datasets::default(),
        banner: crate::banner::Banner::new(&config.banner),
        mailer,
        ending: crate::termination::Ending::default(),
        abroad,
        provisions: crate::provisions::Provisions::default(),
        filled_from,
        ready: AtomicBool::new(false),
        behind_feed: AtomicBool::new(false),
        stop,
        tasks: Mutex::new(Vec::new()),
    }));
    crate::termination::refresh(&state).await?;
    let mut cursors = cursors;
    sync::catch_up(&state, &mut cursors).await;
    let w = tokio::spawn(writer::run(state.clone(), writer_rx, stop_rx.clone(), config.batch_max));
    let saving = config.snapshot_path().map(|path| sync::Saving { path, every: config.snapshot_interval });
    let following = sync::Following { every: config.sync_interval, changes_kept: config.changes_kept };
    let s = tokio::spawn(sync::run(state.clone(), cursors, following, saving, stop_rx.clone()));
    let o = tokio::spawn(outbox::run(state.clone(), stop_rx.clone()));
    let d = tokio::spawn(deadlines::run(state.clone(), stop_rx.clone()));
    let a = tokio::spawn(crate::abroad::run(state.clone(), abroad_rx, stop_rx.clone()));
    let p = tokio::spawn(crate::provisions::run(state.clone(), stop_rx.clone()));
    state.tasks.lock().await.extend([w, s, o, d, a, p]);
    if let Some(path) = config.anchor.clone() {
        state.tasks.lock().await.push(tokio::spawn(anchor::run(state.clone(), path, stop_rx.clone())));
    }
    if let Some(every) = config.sweep_interval {
        state.tasks.lock().await.push(tokio::spawn(sweeper::run(state.clone(), every, stop_rx)));
    }
    for w in versions::runtime_warnings(&state, &state.policies.current().manifest) {
        tracing::warn!(path = %w.path, "{}", w.message_en);
    }
    let missing = crate::requests::datasets::missing(&state, &state.policies.current().manifest);
    if !missing.is_empty() {
        state.shutdown().await;
        return Err(ServerError::Connections(missing.join(", ")));
    }
    state.tasks.lock().await.push(tokio::spawn(crate::requests::datasets::check_in_background(state.clone())));
    state.ready.store(true, Ordering::Release);
    tracing::info!(
        engine = ?state.store.engine(),
        policy_version = version,
        subjects = state.subjects.len(),
        ms = started.elapsed().as_millis() as u64,
        "ready"
    );
    Ok(state)
}

/// The outbound deliveries, checked at start: the notifier and the operator's webhook must
/// be allowlisted destinations, or nothing could ever reach them.
fn build_egress(config: &ServerConfig) -> Result<Arc<gebao_egress::Egress>, ServerError> {
    let egress = gebao_egress::Egress::new(&config.egress).map_err(|e| ServerError::Egress(e.to_string()))?;
    for (what, url) in [
        ("notifier", &config.requests.notifier_url),
        ("operator webhook", &config.requests.operator_webhook),
        ("SMS gateway", &config.requests.sms_gateway),
    ] {
        if let Some(url) = url {
            egress.check(url).map_err(|e| ServerError::Egress(format!("the {what}: {} ({})", e.en(), e.code())))?;
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for d in &config.requests.portability {
        if d.name.trim().is_empty() || d.label.trim().is_empty() || !names.insert(d.name.as_str()) {
            return Err(ServerError::Egress(format!(
                "portability destination `{}`: needs a unique name and a label",
                d.name
            )));
        }
        egress.check(&d.url).map_err(|e| {
            ServerError::Egress(format!("portability destination `{}`: {} ({})", d.name, e.en(), e.code()))
        })?;
    }
    Ok(Arc::new(egress))
}

/// The built-in calendar, with the operator's calendar file over it when configured (a
/// newer year's holiday notice before a release ships it).
fn load_calendar(config: &ServerConfig) -> Result<Calendar, ServerError> {
    let builtin = Calendar::builtin();
    let Some(path) = &config.requests.calendar else { return Ok(builtin) };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ServerError::Calendar { path: shown.clone(), detail: e.to_string() })?;
    let file = Calendar::from_toml(&text).map_err(|e| ServerError::Calendar { path: shown, detail: e.to_string() })?;
    Ok(builtin.with_override(file))
}

/// Publishes the configured manifest as version 1 when the store has none (once, however
/// many instances start together). A manifest with error-level findings of `gebao check`
/// is refused unless `allow_findings`.
async fn ensure_first_version(store: &dyn Store, config: &ServerConfig) -> Result<(), ServerError> {
    if !store.policy_versions().await?.is_empty() {
        return Ok(());
    }
    let path = config.manifest.as_ref().ok_or(ServerError::NoManifest)?;
    let shown = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|source| ServerError::ReadManifest { path: shown.clone(), source })?;
    let (manifest, version) = versions::prepare(None, &text, None, now_ms()).map_err(|e| invalid(&shown, e))?;
    if !config.allow_findings {
        let errors = versions::blocking_findings(&manifest, &text);
        if !errors.is_empty() {
            let detail =
                errors.iter().map(|f| format!("- {} {}: {}", f.rule, f.path, f.message_en)).collect::<Vec<_>>();
            return Err(ServerError::ManifestFindings { path: shown, count: errors.len(), detail: detail.join("\n") });
        }
    }
    let audit = NewAudit {
        actor: "system".into(),
        action: AuditAction::PolicyPublish,
        target: String::new(),
        reason: Some("first start: the manifest becomes policy version 1".into()),
        detail: serde_json::json!({ "effective": version.effective, "major": false }),
        at_ms: now_ms(),
    };
    match store.publish_first_policy(version, audit).await? {
        Some(v) => {
            tracing::info!(version = v.version, manifest = %shown, "published the manifest as the first policy version")
        }
        None => tracing::info!("another instance published the first policy version"),
    }
    Ok(())
}

fn invalid(path: &str, e: PublishError) -> ServerError {
    let detail = match &e {
        PublishError::Manifest(le) => {
            le.diagnostics().iter().map(|d| format!("- {}: {}", d.code, d.message_en)).collect::<Vec<_>>().join("\n")
        }
        other => other.to_string(),
    };
    ServerError::InvalidManifest { path: path.to_owned(), detail }
}

/// A manifest file that differs from the version in force is not published silently:
/// publishing is a deliberate act with a diff and an effective date.
fn warn_if_manifest_differs(config: &ServerConfig, current: &Current) {
    let Some(path) = &config.manifest else { return };
    let Ok(text) = std::fs::read_to_string(path) else { return };
    match gebao_core::load_manifest(&text) {
        Ok(m) if m != current.manifest => tracing::warn!(
            manifest = %path.display(),
            version = current.version,
            "the manifest file differs from the policy version in force; publish it with `gebao publish` or POST /v1/policy/versions"
        ),
        _ => {}
    }
}

/// An audit entry stamped now (PIPL 51, 55). Every write route passes one to the store
/// call that makes the write, so both commit in one transaction.
pub fn audit(
    actor: String,
    action: AuditAction,
    target: String,
    reason: Option<String>,
    detail: serde_json::Value,
) -> NewAudit {
    NewAudit { actor, action, target, reason, detail, at_ms: now_ms() }
}
