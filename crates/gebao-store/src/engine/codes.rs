//! Privacy-centre sign-in codes (`portal_codes`, see `crate::portal`): limits counted and
//! a code kept in one transaction with its message and audit entry; a try counted, and a
//! right code used up with its audit entry, in another.

use super::audit::{self, Entry};
use super::db::{Dialect, Tx, params};
use super::{outbox, subjects};
use crate::crypto::{Keys, SubjectKey};
use crate::model::{NewAudit, SubjectRecord};
use crate::outbox::NewOutbox;
use crate::portal::{CodeCheck, CodeIssued, CodeLimits, NewPortalCode};
use crate::{Result, StoreError};
use gebao_core::decision::SubjectStatus;

/// Rows stay a day past their expiry (the limits' windows are far shorter), then go.
const KEEP_MS: i64 = 24 * 3600 * 1000;

async fn count(tx: &mut Tx, column: &str, value: &[u8], since_ms: i64) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) AS n FROM portal_codes WHERE {column} = $1 AND created_ms > $2");
    match tx.opt(&sql, params![value, since_ms]).await? {
        Some(r) => r.get("n"),
        None => Ok(0),
    }
}

pub(crate) async fn issue(
    tx: &mut Tx,
    keys: &Keys,
    code: NewPortalCode,
    limits: CodeLimits,
    items: Vec<NewOutbox>,
    audit: Option<NewAudit>,
) -> Result<CodeIssued> {
    let now = code.created_ms;
    // The limits are counted and the code kept by one writer at a time: on PostgreSQL two
    // requests at the same instant would otherwise both see the last free place (SQLite has
    // one writer already). Sign-ins are rare; the lock is held for a few statements.
    if tx.dialect() == Dialect::Postgres {
        tx.exec("LOCK TABLE portal_codes IN SHARE ROW EXCLUSIVE MODE", Vec::new()).await?;
    }
    tx.exec("DELETE FROM portal_codes WHERE expires_ms < $1", params![now - KEEP_MS]).await?;
    let since = now - limits.window_ms;
    if count(tx, "contact_index", &code.contact_index, since).await? >= limits.per_contact
        || count(tx, "client_hash", &code.client_hash, since).await? >= limits.per_client
    {
        return Ok(CodeIssued::Limited);
    }
    let (subject, code_hash) = match &code.code {
        Some((k, h)) => (Some(k.0.to_vec()), Some(h.to_vec())),
        None => (None, None),
    };
    tx.exec(
        "INSERT INTO portal_codes (challenge_hash, contact_index, client_hash, subject_key, code_hash, created_ms, \
         expires_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        params![
            code.challenge_hash.as_slice(),
            code.contact_index.as_slice(),
            code.client_hash.as_slice(),
            subject,
            code_hash,
            now,
            code.expires_ms
        ],
    )
    .await?;
    if let (Some(mut audit), Some((key, _))) = (audit, &code.code) {
        let Some(SubjectRecord::Live(s)) = subjects::get_by_key(tx, keys, key).await? else {
            return Err(StoreError::NotFound(format!("subject {key}")));
        };
        audit.target = format!("subject:{}", s.pseudonym);
        outbox::insert(tx, keys, &items).await?;
        audit::append(tx, keys, vec![Entry::plain(audit)], Vec::new()).await?;
    }
    Ok(CodeIssued::Kept)
}

/// Equal in time whatever the bytes.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) async fn check(
    tx: &mut Tx,
    keys: &Keys,
    challenge_hash: &[u8; 32],
    code_hash: &[u8; 32],
    max_attempts: u32,
    mut audit: NewAudit,
) -> Result<CodeCheck> {
    let now = audit.at_ms;
    let lock = tx.dialect().for_update();
    let sql = format!(
        "SELECT subject_key, code_hash, expires_ms, attempts, used_ms FROM portal_codes WHERE challenge_hash = $1{lock}"
    );
    let Some(row) = tx.opt(&sql, params![challenge_hash.as_slice()]).await? else { return Ok(CodeCheck::Unknown) };
    let used: Option<i64> = row.get("used_ms")?;
    if used.is_some() {
        return Ok(CodeCheck::Unknown);
    }
    let attempts: i64 = row.get("attempts")?;
    let max = i64::from(max_attempts);
    if attempts >= max {
        return Ok(CodeCheck::Locked);
    }
    let expires: i64 = row.get("expires_ms")?;
    if expires <= now {
        return Ok(CodeCheck::Expired);
    }
    let attempts = attempts + 1;
    tx.exec(
        "UPDATE portal_codes SET attempts = $1 WHERE challenge_hash = $2",
        params![attempts, challenge_hash.as_slice()],
    )
    .await?;
    let stored: Option<Vec<u8>> = row.get("code_hash")?;
    let subject: Option<Vec<u8>> = row.get("subject_key")?;
    let right = stored.as_deref().is_some_and(|h| same(h, code_hash));
    if let (true, Some(key)) = (right, subject.as_deref().and_then(SubjectKey::from_slice)) {
        // A subject erased or cancelled since the code was sent does not sign in.
        if let Some(SubjectRecord::Live(s)) = subjects::get_by_key(tx, keys, &key).await?
            && s.status != SubjectStatus::Cancelled
        {
            tx.exec(
                "UPDATE portal_codes SET used_ms = $1 WHERE challenge_hash = $2",
                params![now, challenge_hash.as_slice()],
            )
            .await?;
            audit.target = format!("subject:{}", s.pseudonym);
            audit::append(tx, keys, vec![Entry::plain(audit)], Vec::new()).await?;
            return Ok(CodeCheck::SignedIn(key));
        }
        return Ok(CodeCheck::Unknown);
    }
    if attempts >= max {
        return Ok(CodeCheck::Locked);
    }
    Ok(CodeCheck::Wrong { left: u32::try_from(max - attempts).unwrap_or(0) })
}
