//! Publishing a policy version, one path for the API (`POST /v1/policy/versions`) and the
//! console's publish page: the manifest is loaded, checked (error-level findings block it
//! unless allowed), its datasets' connections must be configured here, the change from the
//! latest version is classified (CHG-01/CHG-02), and the version is stored with its audit
//! entry in one commit. [`propose`] writes nothing, so the console can show what will happen
//! before anyone confirms.

use crate::routes::Warning;
use crate::state::{AppState, audit};
use crate::versions::{self, PublishError};
use chrono::NaiveDate;
use gebao_core::Manifest;
use gebao_core::rules::{Finding, Severity};
use gebao_store::{AuditAction, NewPolicyVersion, PolicyVersion, StoreError};

/// A manifest ready to publish, and everything known about it before it is.
pub struct Proposal {
    /// The manifest's TOML text, as it will be stored.
    pub text: String,
    pub manifest: Manifest,
    pub version: NewPolicyVersion,
    /// The latest published version it was compared with (none before the first).
    pub base: Option<i64>,
    /// Every finding of `gebao check`; those of severity `error` block publishing.
    pub findings: Vec<Finding>,
    /// What this server cannot carry out (deletion webhooks that are not allowed
    /// destinations): reported, not blocking.
    pub warnings: Vec<Warning>,
}

impl Proposal {
    /// The number the version will get.
    pub fn number(&self) -> i64 {
        self.base.map_or(1, |b| b + 1)
    }

    /// The findings that keep it from being published without `allow_findings`.
    pub fn blocking(&self) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Error).collect()
    }
}

/// Why a manifest was not published. Nothing was written.
#[derive(Debug)]
pub enum Refusal {
    /// It does not load: syntax or schema, with the loader's diagnostics.
    Invalid(gebao_core::LoadError),
    /// `gebao check` reports error-level findings and they were not allowed.
    Findings(Vec<Finding>),
    /// Its datasets name connections this server does not have (each with its variable).
    ConnectionsMissing(Vec<String>),
    /// Another version was published since the proposal was made: its diff would be wrong.
    Moved { base: Option<i64>, latest: Option<i64> },
    /// The store failed, or a stored version does not load.
    Failed(String),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Failed(e.to_string())
    }
}

/// What `text` would publish, effective on `effective` (the manifest's date, else today):
/// its findings, its diff to the latest version, whether the change is major and which
/// purposes ask for consent again. Refuses only what cannot be published at all (an invalid
/// manifest, missing connections); blocking findings are in the proposal for the caller.
pub async fn propose(state: &AppState, text: &str, effective: Option<NaiveDate>) -> Result<Proposal, Refusal> {
    let previous = state.store.latest_policy().await?;
    let prev_manifest = match &previous {
        Some(p) => Some(
            gebao_core::load_manifest(&p.body.manifest)
                .map_err(|e| Refusal::Failed(format!("stored version {}: {e}", p.version)))?,
        ),
        None => None,
    };
    let (manifest, version) =
        versions::prepare(prev_manifest.as_ref(), text, effective, crate::now_ms()).map_err(|e| match e {
            PublishError::Manifest(e) => Refusal::Invalid(e),
            PublishError::Previous(e) => Refusal::Failed(e),
        })?;
    let missing = crate::requests::datasets::missing(state, &manifest);
    if !missing.is_empty() {
        return Err(Refusal::ConnectionsMissing(missing));
    }
    let findings = gebao_core::rules::check(&manifest, Some(text));
    let warnings = versions::runtime_warnings(state, &manifest);
    Ok(Proposal { text: text.to_owned(), manifest, version, base: previous.map(|p| p.version), findings, warnings })
}

/// The line and column (both from 1, columns in characters) of byte `offset` in `src`.
pub fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let before = src.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A stored version and the version in force after it.
pub struct Published {
    pub stored: PolicyVersion,
    pub in_force: i64,
}

/// Publishes `p` as `actor`, audited with `reason`, if it still follows the latest version
/// and its error-level findings are allowed or absent; then the server's version in force is
/// refreshed (a version effective today takes over at once).
pub async fn publish(
    state: &AppState,
    p: Proposal,
    actor: String,
    reason: Option<String>,
    allow_findings: bool,
) -> Result<Published, Refusal> {
    if !allow_findings {
        let blocking: Vec<Finding> = p.blocking().into_iter().cloned().collect();
        if !blocking.is_empty() {
            return Err(Refusal::Findings(blocking));
        }
    }
    let latest = state.store.latest_policy().await?.map(|v| v.version);
    if latest != p.base {
        return Err(Refusal::Moved { base: p.base, latest });
    }
    let detail = serde_json::json!({
        "effective": p.version.effective,
        "major": p.version.major,
        "reconsent": p.version.reconsent,
    });
    let entry = audit(actor, AuditAction::PolicyPublish, format!("policy:{}", p.number()), reason, detail);
    let stored = state.store.publish_policy(p.version, entry).await?;
    let in_force = state.policies.refresh(state.store.as_ref()).await.map_err(|e| Refusal::Failed(e.to_string()))?;
    tracing::info!(version = stored.version, major = stored.body.major, "policy version published");
    Ok(Published { stored, in_force })
}
