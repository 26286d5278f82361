//! Columns ↔ request, event and outbox types, shared by both engines. Rows are read by
//! column name into plain structs ([`read_cols!`], expanded in each engine on its own row
//! type), and the encoding — enum codes, JSON, encryption of details and payloads — is
//! written once here.

use crate::codec::{from_json, to_json};
use crate::crypto::Keys;
use crate::outbox::*;
use crate::request::*;
use crate::{Result, StoreError};
use chrono::NaiveDate;
use gebao_core::requests::{RequestKind, RequestState};
use std::collections::BTreeSet;

/// Fills a struct whose fields are named like the selected columns from a row of either
/// engine.
macro_rules! read_cols {
    ($row:expr, $T:ident { $($f:ident),* $(,)? }) => {
        $T { $($f: sqlx::Row::try_get($row, stringify!($f))?,)* }
    };
}
pub(crate) use read_cols;

/// A [`RequestCols`] from a row of either engine.
macro_rules! request_cols {
    ($row:expr) => {
        $crate::reqcodec::read_cols!(
            $row,
            RequestCols {
                id,
                subject,
                kind,
                state,
                requester,
                channel,
                received_ms,
                due_ms,
                due_date,
                due_estimated,
                verify_method,
                verify_attempts,
                otp_hash,
                otp_expires_ms,
                verified_ms,
                verified_as,
                refusal,
                fee,
                details_enc,
                progress,
                result,
                created_ms,
                updated_ms,
                closed_ms,
                version
            }
        )
    };
}
pub(crate) use request_cols;

/// An [`EventCols`] from a row of either engine.
macro_rules! event_cols {
    ($row:expr) => {
        $crate::reqcodec::read_cols!(
            $row,
            EventCols { seq, request_id, at_ms, actor, event, from_state, to_state, reason, detail }
        )
    };
}
pub(crate) use event_cols;

/// An [`OutboxCols`] from a row of either engine.
macro_rules! outbox_cols {
    ($row:expr) => {
        $crate::reqcodec::read_cols!(
            $row,
            OutboxCols {
                id,
                kind,
                channel,
                target,
                payload_enc,
                request_id,
                recipient,
                state,
                attempts,
                max_attempts,
                next_attempt_ms,
                last_error,
                created_ms,
                delivered_ms,
                response,
                ack_ms,
                ack,
                claim
            }
        )
    };
}
pub(crate) use outbox_cols;

/// Binds a [`RequestWrite`] in the order of [`REQUEST_COLS`].
macro_rules! bind_request {
    ($q:expr, $w:expr) => {
        $q.bind(&$w.id)
            .bind(&$w.subject)
            .bind($w.kind)
            .bind($w.state)
            .bind(&$w.requester)
            .bind(&$w.channel)
            .bind($w.received_ms)
            .bind($w.due_ms)
            .bind($w.due_date)
            .bind($w.due_estimated)
            .bind($w.verify_method)
            .bind($w.verify_attempts)
            .bind(&$w.otp_hash)
            .bind($w.otp_expires_ms)
            .bind($w.verified_ms)
            .bind(&$w.verified_as)
            .bind($w.refusal_reason)
            .bind(&$w.refusal)
            .bind(&$w.fee)
            .bind(&$w.details_enc)
            .bind(&$w.progress)
            .bind(&$w.result)
            .bind($w.created_ms)
            .bind($w.updated_ms)
            .bind($w.closed_ms)
            .bind($w.version)
    };
}
pub(crate) use bind_request;

pub(crate) const REQUEST_COLS: &str = "id, subject, kind, state, requester, channel, received_ms, due_ms, \
    due_date, due_estimated, verify_method, verify_attempts, otp_hash, otp_expires_ms, verified_ms, verified_as, \
    refusal_reason, refusal, fee, details_enc, progress, result, created_ms, updated_ms, closed_ms, version";
pub(crate) const REQUEST_NCOLS: usize = 26;

pub(crate) const EVENT_COLS: &str = "seq, request_id, at_ms, actor, event, from_state, to_state, reason, detail";

pub(crate) const OUTBOX_COLS: &str = "id, kind, channel, target, payload_enc, request_id, recipient, state, \
    attempts, max_attempts, next_attempt_ms, last_error, created_ms, delivered_ms, response, ack_ms, ack, claim";

