//! Rights requests and their events. Every change is one transaction holding the request,
//! its events, the outbox items it owes, its audit entries and — when a transition has an
//! effect on gebao's own records (a restriction, withdrawals, an erasure) — that effect too:
//! no crash can leave a request changed without its effect, or the reverse (PIPL 51, 55).

use super::audit::{self, Entry};
use super::consents;
use super::db::{Param, Row, Tx, params, placeholders, values};
use super::json::{from_json, to_json};
use super::outbox;
use super::subjects;
use crate::crypto::Keys;
use crate::model::*;
use crate::outbox::NewOutbox;
use crate::request::*;
use crate::{Result, StoreError};
use gebao_core::requests::{RequestKind, RequestState};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) const REQUEST_COLS: &str = "id, subject, kind, state, requester, requester_id, channel, received_ms, \
     due_ms, due_date, due_estimated, verify_method, verify_attempts, otp_hash, otp_expires_ms, verified_ms, \
     verified_as, refusal_reason, refusal, fee, details_enc, progress, result, created_ms, updated_ms, closed_ms, \
     version";
const REQUEST_NCOLS: usize = 27;

const EVENT_COLS: &str = "seq, request_id, at_ms, actor, event, from_state, to_state, reason, detail";

fn details_aad(id: &str) -> Vec<u8> {
    format!("gebao/request/{id}/details").into_bytes()
}

/// The columns of a request, in the order of [`REQUEST_COLS`].
fn request_params(keys: &Keys, r: &RightsRequest) -> Result<Vec<Param>> {
    let details_enc = if r.details.is_null() {
        None
    } else {
        Some(keys.encrypt(to_json(&r.details)?.as_bytes(), &details_aad(&r.id))?)
    };
    let v = &r.verification;
    Ok(params![
        &r.id,
        &r.subject,
        r.kind.as_str(),
        r.state.as_str(),
        to_json(&r.requester)?,
        &r.requester.id,
        &r.channel,
        r.received_ms,
        r.due_ms,
        r.due_date,
        r.due_estimated,
        v.method.map(VerifyMethod::as_str),
        i64::from(v.attempts),
        v.otp_hash.as_deref(),
        v.otp_expires_ms,
        v.verified_ms,
        v.verified_as.as_deref(),
        r.refusal.as_ref().map(|x| x.reason.as_str()),
        r.refusal.as_ref().map(to_json).transpose()?,
        r.fee.as_ref().map(to_json).transpose()?,
        details_enc,
        to_json(&r.progress)?,
        to_json(&r.result)?,
        r.created_ms,
        r.updated_ms,
        r.closed_ms,
        r.version
    ])
}

fn parse_kind(s: &str) -> Result<RequestKind> {
    RequestKind::ALL
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown request kind `{s}`")))
}

fn parse_state(s: &str) -> Result<RequestState> {
    s.parse().map_err(|_| StoreError::Corrupt(format!("unknown request state `{s}`")))
}

pub(crate) fn request(keys: &Keys, r: &Row) -> Result<RightsRequest> {
    let id: String = r.get("id")?;
    let details = match r.get::<Option<Vec<u8>>>("details_enc")? {
        None => serde_json::Value::Null,
        Some(enc) => {
            let plain = keys.decrypt(&enc, &details_aad(&id))?;
            let text = String::from_utf8(plain)
                .map_err(|_| StoreError::Corrupt(format!("details of request `{id}` are not UTF-8")))?;
            from_json(&text, "request details")?
        }
    };
    let method = match r.get::<Option<String>>("verify_method")? {
        None => None,
        Some(m) => Some(VerifyMethod::parse(&m).ok_or_else(|| StoreError::Corrupt(format!("verify method `{m}`")))?),
    };
    let refusal: Option<String> = r.get("refusal")?;
    let fee: Option<String> = r.get("fee")?;
    let progress: String = r.get("progress")?;
    let result: String = r.get("result")?;
    let requester: String = r.get("requester")?;
    Ok(RightsRequest {
        kind: parse_kind(&r.get::<String>("kind")?)?,
        state: parse_state(&r.get::<String>("state")?)?,
        requester: from_json(&requester, "requester")?,
        verification: Verification {
            method,
            attempts: u32::try_from(r.get::<i64>("verify_attempts")?).unwrap_or(0),
            otp_hash: r.get("otp_hash")?,
            otp_expires_ms: r.get("otp_expires_ms")?,
            verified_ms: r.get("verified_ms")?,
            verified_as: r.get("verified_as")?,
        },
        refusal: refusal.as_deref().map(|x| from_json(x, "refusal")).transpose()?,
        fee: fee.as_deref().map(|f| from_json(f, "request fee")).transpose()?,
        details,
        progress: from_json::<BTreeSet<String>>(&progress, "request progress")?,
        result: from_json(&result, "request result")?,
        subject: r.get("subject")?,
        channel: r.get("channel")?,
        received_ms: r.get("received_ms")?,
        due_ms: r.get("due_ms")?,
        due_date: r.get("due_date")?,
        due_estimated: r.get("due_estimated")?,
        created_ms: r.get("created_ms")?,
        updated_ms: r.get("updated_ms")?,
        closed_ms: r.get("closed_ms")?,
        version: r.get("version")?,
        id,
    })
}

