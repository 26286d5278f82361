//! SQLite: the outbox. One process owns the file and writes through one connection, so a
//! claim (one `BEGIN IMMEDIATE` transaction) can never hand an item to two workers.

use super::SqliteStore;
use super::write::append_audit_tx;
use crate::codec::{self, db_err};
use crate::crypto::Keys;
use crate::model::NewAudit;
use crate::outbox::*;
use crate::reqcodec::{self, *};
use crate::{Result, StoreError};
use sqlx::SqliteConnection;

/// Inserts items inside the caller's transaction; an item whose `dedupe` key exists is
/// skipped. Returns the ids inserted.
pub(super) async fn insert(tx: &mut SqliteConnection, keys: &Keys, items: &[NewOutbox]) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for n in items {
        let payload = seal_payload(keys, &n.id, &n.payload)?;
        let done = sqlx::query(
            "INSERT INTO outbox (id, kind, channel, target, payload_enc, request_id, recipient, dedupe, sensitive, \
             state, attempts, max_attempts, next_attempt_ms, created_ms) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT (dedupe) DO NOTHING",
        )
        .bind(&n.id)
        .bind(n.kind.as_str())
        .bind(n.channel.as_str())
        .bind(&n.target)
        .bind(payload)
        .bind(&n.request_id)
        .bind(&n.recipient)
        .bind(&n.dedupe)
        .bind(n.sensitive)
        .bind(initial_state(n).as_str())
        .bind(i64::from(n.max_attempts.max(1)))
        .bind(n.created_ms)
        .bind(n.created_ms)
        .execute(&mut *tx)
        .await
        .map_err(|e| db_err(e, &format!("outbox item `{}`", n.id)))?;
        if done.rows_affected() == 1 {
            ids.push(n.id.clone());
        }
    }
    Ok(ids)
}

pub(super) async fn enqueue(s: &SqliteStore, items: Vec<NewOutbox>, audit: Vec<NewAudit>) -> Result<Vec<String>> {
    let mut tx = s.writer.begin_with("BEGIN IMMEDIATE").await?;
    let ids = insert(&mut tx, &s.keys, &items).await?;
    if ids.is_empty() {
        // Every item was already enqueued (by another instance): nothing to audit.
        return Ok(ids);
    }
    append_audit_tx(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(ids)
}

async fn item_tx(tx: &mut SqliteConnection, keys: &Keys, id: &str) -> Result<Option<OutboxItem>> {
    let row =
        sqlx::query(&format!("SELECT {OUTBOX_COLS} FROM outbox WHERE id = ?")).bind(id).fetch_optional(tx).await?;
    row.map(|r| reqcodec::outbox(keys, outbox_cols!(&r))).transpose()
}

pub(super) async fn claim(s: &SqliteStore, now_ms: i64, lease_ms: i64, limit: i64) -> Result<Vec<OutboxItem>> {
    let token = format!("{:032x}", rand::random::<u128>());
    let mut tx = s.writer.begin_with("BEGIN IMMEDIATE").await?;
    let rows = sqlx::query(&format!(
        "UPDATE outbox SET claim = ?1, claimed_until_ms = ?2, attempts = attempts + 1 WHERE id IN \
         (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_ms <= ?3 \
          AND (claimed_until_ms IS NULL OR claimed_until_ms <= ?3) ORDER BY next_attempt_ms, id LIMIT ?4) \
         RETURNING {OUTBOX_COLS}"
    ))
    .bind(&token)
    .bind(now_ms.saturating_add(lease_ms))
    .bind(now_ms)
    .bind(limit.clamp(1, 1000))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut items =
        rows.iter().map(|r| reqcodec::outbox(&s.keys, outbox_cols!(r))).collect::<Result<Vec<OutboxItem>>>()?;
    items.sort_by(|a, b| (a.next_attempt_ms, &a.id).cmp(&(b.next_attempt_ms, &b.id)));
    Ok(items)
}

pub(super) async fn record(
    s: &SqliteStore,
    id: &str,
    claim: &str,
    at_ms: i64,
    outcome: Outcome,
    audit: Option<NewAudit>,
) -> Result<OutboxItem> {
    let mut tx = s.writer.begin_with("BEGIN IMMEDIATE").await?;
    let done = match &outcome {
        Outcome::Delivered { response, ack } => {
            sqlx::query(
                "UPDATE outbox SET state = 'delivered', delivered_ms = ?1, response = ?2, ack = ?3, \
                 ack_ms = CASE WHEN ?3 IS NULL THEN NULL ELSE ?1 END, last_error = NULL, claim = NULL, \
                 claimed_until_ms = NULL, payload_enc = CASE WHEN sensitive THEN NULL ELSE payload_enc END \
                 WHERE id = ?4 AND claim = ?5 AND state = 'pending'",
            )
            .bind(at_ms)
            .bind(response.as_ref().map(codec::to_json).transpose()?)
            .bind(ack.as_ref().map(codec::to_json).transpose()?)
            .bind(id)
            .bind(claim)
            .execute(&mut *tx)
            .await?
        }
        Outcome::Failed { error, retry_at_ms } => {
            sqlx::query(
                "UPDATE outbox SET last_error = ?1, claim = NULL, claimed_until_ms = NULL, \
                 next_attempt_ms = COALESCE(?2, next_attempt_ms), \
                 state = CASE WHEN ?2 IS NULL OR attempts >= max_attempts THEN 'failed' ELSE 'pending' END, \
                 payload_enc = CASE WHEN sensitive AND (?2 IS NULL OR attempts >= max_attempts) THEN NULL \
                 ELSE payload_enc END \
                 WHERE id = ?3 AND claim = ?4 AND state = 'pending'",
            )
            .bind(reqcodec::clip(error))
            .bind(*retry_at_ms)
            .bind(id)
            .bind(claim)
            .execute(&mut *tx)
            .await?
        }
    };
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!("outbox item `{id}` is not held by this claim")));
    }
    if let Some(a) = audit {
        append_audit_tx(&mut tx, vec![a]).await?;
    }
    let item = item_tx(&mut tx, &s.keys, id).await?;
    tx.commit().await?;
    item.ok_or_else(|| StoreError::NotFound(format!("outbox item `{id}`")))
}

