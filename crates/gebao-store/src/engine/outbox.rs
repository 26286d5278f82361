//! The outbox. A claim is a lease: due items are marked with a random token and a lease
//! end; on PostgreSQL they are chosen with `FOR UPDATE SKIP LOCKED`, so instances never
//! claim the same item; SQLite has one writer. Payloads are encrypted; what a target
//! answered is never stored, only its HTTP status and a short reason.

use super::audit::{self, Entry};
use super::db::{Param, Row, Tx, params, placeholders};
use super::json::{from_json, to_json};
use crate::crypto::Keys;
use crate::model::NewAudit;
use crate::outbox::*;
use crate::{Result, StoreError};
use std::collections::BTreeMap;

const OUTBOX_COLS: &str = "id, kind, channel, target, payload_enc, request_id, recipient, state, attempts, \
     max_attempts, next_attempt_ms, last_status, last_error, created_ms, delivered_ms, ack_ms, ack, claim";

fn payload_aad(id: &str) -> Vec<u8> {
    format!("gebao/outbox/{id}/payload").into_bytes()
}

/// An error message kept short enough for its column.
fn clip(s: &str) -> String {
    s.chars().take(300).collect()
}

fn item(keys: &Keys, r: &Row) -> Result<OutboxItem> {
    let id: String = r.get("id")?;
    let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("outbox item `{id}`: unknown {what} `{v}`"));
    let payload = match r.get::<Option<Vec<u8>>>("payload_enc")? {
        None => serde_json::Value::Null,
        Some(enc) => {
            let plain = keys.decrypt(&enc, &payload_aad(&id))?;
            let text = String::from_utf8(plain).map_err(|_| corrupt("payload encoding", "non-UTF-8"))?;
            from_json(&text, "outbox payload")?
        }
    };
    let (kind, channel, state): (String, String, String) = (r.get("kind")?, r.get("channel")?, r.get("state")?);
    let ack: Option<String> = r.get("ack")?;
    let status: Option<i64> = r.get("last_status")?;
    Ok(OutboxItem {
        kind: OutboxKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?,
        channel: Channel::parse(&channel).ok_or_else(|| corrupt("channel", &channel))?,
        state: OutboxState::parse(&state).ok_or_else(|| corrupt("state", &state))?,
        payload,
        attempts: u32::try_from(r.get::<i64>("attempts")?).unwrap_or(0),
        max_attempts: u32::try_from(r.get::<i64>("max_attempts")?).unwrap_or(0),
        ack: ack.as_deref().map(|a| from_json(a, "outbox acknowledgement")).transpose()?,
        last_status: status.and_then(|s| u16::try_from(s).ok()),
        target: r.get("target")?,
        request_id: r.get("request_id")?,
        recipient: r.get("recipient")?,
        next_attempt_ms: r.get("next_attempt_ms")?,
        last_error: r.get("last_error")?,
        created_ms: r.get("created_ms")?,
        delivered_ms: r.get("delivered_ms")?,
        ack_ms: r.get("ack_ms")?,
        claim: r.get("claim")?,
        id,
    })
}

/// Inserts items inside the caller's transaction; an item whose `dedupe` key exists is
/// skipped. Returns the ids inserted.
pub(crate) async fn insert(tx: &mut Tx, keys: &Keys, items: &[NewOutbox]) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for n in items {
        let payload = keys.encrypt(to_json(&n.payload)?.as_bytes(), &payload_aad(&n.id))?;
        let state = match n.channel {
            Channel::Webhook | Channel::Email => OutboxState::Pending,
            Channel::Manual => OutboxState::Manual,
        };
        let done = tx
            .exec_on(
                &format!("outbox item `{}`", n.id),
                "INSERT INTO outbox (id, kind, channel, target, payload_enc, request_id, recipient, dedupe, sensitive, \
                 state, attempts, max_attempts, next_attempt_ms, created_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $12) ON CONFLICT (dedupe) DO NOTHING",
                params![
                    &n.id,
                    n.kind.as_str(),
                    n.channel.as_str(),
                    &n.target,
                    payload,
                    n.request_id.as_deref(),
                    n.recipient.as_deref(),
                    n.dedupe.as_deref(),
                    n.sensitive,
                    state.as_str(),
                    i64::from(n.max_attempts.max(1)),
                    n.created_ms
                ],
            )
            .await?;
        if done == 1 {
            ids.push(n.id.clone());
        }
    }
    Ok(ids)
}

pub(crate) async fn get(tx: &mut Tx, keys: &Keys, id: &str) -> Result<Option<OutboxItem>> {
    let sql = format!("SELECT {OUTBOX_COLS} FROM outbox WHERE id = $1");
    tx.opt(&sql, params![id]).await?.map(|r| item(keys, &r)).transpose()
}

pub(crate) async fn claim(tx: &mut Tx, keys: &Keys, now_ms: i64, lease_ms: i64, limit: i64) -> Result<Vec<OutboxItem>> {
    let token = format!("{:032x}", rand::random::<u128>());
    let due = format!(
        "SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_ms <= $1 \
         AND (claimed_until_ms IS NULL OR claimed_until_ms <= $1) ORDER BY next_attempt_ms, id LIMIT $2{}",
        tx.dialect().skip_locked()
    );
    let ids: Vec<String> = tx
        .all(&due, params![now_ms, limit.clamp(1, 1000)])
        .await?
        .iter()
        .map(|r| r.get("id"))
        .collect::<Result<_>>()?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "UPDATE outbox SET claim = $1, claimed_until_ms = $2, attempts = attempts + 1 WHERE id IN ({})",
        placeholders(3, ids.len())
    );
    let mut ps = params![&token, now_ms.saturating_add(lease_ms)];
    ps.extend(ids.iter().map(|id| Param::from(id.as_str())));
    tx.exec(&sql, ps).await?;
    let sql = format!(
        "SELECT {OUTBOX_COLS} FROM outbox WHERE claim = $1 ORDER BY next_attempt_ms, id{}",
        tx.dialect().bytewise()
    );
    tx.all(&sql, params![&token]).await?.iter().map(|r| item(keys, r)).collect()
}

