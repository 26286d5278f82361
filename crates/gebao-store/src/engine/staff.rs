//! Console staff accounts. The TOTP secret is encrypted with the store's key, bound to the
//! account's name. Every change of what decides access (role, password hash, secret,
//! disabled) is audited with a digest of those columns, and an account is checked against
//! that digest when it is read: a role raised or a hash replaced by editing the database
//! is refused. Sign-ins only touch the counters, which the digest leaves out.

use super::audit::{self, Entry};
use super::db::{Row, Tx, params};
use crate::chain::digest;
use crate::crypto::Keys;
use crate::model::NewAudit;
use crate::staff::{LOCK_MS, MAX_FAILURES, NewStaff, StaffAccount, StaffCredentials, TotpSecret};
use crate::{Result, StoreError};
use serde_json::json;

pub(crate) const STAFF_COLS: &str = "name, display_name, role, password_hash, totp_secret, totp_step, failed, locked_until_ms, \
                    disabled_ms, created_ms, changed_ms, signed_out_ms";

fn aad(name: &str) -> Vec<u8> {
    format!("gebao-staff-totp:{name}").into_bytes()
}

/// A staff row as stored.
pub(crate) struct StaffRow {
    name: String,
    display_name: String,
    role: String,
    password_hash: String,
    totp_secret: Vec<u8>,
    totp_step: i64,
    failed: i64,
    locked_until_ms: Option<i64>,
    disabled_ms: Option<i64>,
    created_ms: i64,
    changed_ms: i64,
    signed_out_ms: Option<i64>,
}

impl StaffRow {
    pub(crate) fn read(r: &Row) -> Result<Self> {
        Ok(StaffRow {
            name: r.get("name")?,
            display_name: r.get("display_name")?,
            role: r.get("role")?,
            password_hash: r.get("password_hash")?,
            totp_secret: r.get("totp_secret")?,
            totp_step: r.get("totp_step")?,
            failed: r.get("failed")?,
            locked_until_ms: r.get("locked_until_ms")?,
            disabled_ms: r.get("disabled_ms")?,
            created_ms: r.get("created_ms")?,
            changed_ms: r.get("changed_ms")?,
            signed_out_ms: r.get("signed_out_ms")?,
        })
    }

    pub(crate) fn target(&self) -> String {
        target(&self.name)
    }

    /// The digest of what decides access.
    pub(crate) fn state_digest(&self) -> String {
        digest(&json!({
            "name": self.name,
            "display_name": self.display_name,
            "role": self.role,
            "password_hash": self.password_hash,
            "totp_secret": hex::encode(&self.totp_secret),
            "disabled_ms": self.disabled_ms,
            "created_ms": self.created_ms,
            "changed_ms": self.changed_ms,
        }))
    }

    fn account(&self) -> Result<StaffAccount> {
        Ok(StaffAccount {
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            role: self.role.parse().map_err(StoreError::Corrupt)?,
            failed: self.failed,
            locked_until_ms: self.locked_until_ms,
            disabled_ms: self.disabled_ms,
            created_ms: self.created_ms,
            changed_ms: self.changed_ms,
            signed_out_ms: self.signed_out_ms,
        })
    }
}

pub(crate) fn target(name: &str) -> String {
    format!("staff:{name}")
}

async fn row(tx: &mut Tx, name: &str) -> Result<Option<StaffRow>> {
    let sql = format!("SELECT {STAFF_COLS} FROM staff WHERE name = $1");
    tx.opt(&sql, params![name]).await?.map(|r| StaffRow::read(&r)).transpose()
}

/// The row, checked against the digest its last audited change recorded.
async fn checked(tx: &mut Tx, name: &str) -> Result<Option<StaffRow>> {
    let Some(row) = row(tx, name).await? else { return Ok(None) };
    let recorded = audit::last_state(tx, &row.target()).await?;
    if recorded.as_deref() != Some(row.state_digest().as_str()) {
        return Err(StoreError::Tampered(format!(
            "staff account `{name}` does not match its audit record: it was changed outside gebao"
        )));
    }
    Ok(Some(row))
}

/// Appends `audit` for the account's row as it now is.
async fn audited(tx: &mut Tx, keys: &Keys, name: &str, mut audit: NewAudit) -> Result<StaffRow> {
    let row = row(tx, name).await?.ok_or_else(|| StoreError::Corrupt(format!("staff account `{name}` vanished")))?;
    audit.target = row.target();
    audit::append(tx, keys, vec![Entry::with_state(audit, row.state_digest())], Vec::new()).await?;
    Ok(row)
}

