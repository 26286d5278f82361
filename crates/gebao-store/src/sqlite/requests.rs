//! SQLite: rights requests and their events. Every write is one `BEGIN IMMEDIATE`
//! transaction holding the request change, its event, the outbox items it owes and its
//! audit entry (PIPL 51, 55: the record of a request and the request commit together).

use super::SqliteStore;
use super::write::append_audit_tx;
use crate::codec::{self, db_err};
use crate::model::*;
use crate::reqcodec::{self, *};
use crate::request::*;
use crate::{Result, StoreError};
use gebao_core::requests::RequestKind;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
}

pub(super) async fn insert_event(tx: &mut SqliteConnection, request_id: &str, e: &NewRequestEvent) -> Result<()> {
    sqlx::query(
        "INSERT INTO request_events (request_id, at_ms, actor, event, from_state, to_state, reason, detail) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(request_id)
    .bind(e.at_ms)
    .bind(&e.actor)
    .bind(&e.event)
    .bind(e.from.map(|s| s.as_str()))
    .bind(e.to.as_str())
    .bind(&e.reason)
    .bind(codec::to_json(&e.detail)?)
    .execute(&mut *tx)
    .await
    .map_err(|e| db_err(e, "request event"))?;
    Ok(())
}

pub(super) async fn create_request(
    s: &SqliteStore,
    mut req: RightsRequest,
    event: NewRequestEvent,
    audit: NewAudit,
    outbox: Vec<crate::outbox::NewOutbox>,
) -> Result<RightsRequest> {
    req.version = 0;
    let w = RequestWrite::new(&s.keys, &req)?;
    let sql = format!("INSERT INTO requests ({REQUEST_COLS}) VALUES ({})", placeholders(1, REQUEST_NCOLS));
    let mut tx = s.writer.begin_with("BEGIN IMMEDIATE").await?;
    bind_request!(sqlx::query(&sql), w)
        .execute(&mut *tx)
        .await
        .map_err(|e| db_err(e, &format!("request `{}`", req.id)))?;
    insert_event(&mut tx, &req.id, &event).await?;
    super::outbox::insert(&mut tx, &s.keys, &outbox).await?;
    append_audit_tx(&mut tx, vec![audit]).await?;
    tx.commit().await?;
    Ok(req)
}

pub(super) async fn update_request(
    s: &SqliteStore,
    mut req: RightsRequest,
    event: NewRequestEvent,
    audit: NewAudit,
    outbox: Vec<crate::outbox::NewOutbox>,
) -> Result<RightsRequest> {
    let expected = req.version;
    req.version += 1;
    let w = RequestWrite::new(&s.keys, &req)?;
    let sql = format!(
        "UPDATE requests SET ({REQUEST_COLS}) = ({}) WHERE id = ?{} AND version = ?{}",
        placeholders(1, REQUEST_NCOLS),
        REQUEST_NCOLS + 1,
        REQUEST_NCOLS + 2
    );
    let mut tx = s.writer.begin_with("BEGIN IMMEDIATE").await?;
    let done = bind_request!(sqlx::query(&sql), w).bind(&req.id).bind(expected).execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        let exists: Option<(i64,)> =
            sqlx::query_as("SELECT version FROM requests WHERE id = ?").bind(&req.id).fetch_optional(&mut *tx).await?;
        return Err(match exists {
            None => StoreError::NotFound(format!("request `{}`", req.id)),
            Some(_) => StoreError::Conflict(format!("request `{}` was changed meanwhile", req.id)),
        });
    }
    insert_event(&mut tx, &req.id, &event).await?;
    super::outbox::insert(&mut tx, &s.keys, &outbox).await?;
    append_audit_tx(&mut tx, vec![audit]).await?;
    tx.commit().await?;
    Ok(req)
}

pub(super) async fn request(s: &SqliteStore, id: &str) -> Result<Option<RightsRequest>> {
    let row = sqlx::query(&format!("SELECT {REQUEST_COLS} FROM requests WHERE id = ?"))
        .bind(id)
        .fetch_optional(&s.reader)
        .await?;
    match row {
        None => Ok(None),
        Some(r) => Ok(Some(reqcodec::request(&s.keys, request_cols!(&r))?)),
    }
}

