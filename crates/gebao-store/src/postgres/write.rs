//! PostgreSQL writes. Each is one transaction that also appends its audit entry. Chain
//! heads are locked in a fixed order (consents, then audit) so that concurrent writers
//! from several instances queue instead of deadlocking.

use super::{CONSENTS_CHANNEL, PgStore};
use crate::codec::{self, AuditWrite, ConsentWrite, SubjectWrite, db_err};
use crate::model::*;
use crate::{Result, StoreError};
use gebao_core::decision::SubjectStatus;
use sqlx::{PgConnection, Postgres, Transaction};

async fn begin(s: &PgStore) -> Result<Transaction<'static, Postgres>> {
    Ok(s.pool.begin().await?)
}

/// Locks a chain head until the transaction ends and returns its seq and hash.
async fn lock_head(tx: &mut PgConnection, chain: &str) -> Result<(i64, String)> {
    sqlx::query_as("SELECT seq, hash FROM chain_heads WHERE chain = $1 FOR UPDATE")
        .bind(chain)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("chain head `{chain}` is missing")))
}

async fn set_head(tx: &mut PgConnection, chain: &str, seq: i64, hash: &str) -> Result<()> {
    sqlx::query("UPDATE chain_heads SET seq = $1, hash = $2 WHERE chain = $3")
        .bind(seq)
        .bind(hash)
        .bind(chain)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Appends audit entries at the end of the audit chain, inside the caller's transaction,
/// in one statement (arrays + `UNNEST`) whatever their number.
pub(super) async fn append_audit_tx(tx: &mut PgConnection, entries: Vec<NewAudit>) -> Result<Vec<AuditRow>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let (mut seq, mut prev) = lock_head(tx, "audit").await?;
    let mut rows = Vec::with_capacity(entries.len());
    for a in entries {
        seq += 1;
        let w = AuditWrite::new(seq, &prev, a)?;
        prev.clone_from(&w.row.hash);
        rows.push(w);
    }
    let col = |f: &dyn Fn(&AuditWrite) -> String| rows.iter().map(f).collect::<Vec<String>>();
    sqlx::query(
        "INSERT INTO audit_log (seq, actor, action, target, reason, detail, at_ms, prev_hash, hash) \
         SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], \
         $6::text[], $7::bigint[], $8::text[], $9::text[])",
    )
    .bind(rows.iter().map(|w| w.row.seq).collect::<Vec<i64>>())
    .bind(col(&|w| w.row.entry.actor.clone()))
    .bind(col(&|w| w.row.entry.action.clone()))
    .bind(col(&|w| w.row.entry.target.clone()))
    .bind(rows.iter().map(|w| w.row.entry.reason.clone()).collect::<Vec<Option<String>>>())
    .bind(col(&|w| w.detail.clone()))
    .bind(rows.iter().map(|w| w.row.entry.at_ms).collect::<Vec<i64>>())
    .bind(col(&|w| w.row.prev_hash.clone()))
    .bind(col(&|w| w.row.hash.clone()))
    .execute(&mut *tx)
    .await?;
    set_head(tx, "audit", seq, &prev).await?;
    Ok(rows.into_iter().map(|w| w.row).collect())
}

pub(super) async fn append_audit(s: &PgStore, audit: NewAudit) -> Result<AuditRow> {
    let mut tx = begin(s).await?;
    let row = append_audit_tx(&mut tx, vec![audit]).await?.pop();
    tx.commit().await?;
    row.ok_or_else(|| StoreError::Corrupt("audit entry was not appended".into()))
}

