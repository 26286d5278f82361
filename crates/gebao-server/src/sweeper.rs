//! The scheduled retention sweep (issue: retention is enforced, not only declared): every
//! `sweep_interval`, when the policy version in force declares dataset tables with a
//! `retention`, one instance applies it to the operator's databases
//! (`gebao_connectors::Executor::sweep`, which never goes below a legal minimum nor touches
//! rows under a legal hold) and records the report in the audit log (`retention.sweep`)
//! and the metrics.
//!
//! Several instances share a database, so the interval is leased through the outbox: each
//! instance enqueues one manual item whose dedupe key is the interval's start, and only
//! the one whose enqueue inserted it sweeps; it then acknowledges the item with the report
//! and the audit entry in one transaction. Manual items are never claimed by the delivery
//! loop. A failure (a database down) is logged and the next interval tries again.

use crate::requests::change::new_id;
use crate::state::{AppState, audit};
use chrono::{DateTime, Utc};
use gebao_connectors::SweepReport;
use gebao_store::AuditAction;
use gebao_store::{Channel, NewOutbox, OutboxKind, StoreError};
use serde_json::json;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

/// Who the audit log names for scheduled sweeps.
pub const ACTOR: &str = "system:sweeper";
/// The outbox target of the lease items (a name, never delivered anywhere).
const TARGET: &str = "retention-sweep";

/// Why a scheduled sweep did not run to the end.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("datasets: {0}")]
    Datasets(String),
    #[error("sweep: {0}")]
    Connector(#[from] gebao_connectors::Error),
}

/// The loop; ends when `stop` turns true.
pub async fn run(state: AppState, every: Duration, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|s| *s) => break,
        }
        match pass(&state, every, Utc::now()).await {
            Ok(Some(r)) => tracing::info!(
                rows = r.rows,
                tables = r.tables.len(),
                protected = r.tables.iter().map(|t| t.protected).sum::<u64>(),
                rows_per_second = r.rows_per_second,
                "retention sweep done"
            ),
            Ok(None) => {}
            Err(e) => {
                state.metrics.sweep_failed();
                tracing::warn!(error = %e, "retention sweep failed; retrying next interval");
            }
        }
    }
    tracing::debug!("retention sweeper stopped");
}

/// The start of the interval `now` falls in, in Unix milliseconds: the lease key.
pub fn interval_start(now: DateTime<Utc>, every: Duration) -> i64 {
    let every = i64::try_from(every.as_millis()).unwrap_or(i64::MAX).max(1);
    now.timestamp_millis().div_euclid(every) * every
}

/// One pass: the report when this instance swept, `None` when there is nothing to sweep
/// or another instance holds this interval.
#[tracing::instrument(skip_all)]
pub async fn pass(state: &AppState, every: Duration, now: DateTime<Utc>) -> Result<Option<SweepReport>, SweepError> {
    let current = state.policies.current();
    let tables = current.manifest.datasets.iter().flat_map(|d| &d.tables).filter(|t| t.retention.is_some()).count();
    if tables == 0 {
        return Ok(None);
    }
    let start = interval_start(now, every);
    let lease = NewOutbox {
        id: new_id("obx"),
        kind: OutboxKind::RetentionSweep,
        channel: Channel::Manual,
        target: TARGET.into(),
        payload: json!({ "kind": TARGET, "interval_start_ms": start, "policy_version": current.version }),
        request_id: None,
        recipient: None,
        dedupe: Some(format!("{TARGET}:{start}")),
        sensitive: false,
        max_attempts: 1,
        created_ms: crate::now_ms(),
    };
    let Some(id) = state.store.enqueue_outbox(vec![lease], Vec::new()).await?.into_iter().next() else {
        tracing::debug!(interval_start_ms = start, "another instance sweeps this interval");
        return Ok(None);
    };
    tracing::info!(tables, policy_version = current.version, "retention sweep started");
    let target = format!("policy:{}", current.version);
    let swept = match state.datasets.executor(state) {
        Ok(exec) => exec.sweep(now, false).await.map_err(SweepError::from),
        Err(e) => Err(SweepError::Datasets(e.to_string())),
    };
    match swept {
        Ok(report) => {
            let detail = serde_json::to_value(&report).unwrap_or_default();
            let entry = audit(ACTOR.into(), AuditAction::RetentionSweep, target, None, detail.clone());
            state.metrics.sweep_done(&report);
            state.store.acknowledge_outbox(&id, detail, entry).await?;
            Ok(Some(report))
        }
        Err(e) => {
            let entry = audit(
                ACTOR.into(),
                AuditAction::RetentionSweepFailed,
                target,
                Some(e.to_string()),
                json!({ "tables": tables }),
            );
            if let Err(store) = state.store.acknowledge_outbox(&id, json!({ "error": e.to_string() }), entry).await {
                tracing::warn!(error = %store, "cannot record a failed retention sweep");
            }
            Err(e)
        }
    }
}
