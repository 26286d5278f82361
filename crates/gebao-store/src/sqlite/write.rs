//! SQLite writes. Each is one `BEGIN IMMEDIATE` transaction that also appends its audit
//! entry, so a write and the record of it commit together or not at all.

use super::SqliteStore;
use crate::codec::{self, AuditWrite, ConsentWrite, SubjectWrite, db_err};
use crate::model::*;
use crate::{Result, StoreError};
use gebao_core::decision::SubjectStatus;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, Transaction};

/// Rows per multi-row INSERT: well under SQLite's limit of 32766 bound variables.
const CHUNK: usize = 500;

async fn begin(s: &SqliteStore) -> Result<Transaction<'static, Sqlite>> {
    Ok(s.writer.begin_with("BEGIN IMMEDIATE").await?)
}

async fn head(tx: &mut SqliteConnection, chain: &str) -> Result<(i64, String)> {
    sqlx::query_as("SELECT seq, hash FROM chain_heads WHERE chain = ?")
        .bind(chain)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("chain head `{chain}` is missing")))
}

async fn set_head(tx: &mut SqliteConnection, chain: &str, seq: i64, hash: &str) -> Result<()> {
    sqlx::query("UPDATE chain_heads SET seq = ?, hash = ? WHERE chain = ?")
        .bind(seq)
        .bind(hash)
        .bind(chain)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Appends audit entries at the end of the audit chain, inside the caller's transaction.
pub(super) async fn append_audit_tx(tx: &mut SqliteConnection, entries: Vec<NewAudit>) -> Result<Vec<AuditRow>> {
    let (mut seq, mut prev) = head(tx, "audit").await?;
    let mut rows = Vec::with_capacity(entries.len());
    for a in entries {
        seq += 1;
        let w = AuditWrite::new(seq, &prev, a)?;
        prev.clone_from(&w.row.hash);
        rows.push(w);
    }
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO audit_log (seq, actor, action, target, reason, detail, at_ms, prev_hash, hash) ",
        );
        qb.push_values(chunk, |mut b, w| {
            let (r, e) = (&w.row, &w.row.entry);
            b.push_bind(r.seq)
                .push_bind(&e.actor)
                .push_bind(&e.action)
                .push_bind(&e.target)
                .push_bind(&e.reason)
                .push_bind(&w.detail)
                .push_bind(e.at_ms)
                .push_bind(&r.prev_hash)
                .push_bind(&r.hash);
        });
        qb.build().execute(&mut *tx).await?;
    }
    if !rows.is_empty() {
        set_head(tx, "audit", seq, &prev).await?;
    }
    Ok(rows.into_iter().map(|w| w.row).collect())
}

pub(super) async fn append_audit(s: &SqliteStore, audit: NewAudit) -> Result<AuditRow> {
    let mut tx = begin(s).await?;
    let row = append_audit_tx(&mut tx, vec![audit]).await?.pop();
    tx.commit().await?;
    row.ok_or_else(|| StoreError::Corrupt("audit entry was not appended".into()))
}

pub(super) async fn create_api_key(s: &SqliteStore, key: NewApiKey, audit: NewAudit) -> Result<ApiKey> {
    let scopes = codec::to_json(&key.scopes)?;
    let mut tx = begin(s).await?;
    sqlx::query("INSERT INTO api_keys (id, name, hash, scopes, created_ms) VALUES (?, ?, ?, ?, ?)")
        .bind(&key.id)
        .bind(&key.name)
        .bind(key.hash.as_slice())
        .bind(&scopes)
        .bind(key.created_ms)
        .execute(&mut *tx)
        .await
        .map_err(|e| db_err(e, &format!("API key `{}`", key.id)))?;
    append_audit_tx(&mut tx, vec![audit]).await?;
    tx.commit().await?;
    Ok(ApiKey { id: key.id, name: key.name, scopes: key.scopes, created_ms: key.created_ms, revoked_ms: None })
}