fn event(r: &Row) -> Result<RequestEventRow> {
    let from: Option<String> = r.get("from_state")?;
    let detail: String = r.get("detail")?;
    let step: String = r.get("event")?;
    Ok(RequestEventRow {
        seq: r.get("seq")?,
        request_id: r.get("request_id")?,
        event: NewRequestEvent {
            at_ms: r.get("at_ms")?,
            actor: r.get("actor")?,
            event: step.parse().map_err(StoreError::Corrupt)?,
            from: from.as_deref().map(parse_state).transpose()?,
            to: parse_state(&r.get::<String>("to_state")?)?,
            reason: r.get("reason")?,
            detail: from_json(&detail, "event detail")?,
        },
    })
}

async fn insert_events(tx: &mut Tx, request_id: &str, events: &[NewRequestEvent]) -> Result<()> {
    for e in events {
        tx.exec_on(
            "request event",
            "INSERT INTO request_events (request_id, at_ms, actor, event, from_state, to_state, reason, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            params![
                request_id,
                e.at_ms,
                &e.actor,
                e.event.as_str(),
                e.from.map(|s| s.as_str()),
                e.to.as_str(),
                e.reason.as_deref(),
                to_json(&e.detail)?
            ],
        )
        .await?;
    }
    Ok(())
}

pub(crate) async fn create(
    tx: &mut Tx,
    keys: &Keys,
    mut req: RightsRequest,
    event: NewRequestEvent,
    audit: NewAudit,
    items: Vec<NewOutbox>,
) -> Result<RightsRequest> {
    req.version = 0;
    let sql = format!("INSERT INTO requests ({REQUEST_COLS}) VALUES {}", values(1, REQUEST_NCOLS));
    tx.exec_on(&format!("request `{}`", req.id), &sql, request_params(keys, &req)?).await?;
    insert_events(tx, &req.id, std::slice::from_ref(&event)).await?;
    outbox::insert(tx, keys, &items).await?;
    audit::append(tx, keys, vec![Entry::plain(audit)], Vec::new()).await?;
    Ok(req)
}

/// Writes a change if the stored request still has `change.request.version` (then stored
/// with `version + 1`), with everything that goes with it.
pub(crate) async fn commit(tx: &mut Tx, keys: &Keys, change: RequestChange) -> Result<Committed> {
    let RequestChange { mut request, events, audit, outbox: items, consents: batch, subject } = change;
    let expected = request.version;
    request.version += 1;
    let sets =
        REQUEST_COLS.split(", ").enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect::<Vec<_>>().join(", ");
    let sql =
        format!("UPDATE requests SET {sets} WHERE id = ${} AND version = ${}", REQUEST_NCOLS + 1, REQUEST_NCOLS + 2);
    let mut ps = request_params(keys, &request)?;
    ps.extend(params![&request.id, expected]);
    if tx.exec(&sql, ps).await? == 0 {
        let exists = tx.opt("SELECT version FROM requests WHERE id = $1", params![&request.id]).await?;
        return Err(match exists {
            None => StoreError::NotFound(format!("request `{}`", request.id)),
            Some(_) => StoreError::Conflict(format!("request `{}` was changed meanwhile", request.id)),
        });
    }
    insert_events(tx, &request.id, &events).await?;
    outbox::insert(tx, keys, &items).await?;
    audit::append(tx, keys, audit.into_iter().map(Entry::plain).collect(), Vec::new()).await?;
    let consents = consents::append(tx, keys, batch).await?;
    let subject = match subject {
        None => None,
        Some(SubjectEffect::SetStatus { id, status, audit }) => {
            subjects::set_status(tx, keys, &id, status, audit).await?.map(SubjectOutcome::Changed)
        }
        Some(SubjectEffect::EraseFields { id, fields, clear_profile, audit }) => {
            subjects::erase_fields(tx, keys, &id, &fields, clear_profile, audit).await?.map(SubjectOutcome::Changed)
        }
        Some(SubjectEffect::Erase { id, audit }) => subjects::erase(tx, keys, &id, audit)
            .await?
            .map(|e| SubjectOutcome::Erased { tombstone: e.tombstone, pseudonym: e.pseudonym }),
    };
    // An erasure rewrote the request's subject: return it as stored.
    let request = if matches!(subject, Some(SubjectOutcome::Erased { .. })) {
        get(tx, keys, &request.id).await?.ok_or_else(|| StoreError::Corrupt("a request vanished".into()))?
    } else {
        request
    };
    Ok(Committed { request, consents, subject })
}

