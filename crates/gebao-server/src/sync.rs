//! Keeping in step with other instances that share the database (DESIGN "Scale"): every
//! `sync_interval` (250 ms by default) this task reads the ledger records it has not seen
//! (`Store::consents_after`) and applies them, so a withdrawal made on another instance
//! is honoured here within about one interval (PIPL 15). It also reads the new audit
//! entries to learn of subjects registered or whose status changed elsewhere, and of
//! policy versions published elsewhere — the store has no change feed of its own for
//! those — and swaps in a policy version on the day it takes effect.

use crate::state::AppState;
use crate::versions::today;
use crate::writer;
use chrono::NaiveDate;
use gebao_store::{Store, StoreError};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

/// Records read per call.
const PAGE: i64 = 1000;

/// How far this instance has read the shared ledger and audit log.
#[derive(Debug, Clone, Copy)]
pub struct Cursors {
    /// Highest ledger sequence number applied.
    pub ledger: i64,
    /// Highest audit sequence number examined.
    pub audit: i64,
}

/// The sync task; ends when `stop` turns true.
pub async fn run(state: AppState, mut cursors: Cursors, every: Duration, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut day = today();
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|s| *s) => break,
        }
        if let Err(e) = step(&state, &mut cursors, &mut day).await {
            state.metrics.sync_error();
            tracing::warn!(error = %e, "sync with the shared database failed; retrying");
        }
    }
    tracing::debug!("sync task stopped");
}

#[derive(Debug, thiserror::Error)]
enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Policy(#[from] crate::versions::RefreshError),
}

async fn step(state: &AppState, cursors: &mut Cursors, day: &mut NaiveDate) -> Result<(), SyncError> {
    let store = state.store.as_ref();
    loop {
        let rows = store.consents_after(cursors.ledger, PAGE).await?;
        for row in &rows {
            if !writer::apply(state, row).await {
                // Not advanced past a record that could not be applied: next tick retries.
                return Ok(());
            }
            cursors.ledger = row.seq;
        }
        if (rows.len() as i64) < PAGE {
            break;
        }
    }
    let mut policy_published = false;
    loop {
        let rows = store.audit_after(cursors.audit, PAGE).await?;
        for row in &rows {
            let e = &row.entry;
            if e.action == "policy.publish" {
                policy_published = true;
            } else if e.action.starts_with("subject.")
                && let Some(id) = e.target.strip_prefix("subject:")
                && let Some(s) = store.subject(id).await?
            {
                state.subjects.put_profile(&s);
            }
            cursors.audit = row.seq;
        }
        if (rows.len() as i64) < PAGE {
            break;
        }
    }
    let now = today();
    if policy_published || now != *day {
        state.policies.refresh(store).await?;
        *day = now;
    }
    Ok(())
}

/// The highest audit sequence number, found with O(log n) probes of `audit_after(x, 1)`
/// (the store has no call that returns it).
pub async fn audit_head(store: &dyn Store) -> Result<i64, StoreError> {
    let exists_after = |x: i64| async move { store.audit_after(x, 1).await.map(|r| !r.is_empty()) };
    if !exists_after(0).await? {
        return Ok(0);
    }
    // Invariant: a record exists after `lo`, none after `hi`.
    let (mut lo, mut hi) = (0_i64, 1_i64);
    while exists_after(hi).await? {
        lo = hi;
        hi = hi.saturating_mul(2);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if exists_after(mid).await? {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(hi)
}
