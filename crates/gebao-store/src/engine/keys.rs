//! API keys. Only the SHA-256 of a token is stored. Every change is audited with a digest of
//! the row, and a key is checked against that digest when it is looked up: a key un-revoked
//! or given more scopes by editing the database is refused (and `verify` reports it).

use super::audit::{self, Entry};
use super::db::{Row, Tx, params};
use super::json::{from_json, to_json};
use crate::chain::digest;
use crate::crypto::Keys;
use crate::model::*;
use crate::{Result, StoreError};
use serde_json::json;

pub(crate) const API_KEY_COLS: &str = "id, name, hash, scopes, created_ms, revoked_ms";

/// An API key row as stored.
pub(crate) struct KeyRow {
    id: String,
    name: String,
    hash: Vec<u8>,
    scopes: String,
    created_ms: i64,
    revoked_ms: Option<i64>,
}

impl KeyRow {
    pub(crate) fn read(r: &Row) -> Result<Self> {
        Ok(KeyRow {
            id: r.get("id")?,
            name: r.get("name")?,
            hash: r.get("hash")?,
            scopes: r.get("scopes")?,
            created_ms: r.get("created_ms")?,
            revoked_ms: r.get("revoked_ms")?,
        })
    }

    pub(crate) fn target(&self) -> String {
        format!("key:{}", self.id)
    }

    pub(crate) fn state_digest(&self) -> Result<String> {
        let scopes: serde_json::Value = from_json(&self.scopes, "key scopes")?;
        Ok(digest(&json!({
            "id": self.id,
            "name": self.name,
            "hash": hex::encode(&self.hash),
            "scopes": scopes,
            "created_ms": self.created_ms,
            "revoked_ms": self.revoked_ms,
        })))
    }

    pub(crate) fn decode(self) -> Result<ApiKey> {
        Ok(ApiKey {
            scopes: from_json(&self.scopes, "key scopes")?,
            id: self.id,
            name: self.name,
            created_ms: self.created_ms,
            revoked_ms: self.revoked_ms,
        })
    }
}

async fn by_id(tx: &mut Tx, id: &str) -> Result<Option<KeyRow>> {
    let sql = format!("SELECT {API_KEY_COLS} FROM api_keys WHERE id = $1");
    tx.opt(&sql, params![id]).await?.map(|r| KeyRow::read(&r)).transpose()
}

async fn audited(tx: &mut Tx, keys: &Keys, id: &str, audit: NewAudit) -> Result<KeyRow> {
    let row = by_id(tx, id).await?.ok_or_else(|| StoreError::Corrupt(format!("API key `{id}` vanished")))?;
    let mut audit = audit;
    audit.target = row.target();
    audit::append(
        tx,
        keys,
        vec![Entry::with_state(audit, row.state_digest()?)],
        vec![ChangeKind::ApiKey(id.to_owned())],
    )
    .await?;
    Ok(row)
}

pub(crate) async fn create(tx: &mut Tx, keys: &Keys, key: NewApiKey, audit: NewAudit) -> Result<ApiKey> {
    tx.exec_on(
        &format!("API key `{}`", key.id),
        "INSERT INTO api_keys (id, name, hash, scopes, created_ms) VALUES ($1, $2, $3, $4, $5)",
        params![&key.id, &key.name, key.hash.as_slice(), to_json(&key.scopes)?, key.created_ms],
    )
    .await?;
    audited(tx, keys, &key.id, audit).await?.decode()
}

pub(crate) async fn revoke(tx: &mut Tx, keys: &Keys, id: &str, audit: NewAudit) -> Result<bool> {
    let done = tx
        .exec("UPDATE api_keys SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL", params![audit.at_ms, id])
        .await?;
    if done == 0 {
        // Nothing changed, nothing to audit: the transaction rolls back on drop.
        return Ok(false);
    }
    audited(tx, keys, id, audit).await?;
    Ok(true)
}

/// The active key with this token hash, checked against its audit record.
pub(crate) async fn by_hash(tx: &mut Tx, hash: &[u8; 32]) -> Result<Option<ApiKey>> {
    let sql = format!("SELECT {API_KEY_COLS} FROM api_keys WHERE hash = $1");
    let Some(row) = tx.opt(&sql, params![hash.as_slice()]).await?.map(|r| KeyRow::read(&r)).transpose()? else {
        return Ok(None);
    };
    let recorded = audit::last_state(tx, &row.target()).await?;
    if recorded.as_deref() != Some(row.state_digest()?.as_str()) {
        return Err(StoreError::Tampered(format!(
            "API key `{}` does not match its audit record: it was changed outside gebao",
            row.id
        )));
    }
    if row.revoked_ms.is_some() {
        return Ok(None);
    }
    row.decode().map(Some)
}

pub(crate) async fn all(tx: &mut Tx) -> Result<Vec<ApiKey>> {
    let sql = format!("SELECT {API_KEY_COLS} FROM api_keys ORDER BY created_ms, id");
    tx.all(&sql, Vec::new()).await?.iter().map(|r| KeyRow::read(r)?.decode()).collect()
}
