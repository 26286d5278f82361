//! Bulk import (`gebao import`, docs/import.md): subjects and consents an operator already
//! holds, one JSON object a line, checked exactly as `POST /v1/subjects` and
//! `POST /v1/consents` check them — the same fields, the same refusals — and, for a consent,
//! with the time it was given (`at_ms`). The command validates a whole file before it writes
//! anything and then writes in large batches, each one transaction.

use crate::error::ApiError;
use crate::messages::Text;
use crate::routes::{ConsentBody, SubjectBody};
use gebao_core::manifest::Manifest;
use gebao_store::{NewConsent, NewSubject};
use serde::Deserialize;

/// What is wrong with one line: the field and the fix, zh-CN and English.
#[derive(Debug, Clone)]
pub struct LineError {
    pub field: String,
    pub text: Text,
}

impl From<ApiError> for LineError {
    fn from(e: ApiError) -> Self {
        let p = e.problem();
        LineError { field: p.field.unwrap_or_default(), text: Text::new(p.detail, p.detail_en) }
    }
}

fn parse<T: for<'de> Deserialize<'de>>(line: &str) -> Result<T, LineError> {
    serde_json::from_str(line).map_err(|e| LineError {
        field: String::new(),
        text: Text::new(format!("不是有效的记录：{e}"), format!("not a valid record: {e}")),
    })
}

/// A subject line: the body of `POST /v1/subjects`.
pub fn subject(line: &str, at_ms: i64) -> Result<NewSubject, LineError> {
    let body: SubjectBody = parse(line)?;
    Ok(body.parse(at_ms)?)
}

/// Checks a consent line against the manifest `m` of the version in force (`current`), with
/// `latest` the newest version published.
pub fn consent(
    line: &str,
    m: &Manifest,
    current: i64,
    latest: i64,
    actor: &str,
    now_ms: i64,
) -> Result<NewConsent, LineError> {
    // The body of `POST /v1/consents`, and `at_ms`: when it was given (now by default).
    let mut v: serde_json::Value = parse(line)?;
    let at_ms = match v.as_object_mut().and_then(|o| o.remove("at_ms")) {
        None => now_ms,
        Some(t) => t.as_i64().ok_or_else(at_ms_error)?,
    };
    let body: ConsentBody = serde_json::from_value(v).map_err(|e| LineError {
        field: String::new(),
        text: Text::new(format!("不是有效的同意记录：{e}"), format!("not a valid consent record: {e}")),
    })?;
    // From 2000 on: an earlier time is a unit mistake (seconds for milliseconds).
    if at_ms > now_ms || at_ms < 946_684_800_000 {
        return Err(at_ms_error());
    }
    Ok(crate::routes::consent_record(body, m, current, latest, actor.to_owned(), at_ms)?)
}

fn at_ms_error() -> LineError {
    LineError {
        field: "at_ms".into(),
        text: Text::new(
            "at_ms 是同意的时间（Unix 毫秒），须在 2000 年之后且不晚于现在".into(),
            "`at_ms` is when consent was given (Unix milliseconds): after 2000 and not in the future".into(),
        ),
    }
}