pub(crate) async fn get(tx: &mut Tx, keys: &Keys, id: &str) -> Result<Option<RightsRequest>> {
    let sql = format!("SELECT {REQUEST_COLS} FROM requests WHERE id = $1");
    tx.opt(&sql, params![id]).await?.map(|r| request(keys, &r)).transpose()
}

pub(crate) async fn list(tx: &mut Tx, keys: &Keys, f: &RequestFilter) -> Result<Vec<RightsRequest>> {
    let mut sql = format!("SELECT {REQUEST_COLS} FROM requests WHERE 1 = 1");
    let mut ps: Vec<Param> = Vec::new();
    let mut bind = |sql: &mut String, clause: &str, p: Param| {
        ps.push(p);
        sql.push_str(&clause.replace('?', &format!("${}", ps.len())));
    };
    if !f.states.is_empty() {
        let n = f.states.len();
        sql.push_str(" AND state IN (");
        for (i, st) in f.states.iter().enumerate() {
            bind(&mut sql, if i + 1 < n { "?, " } else { "?" }, Param::from(st.as_str()));
        }
        sql.push(')');
    }
    if let Some(subject) = &f.subject {
        bind(&mut sql, " AND subject = ?", Param::from(subject.as_str()));
    }
    if let Some(kind) = f.kind {
        bind(&mut sql, " AND kind = ?", Param::from(kind.as_str()));
    }
    if f.open {
        sql.push_str(" AND closed_ms IS NULL");
    }
    if let Some(t) = f.due_before_ms {
        bind(&mut sql, " AND due_ms <= ?", Param::from(t));
    }
    if let Some(t) = f.received_since_ms {
        bind(&mut sql, " AND received_ms >= ?", Param::from(t));
    }
    let order = tx.dialect().bytewise();
    if let Some((due, id)) = &f.after {
        // `due_ms >= ?` on its own is what starts the index scan at the page's place (under
        // a disjunction alone both engines read from the first request on); the id is
        // compared in the order the list is sorted in.
        bind(&mut sql, " AND due_ms >= ?", Param::from(*due));
        bind(&mut sql, " AND (due_ms > ?", Param::from(*due));
        bind(&mut sql, &format!(" OR id{order} > ?)"), Param::from(id.as_str()));
    }
    bind(&mut sql, &format!(" ORDER BY due_ms, id{order} LIMIT ?"), Param::from(f.limit.clamp(1, 1000)));
    tx.all(&sql, ps).await?.iter().map(|r| request(keys, r)).collect()
}

pub(crate) async fn count(tx: &mut Tx, subject: &str, kind: RequestKind, since_ms: i64) -> Result<i64> {
    let row = tx
        .opt(
            "SELECT COUNT(*) AS n FROM requests WHERE subject = $1 AND kind = $2 AND received_ms >= $3",
            params![subject, kind.as_str(), since_ms],
        )
        .await?;
    Ok(row.map(|r| r.get("n")).transpose()?.unwrap_or(0))
}

pub(crate) async fn events_of(tx: &mut Tx, ids: &[&str]) -> Result<BTreeMap<String, Vec<RequestEventRow>>> {
    let mut out: BTreeMap<String, Vec<RequestEventRow>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT {EVENT_COLS} FROM request_events WHERE request_id IN ({}) ORDER BY seq",
            placeholders(1, chunk.len())
        );
        let ps = chunk.iter().map(|id| Param::from(*id)).collect();
        for r in tx.all(&sql, ps).await? {
            let e = event(&r)?;
            out.entry(e.request_id.clone()).or_default().push(e);
        }
    }
    Ok(out)
}
