//! PostgreSQL: rights requests and their events. Every write is one transaction holding the request change, its event, the outbox items it owes and its
//! audit entry (PIPL 51, 55: the record of a request and the request commit together).

use super::PgStore;
use super::write::append_audit_tx;
use crate::codec::{self, db_err};
use crate::model::*;
use crate::reqcodec::{self, *};
use crate::request::*;
use crate::{Result, StoreError};
use gebao_core::requests::RequestKind;
use sqlx::{PgConnection, Postgres, QueryBuilder};

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

pub(super) async fn insert_event(tx: &mut PgConnection, request_id: &str, e: &NewRequestEvent) -> Result<()> {
    sqlx::query(
        "INSERT INTO request_events (request_id, at_ms, actor, event, from_state, to_state, reason, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
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
    s: &PgStore,
    mut req: RightsRequest,
    event: NewRequestEvent,
    audit: NewAudit,
    outbox: Vec<crate::outbox::NewOutbox>,
) -> Result<RightsRequest> {
    req.version = 0;
    let w = RequestWrite::new(&s.keys, &req)?;
    let sql = format!("INSERT INTO requests ({REQUEST_COLS}) VALUES ({})", placeholders(1, REQUEST_NCOLS));
    let mut tx = s.pool.begin().await?;
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
    s: &PgStore,
    mut req: RightsRequest,
    event: NewRequestEvent,
    audit: NewAudit,
    outbox: Vec<crate::outbox::NewOutbox>,
) -> Result<RightsRequest> {
    let expected = req.version;
    req.version += 1;
    let w = RequestWrite::new(&s.keys, &req)?;
    let sql = format!(
        "UPDATE requests SET ({REQUEST_COLS}) = ({}) WHERE id = ${} AND version = ${}",
        placeholders(1, REQUEST_NCOLS),
        REQUEST_NCOLS + 1,
        REQUEST_NCOLS + 2
    );
    let mut tx = s.pool.begin().await?;
    let done = bind_request!(sqlx::query(&sql), w).bind(&req.id).bind(expected).execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        let exists: Option<(i64,)> =
            sqlx::query_as("SELECT version FROM requests WHERE id = $1").bind(&req.id).fetch_optional(&mut *tx).await?;
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

pub(super) async fn request(s: &PgStore, id: &str) -> Result<Option<RightsRequest>> {
    let row = sqlx::query(&format!("SELECT {REQUEST_COLS} FROM requests WHERE id = $1"))
        .bind(id)
        .fetch_optional(&s.pool)
        .await?;
    match row {
        None => Ok(None),
        Some(r) => Ok(Some(reqcodec::request(&s.keys, request_cols!(&r))?)),
    }
}

pub(super) async fn list_requests(s: &PgStore, f: &RequestFilter) -> Result<Vec<RightsRequest>> {
    let mut qb = QueryBuilder::<Postgres>::new(format!("SELECT {REQUEST_COLS} FROM requests WHERE 1 = 1"));
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
    let rows = qb.build().fetch_all(&s.pool).await?;
    rows.iter().map(|r| reqcodec::request(&s.keys, request_cols!(r))).collect()
}

pub(super) async fn count_requests(s: &PgStore, subject: &str, kind: RequestKind, since_ms: i64) -> Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM requests WHERE subject = $1 AND kind = $2 AND received_ms >= $3")
            .bind(subject)
            .bind(kind.as_str())
            .bind(since_ms)
            .fetch_one(&s.pool)
            .await?;
    Ok(n)
}

pub(super) async fn request_events(s: &PgStore, id: &str) -> Result<Vec<RequestEventRow>> {
    let rows = sqlx::query(&format!("SELECT {EVENT_COLS} FROM request_events WHERE request_id = $1 ORDER BY seq"))
        .bind(id)
        .fetch_all(&s.pool)
        .await?;
    rows.iter().map(|r| reqcodec::event(event_cols!(r))).collect()
}

/// PIPL 47 after cancellation: gebao's own record of the subject loses everything but its
/// status; the subject's requests keep only a pseudonym and no details; delivered outbox
/// payloads of those requests are erased. The ledger and audit chains stay (the proof).
pub(super) async fn erase_subject(s: &PgStore, id: &str, pseudonym: &str, audit: NewAudit) -> Result<Option<Subject>> {
    let mut tx = s.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE subjects SET status = 'cancelled', birth_date = NULL, age = NULL, age_known_on = NULL, \
         guardian = NULL, phone_enc = NULL, phone_index = NULL, email_enc = NULL, email_index = NULL, \
         updated_ms = $1 WHERE id = $2",
    )
    .bind(audit.at_ms)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, requester FROM requests WHERE subject = $1").bind(id).fetch_all(&mut *tx).await?;
    for (rid, requester) in rows {
        let requester = reqcodec::pseudonymise_requester(&requester, id, pseudonym)?;
        sqlx::query(
            "UPDATE requests SET subject = $1, requester = $2, details_enc = NULL, version = version + 1 WHERE id = $3",
        )
        .bind(pseudonym)
        .bind(requester)
        .bind(&rid)
        .execute(&mut *tx)
        .await?;
        // The events name the subject too (who was verified): the same pseudonym there.
        sqlx::query("UPDATE request_events SET detail = REPLACE(detail, $1, $2) WHERE request_id = $3")
            .bind(codec::to_json(id)?)
            .bind(codec::to_json(pseudonym)?)
            .bind(&rid)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE outbox SET payload_enc = NULL WHERE request_id = $1 AND state IN ('delivered', 'failed')")
            .bind(&rid)
            .execute(&mut *tx)
            .await?;
    }
    append_audit_tx(&mut tx, vec![audit]).await?;
    let stored = super::read::subject(&mut *tx, &s.keys, id).await?;
    tx.commit().await?;
    Ok(stored)
}