pub(crate) async fn record(
    tx: &mut Tx,
    keys: &Keys,
    id: &str,
    claim: &str,
    at_ms: i64,
    outcome: Outcome,
    audit: Option<NewAudit>,
) -> Result<OutboxItem> {
    let done = match &outcome {
        Outcome::Delivered { status, ack } => {
            tx.exec(
                "UPDATE outbox SET state = 'delivered', delivered_ms = $1, last_status = $2, ack = $3, \
                 ack_ms = CASE WHEN $3 IS NULL THEN NULL ELSE $1 END, last_error = NULL, claim = NULL, \
                 claimed_until_ms = NULL, payload_enc = CASE WHEN sensitive THEN NULL ELSE payload_enc END \
                 WHERE id = $4 AND claim = $5 AND state = 'pending'",
                params![at_ms, status.map(i64::from), ack.as_ref().map(to_json).transpose()?, id, claim],
            )
            .await?
        }
        Outcome::Failed { status, error, retry_at_ms } => {
            tx.exec(
                "UPDATE outbox SET last_status = $1, last_error = $2, claim = NULL, claimed_until_ms = NULL, \
                 next_attempt_ms = COALESCE($3, next_attempt_ms), \
                 state = CASE WHEN $3 IS NULL OR attempts >= max_attempts THEN 'failed' ELSE 'pending' END, \
                 payload_enc = CASE WHEN sensitive AND ($3 IS NULL OR attempts >= max_attempts) THEN NULL \
                 ELSE payload_enc END \
                 WHERE id = $4 AND claim = $5 AND state = 'pending'",
                params![status.map(i64::from), clip(error), *retry_at_ms, id, claim],
            )
            .await?
        }
    };
    if done == 0 {
        return Err(StoreError::Conflict(format!("outbox item `{id}` is not held by this claim")));
    }
    if let Some(a) = audit {
        audit::append(tx, keys, vec![Entry::plain(a)], Vec::new()).await?;
    }
    get(tx, keys, id).await?.ok_or_else(|| StoreError::NotFound(format!("outbox item `{id}`")))
}

pub(crate) async fn acknowledge(
    tx: &mut Tx,
    keys: &Keys,
    id: &str,
    ack: serde_json::Value,
    audit: NewAudit,
) -> Result<Option<OutboxItem>> {
    let done = tx
        .exec(
            "UPDATE outbox SET ack = $1, ack_ms = $2, \
             delivered_ms = CASE WHEN state = 'manual' THEN $2 ELSE delivered_ms END, \
             payload_enc = CASE WHEN state = 'manual' AND sensitive THEN NULL ELSE payload_enc END, \
             state = CASE WHEN state = 'manual' THEN 'delivered' ELSE state END \
             WHERE id = $3 AND state IN ('manual', 'delivered')",
            params![to_json(&ack)?, audit.at_ms, id],
        )
        .await?;
    if done == 0 {
        // Unknown, or not delivered yet: the caller tells which from `outbox_item`.
        return Ok(None);
    }
    audit::append(tx, keys, vec![Entry::plain(audit)], Vec::new()).await?;
    get(tx, keys, id).await
}

pub(crate) async fn enqueue(
    tx: &mut Tx,
    keys: &Keys,
    items: Vec<NewOutbox>,
    audits: Vec<NewAudit>,
) -> Result<Vec<String>> {
    let ids = insert(tx, keys, &items).await?;
    if !ids.is_empty() {
        audit::append(tx, keys, audits.into_iter().map(Entry::plain).collect(), Vec::new()).await?;
    }
    Ok(ids)
}

/// The items whose dedupe key starts with `prefix`, with their keys, oldest first.
pub(crate) async fn with_dedupe_prefix(
    tx: &mut Tx,
    keys: &Keys,
    prefix: &str,
    limit: i64,
) -> Result<Vec<(String, OutboxItem)>> {
    // `substr`, not `LIKE`: the prefix is compared as it is, `_` and `%` included.
    let sql = format!(
        "SELECT {OUTBOX_COLS}, dedupe FROM outbox WHERE substr(dedupe, 1, CAST($1 AS INTEGER)) = $2 ORDER BY created_ms, id LIMIT $3"
    );
    let n = i64::try_from(prefix.chars().count()).unwrap_or(i64::MAX);
    tx.all(&sql, params![n, prefix, limit])
        .await?
        .iter()
        .map(|r| Ok((r.get::<String>("dedupe")?, item(keys, r)?)))
        .collect()
}

/// The items of some requests, oldest first per request.
pub(crate) async fn of_requests(tx: &mut Tx, keys: &Keys, ids: &[&str]) -> Result<BTreeMap<String, Vec<OutboxItem>>> {
    let mut out: BTreeMap<String, Vec<OutboxItem>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT {OUTBOX_COLS} FROM outbox WHERE request_id IN ({}) ORDER BY created_ms, id",
            placeholders(1, chunk.len())
        );
        let ps = chunk.iter().map(|id| Param::from(*id)).collect();
        for r in tx.all(&sql, ps).await? {
            let i = item(keys, &r)?;
            if let Some(rid) = i.request_id.clone() {
                out.entry(rid).or_default().push(i);
            }
        }
    }
    Ok(out)
}