pub(super) async fn acknowledge(
    s: &SqliteStore,
    id: &str,
    ack: serde_json::Value,
    audit: NewAudit,
) -> Result<Option<OutboxItem>> {
    let mut tx = s.writer.begin_with("BEGIN IMMEDIATE").await?;
    let done = sqlx::query(
        "UPDATE outbox SET ack = ?1, ack_ms = ?2, \
         delivered_ms = CASE WHEN state = 'manual' THEN ?2 ELSE delivered_ms END, \
         state = CASE WHEN state = 'manual' THEN 'delivered' ELSE state END, \
         payload_enc = CASE WHEN state = 'manual' AND sensitive THEN NULL ELSE payload_enc END \
         WHERE id = ?3 AND state IN ('manual', 'delivered')",
    )
    .bind(codec::to_json(&ack)?)
    .bind(audit.at_ms)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        // Unknown, or not delivered yet: the caller tells which from `outbox_item`.
        return Ok(None);
    }
    append_audit_tx(&mut tx, vec![audit]).await?;
    let item = item_tx(&mut tx, &s.keys, id).await?;
    tx.commit().await?;
    Ok(item)
}

pub(super) async fn item(s: &SqliteStore, id: &str) -> Result<Option<OutboxItem>> {
    let mut c = s.reader.acquire().await?;
    item_tx(&mut c, &s.keys, id).await
}

pub(super) async fn of_request(s: &SqliteStore, request_id: &str) -> Result<Vec<OutboxItem>> {
    let rows = sqlx::query(&format!("SELECT {OUTBOX_COLS} FROM outbox WHERE request_id = ? ORDER BY created_ms, id"))
        .bind(request_id)
        .fetch_all(&s.reader)
        .await?;
    rows.iter().map(|r| reqcodec::outbox(&s.keys, outbox_cols!(r))).collect()
}
