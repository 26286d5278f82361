//! Records of provision (PIPL 55–56; GB/T 35273 9.2 i: the date, scale, purpose and
//! recipient of each sharing, kept three years): every decision that allows a purpose to
//! send fields to a recipient adds one to that day's count for the recipient and purpose, in
//! memory; a background task adds the counts to the store every second (and at shutdown),
//! deleting records older than three years. A batch that cannot be written is kept and
//! written with the next.

use crate::state::AppState;
use chrono::{DateTime, Months, NaiveDate};
use gebao_core::calendar::shanghai_date;
use gebao_core::manifest::RecipientKind;
use gebao_store::StoreError;
use gebao_store::provision::{KEEP_YEARS, ProvisionRecord};
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::watch;

/// How often the counts are written.
const EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
struct Pending {
    kind: Option<RecipientKind>,
    decisions: u64,
    fields: BTreeSet<String>,
}

/// The counts not yet written, by (day, recipient, purpose).
#[derive(Debug, Default)]
pub struct Provisions {
    pending: Mutex<HashMap<(NaiveDate, String, String), Pending>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every update is a few plain assignments: a poisoned lock is still consistent.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Provisions {
    /// Counts one allowed decision for `recipient` and `purpose` naming `fields`.
    pub fn note(&self, now_ms: i64, recipient: &str, kind: RecipientKind, purpose: &str, fields: &[String]) {
        let day = shanghai_date(DateTime::from_timestamp_millis(now_ms).unwrap_or_default());
        let mut pending = lock(&self.pending);
        let entry = pending.entry((day, recipient.to_owned(), purpose.to_owned())).or_default();
        entry.kind = Some(kind);
        entry.decisions += 1;
        for f in fields {
            if !entry.fields.contains(f) {
                entry.fields.insert(f.clone());
            }
        }
    }

    fn take(&self) -> HashMap<(NaiveDate, String, String), Pending> {
        std::mem::take(&mut *lock(&self.pending))
    }

    /// Puts back counts that could not be written.
    fn restore(&self, back: HashMap<(NaiveDate, String, String), Pending>) {
        let mut pending = lock(&self.pending);
        for (key, p) in back {
            let entry = pending.entry(key).or_default();
            entry.kind = entry.kind.or(p.kind);
            entry.decisions += p.decisions;
            entry.fields.extend(p.fields);
        }
    }
}

/// Writes what is counted; on failure the counts stay for the next time.
pub async fn flush(state: &AppState) -> Result<usize, StoreError> {
    let taken = state.provisions.take();
    if taken.is_empty() {
        return Ok(0);
    }
    let rows: Vec<ProvisionRecord> = taken
        .iter()
        .map(|((day, recipient, purpose), p)| ProvisionRecord {
            day: *day,
            recipient: recipient.clone(),
            purpose: purpose.clone(),
            kind: p.kind.map(gebao_core::wire_name).unwrap_or_default(),
            decisions: p.decisions,
            fields: p.fields.iter().cloned().collect(),
        })
        .collect();
    let n = rows.len();
    let today = crate::versions::today();
    let keep_from = today.checked_sub_months(Months::new(12 * KEEP_YEARS as u32)).unwrap_or(today);
    match state.store.record_provisions(rows, keep_from, crate::now_ms()).await {
        Ok(()) => Ok(n),
        Err(e) => {
            state.provisions.restore(taken);
            Err(e)
        }
    }
}

/// Writes the counts every second until `stop`, then once more.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|s| *s) => break,
        }
        if let Err(e) = flush(&state).await {
            tracing::warn!(error = %e, "provision records not written; retrying");
        }
    }
    if let Err(e) = flush(&state).await {
        tracing::warn!(error = %e, "provision records not written at shutdown");
    }
}
