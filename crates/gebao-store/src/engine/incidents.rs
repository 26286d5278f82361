//! Incidents (`crate::incident`): each change writes the record, its event and its audit
//! entry in one transaction, and only over the version it was made from.

use super::audit::{self, Entry};
use super::db::{Row, Tx, params};
use super::json::{from_json, to_json};
use crate::crypto::Keys;
use crate::incident::{Incident, IncidentEvent};
use crate::model::NewAudit;
use crate::{Result, StoreError};

fn read(r: &Row) -> Result<Incident> {
    let body: String = r.get("body")?;
    from_json(&body, "incident")
}

async fn event(tx: &mut Tx, inc: &Incident, e: &IncidentEvent) -> Result<()> {
    tx.exec(
        "INSERT INTO incident_events (incident_id, version, at_ms, actor, kind, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        params![&inc.id, e.version, e.at_ms, &e.actor, &e.kind, to_json(&e.detail)?],
    )
    .await?;
    Ok(())
}

pub(crate) async fn create(tx: &mut Tx, keys: &Keys, inc: Incident, e: IncidentEvent, audit: NewAudit) -> Result<()> {
    tx.exec_on(
        &format!("incident `{}`", inc.id),
        "INSERT INTO incidents (id, version, grade, found_ms, reported_ms, closed_ms, updated_ms, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        params![
            &inc.id,
            inc.version,
            inc.grade.as_str(),
            inc.found_ms,
            inc.first_report_ms(),
            inc.closed_ms,
            inc.updated_ms,
            to_json(&inc)?
        ],
    )
    .await?;
    event(tx, &inc, &e).await?;
    audit::append(tx, keys, vec![Entry::plain(audit)], Vec::new()).await?;
    Ok(())
}

/// Writes `inc` (version `from + 1`) over version `from`; `false`, and nothing written, when
/// the stored version is no longer `from`.
pub(crate) async fn change(
    tx: &mut Tx,
    keys: &Keys,
    from: i64,
    inc: Incident,
    e: IncidentEvent,
    audit: NewAudit,
) -> Result<bool> {
    if inc.version != from + 1 {
        return Err(StoreError::Corrupt(format!("incident `{}`: version {} after {from}", inc.id, inc.version)));
    }
    let done = tx
        .exec(
            "UPDATE incidents SET version = $1, grade = $2, found_ms = $3, reported_ms = $4, closed_ms = $5, \
             updated_ms = $6, body = $7 WHERE id = $8 AND version = $9",
            params![
                inc.version,
                inc.grade.as_str(),
                inc.found_ms,
                inc.first_report_ms(),
                inc.closed_ms,
                inc.updated_ms,
                to_json(&inc)?,
                &inc.id,
                from
            ],
        )
        .await?;
    if done == 0 {
        return Ok(false);
    }
    event(tx, &inc, &e).await?;
    audit::append(tx, keys, vec![Entry::plain(audit)], Vec::new()).await?;
    Ok(true)
}

pub(crate) async fn get(tx: &mut Tx, id: &str) -> Result<Option<(Incident, Vec<IncidentEvent>)>> {
    let Some(row) = tx.opt("SELECT body FROM incidents WHERE id = $1", params![id]).await? else { return Ok(None) };
    let inc = read(&row)?;
    let rows = tx
        .all(
            "SELECT version, at_ms, actor, kind, detail FROM incident_events WHERE incident_id = $1 ORDER BY version",
            params![id],
        )
        .await?;
    let events = rows
        .iter()
        .map(|r| {
            let detail: String = r.get("detail")?;
            Ok(IncidentEvent {
                version: r.get("version")?,
                at_ms: r.get("at_ms")?,
                actor: r.get("actor")?,
                kind: r.get("kind")?,
                detail: from_json(&detail, "incident event")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some((inc, events)))
}

/// Incidents, the most recently found first; only open ones when `open`.
pub(crate) async fn list(tx: &mut Tx, open: bool, limit: i64) -> Result<Vec<Incident>> {
    let filter = if open { "WHERE closed_ms IS NULL" } else { "" };
    let sql = format!("SELECT body FROM incidents {filter} ORDER BY found_ms DESC, id LIMIT $1");
    tx.all(&sql, params![limit]).await?.iter().map(read).collect()
}