pub(super) async fn create_api_key(s: &PgStore, key: NewApiKey, audit: NewAudit) -> Result<ApiKey> {
    let scopes = codec::to_json(&key.scopes)?;
    let mut tx = begin(s).await?;
    sqlx::query("INSERT INTO api_keys (id, name, hash, scopes, created_ms) VALUES ($1, $2, $3, $4, $5)")
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

pub(super) async fn revoke_api_key(s: &PgStore, id: &str, audit: NewAudit) -> Result<bool> {
    let mut tx = begin(s).await?;
    let done = sqlx::query("UPDATE api_keys SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL")
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

pub(super) async fn put_subject(s: &PgStore, subject: NewSubject, audit: NewAudit) -> Result<Subject> {
    let mut tx = begin(s).await?;
    // The row lock makes the read of the stored age and the upsert one step even when two
    // instances update the same subject at once; `NO KEY` so that consents being appended
    // for this subject (whose foreign key check takes a key-share lock) do not wait.
    let existing: Option<(Option<i16>, Option<chrono::NaiveDate>)> =
        sqlx::query_as("SELECT age, age_known_on FROM subjects WHERE id = $1 FOR NO KEY UPDATE")
            .bind(&subject.id)
            .fetch_optional(&mut *tx)
            .await?;
    let w = SubjectWrite::new(&s.keys, &subject, existing)?;
    // An upsert: the profile is replaced; status and creation time are kept.
    sqlx::query(
        "INSERT INTO subjects (id, birth_date, age, age_known_on, guardian, phone_enc, phone_index, \
         email_enc, email_index, created_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
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
    .execute(&mut *tx)
    .await
    .map_err(|e| db_err(e, &format!("subject `{}`", w.id)))?;
    append_audit_tx(&mut tx, vec![audit]).await?;
    let stored = super::read::subject(&mut *tx, &s.keys, &w.id).await?;
    tx.commit().await?;
    stored.ok_or_else(|| StoreError::Corrupt(format!("subject `{}` vanished while being written", w.id)))
}

pub(super) async fn set_subject_status(
    s: &PgStore,
    id: &str,
    status: SubjectStatus,
    audit: NewAudit,
) -> Result<Option<Subject>> {
    let mut tx = begin(s).await?;
    let done = sqlx::query("UPDATE subjects SET status = $1, updated_ms = $2 WHERE id = $3")
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

pub(super) async fn append_consents(s: &PgStore, batch: Vec<NewConsent>) -> Result<Vec<ConsentRow>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let mut subjects: Vec<String> = batch.iter().map(|c| c.subject.clone()).collect();
    subjects.sort_unstable();
    subjects.dedup();

    let mut tx = begin(s).await?;
    let (mut seq, mut prev) = lock_head(&mut tx, "consents").await?;
    // Name the unknown subject instead of failing on the foreign key with a bare error.
    let missing: Option<(String,)> = sqlx::query_as(
        "SELECT s FROM UNNEST($1::text[]) AS t(s) WHERE NOT EXISTS (SELECT 1 FROM subjects WHERE id = t.s) LIMIT 1",
    )
    .bind(&subjects)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((id,)) = missing {
        return Err(StoreError::NotFound(format!("subject `{id}`")));
    }

    let mut rows = Vec::with_capacity(batch.len());
    for c in batch {
        seq += 1;
        let w = ConsentWrite::new(seq, &prev, c)?;
        prev.clone_from(&w.row.hash);
        rows.push(w);
    }
    let text = |f: &dyn Fn(&ConsentWrite) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let int = |f: &dyn Fn(&ConsentWrite) -> i64| rows.iter().map(f).collect::<Vec<i64>>();
    sqlx::query(
        "INSERT INTO consents (seq, subject, scope, action, policy_version, channel, evidence, \
         by_guardian, actor, at_ms, prev_hash, hash) \
         SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], \
         $6::text[], $7::text[], $8::boolean[], $9::text[], $10::bigint[], $11::text[], $12::text[])",
    )
    .bind(int(&|w| w.row.seq))
    .bind(text(&|w| w.row.record.subject.clone()))
    .bind(text(&|w| w.scope.clone()))
    .bind(text(&|w| w.action().to_string()))
    .bind(int(&|w| w.row.record.policy_version))
    .bind(text(&|w| w.row.record.channel.clone()))
    .bind(text(&|w| w.evidence.clone()))
    .bind(rows.iter().map(|w| w.row.record.by_guardian).collect::<Vec<bool>>())
    .bind(text(&|w| w.row.record.actor.clone()))
    .bind(int(&|w| w.row.record.at_ms))
    .bind(text(&|w| w.row.prev_hash.clone()))
    .bind(text(&|w| w.row.hash.clone()))
    .execute(&mut *tx)
    .await
    .map_err(|e| db_err(e, "consent record"))?;
    set_head(&mut tx, "consents", seq, &prev).await?;
    append_audit_tx(&mut tx, rows.iter().map(ConsentWrite::audit).collect()).await?;
    // Delivered to listeners only if and when the transaction commits.
    sqlx::query("SELECT pg_notify($1, $2)").bind(CONSENTS_CHANNEL).bind(seq.to_string()).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(|w| w.row).collect())
}

/// Stores the next version; an audit entry with an empty `target` is given
/// `policy:<version>`, since the caller cannot know the number in advance.
pub(super) async fn publish_policy(s: &PgStore, v: NewPolicyVersion, mut audit: NewAudit) -> Result<PolicyVersion> {
    let rendered = codec::to_json(&v.rendered)?;
    let diff = codec::to_json(&v.diff)?;
    let reconsent = codec::to_json(&v.reconsent)?;
    let mut tx = begin(s).await?;
    // The audit head lock, taken first, serialises publishers across instances, so the
    // next version number is computed from the last committed one.
    lock_head(&mut tx, "audit").await?;
    let (version,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(version), 0) + 1 FROM policy_versions").fetch_one(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO policy_versions (version, manifest, effective, rendered, diff, major, reconsent, \
         published_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
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
