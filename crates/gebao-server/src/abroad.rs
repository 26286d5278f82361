//! Counting what goes abroad (XB24 arts. 7–8; `gebao_core::abroad`): every decision that
//! allows personal information to go to a counted recipient abroad marks its subject for the
//! year (in memory, under the shard's read lock) and, the first time, hands it to a
//! background task that writes the marks in batches (`Store::count_abroad`: each individual
//! once per year and kind, whichever instance saw it first). The deadline monitor compares
//! the year's counts, with what the operator reports, to the thresholds of part G and tells
//! the operator's webhook — once per threshold and year — when one is near (80%) or crossed
//! and a flow's declared mechanism falls short of what it makes necessary.
//!
//! A mark not yet written when the process stops is written again the next time that
//! subject's information goes abroad (the marks in memory start empty).

use crate::state::{AppState, audit};
use chrono::{DateTime, Datelike, Utc};
use gebao_core::abroad::{
    Nearness, ShortFlow, THRESHOLDS, Tally, Threshold, alert_text, counts, declares_flows, short_of,
};
use gebao_core::calendar::shanghai_date;
use gebao_core::manifest::{Manifest, Recipient};
use gebao_store::crypto::SubjectKey;
use gebao_store::{AuditAction, OutboxKind, StoreError};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::watch;

/// A subject seen abroad: the year, whether sensitive personal information went.
type Seen = (i32, SubjectKey, bool);

/// Most marks written in one transaction.
const BATCH: usize = 2_000;

/// Where decisions hand the subjects they count.
pub struct Counter {
    tx: UnboundedSender<Seen>,
}

impl Counter {
    pub fn channel() -> (Counter, UnboundedReceiver<Seen>) {
        let (tx, rx) = unbounded_channel();
        (Counter { tx }, rx)
    }
}

/// The Beijing year of `now_ms`.
pub fn year_of(now_ms: i64) -> i32 {
    shanghai_date(DateTime::from_timestamp_millis(now_ms).unwrap_or_default()).year()
}

/// Counts an allowed decision sending `fields` of the subject `key` to `r`, if `r` is a
/// counted flow abroad. Fields that are all sensitive count as sensitive
/// only; no fields, or some plain ones, count as non-sensitive too.
pub fn note(state: &AppState, m: &Manifest, r: &Recipient, key: &SubjectKey, fields: &[String], now_ms: i64) {
    if !counts(r) {
        return;
    }
    let sensitive = fields.iter().filter(|f| m.field(f).is_some_and(|f| f.is_sensitive())).count();
    let year = year_of(now_ms);
    let Ok(year16) = u16::try_from(year) else { return };
    let kinds = [(false, sensitive < fields.len() || fields.is_empty()), (true, sensitive > 0)];
    for (kind, sent) in kinds {
        if sent && state.subjects.mark_abroad(key, year16, kind) {
            // The receiver lives as long as the state: a send fails only at shutdown.
            let _ = state.abroad.tx.send((year, *key, kind));
        }
    }
}

/// Writes the marks in batches until `stop`; a batch that fails is kept and tried again.
pub async fn run(state: AppState, mut rx: UnboundedReceiver<Seen>, mut stop: watch::Receiver<bool>) {
    let mut pending: Vec<Seen> = Vec::new();
    loop {
        if pending.is_empty() {
            tokio::select! {
                got = rx.recv() => match got { Some(s) => pending.push(s), None => break },
                _ = stop.wait_for(|s| *s) => break,
            }
        }
        while pending.len() < BATCH {
            match rx.try_recv() {
                Ok(s) => pending.push(s),
                Err(_) => break,
            }
        }
        if let Err(e) = write(&state, &pending).await {
            tracing::warn!(error = %e, pending = pending.len(), "counting transfers abroad failed; retrying");
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = stop.wait_for(|s| *s) => break,
            }
            continue;
        }
        pending.clear();
    }
    while let Ok(s) = rx.try_recv() {
        pending.push(s);
    }
    if let Err(e) = write(&state, &pending).await {
        tracing::warn!(error = %e, lost = pending.len(), "transfers abroad not counted at shutdown; counted again when next sent");
    }
}