/// A request row as read.
pub(crate) struct RequestCols {
    pub id: String,
    pub subject: String,
    pub kind: String,
    pub state: String,
    pub requester: String,
    pub channel: String,
    pub received_ms: i64,
    pub due_ms: i64,
    pub due_date: NaiveDate,
    pub due_estimated: bool,
    pub verify_method: Option<String>,
    pub verify_attempts: i64,
    pub otp_hash: Option<String>,
    pub otp_expires_ms: Option<i64>,
    pub verified_ms: Option<i64>,
    pub verified_as: Option<String>,
    pub refusal: Option<String>,
    pub fee: Option<String>,
    pub details_enc: Option<Vec<u8>>,
    pub progress: String,
    pub result: String,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub closed_ms: Option<i64>,
    pub version: i64,
}

/// A request as written.
pub(crate) struct RequestWrite {
    pub id: String,
    pub subject: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub requester: String,
    pub channel: String,
    pub received_ms: i64,
    pub due_ms: i64,
    pub due_date: NaiveDate,
    pub due_estimated: bool,
    pub verify_method: Option<&'static str>,
    pub verify_attempts: i64,
    pub otp_hash: Option<String>,
    pub otp_expires_ms: Option<i64>,
    pub verified_ms: Option<i64>,
    pub verified_as: Option<String>,
    pub refusal_reason: Option<&'static str>,
    pub refusal: Option<String>,
    pub fee: Option<String>,
    pub details_enc: Option<Vec<u8>>,
    pub progress: String,
    pub result: String,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub closed_ms: Option<i64>,
    pub version: i64,
}

fn details_aad(id: &str) -> Vec<u8> {
    format!("gebao/request/{id}/details").into_bytes()
}

fn payload_aad(id: &str) -> Vec<u8> {
    format!("gebao/outbox/{id}/payload").into_bytes()
}

impl RequestWrite {
    pub(crate) fn new(keys: &Keys, r: &RightsRequest) -> Result<Self> {
        let details_enc = if r.details.is_null() {
            None
        } else {
            Some(keys.encrypt(to_json(&r.details)?.as_bytes(), &details_aad(&r.id))?)
        };
        let v = &r.verification;
        Ok(RequestWrite {
            id: r.id.clone(),
            subject: r.subject.clone(),
            kind: r.kind.as_str(),
            state: r.state.as_str(),
            requester: to_json(&r.requester)?,
            channel: r.channel.clone(),
            received_ms: r.received_ms,
            due_ms: r.due_ms,
            due_date: r.due_date,
            due_estimated: r.due_estimated,
            verify_method: v.method.map(VerifyMethod::as_str),
            verify_attempts: i64::from(v.attempts),
            otp_hash: v.otp_hash.clone(),
            otp_expires_ms: v.otp_expires_ms,
            verified_ms: v.verified_ms,
            verified_as: v.verified_as.clone(),
            refusal_reason: r.refusal.as_ref().map(|x| x.reason.as_str()),
            refusal: r.refusal.as_ref().map(to_json).transpose()?,
            fee: r.fee.as_ref().map(to_json).transpose()?,
            details_enc,
            progress: to_json(&r.progress)?,
            result: to_json(&r.result)?,
            created_ms: r.created_ms,
            updated_ms: r.updated_ms,
            closed_ms: r.closed_ms,
            version: r.version,
        })
    }
}

fn parse_kind(s: &str) -> Result<RequestKind> {
    RequestKind::ALL
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown request kind `{s}`")))
}

pub(crate) fn parse_state(s: &str) -> Result<RequestState> {
    s.parse().map_err(|_| StoreError::Corrupt(format!("unknown request state `{s}`")))
}

pub(crate) fn request(keys: &Keys, c: RequestCols) -> Result<RightsRequest> {
    let details = match &c.details_enc {
        None => serde_json::Value::Null,
        Some(enc) => {
            let plain = keys.decrypt(enc, &details_aad(&c.id))?;
            let text = String::from_utf8(plain)
                .map_err(|_| StoreError::Corrupt(format!("details of request `{}` are not UTF-8", c.id)))?;
            from_json(&text, "request details")?
        }
    };
    let method = match c.verify_method.as_deref() {
        None => None,
        Some(m) => Some(VerifyMethod::parse(m).ok_or_else(|| StoreError::Corrupt(format!("verify method `{m}`")))?),
    };
    let refusal: Option<Refusal> = c.refusal.as_deref().map(|r| from_json(r, "refusal")).transpose()?;
    let progress: BTreeSet<String> = from_json(&c.progress, "request progress")?;
    Ok(RightsRequest {
        kind: parse_kind(&c.kind)?,
        state: parse_state(&c.state)?,
        requester: from_json(&c.requester, "requester")?,
        verification: Verification {
            method,
            attempts: u32::try_from(c.verify_attempts).unwrap_or(0),
            otp_hash: c.otp_hash,
            otp_expires_ms: c.otp_expires_ms,
            verified_ms: c.verified_ms,
            verified_as: c.verified_as,
        },
        refusal,
        fee: c.fee.as_deref().map(|f| from_json(f, "request fee")).transpose()?,
        details,
        progress,
        result: from_json(&c.result, "request result")?,
        id: c.id,
        subject: c.subject,
        channel: c.channel,
        received_ms: c.received_ms,
        due_ms: c.due_ms,
        due_date: c.due_date,
        due_estimated: c.due_estimated,
        created_ms: c.created_ms,
        updated_ms: c.updated_ms,
        closed_ms: c.closed_ms,
        version: c.version,
    })
}

