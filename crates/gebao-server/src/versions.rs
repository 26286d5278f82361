//! Policy versions: preparing one for publication (rendered texts, diff, major flag,
//! re-consent purposes), and the version in force with its compiled decision engine.
//!
//! The version in force is the newest one whose effective date has come (in China
//! Standard Time); a version published with a later date waits, and the sync task swaps
//! it in on that day. Decisions read the engine through an `ArcSwap`, so a swap never
//! blocks them.

use arc_swap::ArcSwap;
use chrono::{FixedOffset, NaiveDate, Utc};
use gebao_core::Manifest;
use gebao_core::calendar::Calendar;
use gebao_core::decision::Engine;
use gebao_core::ids::PurposeId;
use gebao_policy::{Document, Format, Lang, render};
use gebao_store::{NewPolicyVersion, PolicyVersion, PolicyVersionMeta, Store};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

/// Key of the manifest's JSON form among a version's rendered texts.
pub const JSON_KEY: &str = "json";

/// The key of a rendered text, e.g. `zh-CN.html`.
pub fn text_key(lang: Lang, format: Format) -> String {
    let f = match format {
        Format::Markdown => "md",
        Format::Html => "html",
    };
    format!("{}.{f}", lang.code())
}

/// The texts stored with a version: the policy in zh-CN and English as Markdown and HTML,
/// and its public model as JSON (CHG-03: old versions stay available in every form). The
/// JSON is the public model only (`gebao_policy::public_model`): no datasets, connections,
/// holds, deletion endpoints or assessments.
pub fn rendered_texts(m: &Manifest) -> BTreeMap<String, String> {
    let mut texts = BTreeMap::new();
    for lang in [Lang::ZhCn, Lang::En] {
        for format in [Format::Markdown, Format::Html] {
            texts.insert(text_key(lang, format), render(m, Document::Policy, lang, format));
        }
    }
    texts.insert(JSON_KEY.into(), serde_json::to_string_pretty(&gebao_policy::public_model(m)).unwrap_or_default());
    texts
}

/// Why a manifest cannot be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("the manifest is invalid")]
    Manifest(gebao_core::LoadError),
    #[error("the previous version's manifest cannot be read: {0}")]
    Previous(String),
}

/// Prepares a version for `Store::publish_policy`: renders it and, CHG-01/CHG-02 (PIPL 14,
/// 35273 5.5), classifies the change from `previous` (none for the first version) and
/// lists the consent-based purposes that must ask for consent again.
pub fn prepare(
    previous: Option<&Manifest>,
    manifest_toml: &str,
    effective: Option<NaiveDate>,
    published_ms: i64,
) -> Result<(Manifest, NewPolicyVersion), PublishError> {
    let manifest = gebao_core::load_manifest(manifest_toml).map_err(PublishError::Manifest)?;
    let (diff, major, reconsent) = match previous {
        Some(old) => {
            let d = gebao_core::diff::diff(old, &manifest);
            let reconsent = d.purposes_needing_reconsent(&manifest).into_iter().map(|p| p.0).collect();
            (serde_json::to_value(&d).unwrap_or_default(), d.is_major(), reconsent)
        }
        None => (serde_json::Value::Null, false, Vec::new()),
    };
    let version = NewPolicyVersion {
        manifest: manifest_toml.to_owned(),
        effective: effective.or(manifest.policy.effective).unwrap_or_else(today),
        rendered: rendered_texts(&manifest),
        diff,
        major,
        reconsent,
        published_ms,
    };
    Ok((manifest, version))
}

/// The findings of `gebao check` that keep a manifest from being published or served
/// without `--allow-findings`: those of severity `error`.
pub fn blocking_findings(m: &Manifest, text: &str) -> Vec<gebao_core::rules::Finding> {
    gebao_core::rules::check(m, Some(text))
        .into_iter()
        .filter(|f| f.severity == gebao_core::rules::Severity::Error)
        .collect()
}

/// What in a manifest this server cannot carry out, beyond `gebao check`: a recipient's
/// deletion webhook that is not an allowed destination (its notices would be refused, never
/// sent). Reported when publishing and logged at start, so the operator adds the
/// destination with its secret.
pub fn runtime_warnings(state: &crate::state::AppState, m: &Manifest) -> Vec<crate::routes::Warning> {
    use gebao_core::manifest::DeletionVia;
    let mut out = Vec::new();
    for (i, r) in m.recipients.iter().enumerate() {
        let Some(d) = &r.deletion else { continue };
        if !matches!(d.via, DeletionVia::Webhook | DeletionVia::Api) {
            continue;
        }
        if let Err(e) = state.egress.check(&d.address) {
            out.push(crate::routes::Warning {
                path: format!("recipients[{i}].deletion.address"),
                message: format!("接收方 `{}` 的删除通知地址不是允许的外发目标，通知将被拒绝发送：{}（{}）", r.id, e.zh(), e.code()),
                message_en: format!(
                    "the deletion address of recipient `{}` is not an allowed destination; its notices will be refused: {} ({})",
                    r.id,
                    e.en(),
                    e.code()
                ),
            });
        }
    }
    out
}