pub(super) async fn revoke_api_key(s: &SqliteStore, id: &str, audit: NewAudit) -> Result<bool> {
    let mut tx = begin(s).await?;
    let done = sqlx::query("UPDATE api_keys SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL")
        .bind(audit.at_ms)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if done == 0 {
        // Nothing changed, nothing to audit: the transaction rolls back on drop.
        return Ok(false);
    }
    append_audit_tx(&mut tx, vec![audit]).await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn put_subject(s: &SqliteStore, subject: NewSubject, audit: NewAudit) -> Result<Subject> {
    let mut tx = begin(s).await?;
    let existing: Option<(Option<i16>, Option<chrono::NaiveDate>)> =
        sqlx::query_as("SELECT age, age_known_on FROM subjects WHERE id = ?")
            .bind(&subject.id)
            .fetch_optional(&mut *tx)
            .await?;
    let w = SubjectWrite::new(&s.keys, &subject, existing)?;
    // An upsert: the profile is replaced; status and creation time are kept.
    sqlx::query(
        "INSERT INTO subjects (id, birth_date, age, age_known_on, guardian, phone_enc, phone_index, \
         email_enc, email_index, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET birth_date = excluded.birth_date, age = excluded.age, \
         age_known_on = excluded.age_known_on, guardian = excluded.guardian, \
         phone_enc = excluded.phone_enc, phone_index = excluded.phone_index, \
         email_enc = excluded.email_enc, email_index = excluded.email_index, \
         updated_ms = excluded.updated_ms",
    )
    .bind(&w.id)
    .bind(w.birth_date)
    .bind(w.age)
    .bind(w.age_known_on)
    .bind(&w.guardian)
    .bind(&w.phone_enc)
    .bind(&w.phone_index)
    .bind(&w.email_enc)
    .bind(&w.email_index)
    .bind(w.at_ms)
    .bind(w.at_ms)
    .execute(&mut *tx)
    .await
    .map_err(|e| db_err(e, &format!("subject `{}`", w.id)))?;
    append_audit_tx(&mut tx, vec![audit]).await?;
    let stored = super::read::subject(&mut *tx, &s.keys, &w.id).await?;
    tx.commit().await?;
    stored.ok_or_else(|| StoreError::Corrupt(format!("subject `{}` vanished while being written", w.id)))
}

pub(super) async fn set_subject_status(
    s: &SqliteStore,
    id: &str,
    status: SubjectStatus,
    audit: NewAudit,
) -> Result<Option<Subject>> {
    let mut tx = begin(s).await?;
    let done = sqlx::query("UPDATE subjects SET status = ?, updated_ms = ? WHERE id = ?")
        .bind(codec::status_str(status))
        .bind(audit.at_ms)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if done == 0 {
        return Ok(None);
    }
    append_audit_tx(&mut tx, vec![audit]).await?;
    let stored = super::read::subject(&mut *tx, &s.keys, id).await?;
    tx.commit().await?;
    Ok(stored)
}

pub(super) async fn append_consents(s: &SqliteStore, batch: Vec<NewConsent>) -> Result<Vec<ConsentRow>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let mut subjects: Vec<&str> = batch.iter().map(|c| c.subject.as_str()).collect();
    subjects.sort_unstable();
    subjects.dedup();
    let subjects = codec::to_json(&subjects)?;

    let mut tx = begin(s).await?;
    // Name the unknown subject instead of failing on the foreign key with a bare error.
    let missing: Option<(String,)> =
        sqlx::query_as("SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM subjects) LIMIT 1")
            .bind(&subjects)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((id,)) = missing {
        return Err(StoreError::NotFound(format!("subject `{id}`")));
    }

    let (mut seq, mut prev) = head(&mut tx, "consents").await?;
    let mut rows = Vec::with_capacity(batch.len());
    for c in batch {
        seq += 1;
        let w = ConsentWrite::new(seq, &prev, c)?;
        prev.clone_from(&w.row.hash);
        rows.push(w);
    }
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO consents (seq, subject, scope, action, policy_version, channel, evidence, \
             by_guardian, actor, at_ms, prev_hash, hash) ",
        );
        qb.push_values(chunk, |mut b, w| {
            let (r, c) = (&w.row, &w.row.record);
            b.push_bind(r.seq)
                .push_bind(&c.subject)
                .push_bind(&w.scope)
                .push_bind(w.action())
                .push_bind(c.policy_version)
                .push_bind(&c.channel)
                .push_bind(&w.evidence)
                .push_bind(c.by_guardian)
                .push_bind(&c.actor)
                .push_bind(c.at_ms)
                .push_bind(&r.prev_hash)
                .push_bind(&r.hash);
        });
        qb.build().execute(&mut *tx).await.map_err(|e| db_err(e, "consent record"))?;
    }
    set_head(&mut tx, "consents", seq, &prev).await?;
    append_audit_tx(&mut tx, rows.iter().map(ConsentWrite::audit).collect()).await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(|w| w.row).collect())
}

/// Stores the next version; an audit entry with an empty `target` is given
/// `policy:<version>`, since the caller cannot know the number in advance.
pub(super) async fn publish_policy(s: &SqliteStore, v: NewPolicyVersion, mut audit: NewAudit) -> Result<PolicyVersion> {
    let rendered = codec::to_json(&v.rendered)?;
    let diff = codec::to_json(&v.diff)?;
    let reconsent = codec::to_json(&v.reconsent)?;
    let mut tx = begin(s).await?;
    let (version,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(version), 0) + 1 FROM policy_versions").fetch_one(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO policy_versions (version, manifest, effective, rendered, diff, major, reconsent, \
         published_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(version)
    .bind(&v.manifest)
    .bind(v.effective)
    .bind(&rendered)
    .bind(&diff)
    .bind(v.major)
    .bind(&reconsent)
    .bind(v.published_ms)
    .execute(&mut *tx)
    .await
    .map_err(|e| db_err(e, &format!("policy version {version}")))?;
    if audit.target.is_empty() {
        audit.target = format!("policy:{version}");
    }
    append_audit_tx(&mut tx, vec![audit]).await?;
    tx.commit().await?;
    Ok(PolicyVersion { version, body: v })
}