pub(super) async fn list_requests(s: &SqliteStore, f: &RequestFilter) -> Result<Vec<RightsRequest>> {
    let mut qb = QueryBuilder::<Sqlite>::new(format!("SELECT {REQUEST_COLS} FROM requests WHERE 1 = 1"));
    if !f.states.is_empty() {
        qb.push(" AND state IN (");
        let mut sep = qb.separated(", ");
        for st in &f.states {
            sep.push_bind(st.as_str());
        }
        qb.push(")");
    }
    if let Some(subject) = &f.subject {
        qb.push(" AND subject = ").push_bind(subject.clone());
    }
    if let Some(kind) = f.kind {
        qb.push(" AND kind = ").push_bind(kind.as_str());
    }
    if f.open {
        qb.push(" AND closed_ms IS NULL");
    }
    if let Some(t) = f.due_before_ms {
        qb.push(" AND due_ms <= ").push_bind(t);
    }
    if let Some(t) = f.received_since_ms {
        qb.push(" AND received_ms >= ").push_bind(t);
    }
    if let Some((due, id)) = &f.after {
        qb.push(" AND (due_ms > ").push_bind(*due).push(" OR (due_ms = ").push_bind(*due);
        qb.push(" AND id > ").push_bind(id.clone()).push("))");
    }
    qb.push(" ORDER BY due_ms, id LIMIT ").push_bind(f.limit.clamp(1, 1000));
    let rows = qb.build().fetch_all(&s.reader).await?;
    rows.iter().map(|r| reqcodec::request(&s.keys, request_cols!(r))).collect()
}

pub(super) async fn count_requests(s: &SqliteStore, subject: &str, kind: RequestKind, since_ms: i64) -> Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM requests WHERE subject = ? AND kind = ? AND received_ms >= ?")
            .bind(subject)
            .bind(kind.as_str())
            .bind(since_ms)
            .fetch_one(&s.reader)
            .await?;
    Ok(n)
}

pub(super) async fn request_events(s: &SqliteStore, id: &str) -> Result<Vec<RequestEventRow>> {
    let rows = sqlx::query(&format!("SELECT {EVENT_COLS} FROM request_events WHERE request_id = ? ORDER BY seq"))
        .bind(id)
        .fetch_all(&s.reader)
        .await?;
    rows.iter().map(|r| reqcodec::event(event_cols!(r))).collect()
}

/// PIPL 47 after cancellation: gebao's own record of the subject loses everything but its
/// status; the subject's requests keep only a pseudonym and no details; delivered outbox
/// payloads of those requests are erased. The ledger and audit chains stay (the proof).
pub(super) async fn erase_subject(
    s: &SqliteStore,
    id: &str,
    pseudonym: &str,
    audit: NewAudit,
) -> Result<Option<Subject>> {
    let mut tx = s.writer.begin_with("BEGIN IMMEDIATE").await?;
    let done = sqlx::query(
        "UPDATE subjects SET status = 'cancelled', birth_date = NULL, age = NULL, age_known_on = NULL, \
         guardian = NULL, phone_enc = NULL, phone_index = NULL, email_enc = NULL, email_index = NULL, \
         updated_ms = ? WHERE id = ?",
    )
    .bind(audit.at_ms)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, requester FROM requests WHERE subject = ?").bind(id).fetch_all(&mut *tx).await?;
    for (rid, requester) in rows {
        let requester = reqcodec::pseudonymise_requester(&requester, id, pseudonym)?;
        sqlx::query(
            "UPDATE requests SET subject = ?, requester = ?, details_enc = NULL, version = version + 1 WHERE id = ?",
        )
        .bind(pseudonym)
        .bind(requester)
        .bind(&rid)
        .execute(&mut *tx)
        .await?;
        // The events name the subject too (who was verified): the same pseudonym there.
        sqlx::query("UPDATE request_events SET detail = REPLACE(detail, ?, ?) WHERE request_id = ?")
            .bind(codec::to_json(id)?)
            .bind(codec::to_json(pseudonym)?)
            .bind(&rid)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE outbox SET payload_enc = NULL WHERE request_id = ? AND state IN ('delivered', 'failed')")
            .bind(&rid)
            .execute(&mut *tx)
            .await?;
    }
    append_audit_tx(&mut tx, vec![audit]).await?;
    let stored = super::read::subject(&mut *tx, &s.keys, id).await?;
    tx.commit().await?;
    Ok(stored)
}