pub(crate) async fn create(tx: &mut Tx, keys: &Keys, s: NewStaff, audit: NewAudit) -> Result<StaffAccount> {
    let secret = keys.encrypt(&s.totp_secret.0, &aad(&s.name))?;
    tx.exec_on(
        &format!("staff account `{}`", s.name),
        &format!("INSERT INTO staff ({STAFF_COLS}) VALUES ($1, $2, $3, $4, $5, 0, 0, NULL, NULL, $6, $6, NULL)"),
        params![&s.name, &s.display_name, s.role.as_str(), &s.password_hash, secret, s.at_ms],
    )
    .await?;
    audited(tx, keys, &s.name, audit).await?.account()
}

pub(crate) async fn all(tx: &mut Tx) -> Result<Vec<StaffAccount>> {
    let sql = format!("SELECT {STAFF_COLS} FROM staff ORDER BY name");
    tx.all(&sql, Vec::new()).await?.iter().map(|r| StaffRow::read(r)?.account()).collect()
}

pub(crate) async fn credentials(tx: &mut Tx, keys: &Keys, name: &str) -> Result<Option<StaffCredentials>> {
    let Some(row) = checked(tx, name).await? else { return Ok(None) };
    let secret = keys.decrypt(&row.totp_secret, &aad(&row.name))?;
    Ok(Some(StaffCredentials {
        account: row.account()?,
        password_hash: row.password_hash.clone(),
        totp_secret: TotpSecret(secret),
        totp_step: row.totp_step,
    }))
}

pub(crate) async fn reset(
    tx: &mut Tx,
    keys: &Keys,
    name: &str,
    password_hash: String,
    secret: TotpSecret,
    audit: NewAudit,
) -> Result<Option<StaffAccount>> {
    if checked(tx, name).await?.is_none() {
        return Ok(None);
    }
    let sealed = keys.encrypt(&secret.0, &aad(name))?;
    tx.exec(
        "UPDATE staff SET password_hash = $1, totp_secret = $2, totp_step = 0, failed = 0, locked_until_ms = NULL, \
         changed_ms = $3 WHERE name = $4",
        params![password_hash, sealed, audit.at_ms, name],
    )
    .await?;
    Ok(Some(audited(tx, keys, name, audit).await?.account()?))
}

pub(crate) async fn disable(tx: &mut Tx, keys: &Keys, name: &str, audit: NewAudit) -> Result<bool> {
    if checked(tx, name).await?.is_none() {
        return Ok(false);
    }
    let done = tx
        .exec(
            "UPDATE staff SET disabled_ms = $1, changed_ms = $1 WHERE name = $2 AND disabled_ms IS NULL",
            params![audit.at_ms, name],
        )
        .await?;
    if done == 0 {
        return Ok(false);
    }
    audited(tx, keys, name, audit).await?;
    Ok(true)
}

pub(crate) async fn signed_in(tx: &mut Tx, keys: &Keys, name: &str, step: i64, mut audit: NewAudit) -> Result<bool> {
    // The step only moves forward: a code seen once (or an older one) is not taken again,
    // whichever instance sees it.
    let done = tx
        .exec(
            "UPDATE staff SET totp_step = $1, failed = 0, locked_until_ms = NULL WHERE name = $2 AND totp_step < $1",
            params![step, name],
        )
        .await?;
    if done == 0 {
        return Ok(false);
    }
    audit.target = target(name);
    audit::append(tx, keys, vec![Entry::plain(audit)], Vec::new()).await?;
    Ok(true)
}

/// A sign-out: the member's sessions started before `audit.at_ms` end, on every device.
pub(crate) async fn signed_out(tx: &mut Tx, keys: &Keys, name: &str, mut audit: NewAudit) -> Result<bool> {
    let at = audit.at_ms;
    if tx.exec("UPDATE staff SET signed_out_ms = $1 WHERE name = $2", params![at, name]).await? == 0 {
        return Ok(false);
    }
    audit.target = target(name);
    audit::append(tx, keys, vec![Entry::plain(audit)], Vec::new()).await?;
    Ok(true)
}

pub(crate) async fn sign_in_failed(tx: &mut Tx, keys: &Keys, name: &str, mut audit: NewAudit) -> Result<bool> {
    // The increment takes the row's lock first (PostgreSQL), so concurrent failures count.
    if tx.exec("UPDATE staff SET failed = failed + 1 WHERE name = $1", params![name]).await? == 0 {
        return Ok(false);
    }
    let Some(row) = row(tx, name).await? else { return Ok(false) };
    let locked = row.failed >= MAX_FAILURES;
    let at = audit.at_ms;
    if locked {
        tx.exec("UPDATE staff SET failed = 0, locked_until_ms = $1 WHERE name = $2", params![at + LOCK_MS, name])
            .await?;
    }
    audit.target = target(name);
    let mut entries = vec![Entry::plain(audit.clone())];
    if locked {
        entries.push(Entry::plain(NewAudit {
            action: crate::AuditAction::StaffLocked,
            reason: None,
            detail: json!({ "failures": row.failed, "until_ms": at + LOCK_MS }),
            ..audit
        }));
    }
    audit::append(tx, keys, entries, Vec::new()).await?;
    Ok(locked)
}