/// Today in China Standard Time (UTC+8, no daylight saving).
pub fn today() -> NaiveDate {
    match FixedOffset::east_opt(8 * 3600) {
        Some(cst) => Utc::now().with_timezone(&cst).date_naive(),
        None => Utc::now().date_naive(),
    }
}

/// The version in force: its manifest, compiled engine and texts.
#[derive(Debug)]
pub struct Current {
    pub version: i64,
    pub effective: NaiveDate,
    pub manifest: Manifest,
    pub engine: Engine,
    pub texts: BTreeMap<String, String>,
    /// The policy and its lists as the privacy centre shows them, rendered once per version.
    pub pages: HashMap<(Document, Lang), gebao_policy::Fragment>,
}

/// Every document of a manifest in both languages, as fragments for the privacy centre.
fn centre_pages(m: &Manifest) -> HashMap<(Document, Lang), gebao_policy::Fragment> {
    let docs = [Document::Policy, Document::CollectionList, Document::SharingList, Document::PermissionList];
    docs.into_iter()
        .flat_map(|doc| [Lang::ZhCn, Lang::En].map(|lang| ((doc, lang), gebao_policy::render_fragment(m, doc, lang))))
        .collect()
}

impl Current {
    /// Compiles a stored version; `metas` are all versions, for the re-consent map; the
    /// engine counts retention periods on `calendar`.
    pub fn compile(
        v: &PolicyVersion,
        metas: &[PolicyVersionMeta],
        calendar: &Calendar,
    ) -> Result<Current, PublishError> {
        let manifest =
            gebao_core::load_manifest(&v.body.manifest).map_err(|e| PublishError::Previous(e.to_string()))?;
        let version = u32::try_from(v.version).unwrap_or(0);
        let engine = Engine::new(&manifest, version, &reconsent_since(metas, v.version), calendar.clone());
        Ok(Current {
            version: v.version,
            effective: v.body.effective,
            pages: centre_pages(&manifest),
            manifest,
            engine,
            texts: v.body.rendered.clone(),
        })
    }
}

/// CHG-01 (PIPL 14): per purpose, the last version up to `upto` whose major change asked
/// for re-consent; consents given under an older version no longer count.
pub fn reconsent_since(metas: &[PolicyVersionMeta], upto: i64) -> HashMap<PurposeId, u32> {
    let mut map = HashMap::new();
    for m in metas.iter().filter(|m| m.version <= upto) {
        for p in &m.reconsent {
            let v = u32::try_from(m.version).unwrap_or(0);
            let e = map.entry(PurposeId(p.clone())).or_insert(v);
            *e = (*e).max(v);
        }
    }
    map
}

/// Which version is in force on `day`: the newest whose effective date has come, else
/// (every version lies in the future) the oldest, so that the server always has a policy.
pub fn in_force(metas: &[PolicyVersionMeta], day: NaiveDate) -> Option<i64> {
    metas
        .iter()
        .filter(|m| m.effective <= day)
        .map(|m| m.version)
        .max()
        .or_else(|| metas.iter().map(|m| m.version).min())
}

/// The policy state shared by the routes: the version in force and the list of versions.
pub struct Policies {
    current: ArcSwap<Current>,
    metas: RwLock<Vec<PolicyVersionMeta>>,
    /// The calendar each version's engine is compiled with.
    calendar: Calendar,
}

impl Policies {
    pub fn new(current: Current, metas: Vec<PolicyVersionMeta>, calendar: Calendar) -> Self {
        Policies { current: ArcSwap::from_pointee(current), metas: RwLock::new(metas), calendar }
    }

    /// The version in force (cheap: an atomic load).
    pub fn current(&self) -> arc_swap::Guard<Arc<Current>> {
        self.current.load()
    }

    /// All versions, oldest first.
    pub fn metas(&self) -> Vec<PolicyVersionMeta> {
        self.metas.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The newest version number.
    pub fn latest(&self) -> i64 {
        self.metas
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0)
    }

    /// Re-reads the version list and swaps in the version in force if it changed.
    /// Returns the version in force.
    pub async fn refresh(&self, store: &dyn Store) -> Result<i64, RefreshError> {
        let metas = store.policy_versions().await?;
        let want = in_force(&metas, today()).ok_or(RefreshError::NoVersion)?;
        let have = self.current.load();
        if have.version != want {
            let v = store.policy_version(want).await?.ok_or(RefreshError::NoVersion)?;
            let compiled = Current::compile(&v, &metas, &self.calendar)?;
            tracing::info!(version = want, "policy version in force changed");
            self.current.store(Arc::new(compiled));
        }
        *self.metas.write().unwrap_or_else(std::sync::PoisonError::into_inner) = metas;
        Ok(want)
    }
}

/// Why the policy could not be refreshed.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(transparent)]
    Store(#[from] gebao_store::StoreError),
    #[error(transparent)]
    Compile(#[from] PublishError),
    #[error("no policy version is published")]
    NoVersion,
}
