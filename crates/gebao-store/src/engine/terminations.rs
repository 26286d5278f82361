//! Ends of the service (`crate::termination`): each change writes the record and its audit
//! entry in one transaction, only over the version it was made from, and enters the change
//! feed so that every instance sharing the database stops collection on the same day.

use super::audit::{self, Entry};
use super::db::{Row, Tx, params};
use super::json::{from_json, to_json};
use crate::crypto::Keys;
use crate::model::{ChangeKind, NewAudit};
use crate::termination::{EndState, Termination};
use crate::{Result, StoreError};

fn read(r: &Row) -> Result<Termination> {
    let body: String = r.get("body")?;
    from_json(&body, "termination")
}

/// Records an announcement; a conflict when another end is in progress.
pub(crate) async fn announce(tx: &mut Tx, keys: &Keys, t: Termination, audit: NewAudit) -> Result<()> {
    // The audit head lock comes first: it serialises announcements across instances, so the
    // check below cannot race another one.
    audit::append(tx, keys, vec![Entry::plain(audit)], vec![ChangeKind::Termination(t.id.clone())]).await?;
    let open = tx
        .opt(
            "SELECT id FROM terminations WHERE state <> $1 ORDER BY announced_ms DESC LIMIT 1",
            params![EndState::Cancelled.as_str()],
        )
        .await?;
    if let Some(row) = open {
        let id: String = row.get("id")?;
        return Err(StoreError::Conflict(format!("termination `{id}` is already in progress")));
    }
    tx.exec(
        "INSERT INTO terminations (id, version, state, end_ms, announced_ms, updated_ms, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        params![&t.id, t.version, t.state.as_str(), t.end_ms, t.announced_ms, t.updated_ms, to_json(&t)?],
    )
    .await?;
    Ok(())
}

/// Writes `t` (version `from + 1`) over version `from`; `false`, and nothing written, when
/// the stored version is no longer `from`.
pub(crate) async fn change(tx: &mut Tx, keys: &Keys, from: i64, t: Termination, audit: NewAudit) -> Result<bool> {
    if t.version != from + 1 {
        return Err(StoreError::Corrupt(format!("termination `{}`: version {} after {from}", t.id, t.version)));
    }
    let done = tx
        .exec(
            "UPDATE terminations SET version = $1, state = $2, end_ms = $3, updated_ms = $4, body = $5 \
             WHERE id = $6 AND version = $7",
            params![t.version, t.state.as_str(), t.end_ms, t.updated_ms, to_json(&t)?, &t.id, from],
        )
        .await?;
    if done == 0 {
        return Ok(false);
    }
    audit::append(tx, keys, vec![Entry::plain(audit)], vec![ChangeKind::Termination(t.id.clone())]).await?;
    Ok(true)
}

/// The end in progress or done (not cancelled), else the latest cancelled one.
pub(crate) async fn current(tx: &mut Tx) -> Result<Option<Termination>> {
    let row = tx
        .opt(
            "SELECT body FROM terminations ORDER BY CASE WHEN state = $1 THEN 1 ELSE 0 END, announced_ms DESC LIMIT 1",
            params![EndState::Cancelled.as_str()],
        )
        .await?;
    row.as_ref().map(read).transpose()
}

/// The registered subjects' ids after `after`, in order: for erasing them all once the
/// service has ended.
pub(crate) async fn subject_ids(tx: &mut Tx, after: &str, limit: i64) -> Result<Vec<String>> {
    let rows = tx.all("SELECT id FROM subjects WHERE id > $1 ORDER BY id LIMIT $2", params![after, limit]).await?;
    rows.iter().map(|r| r.get("id")).collect()
}
