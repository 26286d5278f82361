//! Provision records (`crate::provision`): a day's counts are added to what is stored for
//! the same day, recipient and purpose, the fields merged; records older than three years
//! are deleted in the same transaction.

use super::db::{Row, Tx, params};
use super::json::{from_json, to_json};
use crate::Result;
use crate::provision::ProvisionRecord;
use chrono::NaiveDate;
use std::collections::BTreeSet;

fn read(r: &Row) -> Result<ProvisionRecord> {
    let fields: String = r.get("fields")?;
    Ok(ProvisionRecord {
        day: r.get("day")?,
        recipient: r.get("recipient")?,
        purpose: r.get("purpose")?,
        kind: r.get("kind")?,
        decisions: u64::try_from(r.get::<i64>("decisions")?).unwrap_or(0),
        fields: from_json(&fields, "provision fields")?,
    })
}

/// Adds `rows` to the records and deletes those from before `keep_from`.
pub(crate) async fn add(tx: &mut Tx, rows: Vec<ProvisionRecord>, keep_from: NaiveDate, at_ms: i64) -> Result<()> {
    for r in rows {
        let held = tx
            .opt(
                "SELECT day, recipient, purpose, kind, decisions, fields FROM provisions \
                 WHERE day = $1 AND recipient = $2 AND purpose = $3",
                params![r.day, &r.recipient, &r.purpose],
            )
            .await?;
        let (decisions, fields) = match held.as_ref().map(read).transpose()? {
            Some(h) => {
                let fields: BTreeSet<String> = h.fields.into_iter().chain(r.fields).collect();
                (h.decisions.saturating_add(r.decisions), fields.into_iter().collect::<Vec<_>>())
            }
            None => (r.decisions, r.fields.into_iter().collect::<BTreeSet<_>>().into_iter().collect()),
        };
        let decisions = i64::try_from(decisions).unwrap_or(i64::MAX);
        tx.exec(
            "INSERT INTO provisions (day, recipient, purpose, kind, decisions, fields, updated_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (day, recipient, purpose) DO UPDATE SET kind = excluded.kind, \
             decisions = excluded.decisions, fields = excluded.fields, updated_ms = excluded.updated_ms",
            params![r.day, &r.recipient, &r.purpose, &r.kind, decisions, to_json(&fields)?, at_ms],
        )
        .await?;
    }
    tx.exec("DELETE FROM provisions WHERE day < $1", params![keep_from]).await?;
    Ok(())
}

/// The records of days `from..=to`, by day, recipient and purpose.
pub(crate) async fn list(tx: &mut Tx, from: NaiveDate, to: NaiveDate) -> Result<Vec<ProvisionRecord>> {
    let rows = tx
        .all(
            "SELECT day, recipient, purpose, kind, decisions, fields FROM provisions \
             WHERE day >= $1 AND day <= $2 ORDER BY day, recipient, purpose",
            params![from, to],
        )
        .await?;
    rows.iter().map(read).collect()
}
