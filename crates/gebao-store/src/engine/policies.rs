//! Policy versions: the manifest, its rendered texts and the diff to the previous one.
//! Version numbers are assigned under the audit head lock, so instances publishing at once
//! get consecutive numbers; the first version is published only once however many
//! instances start together on an empty database.

use super::audit::{self, Entry};
use super::db::{Row, Tx, params};
use super::heads;
use super::json::{from_json, to_json};
use crate::chain::{Chain, digest};
use crate::crypto::Keys;
use crate::model::*;
use crate::{Result, StoreError};
use serde_json::json;

pub(crate) const POLICY_COLS: &str = "version, manifest, effective, rendered, diff, major, reconsent, published_ms";
pub(crate) const POLICY_META_COLS: &str = "version, effective, major, reconsent, published_ms";

/// The digest of a stored version, as its publication's audit entry records it.
pub(crate) fn state_digest(r: &Row) -> Result<String> {
    let (rendered, diff, reconsent): (String, String, String) =
        (r.get("rendered")?, r.get("diff")?, r.get("reconsent")?);
    Ok(digest(&json!({
        "version": r.get::<i64>("version")?,
        "manifest": r.get::<String>("manifest")?,
        "effective": r.get::<chrono::NaiveDate>("effective")?.to_string(),
        "rendered": from_json::<serde_json::Value>(&rendered, "rendered policy")?,
        "diff": from_json::<serde_json::Value>(&diff, "policy diff")?,
        "major": r.get::<bool>("major")?,
        "reconsent": from_json::<serde_json::Value>(&reconsent, "re-consent purposes")?,
        "published_ms": r.get::<i64>("published_ms")?,
    })))
}

pub(crate) fn policy(r: &Row) -> Result<PolicyVersion> {
    let (rendered, diff, reconsent): (String, String, String) =
        (r.get("rendered")?, r.get("diff")?, r.get("reconsent")?);
    Ok(PolicyVersion {
        version: r.get("version")?,
        body: NewPolicyVersion {
            manifest: r.get("manifest")?,
            effective: r.get("effective")?,
            rendered: from_json(&rendered, "rendered policy")?,
            diff: from_json(&diff, "policy diff")?,
            major: r.get("major")?,
            reconsent: from_json(&reconsent, "re-consent purposes")?,
            published_ms: r.get("published_ms")?,
        },
    })
}

pub(crate) fn meta(r: &Row) -> Result<PolicyVersionMeta> {
    let reconsent: String = r.get("reconsent")?;
    Ok(PolicyVersionMeta {
        version: r.get("version")?,
        effective: r.get("effective")?,
        major: r.get("major")?,
        reconsent: from_json(&reconsent, "re-consent purposes")?,
        published_ms: r.get("published_ms")?,
    })
}

/// Stores the next version (`None` when `only_first` and a version exists already); the
/// audit entry's target becomes `policy:<version>`.
pub(crate) async fn publish(
    tx: &mut Tx,
    keys: &Keys,
    v: NewPolicyVersion,
    mut audit: NewAudit,
    only_first: bool,
) -> Result<Option<PolicyVersion>> {
    // The audit head lock, taken first, serialises publishers across instances, so the next
    // number is computed from the last committed one.
    heads::lock_one(tx, Chain::Audit).await?;
    let row = tx.opt("SELECT COALESCE(MAX(version), 0) + 1 AS next FROM policy_versions", Vec::new()).await?;
    let version: i64 = row.map(|r| r.get("next")).transpose()?.unwrap_or(1);
    if only_first && version > 1 {
        return Ok(None);
    }
    tx.exec_on(
        &format!("policy version {version}"),
        "INSERT INTO policy_versions (version, manifest, effective, rendered, diff, major, reconsent, published_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        params![
            version,
            &v.manifest,
            v.effective,
            to_json(&v.rendered)?,
            to_json(&v.diff)?,
            v.major,
            to_json(&v.reconsent)?,
            v.published_ms
        ],
    )
    .await?;
    let sql = format!("SELECT {POLICY_COLS} FROM policy_versions WHERE version = $1");
    let stored =
        tx.opt(&sql, params![version]).await?.ok_or_else(|| StoreError::Corrupt("a policy version vanished".into()))?;
    // The entry must name the row it covers, whatever number the caller expected.
    audit.target = format!("policy:{version}");
    audit::append(tx, keys, vec![Entry::with_state(audit, state_digest(&stored)?)], vec![ChangeKind::Policy(version)])
        .await?;
    policy(&stored).map(Some)
}
