//! PostgreSQL reads.

use super::PgStore;
use crate::Result;
use crate::chain::{Verifier, VerifyReport};
use crate::codec::{self, *};
use crate::crypto::Keys;
use crate::model::*;
use sqlx::{Executor, PgConnection, Postgres};

pub(super) async fn api_keys(s: &PgStore) -> Result<Vec<ApiKey>> {
    let rows: Vec<ApiKeyTuple> =
        sqlx::query_as(&format!("SELECT {API_KEY_COLS} FROM api_keys ORDER BY created_ms, id"))
            .fetch_all(&s.pool)
            .await?;
    rows.into_iter().map(codec::api_key).collect()
}

pub(super) async fn api_key_by_hash(s: &PgStore, hash: &[u8; 32]) -> Result<Option<ApiKey>> {
    let row: Option<ApiKeyTuple> =
        sqlx::query_as(&format!("SELECT {API_KEY_COLS} FROM api_keys WHERE hash = $1 AND revoked_ms IS NULL"))
            .bind(hash.as_slice())
            .fetch_optional(&s.pool)
            .await?;
    row.map(codec::api_key).transpose()
}

/// One subject, through any executor (the pool, or a write transaction that wants to return
/// what it just stored).
pub(super) async fn subject<'c, E>(ex: E, keys: &Keys, id: &str) -> Result<Option<Subject>>
where
    E: Executor<'c, Database = Postgres>,
{
    let row: Option<SubjectTuple> = sqlx::query_as(&format!("SELECT {SUBJECT_COLS} FROM subjects WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?;
    row.map(|t| codec::subject(keys, t)).transpose()
}

pub(super) async fn subjects_by_index(s: &PgStore, index: &[u8; 32]) -> Result<Vec<Subject>> {
    let rows: Vec<SubjectTuple> = sqlx::query_as(&format!(
        "SELECT {SUBJECT_COLS} FROM subjects WHERE phone_index = $1 OR email_index = $1 ORDER BY id"
    ))
    .bind(index.as_slice())
    .fetch_all(&s.pool)
    .await?;
    rows.into_iter().map(|t| codec::subject(&s.keys, t)).collect()
}

pub(super) async fn load_all(s: &PgStore) -> Result<Vec<(Subject, Vec<ConsentRow>)>> {
    // One read transaction: a consistent snapshot of subjects and ledger.
    let mut tx = s.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?;
    let subjects: Vec<SubjectTuple> =
        sqlx::query_as(&format!("SELECT {SUBJECT_COLS} FROM subjects ORDER BY id")).fetch_all(&mut *tx).await?;
    let consents: Vec<ConsentTuple> =
        sqlx::query_as(&format!("SELECT {CONSENT_COLS} FROM consents ORDER BY seq")).fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let subjects = subjects.into_iter().map(|t| codec::subject(&s.keys, t)).collect::<Result<Vec<_>>>()?;
    let consents = consents.into_iter().map(codec::consent).collect::<Result<Vec<_>>>()?;
    Ok(codec::group(subjects, consents))
}

pub(super) async fn consents_after(s: &PgStore, after: i64, limit: i64) -> Result<Vec<ConsentRow>> {
    let rows: Vec<ConsentTuple> =
        sqlx::query_as(&format!("SELECT {CONSENT_COLS} FROM consents WHERE seq > $1 ORDER BY seq LIMIT $2"))
            .bind(after)
            .bind(limit.max(0))
            .fetch_all(&s.pool)
            .await?;
    rows.into_iter().map(codec::consent).collect()
}

pub(super) async fn consents_of(s: &PgStore, subject: &str) -> Result<Vec<ConsentRow>> {
    let rows: Vec<ConsentTuple> =
        sqlx::query_as(&format!("SELECT {CONSENT_COLS} FROM consents WHERE subject = $1 ORDER BY seq"))
            .bind(subject)
            .fetch_all(&s.pool)
            .await?;
    rows.into_iter().map(codec::consent).collect()
}

pub(super) async fn policy_versions(s: &PgStore) -> Result<Vec<PolicyVersionMeta>> {
    let rows: Vec<PolicyMetaTuple> =
        sqlx::query_as(&format!("SELECT {POLICY_META_COLS} FROM policy_versions ORDER BY version"))
            .fetch_all(&s.pool)
            .await?;
    rows.into_iter().map(codec::policy_meta).collect()
}

/// A given version, or the latest with `None`.
pub(super) async fn policy_version(s: &PgStore, version: Option<i64>) -> Result<Option<PolicyVersion>> {
    let q = match version {
        Some(_) => format!("SELECT {POLICY_COLS} FROM policy_versions WHERE version = $1"),
        None => format!("SELECT {POLICY_COLS} FROM policy_versions ORDER BY version DESC LIMIT 1"),
    };
    let mut q = sqlx::query_as::<_, PolicyTuple>(&q);
    if let Some(v) = version {
        q = q.bind(v);
    }
    q.fetch_optional(&s.pool).await?.map(codec::policy).transpose()
}

pub(super) async fn audit_after(s: &PgStore, after: i64, limit: i64) -> Result<Vec<AuditRow>> {
    let rows: Vec<AuditTuple> =
        sqlx::query_as(&format!("SELECT {AUDIT_COLS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"))
            .bind(after)
            .bind(limit.max(0))
            .fetch_all(&s.pool)
            .await?;
    rows.into_iter().map(codec::audit).collect()
}

async fn head(c: &mut PgConnection, chain: &str) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as("SELECT seq, hash FROM chain_heads WHERE chain = $1").bind(chain).fetch_optional(c).await?)
}

/// Walks both chains page by page inside one read transaction, so that appends made
/// meanwhile by the server are simply not seen (REPEATABLE READ snapshot) instead of looking like a
/// mismatch with the chain head.
pub(super) async fn verify(s: &PgStore) -> Result<VerifyReport> {
    let mut tx = s.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?;
    let consents_head = head(&mut tx, "consents").await?;
    let mut v = Verifier::new();
    let mut after = 0;
    loop {
        let rows: Vec<ConsentTuple> =
            sqlx::query_as(&format!("SELECT {CONSENT_COLS} FROM consents WHERE seq > $1 ORDER BY seq LIMIT $2"))
                .bind(after)
                .bind(VERIFY_PAGE)
                .fetch_all(&mut *tx)
                .await?;
        let Some(last) = rows.last().map(|r| r.0) else { break };
        after = last;
        codec::verify_consents(&mut v, rows);
    }
    let consents = v.finish(consents_head.as_ref().map(|(s, h)| (*s, h.as_str())));

    let audit_head = head(&mut tx, "audit").await?;
    let mut v = Verifier::new();
    let mut after = 0;
    loop {
        let rows: Vec<AuditTuple> =
            sqlx::query_as(&format!("SELECT {AUDIT_COLS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"))
                .bind(after)
                .bind(VERIFY_PAGE)
                .fetch_all(&mut *tx)
                .await?;
        let Some(last) = rows.last().map(|r| r.0) else { break };
        after = last;
        codec::verify_audit(&mut v, rows);
    }
    let audit = v.finish(audit_head.as_ref().map(|(s, h)| (*s, h.as_str())));
    tx.commit().await?;
    Ok(VerifyReport { consents, audit })
}