/// An event row as read.
pub(crate) struct EventCols {
    pub seq: i64,
    pub request_id: String,
    pub at_ms: i64,
    pub actor: String,
    pub event: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub reason: Option<String>,
    pub detail: String,
}

pub(crate) fn event(c: EventCols) -> Result<RequestEventRow> {
    Ok(RequestEventRow {
        seq: c.seq,
        request_id: c.request_id,
        event: NewRequestEvent {
            at_ms: c.at_ms,
            actor: c.actor,
            event: c.event,
            from: c.from_state.as_deref().map(parse_state).transpose()?,
            to: parse_state(&c.to_state)?,
            reason: c.reason,
            detail: from_json(&c.detail, "event detail")?,
        },
    })
}

/// An outbox row as read.
pub(crate) struct OutboxCols {
    pub id: String,
    pub kind: String,
    pub channel: String,
    pub target: String,
    pub payload_enc: Option<Vec<u8>>,
    pub request_id: Option<String>,
    pub recipient: Option<String>,
    pub state: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub next_attempt_ms: i64,
    pub last_error: Option<String>,
    pub created_ms: i64,
    pub delivered_ms: Option<i64>,
    pub response: Option<String>,
    pub ack_ms: Option<i64>,
    pub ack: Option<String>,
    pub claim: Option<String>,
}

pub(crate) fn seal_payload(keys: &Keys, id: &str, payload: &serde_json::Value) -> Result<Vec<u8>> {
    keys.encrypt(to_json(payload)?.as_bytes(), &payload_aad(id))
}

pub(crate) fn outbox(keys: &Keys, c: OutboxCols) -> Result<OutboxItem> {
    let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("outbox item `{}`: unknown {what} `{v}`", c.id));
    let payload = match &c.payload_enc {
        None => serde_json::Value::Null,
        Some(enc) => {
            let plain = keys.decrypt(enc, &payload_aad(&c.id))?;
            let text = String::from_utf8(plain).map_err(|_| corrupt("payload encoding", "non-UTF-8"))?;
            from_json(&text, "outbox payload")?
        }
    };
    Ok(OutboxItem {
        kind: OutboxKind::parse(&c.kind).ok_or_else(|| corrupt("kind", &c.kind))?,
        channel: Channel::parse(&c.channel).ok_or_else(|| corrupt("channel", &c.channel))?,
        state: OutboxState::parse(&c.state).ok_or_else(|| corrupt("state", &c.state))?,
        payload,
        attempts: u32::try_from(c.attempts).unwrap_or(0),
        max_attempts: u32::try_from(c.max_attempts).unwrap_or(0),
        response: c.response.as_deref().map(|r| from_json(r, "outbox response")).transpose()?,
        ack: c.ack.as_deref().map(|r| from_json(r, "outbox acknowledgement")).transpose()?,
        id: c.id,
        target: c.target,
        request_id: c.request_id,
        recipient: c.recipient,
        next_attempt_ms: c.next_attempt_ms,
        last_error: c.last_error,
        created_ms: c.created_ms,
        delivered_ms: c.delivered_ms,
        ack_ms: c.ack_ms,
        claim: c.claim,
    })
}

/// The state a new item starts in: webhooks wait for delivery, manual items for a person.
pub(crate) fn initial_state(n: &NewOutbox) -> OutboxState {
    match n.channel {
        Channel::Webhook => OutboxState::Pending,
        Channel::Manual => OutboxState::Manual,
    }
}

/// An error message kept short enough for its column.
pub(crate) fn clip(s: &str) -> String {
    s.chars().take(1000).collect()
}

/// The requester JSON with an erased subject's id replaced by its pseudonym.
pub(crate) fn pseudonymise_requester(json: &str, subject: &str, pseudonym: &str) -> Result<String> {
    let mut r: Requester = from_json(json, "requester")?;
    if r.id == subject {
        r.id = pseudonym.to_owned();
    }
    to_json(&r)
}
