//! Impact assessment records (`crate::pia`): appended as the next version of their id, with
//! an audit entry holding the row's digest (so that `verify` finds a row changed or added
//! outside gebao); never updated or deleted.

use super::audit::{self, Entry};
use super::db::{Row, Tx, params};
use super::json::{from_json, to_json};
use crate::chain::digest;
use crate::crypto::Keys;
use crate::model::NewAudit;
use crate::pia::PiaRecord;
use crate::{Result, StoreError};
use serde_json::json;

pub(crate) const PIA_COLS: &str = "record, body";

fn read(r: &Row) -> Result<PiaRecord> {
    let body: String = r.get("body")?;
    from_json(&body, "impact assessment")
}

/// The digest of a row as its audit entry records it.
pub(crate) fn state_digest(r: &Row) -> Result<String> {
    let body: String = r.get("body")?;
    Ok(digest(
        &json!({ "record": r.get::<String>("record")?, "body": from_json::<serde_json::Value>(&body, "impact assessment")? }),
    ))
}

/// Appends `p` as the next version of its id; the stored record.
pub(crate) async fn append(tx: &mut Tx, keys: &Keys, mut p: PiaRecord, mut audit: NewAudit) -> Result<PiaRecord> {
    let last = tx.opt("SELECT MAX(version) AS v FROM pia_records WHERE id = $1", params![&p.id]).await?;
    let last: Option<i64> = match last {
        Some(r) => r.get("v")?,
        None => None,
    };
    p.version = last.unwrap_or(0) + 1;
    let record = p.record();
    let body = to_json(&p)?;
    tx.exec_on(
        "impact assessment version",
        "INSERT INTO pia_records (record, id, version, assessed, risk, keep_until, created_ms, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        params![&record, &p.id, p.version, p.assessed, &p.risk, p.keep_until, p.created_ms, &body],
    )
    .await?;
    let row = tx
        .opt(&format!("SELECT {PIA_COLS} FROM pia_records WHERE record = $1"), params![&record])
        .await?
        .ok_or_else(|| StoreError::Corrupt("an impact assessment vanished while being written".into()))?;
    audit.target = format!("pia:{record}");
    audit::append(tx, keys, vec![Entry::with_state(audit, state_digest(&row)?)], Vec::new()).await?;
    Ok(p)
}

/// Every version of `id` (all ids when `None`), by id and version.
pub(crate) async fn list(tx: &mut Tx, id: Option<&str>) -> Result<Vec<PiaRecord>> {
    let rows = match id {
        Some(id) => tx.all("SELECT body FROM pia_records WHERE id = $1 ORDER BY version", params![id]).await?,
        None => tx.all("SELECT body FROM pia_records ORDER BY id, version", params![]).await?,
    };
    rows.iter().map(read).collect()
}