async fn write(state: &AppState, seen: &[Seen]) -> Result<(), StoreError> {
    let mut by_year: BTreeMap<i32, Vec<(SubjectKey, bool)>> = BTreeMap::new();
    for (year, key, sensitive) in seen {
        by_year.entry(*year).or_default().push((*key, *sensitive));
    }
    for (year, marks) in by_year {
        state.store.count_abroad(year, marks, crate::now_ms()).await?;
    }
    Ok(())
}

/// A threshold and where the year's count stands against it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ThresholdView {
    pub key: &'static str,
    pub sensitive: bool,
    pub at: u64,
    pub count: u64,
    /// `approaching` (80% or more) or `crossed`; absent below.
    #[schema(value_type = Option<String>)]
    pub nearness: Option<Nearness>,
    /// What it makes necessary (zh-CN, English).
    pub need: String,
    pub need_en: String,
    /// The counted flows whose declared mechanism falls short of it.
    #[schema(value_type = Vec<Object>)]
    pub short: Vec<ShortFlow>,
}

/// The thresholds against the year's tally.
pub fn thresholds(m: &Manifest, t: Tally) -> Vec<ThresholdView> {
    THRESHOLDS
        .iter()
        .map(|th: &Threshold| {
            let need = th.band.label();
            ThresholdView {
                key: th.key,
                sensitive: th.sensitive,
                at: th.at,
                count: th.count(t),
                nearness: th.nearness(t),
                need: need.zh.to_owned(),
                need_en: need.en.to_owned(),
                short: short_of(m, th.band),
            }
        })
        .collect()
}

/// What the monitor alerted on (for tests and the log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alerted {
    pub key: &'static str,
    pub nearness: Nearness,
}

/// One pass of the monitor: alerts for every threshold near or crossed that a counted flow's
/// mechanism does not cover, once per year, threshold and nearness.
pub async fn pass(state: &AppState, now: DateTime<Utc>) -> Result<Vec<Alerted>, StoreError> {
    let year = shanghai_date(now).year();
    let (totals, _) = state.store.abroad(year).await?;
    let tally = Tally { individuals: totals.individuals(), sensitive: totals.sensitive() };
    let current = state.policies.current();
    let m = &current.manifest;
    let mut out = Vec::new();
    for th in THRESHOLDS {
        let Some(near) = th.nearness(tally) else { continue };
        let short = short_of(m, th.band);
        // Alert only where something is missing: a flow short of the band, or no flow
        // declared at all although information went abroad.
        if short.is_empty() && declares_flows(m) {
            continue;
        }
        out.push(Alerted { key: th.key, nearness: near });
        let level = match near {
            Nearness::Approaching => "approaching",
            Nearness::Crossed => "crossed",
        };
        let text = alert_text(th, near, tally, year, &short);
        let Some(url) = state.requests.operator_webhook.clone() else {
            tracing::warn!(threshold = th.key, level, "{}", text.en);
            continue;
        };
        let payload = json!({
            "kind": "abroad-threshold",
            "year": year,
            "threshold": th.key,
            "at": th.at,
            "count": th.count(tally),
            "nearness": level,
            "short": short,
            "message": { "zh-CN": text.zh, "en": text.en },
        });
        let mut item = crate::requests::change::webhook(state, OutboxKind::DeadlineNotice, &url, payload, None);
        item.dedupe = Some(format!("abroad:{year}:{}:{level}", th.key));
        let entry = audit(
            "system:abroad".into(),
            AuditAction::AbroadAlert,
            format!("abroad:{year}"),
            None,
            json!({ "threshold": th.key, "count": th.count(tally), "nearness": level }),
        );
        state.store.enqueue_outbox(vec![item], vec![entry]).await?;
    }
    Ok(out)
}
